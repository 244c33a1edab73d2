import {afterEach, describe, expect, test, vi, type Mock} from 'vitest';
import {DeadLetterConsumer} from '../../src/consumers/dead-letter-consumer.js';
import {DeadLetterReplayError} from '../../src/consumers/dead-letter-replay-error.js';
import {BusClosedError, EventBus, InvalidTopicError} from '../../src/index.js';
import type {BusEvent, DeadLetter} from '../../src/types.js';
import {DiagnosticsBus} from './diagnostics-bus.js';
import {makeEvent} from './events.js';

const billing = {id: 'sub_1', name: 'billing', pattern: 'order.*'};

function letter(topic: string, fields?: Partial<DeadLetter>): DeadLetter {
	return {event: makeEvent(topic, {n: 1}), error: new Error('boom'), reason: 'handler-failed', subscription: billing, attempts: 3, failedAt: Date.now(), ...fields};
}

/** The `$bus.dead-letter` event the bus publishes for `deadLetter`. */
function echo(deadLetter: DeadLetter): BusEvent {
	return makeEvent('$bus.dead-letter', Object.freeze({...deadLetter}));
}

afterEach(() => {
	vi.useRealTimers();
});

describe('DeadLetterConsumer', () => {
	test('as a consumer of $bus.dead-letter, stores a handler failure with its reason, error, subscription and attempts', async () => {
		const bus = new EventBus();
		const store = new DeadLetterConsumer();
		bus.use(store);
		const failure = Object.assign(new TypeError('bad order'), {code: 'E_BAD'});
		bus.subscribe('order.*', () => {
			throw failure;
		}, {name: 'billing'});
		const event = await bus.publish('order.created', {id: 'o-1'});
		await bus.drain();
		expect(store.list()).toEqual([
			{
				id: expect.any(String),
				event,
				reason: 'handler-failed',
				error: {name: 'TypeError', message: 'bad order', code: 'E_BAD', stack: failure.stack},
				subscription: {id: expect.any(String), name: 'billing', pattern: 'order.*'},
				attempts: 1,
				failedAt: expect.any(Number),
			},
		]);
		await bus.close();
	});

	test('stores an event dropped from a full subscriber buffer', async () => {
		const bus = new EventBus();
		const store = new DeadLetterConsumer({bus});
		bus.use(store);
		let open = (): void => {};
		const gate = new Promise<void>(resolve => {
			open = resolve;
		});
		bus.subscribe('job.*', async () => gate, {name: 'slow', maxPending: 1});
		for (let index = 0; index < 5; index++) await bus.publish('job.run', {index});
		await vi.waitFor(() => {
			expect(bus.getMetrics().dropped).toBeGreaterThan(0);
		});
		const dropped = store.list({reason: 'subscriber-overflow'});
		expect(dropped).toHaveLength(bus.getMetrics().dropped);
		expect(dropped[0]).toMatchObject({event: {topic: 'job.run'}, subscription: {name: 'slow'}, error: {code: 'ERR_EVENT_DROPPED'}});
		open();
		await bus.drain();
		await bus.close();
	});

	test('given the bus, takes each letter from the diagnostic at once and skips its published copy', () => {
		const bus = new DiagnosticsBus();
		const store = new DeadLetterConsumer({bus});
		const deadLetter = letter('order.created');
		bus.emit('deadLetter', deadLetter);
		expect(store.size).toBe(1);
		store.consume(echo(deadLetter));
		expect(store.size).toBe(1);
	});

	test('given the bus, keeps letters the bus never publishes (failures on $bus. topics)', () => {
		const bus = new DiagnosticsBus();
		const store = new DeadLetterConsumer({bus});
		bus.emit('deadLetter', letter('$bus.audit'));
		expect(store.list().map(stored => stored.event.topic)).toEqual(['$bus.audit']);
	});

	test('does not store failures to handle a $bus.dead-letter event (its letter is already stored)', () => {
		const bus = new DiagnosticsBus();
		const store = new DeadLetterConsumer({bus});
		bus.emit('deadLetter', letter('$bus.dead-letter', {event: echo(letter('a'))}));
		expect(store.size).toBe(0);
	});

	test('a published copy arriving after its letter was replayed does not bring it back', async () => {
		const bus = new DiagnosticsBus();
		const store = new DeadLetterConsumer({bus});
		const deadLetter = letter('order.created');
		bus.emit('deadLetter', deadLetter);
		await store.replay({});
		store.consume(echo(deadLetter));
		expect(store.size).toBe(0);
	});

	test('consume() refuses an event that carries no dead letter with a TypeError', () => {
		expect(() => new DeadLetterConsumer().consume(makeEvent('$bus.dead-letter', {nope: true}))).toThrow('Expected `event.payload` to be a dead letter');
	});

	test('record() stores a schema rejection', () => {
		const store = new DeadLetterConsumer();
		const stored = store.record({event: makeEvent('order.created', {amount: -1}), error: new Error('amount must be >= 0'), reason: 'schema-rejected'});
		expect(stored).toMatchObject({reason: 'schema-rejected', subscription: undefined, attempts: 0, error: {message: 'amount must be >= 0'}});
		expect(store.get(stored.id)).toBe(stored);
	});

	test('record() returns the stored letter for a duplicate', () => {
		const store = new DeadLetterConsumer();
		const deadLetter = letter('a');
		expect(store.record(deadLetter)).toBe(store.record(deadLetter));
	});

	test('record() refuses something that is not a dead letter with a TypeError', () => {
		expect(() => new DeadLetterConsumer().record({event: {}, reason: 'handler-failed'} as never)).toThrow('Expected `letter.event` to be an event envelope');
	});

	test('stored letters are frozen', () => {
		const stored = new DeadLetterConsumer().record(letter('a'));
		expect(Object.isFrozen(stored)).toBe(true);
	});

	test.each([
		[{reason: 'queue-overflow' as const}, ['b']],
		[{reason: ['queue-overflow', 'shutdown'] as const}, ['b', 'c']],
		[{topic: 'order.**'}, ['a']],
		[{subscription: 'billing'}, ['a']],
		[{subscription: 'sub_1'}, ['a']],
		[{correlationId: 'corr-c'}, ['c']],
		[{since: 2000}, ['b', 'c']],
		[{until: 2000}, ['a', 'b']],
		[{limit: 2}, ['b', 'c']],
		[{}, ['a', 'b', 'c']],
	])('list(%j) filters', (query, expected) => {
		const store = new DeadLetterConsumer();
		store.record(letter('order.created', {failedAt: 1000, event: makeEvent('order.created', 'a')}));
		store.record(letter('user.saved', {failedAt: 2000, reason: 'queue-overflow', subscription: undefined, event: makeEvent('user.saved', 'b')}));
		store.record(letter('user.saved', {failedAt: 3000, reason: 'shutdown', subscription: {id: 'sub_2', name: 'mail', pattern: '**'}, event: makeEvent('user.saved', 'c', {correlationId: 'corr-c'})}));
		expect(store.list(query).map(stored => stored.event.payload)).toEqual(expected);
	});

	test('list() refuses an invalid topic pattern with InvalidTopicError', () => {
		expect(() => new DeadLetterConsumer().list({topic: 'a**'})).toThrow(InvalidTopicError);
	});

	test('keeps at most maxEntries letters, dropping the oldest', () => {
		const store = new DeadLetterConsumer({maxEntries: 2});
		for (const topic of ['a', 'b', 'c']) store.record(letter(topic));
		expect(store.list().map(stored => stored.event.topic)).toEqual(['b', 'c']);
		expect(store.stats()).toMatchObject({stored: 2, recorded: 3, evicted: 1});
	});

	test('drops letters older than maxAgeMs', () => {
		vi.useFakeTimers({toFake: ['Date']});
		const store = new DeadLetterConsumer({maxAgeMs: 60_000});
		store.record(letter('old', {failedAt: Date.now()}));
		vi.advanceTimersByTime(30_000);
		store.record(letter('new', {failedAt: Date.now()}));
		vi.advanceTimersByTime(30_001);
		expect(store.list().map(stored => stored.event.topic)).toEqual(['new']);
	});

	test('purge() removes every letter, or those matching a query, and returns how many', () => {
		const store = new DeadLetterConsumer();
		for (const topic of ['a', 'b', 'b']) store.record(letter(topic));
		expect(store.purge({topic: 'b'})).toBe(2);
		expect(store.purge()).toBe(1);
		expect(store.size).toBe(0);
	});

	test('close() stops listening to the bus', () => {
		const bus = new DiagnosticsBus();
		new DeadLetterConsumer({bus}).close();
		expect(bus.emitter.eventNames()).toEqual([]);
	});

	test('rejects bad options with a TypeError', () => {
		expect(() => new DeadLetterConsumer({maxEntries: 0})).toThrow('Expected `options.maxEntries` to be an integer >= 1');
		expect(() => new DeadLetterConsumer({file: ''})).toThrow('Expected `options.file` to be a non-empty path');
		expect(() => new DeadLetterConsumer({bus: {on() {}} as never})).toThrow('Expected `options.bus` to be a bus');
	});
});

describe('DeadLetterConsumer.replay()', () => {
	test('publishes a letter afresh, with its correlation and metadata.replayOf, and removes it', async () => {
		const bus = new DiagnosticsBus();
		const store = new DeadLetterConsumer({bus});
		const event = makeEvent('order.created', {id: 'o-1'}, {correlationId: 'corr-1', causationId: 'evt-0', source: 'shop', priority: 5, metadata: {region: 'eu'}});
		const stored = store.record(letter('order.created', {event}));
		expect(await store.replay(stored.id)).toEqual({replayed: [stored.id], failed: []});
		expect(bus.published).toEqual([
			{topic: 'order.created', payload: {id: 'o-1'}, options: {priority: 5, correlationId: 'corr-1', causationId: 'evt-0', source: 'shop', metadata: {region: 'eu', replayOf: event.id}}},
		]);
		expect(store.size).toBe(0);
	});

	test('on a real bus, the replayed event reaches the subscription that failed', async () => {
		const bus = new EventBus();
		const store = new DeadLetterConsumer({bus});
		bus.use(store);
		let calls = 0;
		const handled: BusEvent[] = [];
		bus.subscribe('order.*', event => {
			if (++calls === 1) throw new Error('first time');
			handled.push(event);
		});
		const original = await bus.publish('order.created', {id: 'o-1'});
		await bus.drain();
		await store.replay({});
		await bus.drain();
		expect(handled).toEqual([expect.objectContaining({payload: {id: 'o-1'}, correlationId: original.correlationId, metadata: {replayOf: original.id}})]);
		expect(store.size).toBe(0);
		await bus.close();
	});

	test('replays every letter matching a query, oldest first', async () => {
		const bus = new DiagnosticsBus();
		const store = new DeadLetterConsumer({bus});
		for (const topic of ['a.1', 'b.1', 'a.2']) store.record(letter(topic));
		const result = await store.replay({topic: 'a.*'});
		expect(result.replayed).toHaveLength(2);
		expect(bus.published.map(item => item.topic)).toEqual(['a.1', 'a.2']);
		expect(store.list().map(stored => stored.event.topic)).toEqual(['b.1']);
	});

	test('an unknown id fails with DeadLetterReplayError', async () => {
		const result = await new DeadLetterConsumer({bus: new DiagnosticsBus()}).replay('nope');
		const error = result.failed[0]?.error;
		expect(error).toBeInstanceOf(DeadLetterReplayError);
		expect(error).toMatchObject({code: 'ERR_DEAD_LETTER_REPLAY', reason: 'not-found', letterId: 'nope'});
	});

	test('a publish that fails is reported with its own error and the letter is kept', async () => {
		const bus = new EventBus();
		const store = new DeadLetterConsumer({bus});
		store.record(letter('order.created'));
		await bus.close();
		const result = await store.replay({});
		expect(result.failed[0]?.error).toBeInstanceOf(BusClosedError);
		expect(store.size).toBe(1);
	});

	function busWith(names: readonly string[], redeliver: (id: string) => boolean = () => true): DiagnosticsBus & {redeliver: Mock<(id: string) => boolean>} {
		const bus = Object.assign(new DiagnosticsBus(), {redeliver: vi.fn(redeliver)});
		bus.infos = names.map((name, index) => ({id: `sub_${index + 7}`, name, pattern: '**', priority: 0, isEnabled: true, concurrency: 1, pending: 0, inFlight: 0}));
		return bus;
	}

	test('target `subscription` delivers to the subscription with the letter\'s name, whatever its id now', async () => {
		const bus = busWith(['audit', billing.name]);
		const store = new DeadLetterConsumer({bus});
		const deadLetter = letter('order.created');
		store.record(deadLetter);
		const result = await store.replay({}, {target: 'subscription'});
		expect(result.failed).toEqual([]);
		expect(bus.redeliver).toHaveBeenCalledWith('sub_8', deadLetter.event);
		expect(bus.published).toEqual([]);
	});

	test('target `subscription` refuses a letter whose subscription had no name of its own (id-named), keeping it', async () => {
		const bus = busWith(['sub_1']);
		const store = new DeadLetterConsumer({bus});
		store.record(letter('order.created', {subscription: {id: 'sub_1', name: 'sub_1', pattern: 'order.*'}}));
		const result = await store.replay({}, {target: 'subscription'});
		expect(result.failed[0]?.error).toMatchObject({code: 'ERR_DEAD_LETTER_REPLAY', reason: 'unnamed-subscription'});
		expect(bus.redeliver).not.toHaveBeenCalled();
		expect(store.size).toBe(1);
	});

	test('target `subscription` refuses a subscription of that name whose pattern no longer matches the topic', async () => {
		const bus = busWith([billing.name]);
		bus.infos = bus.infos.map(info => ({...info, pattern: 'invoice.*'}));
		const store = new DeadLetterConsumer({bus});
		store.record(letter('order.created'));
		const result = await store.replay({}, {target: 'subscription'});
		expect(result.failed[0]?.error).toMatchObject({code: 'ERR_DEAD_LETTER_REPLAY', reason: 'subscription-gone', message: expect.stringContaining('no longer subscribes')});
		expect(bus.redeliver).not.toHaveBeenCalled();
	});

	test('target `subscription` refuses a name that several subscriptions share now', async () => {
		const bus = busWith([billing.name, billing.name]);
		const store = new DeadLetterConsumer({bus});
		store.record(letter('order.created'));
		const result = await store.replay({}, {target: 'subscription'});
		expect(result.failed[0]?.error).toMatchObject({code: 'ERR_DEAD_LETTER_REPLAY', reason: 'ambiguous-subscription'});
		expect(bus.redeliver).not.toHaveBeenCalled();
	});

	test('target `subscription` rejects with a TypeError when the bus cannot list subscriptions', async () => {
		const bus = Object.assign(new DiagnosticsBus(), {redeliver: () => true, subscriptions: undefined});
		await expect(new DeadLetterConsumer({bus}).replay({}, {target: 'subscription'})).rejects.toThrow('Expected `bus.subscriptions` to be a function');
	});

	test('target `subscription` publishes afresh a letter dropped before dispatch', async () => {
		const bus = busWith([]);
		const store = new DeadLetterConsumer({bus});
		store.record(letter('order.created', {subscription: undefined, reason: 'queue-overflow'}));
		await store.replay({}, {target: 'subscription'});
		expect(bus.published).toHaveLength(1);
	});

	test('target `subscription` fails with DeadLetterReplayError when no subscription has the name any more', async () => {
		const bus = busWith(['audit']);
		const store = new DeadLetterConsumer({bus});
		store.record(letter('order.created'));
		const result = await store.replay({}, {target: 'subscription'});
		expect(result.failed[0]?.error).toMatchObject({code: 'ERR_DEAD_LETTER_REPLAY', reason: 'subscription-gone'});
		expect(store.size).toBe(1);
	});

	test('target `subscription` rejects with a TypeError when the bus cannot redeliver', async () => {
		await expect(new DeadLetterConsumer({bus: new DiagnosticsBus()}).replay({}, {target: 'subscription'})).rejects.toThrow('Expected `bus.redeliver` to be a function');
	});

	test('rejects with a TypeError without a bus', async () => {
		await expect(new DeadLetterConsumer().replay({})).rejects.toThrow(TypeError);
	});
});
