import {describe, expect, expectTypeOf, test} from 'vitest';
import {BusClosedError, InvalidTopicError, QueueFullError, type Bus, type BusEvent} from '../../src/index.js';
import {InjectedFailureError, MockBus, createMockBus, type DeliveryRecord} from '../../src/testing/index.js';

type Events = {
	'order.created': {id: string; total: number};
	'order.paid': {id: string};
	'invoice.created': {orderId: string};
};

/** Code under test: a producer written against the `Bus` interface. */
async function placeOrder(bus: Bus<Events>, id: string, total: number): Promise<void> {
	await bus.publish('order.created', {id, total}, {source: 'shop'});
}

/** Code under test: a consumer that publishes in reaction. */
function startInvoicing(bus: Bus<Events>): void {
	bus.subscribe('order.paid', async event => {
		await bus.publish('invoice.created', {orderId: event.payload.id});
	}, {name: 'invoicing'});
}

describe('createMockBus()', () => {
	test('createMockBus() - is a Bus: code typed against Bus takes it unchanged', async () => {
		const bus = createMockBus<Events>();
		expectTypeOf(bus).toExtend<Bus<Events>>();
		expect(bus).toBeInstanceOf(MockBus);
		expect(bus.mode).toBe('sync');
		await placeOrder(bus, 'o-1', 42);
		expect(bus.published().map(event => [event.topic, event.payload, event.source])).toEqual([['order.created', {id: 'o-1', total: 42}, 'shop']]);
	});

	test('createMockBus() - bad options are TypeErrors, as for new EventBus()', () => {
		expect(() => createMockBus({mode: 'eager' as never})).toThrow(TypeError);
		expect(() => createMockBus({historySize: -1})).toThrow(/`options.historySize`/);
	});

	test('published() - in acceptance order, filtered by pattern, typed by the event map', async () => {
		const bus = createMockBus<Events>();
		await bus.publish('order.created', {id: 'o-1', total: 1});
		await bus.publish('order.paid', {id: 'o-1'});
		await bus.publish('invoice.created', {orderId: 'o-1'});
		expect(bus.published().map(event => event.topic)).toEqual(['order.created', 'order.paid', 'invoice.created']);
		const orders = bus.published('order.*');
		expect(orders.map(event => event.topic)).toEqual(['order.created', 'order.paid']);
		expectTypeOf(bus.published('order.paid')[0]!.payload).toEqualTypeOf<{id: string}>();
	});

	test('published() - a typo in a pattern is an InvalidTopicError, not an empty list', () => {
		const bus = createMockBus();
		expect(() => bus.published('order..created')).toThrow(InvalidTopicError);
	});

	test('published() - the bus\'s own $bus.dead-letter events are not listed; deadLettered() has them', async () => {
		const bus = createMockBus();
		bus.subscribe('a', () => {
			throw new Error('boom');
		});
		await bus.publish('a', null);
		expect(bus.published().map(event => event.topic)).toEqual(['a']);
		expect(bus.deadLettered()).toHaveLength(1);
		expect(bus.history().map(event => event.topic)).toEqual(['a', '$bus.dead-letter']);
	});

	test('delivered() - each successful delivery with the event as delivered, the subscription and the attempts', async () => {
		const bus = createMockBus();
		const upper = bus.subscribe('greet', () => {}, {name: 'upper', transform: event => ({...event, payload: String(event.payload).toUpperCase()})});
		let calls = 0;
		bus.subscribe('greet', () => {
			if (++calls === 1) throw new Error('flaky');
		}, {name: 'flaky', retry: {attempts: 2}});
		await bus.publish('greet', 'hi');
		const records = bus.delivered('greet');
		expect(records.map(({event, subscription, attempts}) => [event.payload, subscription.name, attempts])).toEqual([
			['HI', 'upper', 1],
			['hi', 'flaky', 2],
		]);
		expect(records[0]?.subscription).toEqual({id: upper.id, name: 'upper', pattern: 'greet'});
		expectTypeOf(records).toEqualTypeOf<DeliveryRecord<BusEvent<unknown, string>>[]>();
	});

	test('failed() - failures for good, as dead letters; deadLettered() also has drops', async () => {
		const bus = createMockBus();
		bus.subscribe('a', () => {
			throw new Error('boom');
		}, {name: 'failing'});
		let release!: () => void;
		bus.subscribe('b', async () => new Promise<void>(resolve => (release = resolve)), {maxPending: 0, overflow: 'drop-newest'});
		await bus.publish('a', null);
		const first = bus.publish('b', 1);
		const second = bus.publish('b', 2);
		release();
		await Promise.all([first, second]);
		expect(bus.failed().map(letter => [letter.reason, letter.subscription?.name, (letter.error as Error).message])).toEqual([['handler-failed', 'failing', 'boom']]);
		expect(bus.deadLettered().map(letter => letter.reason)).toEqual(['handler-failed', 'subscriber-overflow']);
	});

	test('sync delivery - handlers run inside publish(), and publish() resolves once async ones settle', async () => {
		const bus = createMockBus<Events>();
		startInvoicing(bus);
		const publishing = bus.publish('order.paid', {id: 'o-7'});
		expect(bus.delivered()).toHaveLength(0); // The async handler has started, not finished.
		await publishing;
		expect(bus.delivered().map(record => record.subscription.name)).toEqual(['invoicing']);
		expect(bus.published('invoice.created').map(event => event.payload)).toEqual([{orderId: 'o-7'}]);
	});

	test('sync delivery - a handler awaiting its own publish() does not deadlock', async () => {
		const bus = createMockBus();
		const order: string[] = [];
		bus.subscribe('a', async () => {
			await bus.publish('b', null);
			order.push('a done');
		});
		bus.subscribe('b', () => void order.push('b'));
		await bus.publish('a', null);
		expect(order).toEqual(['b', 'a done']);
	});

	test('sync delivery - a stream nobody reads does not hold publish() or drain()', async () => {
		const bus = createMockBus();
		const stream = bus.stream('a');
		await bus.publish('a', 1);
		await bus.drain();
		expect((await stream.next()).value?.payload).toBe(1);
		await stream.return?.();
	});

	test('sync delivery - with asyncContext, an event an async handler publishes after an await is handled before the outer publish() resolves', async () => {
		const bus = createMockBus({asyncContext: true});
		const log: string[] = [];
		bus.subscribe('a', async () => {
			await Promise.resolve();
			await bus.publish('b', null);
			log.push('a done');
		});
		bus.subscribe('b', () => void log.push('b'));
		await bus.publish('a', null);
		// The nested event is dispatched on a microtask (its publisher is a handler), before or after 'a' resumes.
		expect([...log].sort()).toEqual(['a done', 'b']);
		expect(bus.published().map(event => event.topic)).toEqual(['a', 'b']);
	});

	test('sync delivery - unread stream events count as in flight in the metrics, as on EventBus', async () => {
		const bus = createMockBus();
		const stream = bus.stream('a');
		await bus.publish('a', 1);
		await bus.publish('a', 2);
		expect(bus.getMetrics().inFlight).toBe(2);
		await stream.return?.();
	});

	test('sync delivery - a full subscription buffer holds dispatch back; publish() resolves once the events behind it were delivered', async () => {
		const bus = createMockBus();
		const gates: Array<() => void> = [];
		const handled: number[] = [];
		bus.subscribe('slow', async event => {
			await new Promise<void>(resolve => gates.push(resolve));
			handled.push(event.payload as number);
		}, {maxPending: 1});
		const seen: number[] = [];
		bus.subscribe('slow', event => void seen.push(event.payload as number));
		for (const payload of [1, 2, 3]) bus.publishSync('slow', payload);
		// 1 runs, 2 fills the buffer of one, so 3 waits in the queue: the other subscription has not seen it yet.
		expect(seen).toEqual([1, 2]);
		expect(bus.getMetrics().queueSize).toBe(1);
		let isResolved = false;
		const published = bus.publish('slow', 4).then(() => {
			isResolved = true;
		});
		while (handled.length < 4) {
			await Promise.resolve();
			gates.shift()?.();
			await new Promise(resolve => setImmediate(resolve));
			if (handled.length < 4) expect(isResolved).toBe(false);
		}
		await published;
		expect(seen).toEqual([1, 2, 3, 4]);
		expect(handled).toEqual([1, 2, 3, 4]);
		expect(bus.getMetrics()).toMatchObject({dropped: 0, deadLettered: 0, queueSize: 0, inFlight: 0});
	});

	test('sync delivery - drain() hands a partial consumer batch over without waiting for its timer', async () => {
		const bus = createMockBus();
		const batches: unknown[][] = [];
		bus.use({name: 'batched', topics: 'n', batchSize: 10, batchTimeoutMs: 60_000, consume: events => void batches.push((events as BusEvent[]).map(event => event.payload))});
		await bus.publish('n', 1);
		await bus.publish('n', 2);
		expect(batches).toEqual([]);
		await bus.drain();
		expect(batches).toEqual([[1, 2]]);
		expect(bus.delivered().map(record => record.event.payload)).toEqual([1, 2]);
	});

	test('sync delivery - retries happen at once, without backoff delays', async () => {
		const bus = createMockBus();
		let calls = 0;
		bus.subscribe('a', () => {
			calls++;
			throw new Error('always');
		}, {retry: {attempts: 4, backoff: {initialMs: 60_000}}});
		await bus.publish('a', null);
		expect(calls).toBe(4);
		expect(bus.failed()[0]?.attempts).toBe(4);
	});

	test('close() - then publish() rejects with BusClosedError, as on EventBus', async () => {
		const bus = createMockBus();
		await bus.close();
		expect(bus.state).toBe('closed');
		await expect(bus.publish('a', null)).rejects.toBeInstanceOf(BusClosedError);
	});
});

describe('publishSync()', () => {
	test('publishSync() - typed by the event map like publish(); awaitDelivery is not an option', () => {
		const bus = createMockBus<Events>();
		expectTypeOf(bus.publishSync('order.paid', {id: 'o-1'})).toEqualTypeOf<BusEvent<{id: string}, 'order.paid'>>();
		// @ts-expect-error `awaitDelivery` needs a promise: publish() only
		expect(() => bus.publishSync('order.paid', {id: 'o-1'}, {awaitDelivery: true})).toThrow(TypeError);
	});

	test('sync delivery - publishSync() returns once synchronous handlers have run and async ones have started', async () => {
		const bus = createMockBus<Events>();
		const calls: string[] = [];
		bus.subscribe('order.paid', () => void calls.push('sync'), {name: 'sync'});
		bus.subscribe('order.paid', async () => {
			calls.push('async started');
			await Promise.resolve();
			calls.push('async');
		}, {name: 'async'});
		bus.publishSync('order.paid', {id: 'o-1'});
		expect(calls).toEqual(['sync', 'async started']);
		expect(bus.delivered().map(record => record.subscription.name)).toEqual(['sync']);
		await bus.drain();
		expect(bus.delivered().map(record => record.subscription.name)).toEqual(['sync', 'async']);
	});

	test('sync delivery - publishSync() is recorded in published() at once, in order with publish()', async () => {
		const bus = createMockBus();
		const first = bus.publishSync('a', 1);
		const second = await bus.publish('a', 2);
		const third = bus.publishSync('a', 3);
		expect(bus.published()).toEqual([first, second, third]);
	});

	test('sync delivery - publishSync() from a handler returns before its event is dispatched', async () => {
		const bus = createMockBus();
		const calls: string[] = [];
		bus.subscribe('first', () => {
			const child = bus.publishSync('second', null);
			calls.push(`returned ${child.topic}`);
		});
		bus.subscribe('second', () => void calls.push('second handled'));
		bus.publishSync('first', null);
		expect(calls).toEqual(['returned second', 'second handled']);
	});

	test('sync delivery - a failing handler is reported, never thrown at publishSync()', () => {
		const bus = createMockBus();
		bus.subscribe('a', () => {
			throw new Error('boom');
		}, {name: 'failing'});
		expect(() => bus.publishSync('a', null)).not.toThrow();
		expect(bus.failed().map(letter => letter.subscription?.name)).toEqual(['failing']);
	});

	test('sync delivery - failOn() applies to events sent with publishSync()', () => {
		const bus = createMockBus();
		bus.subscribe('a', () => {}, {name: 'mailer'});
		bus.failOn('mailer');
		bus.publishSync('a', null);
		expect(bus.failed().map(letter => letter.event.topic)).toEqual(['a']);
	});

	test('sync delivery - publishSync() never throws QueueFullError: there is no queue', () => {
		const bus = createMockBus({maxQueueSize: 1, overflow: 'reject'});
		bus.subscribe('a', async () => new Promise(() => {}));
		bus.publishSync('a', 1);
		expect(() => bus.publishSync('a', 2)).not.toThrow();
		expect(bus.getMetrics()).toMatchObject({published: 2, rejected: 0});
	});

	test('publishSync() - an event the bus refuses is thrown and not recorded', () => {
		const bus = createMockBus();
		expect(() => bus.publishSync('order.*', null)).toThrow(InvalidTopicError);
		expect(bus.published()).toEqual([]);
		expect(bus.getMetrics().rejected).toBe(1);
	});

	test('close() - then publishSync() throws BusClosedError, as on EventBus', async () => {
		const bus = createMockBus();
		await bus.close();
		expect(() => bus.publishSync('a', null)).toThrow(BusClosedError);
	});

	test('queued - publishSync() is recorded at once, before its handlers run', async () => {
		const bus = createMockBus<Events>({mode: 'queued'});
		bus.subscribe('order.paid', () => {}, {name: 'invoicing'});
		const event = bus.publishSync('order.paid', {id: 'o-1'});
		expect(bus.published()).toEqual([event]);
		expect(bus.delivered()).toEqual([]);
		await bus.drain();
		expect(bus.delivered().map(record => record.event)).toEqual([event]);
	});

	test('queued - published() keeps acceptance order when publishSync() follows an un-awaited publish()', async () => {
		const bus = createMockBus({mode: 'queued'});
		void bus.publish('a', 1);
		bus.publishSync('a', 2);
		void bus.publish('a', 3);
		await bus.drain();
		expect(bus.published().map(event => event.payload)).toEqual([1, 2, 3]);
	});

	test('queued - published() keeps acceptance order when publishSync() follows an un-awaited publishBatch()', async () => {
		const bus = createMockBus({mode: 'queued'});
		void bus.publishBatch([{topic: 'a', payload: 1}]);
		bus.publishSync('a', 2);
		await bus.drain();
		expect(bus.published().map(event => event.payload)).toEqual([1, 2]);
	});

	test('queued - a refused publish() does not hold back the recording of a publishSync() after it', async () => {
		const bus = createMockBus({mode: 'queued'});
		const refused = bus.publish('a..b', 1);
		bus.publishSync('a', 2);
		await expect(refused).rejects.toBeInstanceOf(InvalidTopicError);
		expect(bus.published().map(event => event.payload)).toEqual([2]);
	});

	test('queued - on a full queue publishSync() throws QueueFullError and records nothing', () => {
		const bus = createMockBus({mode: 'queued', maxQueueSize: 1, overflow: 'wait'});
		const accepted = bus.publishSync('a', 1);
		expect(() => bus.publishSync('a', 2)).toThrow(QueueFullError);
		expect(() => bus.publishSync('a', 3)).toThrow(expect.objectContaining({code: 'ERR_QUEUE_FULL', topic: 'a', capacity: 1}));
		expect(bus.published()).toEqual([accepted]);
	});

	test('queued - with drop-newest, publishSync() returns the dropped event, dead-lettered', async () => {
		const bus = createMockBus({mode: 'queued', maxQueueSize: 1, overflow: 'drop-newest'});
		bus.publishSync('a', 1);
		const dropped = bus.publishSync('a', 2);
		expect(bus.deadLettered().map(letter => [letter.event, letter.reason])).toEqual([[dropped, 'queue-overflow']]);
		await bus.drain();
	});
});

describe('failOn()', () => {
	test('failOn(name) - the named subscription fails; the others are delivered', async () => {
		const bus = createMockBus();
		const calls: string[] = [];
		bus.subscribe('a', () => void calls.push('mailer'), {name: 'mailer'});
		bus.subscribe('a', () => void calls.push('audit'), {name: 'audit'});
		bus.failOn('mailer');
		const report = await bus.publish('a', null, {awaitDelivery: true});
		expect(calls).toEqual(['audit']);
		expect([report.succeeded, report.failed]).toEqual([1, 1]);
		const error = report.failures[0]?.error;
		expect(error).toBeInstanceOf(InjectedFailureError);
		expect(error).toMatchObject({target: 'mailer', eventId: report.event.id, name: 'InjectedFailureError'});
	});

	test('failOn(pattern) - every delivery of a matching topic fails, with the given error', async () => {
		const bus = createMockBus();
		bus.subscribe('order.*', () => {});
		bus.subscribe('user.*', () => {});
		const error = new Error('payment service down');
		bus.failOn('order.*', error);
		await bus.publish('order.paid', null);
		await bus.publish('user.created', null);
		expect(bus.failed().map(letter => [letter.event.topic, letter.error])).toEqual([['order.paid', error]]);
	});

	test('failOn({subscription}) and {topic} - say which one a string means', async () => {
		const bus = createMockBus();
		bus.subscribe('mailer', () => {}, {name: 'x'});
		bus.subscribe('other', () => {}, {name: 'mailer'});
		bus.failOn({topic: 'mailer'});
		await bus.publish('mailer', null);
		await bus.publish('other', null);
		expect(bus.failed().map(letter => letter.event.topic)).toEqual(['mailer']);
		bus.reset();
		bus.failOn({subscription: 'mailer'});
		await bus.publish('mailer', null);
		await bus.publish('other', null);
		expect(bus.failed().map(letter => letter.event.topic)).toEqual(['other']);
	});

	test('failOn(target, error, {times}) - only the next n attempts fail, so a retry succeeds', async () => {
		const bus = createMockBus();
		bus.subscribe('a', () => {}, {name: 'flaky', retry: {attempts: 3}});
		bus.failOn('flaky', undefined, {times: 2});
		const report = await bus.publish('a', null, {awaitDelivery: true});
		expect([report.succeeded, report.failed]).toEqual([1, 0]);
		expect(bus.delivered()[0]?.attempts).toBe(3);
		expect(bus.getMetrics().retried).toBe(2);
	});

	test('failOn() - returns a function that removes the rule', async () => {
		const bus = createMockBus();
		bus.subscribe('a', () => {});
		const restore = bus.failOn('a');
		await bus.publish('a', 1);
		restore();
		await bus.publish('a', 2);
		expect(bus.failed().map(letter => letter.event.payload)).toEqual([1]);
		expect(bus.delivered().map(record => record.event.payload)).toEqual([2]);
	});

	test('failOn() - a malformed target or option is a TypeError; a bad {topic} an InvalidTopicError', () => {
		const bus = createMockBus();
		expect(() => bus.failOn('')).toThrow(TypeError);
		expect(() => bus.failOn({} as never)).toThrow(TypeError);
		expect(() => bus.failOn('a', undefined, {times: 0})).toThrow(/`options.times`/);
		expect(() => bus.failOn({topic: 'a..b'})).toThrow(InvalidTopicError);
	});

	test('failOn() - a string that is no valid pattern still names a subscription', async () => {
		const bus = createMockBus();
		bus.subscribe('a', () => {}, {name: 'email sender'});
		bus.failOn('email sender');
		await bus.publish('a', null);
		expect(bus.failed()).toHaveLength(1);
	});

	test('reset() - forgets recordings and rules, keeps subscriptions', async () => {
		const bus = createMockBus();
		bus.subscribe('a', () => {});
		bus.failOn('a');
		await bus.publish('a', null);
		bus.reset();
		expect([bus.published(), bus.delivered(), bus.failed(), bus.deadLettered()]).toEqual([[], [], [], []]);
		await bus.publish('a', null);
		expect(bus.delivered()).toHaveLength(1);
		expect(bus.subscriptions()).toHaveLength(1);
	});
});

describe("createMockBus({mode: 'queued'})", () => {
	test('queued - delivers through a real EventBus: publish() resolves before handlers run', async () => {
		const bus = createMockBus<Events>({mode: 'queued'});
		expect(bus.mode).toBe('queued');
		startInvoicing(bus);
		await bus.publish('order.paid', {id: 'o-1'});
		expect(bus.delivered()).toHaveLength(0);
		await bus.drain();
		expect(bus.published().map(event => event.topic)).toEqual(['order.paid', 'invoice.created']);
		expect(bus.delivered().map(record => record.subscription.name)).toEqual(['invoicing']);
	});

	test('queued - failOn() and the recorded failures work the same way', async () => {
		const bus = createMockBus({mode: 'queued'});
		bus.subscribe('a', () => {}, {name: 'mailer', retry: {attempts: 2, backoff: {initialMs: 0, maxMs: 0}}});
		bus.failOn('mailer', undefined, {times: 1});
		bus.failOn('b');
		bus.subscribe('b', () => {});
		await bus.publish('a', null);
		await bus.publish('b', null);
		await bus.drain();
		expect(bus.delivered().map(record => [record.event.topic, record.attempts])).toEqual([['a', 2]]);
		expect(bus.failed().map(letter => letter.event.topic)).toEqual(['b']);
	});
});
