import {statSync} from 'node:fs';
import {join} from 'node:path';
import {afterEach, beforeEach, describe, expect, it, vi} from 'vitest';
import {CollectorClosedError, CollectorQueryError} from '../../src/collector/errors.js';
import {MemoryStore} from '../../src/collector/memory-store.js';
import {parseQuery} from '../../src/collector/query.js';
import {SqliteStore} from '../../src/collector/sqlite-store.js';
import type {EventStore} from '../../src/collector/types.js';
import {record, tempDir} from './helpers.js';

const hour = 3_600_000;
const base = Date.UTC(2026, 0, 1, 10, 0, 0);

const implementations: Array<[string, () => {store: EventStore; cleanup: () => void}]> = [
	['MemoryStore', () => ({store: new MemoryStore(), cleanup: () => {}})],
	[
		'SqliteStore',
		() => {
			const temp = tempDir();
			return {store: new SqliteStore({path: join(temp.dir, 'events.db'), checkpointIntervalMs: 0}), cleanup: temp.remove};
		},
	],
];

describe.each(implementations)('%s (the EventStore contract)', (_name, make) => {
	let store: EventStore;
	let cleanup: () => void;

	beforeEach(() => {
		({store, cleanup} = make());
	});

	afterEach(async () => {
		await store.close();
		cleanup();
	});

	it('insert() stores records and get() returns them whole', async () => {
		const event = record({data: {nested: {a: [1, 'two', null]}}, tags: ['x', 'y'], metadata: {source_component: 'api'}, correlationId: 'c1', causationId: 'p1'});
		expect(await store.insert([event])).toEqual(['stored']);
		expect(await store.get(event.eventId)).toEqual(event);
	});

	it('insert() - an event already stored under the same (source, id) is a duplicate and not stored again', async () => {
		const event = record();
		await store.insert([event]);
		expect(await store.insert([{...event, data: {changed: true}}])).toEqual(['duplicate']);
		expect((await store.query({})).events).toHaveLength(1);
		expect((await store.get(event.eventId))?.data).toEqual(event.data);
	});

	it('insert() - the same id within one call is stored once', async () => {
		const event = record();
		expect(await store.insert([event, event])).toEqual(['stored', 'duplicate']);
	});

	it('insert() - the same id from two sources is two events', async () => {
		const event = record();
		expect(await store.insert([event, {...event, sourceSystem: 'billing'}])).toEqual(['stored', 'stored']);
	});

	it('insert() - concurrent calls each resolve with their own outcomes', async () => {
		const a = record();
		const b = record();
		const [first, second] = await Promise.all([store.insert([a, b]), store.insert([b, record()])]);
		expect(first).toEqual(['stored', 'stored']);
		expect(second).toEqual(['duplicate', 'stored']);
		expect(store.health().total_events).toBe(3);
	});

	it('query() sorts by timestamp, newest first by default, and ascending on request', async () => {
		const events = [record({timestamp: base + 2}), record({timestamp: base}), record({timestamp: base + 1})];
		await store.insert(events);
		expect((await store.query({})).events.map(event => event.timestamp)).toEqual([base + 2, base + 1, base]);
		expect((await store.query({sort: 'asc'})).events.map(event => event.timestamp)).toEqual([base, base + 1, base + 2]);
	});

	it('query() - a cursor pages through equal timestamps without skipping or repeating', async () => {
		const events = Array.from({length: 7}, () => record({timestamp: base}));
		await store.insert(events);
		const seen: string[] = [];
		let cursor: string | undefined;
		for (let page = 0; page < 10; page++) {
			const result = await store.query({limit: 3, ...(cursor === undefined ? {} : {cursor})});
			seen.push(...result.events.map(event => event.eventId));
			if (result.nextCursor === null) break;
			cursor = result.nextCursor;
		}
		expect(seen).toHaveLength(7);
		expect(new Set(seen)).toEqual(new Set(events.map(event => event.eventId)));
	});

	it('query() - a cursor stays stable while newer events arrive', async () => {
		await store.insert(Array.from({length: 4}, (_, index) => record({timestamp: base + index})));
		const first = await store.query({limit: 2});
		await store.insert([record({timestamp: base + 100})]);
		const second = await store.query({limit: 2, cursor: first.nextCursor!});
		expect(second.events.map(event => event.timestamp)).toEqual([base + 1, base]);
		expect(second.nextCursor).toBeNull();
	});

	it('query() - offset skips events', async () => {
		await store.insert(Array.from({length: 5}, (_, index) => record({timestamp: base + index})));
		expect((await store.query({offset: 3})).events.map(event => event.timestamp)).toEqual([base + 1, base]);
	});

	it('query() filters by source, exact type, severity and minimum severity', async () => {
		await store.insert([
			record({sourceSystem: 'a', eventType: 't1', severity: 'debug'}),
			record({sourceSystem: 'a', eventType: 't2', severity: 'error'}),
			record({sourceSystem: 'b', eventType: 't1', severity: 'critical'}),
			record({sourceSystem: 'b', eventType: 't1', severity: 'warning'}),
		]);
		const count = async (query: Parameters<EventStore['query']>[0]) => (await store.query(query)).events.length;
		expect(await count({sourceSystem: 'a'})).toBe(2);
		expect(await count({eventType: 't1'})).toBe(3);
		expect(await count({severity: 'error'})).toBe(1);
		expect(await count({minSeverity: 'warning'})).toBe(3);
		expect(await count({sourceSystem: 'b', minSeverity: 'error'})).toBe(1);
	});

	it('query() - an event type with wildcards is a topic pattern with topicbus semantics', async () => {
		for (const eventType of ['order.created', 'order.eu.created', 'order', 'payment.failed', 'order.payment.failed', '$bus.dead-letter']) {
			await store.insert([record({eventType})]);
		}
		const types = async (pattern: string) => (await store.query({eventType: pattern, sort: 'asc'})).events.map(event => event.eventType).sort();
		expect(await types('order.*')).toEqual(['order.created']);
		expect(await types('order.**')).toEqual(['order', 'order.created', 'order.eu.created', 'order.payment.failed']);
		expect(await types('**.failed')).toEqual(['order.payment.failed', 'payment.failed']);
		expect(await types('**')).not.toContain('$bus.dead-letter');
	});

	it('query() filters by time range (inclusive), correlation id and every tag', async () => {
		await store.insert([
			record({timestamp: base, tags: ['prod', 'api'], correlationId: 'w1'}),
			record({timestamp: base + 10, tags: ['prod'], correlationId: 'w1'}),
			record({timestamp: base + 20, tags: ['api'], correlationId: 'w2'}),
		]);
		const count = async (query: Parameters<EventStore['query']>[0]) => (await store.query(query)).events.length;
		expect(await count({startTime: base + 10})).toBe(2);
		expect(await count({startTime: base, endTime: base + 10})).toBe(2);
		expect(await count({correlationId: 'w1'})).toBe(2);
		expect(await count({tags: ['prod']})).toBe(2);
		expect(await count({tags: ['prod', 'api']})).toBe(1);
	});

	it('query() - free text matches type, payload, tags and metadata, ASCII case-insensitively', async () => {
		await store.insert([
			record({eventType: 'db.timeout', data: {}}),
			record({data: {message: 'Connection REFUSED by peer'}}),
			record({tags: ['Nightly']}),
			record({metadata: {host: 'web-7'}}),
			record({data: {message: 'fine'}}),
		]);
		const count = async (text: string) => (await store.query({text})).events.length;
		expect(await count('timeout')).toBe(1);
		expect(await count('refused by')).toBe(1);
		expect(await count('nightly')).toBe(1);
		expect(await count('WEB-7')).toBe(1);
		expect(await count('absent')).toBe(0);
		expect(await count('timeout {')).toBe(0);
	});

	it('query() - free text treats % _ and \\ literally', async () => {
		await store.insert([record({eventId: '1', data: {m: '100% sure'}}), record({eventId: '2', data: {m: 'a_b'}}), record({eventId: '3', data: {m: 'back\\slash'}}), record({eventId: '4', data: {m: 'plain'}})]);
		const ids = async (text: string) => (await store.query({text})).events.map(event => event.eventId).sort();
		expect(await ids('100%')).toEqual(['1']);
		expect(await ids('a_b')).toEqual(['2']);
		expect(await ids('_')).toEqual(['2']);
		expect(await ids('\\')).toEqual(['3']);
		expect(await ids('PLAIN')).toEqual(['4']);
	});

	it('query() - hostile filter values are data, never SQL', async () => {
		await store.insert([record({sourceSystem: "a'; DROP TABLE events; --"}), record()]);
		const hostile = parseQuery({source_system: "a'; DROP TABLE events; --", q: "%' OR 1=1 --"});
		expect((await store.query(hostile)).events).toHaveLength(0);
		expect((await store.query({sourceSystem: "a'; DROP TABLE events; --"})).events).toHaveLength(1);
		expect((await store.query({text: '%'})).events).toHaveLength(0);
		expect((await store.query({text: '_'})).events).toHaveLength(0);
		expect((await store.query({text: '\\'})).events).toHaveLength(0);
		expect((await store.query({})).events).toHaveLength(2);
	});

	it('byCorrelation() returns the workflow oldest first', async () => {
		await store.insert([record({correlationId: 'w', timestamp: base + 5}), record({correlationId: 'w', timestamp: base}), record({correlationId: 'x'})]);
		expect((await store.byCorrelation('w')).map(event => event.timestamp)).toEqual([base, base + 5]);
	});

	it('stats() counts by source, type, severity, component and hour within the filter', async () => {
		await store.insert([
			record({timestamp: base, sourceSystem: 'a', eventType: 't1', severity: 'info', metadata: {source_component: 'api'}}),
			record({timestamp: base + 10, sourceSystem: 'a', eventType: 't2', severity: 'error', metadata: {component: 'db'}}),
			record({timestamp: base + hour + 1, sourceSystem: 'b', eventType: 't1', severity: 'error'}),
			record({timestamp: base + 5 * hour, sourceSystem: 'b', eventType: 't1', severity: 'error'}),
		]);
		const stats = await store.stats({startTime: base, endTime: base + 2 * hour});
		expect(stats.total_events).toBe(3);
		expect(stats.by_source_system).toEqual({a: 2, b: 1});
		expect(stats.by_event_type).toEqual({t1: 2, t2: 1});
		expect(stats.by_severity).toEqual({info: 1, error: 2});
		expect(stats.by_component).toEqual({api: 1, db: 1});
		expect(stats.by_hour).toEqual([
			{hour: new Date(base).toISOString(), total: 2, by_severity: {info: 1, error: 1}, by_source_system: {a: 2}},
			{hour: new Date(base + hour).toISOString(), total: 1, by_severity: {error: 1}, by_source_system: {b: 1}},
		]);
		expect(stats.time_range).toEqual({start: new Date(base).toISOString(), end: new Date(base + 2 * hour).toISOString()});
	});

	it('prune() deletes by age and beyond the newest maxEvents', async () => {
		await store.insert(Array.from({length: 10}, (_, index) => record({timestamp: base + index})));
		expect(await store.prune({before: base + 3})).toBe(3);
		expect(await store.prune({maxEvents: 4})).toBe(3);
		const left = (await store.query({sort: 'asc'})).events.map(event => event.timestamp);
		expect(left).toEqual([base + 6, base + 7, base + 8, base + 9]);
		expect(store.health().total_events).toBe(4);
	});

	it('prune() keeps more survivors than a call can take as arguments, and still knows them as duplicates', async () => {
		const count = 200_000;
		const records = Array.from({length: count}, (_, index) => record({eventId: `id-${index}`, timestamp: base + index}));
		for (let start = 0; start < count; start += 20_000) await store.insert(records.slice(start, start + 20_000));
		expect(await store.prune({before: base + 10})).toBe(10);
		expect(store.health().total_events).toBe(count - 10);
		expect(await store.insert([record({eventId: `id-${count - 1}`, timestamp: base + count - 1})])).toEqual(['duplicate']);
	}, 60_000);

	it('after close() every method rejects with CollectorClosedError', async () => {
		await store.close();
		await expect(store.insert([record()])).rejects.toBeInstanceOf(CollectorClosedError);
		await expect(store.query({})).rejects.toMatchObject({code: 'ERR_COLLECTOR_CLOSED'});
	});
});

describe('SqliteStore', () => {
	it('keeps committed events across a reopen', async () => {
		const temp = tempDir();
		const path = join(temp.dir, 'events.db');
		const first = new SqliteStore({path});
		const event = record();
		await first.insert([event]);
		await first.close();
		const second = new SqliteStore({path});
		expect(await second.get(event.eventId)).toEqual(event);
		expect(second.health()).toMatchObject({status: 'healthy', total_events: 1, queue_depth: 0});
		await second.close();
		temp.remove();
	});

	it('group-commits inserts made in the same loop turn into one transaction', async () => {
		const temp = tempDir();
		const store = new SqliteStore({path: join(temp.dir, 'events.db')});
		const reports: number[] = [];
		store.onWrite = report => reports.push(report.rows);
		await Promise.all(Array.from({length: 5}, () => store.insert([record(), record()])));
		expect(reports).toEqual([10]);
		await store.close();
		temp.remove();
	});

	it('close() commits what is pending before it closes', async () => {
		const temp = tempDir();
		const path = join(temp.dir, 'events.db');
		const store = new SqliteStore({path});
		const pending = store.insert([record()]);
		await store.close();
		expect(await pending).toEqual(['stored']);
		const reopened = new SqliteStore({path});
		expect(reopened.health().total_events).toBe(1);
		await reopened.close();
		temp.remove();
	});

	it('refuses a missing path with a TypeError', () => {
		expect(() => new SqliteStore({path: ''})).toThrow(TypeError);
	});
});

describe('parseQuery()', () => {
	it('reads the reference parameters', () => {
		expect(parseQuery({source_system: 's', severity: 'error', limit: '10', tags: 'a,b', sort_order: 'asc', start_time: '2026-01-01T00:00:00Z'})).toEqual({
			sourceSystem: 's',
			severity: 'error',
			limit: 10,
			tags: ['a', 'b'],
			sort: 'asc',
			startTime: Date.UTC(2026, 0, 1),
		});
	});

	it.each([
		[{severity: 'loud'}, 'severity'],
		[{limit: '0'}, 'limit'],
		[{limit: '1001'}, 'limit'],
		[{limit: '1e3'}, 'limit'],
		[{start_time: 'yesterday'}, 'start_time'],
		[{event_type: 'a.**b'}, 'event_type'],
		[{event_type: '**.**.**.**.**.x'}, 'event_type'],
		[{cursor: 'bm9wZQ'}, 'cursor'],
		[{sort: 'sideways'}, 'sort'],
		[{q: 'x'.repeat(257)}, 'q'],
		[{tags: Array.from({length: 17}, (_, index) => `t${index}`).join(',')}, 'tags'],
		[{source_system: ['a', {}]}, 'source_system'],
	])('refuses %j naming the parameter', (parameters, parameter) => {
		expect(() => parseQuery(parameters)).toThrow(CollectorQueryError);
		try {
			parseQuery(parameters);
		} catch (error) {
			expect(error).toMatchObject({code: 'ERR_COLLECTOR_QUERY', parameter});
		}
	});
});

describe('SqliteStore checkpoints on a worker thread', () => {
	let temp: {dir: string; remove: () => void};

	beforeEach(() => {
		temp = tempDir();
	});

	afterEach(() => temp.remove());

	const many = (count: number, prefix: string) => Array.from({length: count}, (_, index) => record({eventId: `${prefix}-${index}`, data: {index, text: 'x'.repeat(200)}}));

	it('copies the WAL into the database file once checkpointRows rows were committed, without a close', async () => {
		const path = join(temp.dir, 'events.db');
		const store = new SqliteStore({path, checkpointIntervalMs: 60_000, checkpointRows: 500});
		const before = statSync(path).size;
		await store.insert(many(2_000, 'a'));
		// The worker runs the checkpoint while the event loop stays free; the database file grows when it is done.
		await vi.waitFor(() => expect(statSync(path).size).toBeGreaterThan(before), {timeout: 10_000, interval: 20});
		expect(store.health().status).toBe('healthy');
		await store.close();
	});

	it('close() stops the worker, truncates the WAL, and every committed row is in the file', async () => {
		const path = join(temp.dir, 'events.db');
		const store = new SqliteStore({path, checkpointIntervalMs: 60_000, checkpointRows: 100});
		await store.insert(many(1_000, 'b'));
		await store.close();
		expect(statSync(`${path}-wal`, {throwIfNoEntry: false})?.size ?? 0).toBe(0);
		const reopened = new SqliteStore({path, checkpointIntervalMs: 0});
		expect(reopened.health().total_events).toBe(1_000);
		await reopened.close();
	});

	it('an in-memory database has no worker and still works (nothing to checkpoint)', async () => {
		const store = new SqliteStore({path: ':memory:', checkpointIntervalMs: 1_000, checkpointRows: 10});
		expect(await store.insert(many(50, 'c'))).toHaveLength(50);
		await store.close();
	});
});
