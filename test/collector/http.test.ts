import {mkdirSync, writeFileSync} from 'node:fs';
import {get} from 'node:http';
import {join} from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {dashboardCsp} from '../../src/collector/index.js';
import {startCollector, tempDir, type TestCollector} from './helpers.js';

const event = (overrides: Record<string, unknown> = {}) => ({source_system: 'orders', event_type: 'order.created', severity: 'info', data: {n: 1}, ...overrides});

describe('collector HTTP API (memory store)', () => {
	let api: TestCollector;

	beforeEach(async () => {
		api = await startCollector({memory: true});
	});

	afterEach(async () => {
		await api.close();
	});

	describe('POST /events', () => {
		it('stores a reference-format event and answers 201 {event_id, status: collected}', async () => {
			const response = await api.post('/events', event({id: 'e1', correlation_id: 'wf-1', tags: ['prod'], timestamp: '2026-01-01T10:00:00Z'}));
			expect(response.status).toBe(201);
			expect(response.body).toEqual({event_id: 'e1', status: 'collected'});
			const stored = await api.get('/events/e1');
			expect(stored.body).toMatchObject({
				event_id: 'e1',
				timestamp: '2026-01-01T10:00:00.000Z',
				source_system: 'orders',
				event_type: 'order.created',
				severity: 'info',
				correlation_id: 'wf-1',
				causation_id: null,
				data: {n: 1},
				tags: ['prod'],
				metadata: {},
			});
			expect(typeof stored.body.received_at).toBe('string');
		});

		it('gives an event without an id a generated one, and defaults severity to info', async () => {
			const response = await api.post('/events', {source_system: 'a', event_type: 'b'});
			expect(response.status).toBe(201);
			expect((await api.get(`/events/${response.body.event_id}`)).body).toMatchObject({severity: 'info', data: {}, tags: []});
		});

		it('answers a re-sent event 200 {status: duplicate} and stores it once', async () => {
			await api.post('/events', event({id: 'e1'}));
			const again = await api.post('/events', event({id: 'e1', data: {changed: true}}));
			expect(again.status).toBe(200);
			expect(again.body).toEqual({event_id: 'e1', status: 'duplicate'});
			expect((await api.get('/events')).body.count).toBe(1);
		});

		it('refuses a bad event with 400 naming each field and why', async () => {
			const response = await api.post('/events', {source_system: 'a', severity: 'loud', tags: [1]});
			expect(response.status).toBe(400);
			expect(response.body.error).toBe('invalid_event');
			expect(response.body.errors).toEqual(
				expect.arrayContaining([
					expect.objectContaining({index: 0, field: 'event_type'}),
					expect.objectContaining({index: 0, field: 'severity'}),
					expect.objectContaining({index: 0, field: 'tags.0'}),
				]),
			);
		});

		it.each([
			['an unparsable timestamp', event({timestamp: 'yesterday'}), 'timestamp'],
			['a control character in the source', event({source_system: 'a\u0000b'}), 'source_system'],
			['an over-long event type', event({event_type: 'x'.repeat(257)}), 'event_type'],
			['data nested too deep', event({data: JSON.parse('['.repeat(40) + ']'.repeat(40))}), 'data'],
			['data larger than the per-event limit', event({data: {blob: 'x'.repeat(70_000)}}), 'data'],
		])('refuses %s with 400 naming the field', async (_name, body, field) => {
			const response = await api.post('/events', body);
			expect(response.status).toBe(400);
			expect(response.body.errors.map((problem: {field: string}) => problem.field)).toContain(field);
			expect((await api.get('/events')).body.count).toBe(0);
		});

		it('refuses a body with __proto__ keys (prototype poisoning) with 400', async () => {
			const response = await api.post('/events', '{"source_system":"a","event_type":"b","data":{"__proto__":{"polluted":true}}}');
			expect(response.status).toBe(400);
			expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
		});

		it('refuses malformed JSON with 400 and an unknown content type with 415', async () => {
			expect((await api.post('/events', '{"source_system":')).status).toBe(400);
			expect((await api.post('/events', '<event/>', {'content-type': 'application/xml'})).status).toBe(415);
		});
	});

	describe('POST /events/batch', () => {
		it('stores a batch and answers 201 {collected, duplicates, failed, status}', async () => {
			const response = await api.post('/events/batch', [event({id: 'a'}), event({id: 'b', source_system: 'billing', severity: 'warning'})]);
			expect(response.status).toBe(201);
			expect(response.body).toEqual({collected: 2, duplicates: 0, failed: 0, status: 'batch_completed', event_ids: ['a', 'b']});
		});

		it('answers 2xx for a batch with duplicates, saying how many were stored and how many were duplicates', async () => {
			await api.post('/events/batch', [event({id: 'a'})]);
			const response = await api.post('/events/batch', [event({id: 'a'}), event({id: 'b'}), event({id: 'b'})]);
			expect(response.status).toBe(201);
			expect(response.body).toMatchObject({collected: 1, duplicates: 2, failed: 0});
			const allDuplicates = await api.post('/events/batch', [event({id: 'a'}), event({id: 'b'})]);
			expect(allDuplicates.status).toBe(200);
			expect(allDuplicates.body).toMatchObject({collected: 0, duplicates: 2});
		});

		it('is all-or-nothing: one bad item gets 400 naming every bad item by index, and nothing is stored', async () => {
			const response = await api.post('/events/batch', [event({id: 'ok'}), {source_system: 'a'}, event({severity: 'loud'}), event({timestamp: 'nope'})]);
			expect(response.status).toBe(400);
			expect(response.body.failed).toBe(2);
			expect(response.body.errors).toEqual(
				expect.arrayContaining([expect.objectContaining({index: 1, field: 'event_type'}), expect.objectContaining({index: 2, field: 'severity'})]),
			);
			expect((await api.get('/events')).body.count).toBe(0);
		});

		it('refuses a non-array body and a batch above maxBatchEvents with 400', async () => {
			expect((await api.post('/events/batch', event())).status).toBe(400);
			expect((await api.post('/events/batch', Array.from({length: 1001}, () => event()))).status).toBe(400);
		});

		it('accepts an empty batch', async () => {
			const response = await api.post('/events/batch', []);
			expect(response.status).toBe(200);
			expect(response.body).toMatchObject({collected: 0, duplicates: 0});
		});
	});

	describe('GET /events', () => {
		beforeEach(async () => {
			await api.post('/events/batch', [
				event({id: '1', timestamp: '2026-01-01T10:00:00Z', event_type: 'order.created', tags: ['prod']}),
				event({id: '2', timestamp: '2026-01-01T11:00:00Z', event_type: 'order.eu.failed', severity: 'error', tags: ['prod', 'eu']}),
				event({id: '3', timestamp: '2026-01-01T12:00:00Z', event_type: 'payment.failed', severity: 'critical', source_system: 'billing', data: {reason: 'card declined'}}),
			]);
		});

		it('returns {events, count, next_cursor, query}, newest first', async () => {
			const response = await api.get('/events');
			expect(response.status).toBe(200);
			expect(response.body.events.map((stored: {event_id: string}) => stored.event_id)).toEqual(['3', '2', '1']);
			expect(response.body).toMatchObject({count: 3, next_cursor: null, query: {limit: 100, offset: 0, sort: 'desc'}});
		});

		it.each([
			['source_system=billing', ['3']],
			['event_type=order.**', ['2', '1']],
			['event_type=**.failed', ['3', '2']],
			['severity=error', ['2']],
			['min_severity=error', ['3', '2']],
			['start_time=2026-01-01T11:00:00Z&end_time=2026-01-01T11:30:00Z', ['2']],
			['tags=prod,eu', ['2']],
			['tags=prod&tags=eu', ['2']],
			['q=DECLINED', ['3']],
			['sort=asc&limit=2', ['1', '2']],
		])('filters with %s', async (query, ids) => {
			const response = await api.get(`/events?${query}`);
			expect(response.status).toBe(200);
			expect(response.body.events.map((stored: {event_id: string}) => stored.event_id)).toEqual(ids);
		});

		it('pages with next_cursor', async () => {
			const first = await api.get('/events?limit=2');
			expect(first.body.next_cursor).toEqual(expect.any(String));
			const second = await api.get(`/events?limit=2&cursor=${first.body.next_cursor}`);
			expect(second.body.events.map((stored: {event_id: string}) => stored.event_id)).toEqual(['1']);
			expect(second.body.next_cursor).toBeNull();
		});

		it.each([
			["source_system=' OR 1=1 --", 200],
			['q=%25', 200],
			['event_type=a.**b', 400],
			['limit=-1', 400],
			['limit=99999999999', 400],
			['cursor=%27%3B%20DROP%20TABLE%20events', 400],
			['start_time=%00', 400],
			[`q=${'x'.repeat(300)}`, 400],
		])('treats the hostile filter %s as data (status %i) and keeps working', async (query, status) => {
			const response = await api.get(`/events?${query}`);
			expect(response.status).toBe(status);
			if (status === 200) expect(response.body.count).toBe(0);
			else expect(response.body.error).toBe('invalid_query');
			expect((await api.get('/events')).body.count).toBe(3);
		});
	});

	describe('GET /events/correlation/:id', () => {
		it('returns the workflow in causal order with a tree by causation id', async () => {
			await api.post('/events/batch', [
				event({id: 'c', correlation_id: 'wf', causation_id: 'a', timestamp: '2026-01-01T10:00:03Z'}),
				event({id: 'b', correlation_id: 'wf', causation_id: 'a', timestamp: '2026-01-01T10:00:01Z'}),
				event({id: 'a', correlation_id: 'wf', timestamp: '2026-01-01T10:00:00Z'}),
				event({id: 'd', correlation_id: 'wf', causation_id: 'b', timestamp: '2026-01-01T10:00:02Z'}),
				event({id: 'x', correlation_id: 'other'}),
			]);
			const response = await api.get('/events/correlation/wf');
			expect(response.body.correlation_id).toBe('wf');
			expect(response.body.count).toBe(4);
			expect(response.body.events.map((stored: {event_id: string}) => stored.event_id)).toEqual(['a', 'b', 'd', 'c']);
			const shape = (node: {event: {event_id: string}; children: unknown[]}): unknown => [node.event.event_id, node.children.map(child => shape(child as never))];
			expect(response.body.tree.map(shape)).toEqual([['a', [['b', [['d', []]]], ['c', []]]]]);
		});

		it('returns an empty workflow for an unknown id', async () => {
			expect((await api.get('/events/correlation/none')).body).toEqual({correlation_id: 'none', events: [], count: 0, tree: []});
		});
	});

	describe('GET /events/stats', () => {
		it('counts in the reference shape plus by_hour', async () => {
			await api.post('/events/batch', [
				event({timestamp: '2026-01-01T10:15:00Z'}),
				event({timestamp: '2026-01-01T10:45:00Z', severity: 'error', source_system: 'billing'}),
				event({timestamp: '2026-01-01T13:00:00Z'}),
			]);
			const response = await api.get('/events/stats?start_time=2026-01-01T10:00:00Z&end_time=2026-01-01T12:00:00Z');
			expect(response.body).toEqual({
				total_events: 2,
				by_source_system: {orders: 1, billing: 1},
				by_event_type: {'order.created': 2},
				by_severity: {info: 1, error: 1},
				by_component: {},
				by_hour: [{hour: '2026-01-01T10:00:00.000Z', total: 2, by_severity: {info: 1, error: 1}, by_source_system: {orders: 1, billing: 1}}],
				time_range: {start: '2026-01-01T10:00:00.000Z', end: '2026-01-01T12:00:00.000Z'},
			});
		});
	});

	it('GET /events/:id answers 404 for an unknown id', async () => {
		const response = await api.get('/events/nope');
		expect(response.status).toBe(404);
		expect(response.body.error).toBe('not_found');
	});

	it('GET /health reports the store and the collector', async () => {
		await api.post('/events', event());
		const response = await api.get('/health');
		expect(response.status).toBe(200);
		expect(response.body).toMatchObject({
			status: 'healthy',
			collector: {healthy: true, started: true, storage_type: 'memory', events_processed: 1, active_websockets: 0},
			storage: {status: 'healthy', total_events: 1, queue_depth: 0, oldest_pending_ms: 0},
		});
	});

	it('GET /health publishes the ingest limits, without an API key, so senders can size events to fit', async () => {
		const limited = await startCollector({memory: true, apiKeys: ['k-12345678'], bodyLimit: 500_000, maxBatchEvents: 250, limits: {maxEventBytes: 4096, maxDepth: 8}, rateLimit: {ratePerSecond: 50, burst: 100}});
		try {
			const response = await limited.get('/health');
			expect(response.status).toBe(200);
			expect(response.body.limits).toEqual({body_limit_bytes: 500_000, max_batch_events: 250, max_event_bytes: 4096, max_depth: 8, rate_limit: {rate_per_second: 50, burst: 100}, query_rate_limit: null});
		} finally {
			await limited.close();
		}
	});

	it('GET /health says rate_limit: null when the rate limit is off, and the default limits otherwise', async () => {
		const unlimited = await startCollector({memory: true, rateLimit: false});
		try {
			expect((await unlimited.get('/health')).body.limits).toEqual({body_limit_bytes: 1_048_576, max_batch_events: 1000, max_event_bytes: 65_536, max_depth: 32, rate_limit: null, query_rate_limit: null});
		} finally {
			await unlimited.close();
		}
	});

	it('GET /metrics counts ingested, duplicates and rejected by reason in Prometheus text', async () => {
		await api.post('/events', event({id: 'm'}));
		await api.post('/events', event({id: 'm'}));
		await api.post('/events', {source_system: 'a'});
		const response = await api.get('/metrics');
		expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
		expect(response.body).toContain('topicbus_collector_events_ingested_total 1\n');
		expect(response.body).toContain('topicbus_collector_events_duplicate_total 1\n');
		expect(response.body).toContain('topicbus_collector_rejected_total{reason="invalid"} 1\n');
		expect(response.body).toContain('topicbus_collector_ws_clients 0\n');
	});
});

describe('collector body limit', () => {
	it('answers 413 for a body above bodyLimit and stores nothing', async () => {
		const api = await startCollector({memory: true, bodyLimit: 10_000});
		const response = await api.post('/events/batch', Array.from({length: 100}, () => event({data: {blob: 'x'.repeat(200)}})));
		expect(response.status).toBe(413);
		expect((await api.get('/events')).body.count).toBe(0);
		expect((await api.get('/metrics')).body).toContain('topicbus_collector_rejected_total{reason="too-large"} 1');
		await api.close();
	});
});

describe('collector per-event size limit', () => {
	// data {"s":"x...x"} is 8 + N bytes of JSON, metadata {} is 2: N = 90 is exactly 100 bytes.
	const sized = (id: string, length: number) => event({id, data: {s: 'x'.repeat(length)}});

	it('accepts an event whose data + metadata JSON is exactly maxEventBytes', async () => {
		const api = await startCollector({memory: true, limits: {maxEventBytes: 100}});
		expect((await api.post('/events', sized('fits', 90))).status).toBe(201);
		await api.close();
	});

	it('refuses a batch above maxBatchEvents with 400 naming the body and the limit', async () => {
		const api = await startCollector({memory: true, maxBatchEvents: 3});
		const response = await api.post('/events/batch', [sized('a', 1), sized('b', 1), sized('c', 1), sized('d', 1)]);
		expect(response.status).toBe(400);
		expect(response.body.errors).toEqual([{index: 0, field: 'body', message: 'must NOT have more than 3 items'}]);
		await api.close();
	});

	it('refuses a batch with one event a byte over: 400 naming the event, nothing stored, counted as too-large', async () => {
		const api = await startCollector({memory: true, limits: {maxEventBytes: 100}});
		const response = await api.post('/events/batch', [sized('a', 10), sized('b', 91)]);
		expect(response.status).toBe(400);
		expect(response.body).toMatchObject({error: 'invalid_event', collected: 0, failed: 1, errors: [{index: 1, field: 'data', message: 'data and metadata take 101 bytes, more than the limit of 100'}]});
		expect((await api.get('/events')).body.count).toBe(0);
		expect((await api.get('/metrics')).body).toContain('topicbus_collector_rejected_total{reason="too-large"} 2');
		await api.close();
	});
});

describe('collector dashboard files', () => {
	let api: TestCollector;
	let temp: ReturnType<typeof tempDir>;

	beforeEach(async () => {
		temp = tempDir();
		mkdirSync(join(temp.dir, 'dashboard', 'lib'), {recursive: true});
		writeFileSync(join(temp.dir, 'dashboard', 'index.html'), '<!doctype html><title>t</title>');
		writeFileSync(join(temp.dir, 'dashboard', 'lib', 'app.js'), 'export {};');
		writeFileSync(join(temp.dir, 'dashboard', 'style.css'), 'body{}');
		writeFileSync(join(temp.dir, 'secret.txt'), 'secret');
		api = await startCollector({memory: true, dashboardDir: join(temp.dir, 'dashboard'), apiKeys: ['k-123456789']});
	});

	afterEach(async () => {
		await api.close();
		temp.remove();
	});

	it('GET / serves index.html with a strict CSP, without an API key', async () => {
		const response = await api.get('/');
		expect(response.status).toBe(200);
		expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
		expect(response.headers.get('content-security-policy')).toBe(dashboardCsp);
		expect(dashboardCsp).toMatch(/^default-src 'self'/);
		expect(dashboardCsp).not.toContain('unsafe-inline');
	});

	it('GET /dashboard/* serves files with their content types', async () => {
		expect((await api.get('/dashboard/lib/app.js')).headers.get('content-type')).toBe('text/javascript; charset=utf-8');
		expect((await api.get('/dashboard/style.css')).headers.get('content-type')).toBe('text/css; charset=utf-8');
	});

	it.each(['/dashboard/missing.js', '/dashboard/../secret.txt', '/dashboard/%2e%2e/secret.txt', '/dashboard/..%2fsecret.txt', '/dashboard/lib', '/dashboard/%00.js'])(
		'answers 404 for %s (sent unnormalised)',
		async path => {
			// fetch() would normalise `..` away; a raw request sends the path as an attacker would.
			const {status, body} = await new Promise<{status: number; body: string}>((resolve, reject) => {
				const {hostname, port} = new URL(api.url);
				get({hostname, port, path}, response => {
					let text = '';
					response.on('data', chunk => (text += chunk));
					response.on('end', () => resolve({status: response.statusCode ?? 0, body: text}));
				}).on('error', reject);
			});
			expect(status).toBe(404);
			expect(body).not.toContain('secret');
		},
	);

	it('answers 404 when the dashboard folder is missing', async () => {
		const missing = await startCollector({memory: true, dashboardDir: join(temp.dir, 'nowhere')});
		expect((await missing.get('/')).status).toBe(404);
		await missing.close();
	});
});

describe('collector HTTP API: bodies fastify has no schema for', () => {
	let api: TestCollector;

	beforeEach(async () => {
		api = await startCollector({memory: true});
	});

	afterEach(async () => {
		await api.close();
	});

	it('refuses a text/plain batch and an empty POST /events with 400, not 500', async () => {
		expect((await api.post('/events/batch', 'just text', {'content-type': 'text/plain'})).status).toBe(400);
		const empty = await fetch(`${api.url}/events`, {method: 'POST'});
		expect(empty.status).toBe(400);
		expect((await api.get('/events')).body.count).toBe(0);
	});

	it('refuses a JSON batch item that is not an object with 400 naming it', async () => {
		const response = await api.post('/events/batch', [{source_system: 'a', event_type: 'b'}, 'text', null]);
		expect(response.status).toBe(400);
		expect(response.body.errors.map((problem: {index: number}) => problem.index)).toEqual(expect.arrayContaining([1, 2]));
	});
});

describe('collector HTTP API: nesting limits', () => {
	it('accepts data exactly maxDepth deep (objects and arrays count) and refuses one level more, and survives 100,000 levels', async () => {
		const api = await startCollector({memory: true, bodyLimit: 1_000_000, limits: {maxDepth: 4}});
		expect((await api.post('/events', event({data: {a: {b: {c: [1]}}}, metadata: {a: {b: {c: {}}}}}))).status).toBe(201);
		const tooDeep = await api.post('/events', event({data: {a: {b: {c: {d: {}}}}}}));
		expect(tooDeep.status).toBe(400);
		expect(tooDeep.body.errors).toEqual([expect.objectContaining({field: 'data', message: 'nested deeper than 4 levels'})]);
		const hostile = `{"source_system":"a","event_type":"b","data":${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
		expect((await api.post('/events', hostile)).status).toBe(400);
		expect((await api.get('/health')).status).toBe(200);
		await api.close();
	});
});

describe('collector HTTP API: the forwarder wire format', () => {
	it('stores a batch encoded as the forwarder encodes it (priority kept in metadata, null payload and causation)', async () => {
		const api = await startCollector({memory: true});
		const body =
			'[{"id":"01a","source_system":"shop","event_type":"order.created","severity":"info","timestamp":"2026-01-01T10:00:00.000Z","correlation_id":"01a","causation_id":null,"data":{"orderId":"o-1"},"tags":[],"metadata":{},"priority":5},' +
			'{"id":"01b","source_system":"shop","event_type":"order.failed","severity":"error","timestamp":"2026-01-01T10:00:01.000Z","correlation_id":"01a","causation_id":"01a","data":null,"tags":["x"],"metadata":{"priority":1},"priority":0}]';
		const response = await api.post('/events/batch', body);
		expect(response.status).toBe(201);
		expect((await api.get('/events/01a')).body).toMatchObject({causation_id: null, metadata: {priority: 5}});
		expect((await api.get('/events/01b')).body).toMatchObject({causation_id: '01a', data: null, metadata: {priority: 1}, tags: ['x']});
		await api.close();
	});
});

describe('collector HTTP API: analysis routes', () => {
	let api: TestCollector;

	beforeEach(async () => {
		api = await startCollector({memory: true});
		const recent = (offsetMs: number) => new Date(Date.now() - offsetMs).toISOString();
		await api.post('/events/batch', [
			event({severity: 'error', timestamp: recent(60_000), metadata: {source_component: 'db'}}),
			event({severity: 'critical', timestamp: recent(120_000), source_system: 'billing'}),
			event({timestamp: recent(180_000)}),
		]);
	});

	afterEach(async () => {
		await api.close();
	});

	it('GET /analysis/errors counts errors by source and component', async () => {
		const response = await api.get('/analysis/errors?hours=2');
		expect(response.status).toBe(200);
		expect(response.body).toMatchObject({total_errors: 2, critical_errors: 1, errors_by_system: {orders: 1, billing: 1}, errors_by_component: {db: 1}});
		expect(response.body.recent_errors).toHaveLength(2);
	});

	it('GET /analysis/patterns lists every hour with anomaly flags', async () => {
		const response = await api.get('/analysis/patterns?days=1');
		expect(response.status).toBe(200);
		expect(response.body.hourly_distribution).toHaveLength(25);
		expect(response.body.hourly_distribution.every((hour: {anomaly: unknown}) => typeof hour.anomaly === 'boolean')).toBe(true);
		expect(response.body.hourly_distribution.reduce((sum: number, hour: {count: number}) => sum + hour.count, 0)).toBe(3);
	});

	it('GET /analysis/report combines the summary, errors and anomalies', async () => {
		const response = await api.get('/analysis/report');
		expect(response.body).toMatchObject({summary: {total_events: 3, total_errors: 2}, errors: {total_errors: 2}, anomalies: expect.any(Array)});
	});

	it.each(['hours=0', 'hours=abc', 'days=400', 'hours=1&hours=2'])('answers 400 for %s', async query => {
		const response = await api.get(`/analysis/errors?${query}`);
		expect(response.status).toBe(400);
		expect(response.body.error).toBe('invalid_query');
	});
});
