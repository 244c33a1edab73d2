import {afterEach, describe, expect, test, vi} from 'vitest';
import {EventBus, InvalidTopicError, WaitTimeoutError, getEventBus, resetEventBus, type BusEvent, type Consumer} from '../../src/index.js';
import {createTestBus} from '../../src/testing/index.js';

type Events = {
	'order.paid': {id: string};
	'invoice.created': {orderId: string};
	'mail.sent': {to: string};
};

afterEach(async () => {
	vi.useRealTimers();
	await resetEventBus();
});

describe('createTestBus()', () => {
	test('createTestBus() - a real EventBus, isolated from the singleton', () => {
		const harness = createTestBus<Events>();
		expect(harness.bus).toBeInstanceOf(EventBus);
		expect(harness.bus).not.toBe(getEventBus());
		expect(createTestBus().bus).not.toBe(harness.bus);
	});

	test('recording - published, delivered, failed and deadLettered after drain()', async () => {
		const harness = createTestBus();
		const {bus} = harness;
		bus.subscribe('ok', () => {}, {name: 'fine'});
		bus.subscribe('bad', () => {
			throw new Error('boom');
		}, {name: 'broken'});
		await bus.publish('ok', 1);
		await bus.publishBatch([{topic: 'bad', payload: 2}]);
		await harness.drain();
		expect(harness.published().map(event => event.topic)).toEqual(['ok', 'bad']);
		expect(harness.delivered().map(record => [record.event.topic, record.subscription.name, record.attempts])).toEqual([['ok', 'fine', 1]]);
		expect(harness.failed().map(letter => [letter.event.topic, letter.subscription?.name])).toEqual([['bad', 'broken']]);
		expect(harness.deadLettered()).toHaveLength(1);
		expect(harness.subscriptions().map(info => info.name)).toEqual(['fine', 'broken']);
	});

	test('recording - an awaitDelivery publish is recorded before the events its handlers publish', async () => {
		const harness = createTestBus();
		harness.bus.subscribe('parent', async () => {
			await harness.bus.publish('child', null);
		});
		await harness.bus.publish('parent', null, {awaitDelivery: true});
		await harness.drain();
		expect(harness.published().map(event => event.topic)).toEqual(['parent', 'child']);
	});

	test('recording - consumers are recorded too, including ones written as classes with #private state', async () => {
		class Audit implements Consumer {
			readonly name = 'audit';
			readonly topics = 'order.*';
			readonly #seen: string[] = [];
			consume(event: BusEvent | readonly BusEvent[]): void {
				this.#seen.push((event as BusEvent).topic);
			}

			get seen(): readonly string[] {
				return this.#seen;
			}
		}
		const harness = createTestBus();
		const audit = new Audit();
		harness.bus.use(audit);
		await harness.bus.publish('order.paid', null);
		await harness.drain();
		expect(audit.seen).toEqual(['order.paid']);
		expect(harness.delivered().map(record => record.subscription.name)).toEqual(['audit']);
	});

	test('failOn() and reset() - as on the mock bus', async () => {
		const harness = createTestBus();
		harness.bus.subscribe('a', () => {}, {name: 'mailer'});
		harness.bus.use({name: 'audit', topics: 'a', consume() {}});
		harness.failOn('audit');
		await harness.bus.publish('a', null);
		await harness.drain();
		expect(harness.failed().map(letter => letter.subscription?.name)).toEqual(['audit']);
		harness.reset();
		await harness.bus.publish('a', null);
		await harness.drain();
		expect(harness.failed()).toEqual([]);
		expect(harness.delivered()).toHaveLength(2);
	});
});

describe('waitFor()', () => {
	test('waitFor() - resolves with an event already published', async () => {
		const harness = createTestBus<Events>();
		await harness.bus.publish('mail.sent', {to: 'a@example.com'});
		const event = await harness.waitFor('mail.*');
		expect(event.payload).toEqual({to: 'a@example.com'});
	});

	test('waitFor() - resolves with the next event matching the predicate', async () => {
		const harness = createTestBus<Events>();
		harness.bus.subscribe('order.paid', async event => {
			await harness.bus.publish('invoice.created', {orderId: event.payload.id});
		});
		const waiting = harness.waitFor('invoice.created', event => event.payload.orderId === 'o-2');
		await harness.bus.publish('order.paid', {id: 'o-1'});
		await harness.bus.publish('order.paid', {id: 'o-2'});
		expect((await waiting).payload).toEqual({orderId: 'o-2'});
	});

	test('waitFor() - WaitTimeoutError after timeoutMs, listing what was published instead', async () => {
		const harness = createTestBus();
		await harness.bus.publish('order.paid', null);
		const error = await harness.waitFor('invoice.created', undefined, {timeoutMs: 10}).catch((error: unknown) => error);
		expect(error).toBeInstanceOf(WaitTimeoutError);
		expect(error).toMatchObject({code: 'ERR_WAIT_TIMEOUT', pattern: 'invoice.created', timeoutMs: 10});
		expect((error as Error).message).toBe('No event matching `invoice.created` within 10 ms; published instead: order.paid');
	});

	test('waitFor() - a bad pattern is InvalidTopicError; a throwing predicate rejects with its error', async () => {
		const harness = createTestBus();
		await expect(harness.waitFor('a..b')).rejects.toBeInstanceOf(InvalidTopicError);
		await expect(harness.waitFor('a', 'nope' as never)).rejects.toThrow(TypeError);
		const failure = new Error('bad predicate');
		const waiting = harness.waitFor('a', () => {
			throw failure;
		});
		await harness.bus.publish('a', null);
		await expect(waiting).rejects.toBe(failure);
	});
});

describe('fake timers', () => {
	test('drain() - runs retry backoffs in fake time', async () => {
		vi.useFakeTimers({now: 0});
		const harness = createTestBus();
		const attemptTimes: number[] = [];
		harness.bus.subscribe('a', () => {
			attemptTimes.push(Date.now());
			if (attemptTimes.length < 3) throw new Error('flaky');
		}, {retry: {attempts: 3, backoff: {initialMs: 1000, factor: 2, jitter: 'none'}}});
		await harness.bus.publish('a', null);
		await harness.drain();
		expect(attemptTimes).toEqual([0, 1000, 3000]);
		expect(harness.delivered()[0]?.attempts).toBe(3);
	});

	test('drain() - survives the dispatcher yielding (setImmediate) after a large batch', async () => {
		vi.useFakeTimers();
		const harness = createTestBus({dispatchBatchSize: 16});
		let count = 0;
		harness.bus.subscribe('n', () => void count++);
		for (let n = 0; n < 100; n++) void harness.bus.publish('n', n);
		await harness.drain();
		expect(count).toBe(100);
	});

	test('waitFor() - its timeout fires in fake time', async () => {
		vi.useFakeTimers({now: 0});
		const harness = createTestBus();
		await expect(harness.waitFor('never', undefined, {timeoutMs: 60_000})).rejects.toBeInstanceOf(WaitTimeoutError);
		expect(Date.now()).toBe(60_000);
	});

	test('advanceFakeTimers: false - drain() waits for the test to advance the clock', async () => {
		vi.useFakeTimers({now: 0});
		const harness = createTestBus({advanceFakeTimers: false});
		let attempts = 0;
		harness.bus.subscribe('a', () => {
			if (++attempts === 1) throw new Error('flaky');
		}, {retry: {attempts: 2, backoff: {initialMs: 500, jitter: 'none'}}});
		await harness.bus.publish('a', null);
		let isDrained = false;
		const draining = harness.drain().then(() => {
			isDrained = true;
		});
		await vi.advanceTimersByTimeAsync(499);
		expect([attempts, isDrained]).toEqual([1, false]);
		await vi.advanceTimersByTimeAsync(1);
		await draining;
		expect(attempts).toBe(2);
	});

	test('recording - bus.publishSync() is recorded at once, before any handler runs', () => {
		const harness = createTestBus<Events>();
		harness.bus.subscribe('order.paid', () => {});
		const event = harness.bus.publishSync('order.paid', {id: 'o-1'});
		expect(harness.published()).toEqual([event]);
		expect(harness.delivered()).toEqual([]);
	});

	test('recording - a publishSync() the bus refuses is not recorded', () => {
		const harness = createTestBus();
		expect(() => harness.bus.publishSync('a..b', null)).toThrow(InvalidTopicError);
		expect(harness.published()).toEqual([]);
	});

	test('waitFor() - resolves with an event a handler sent with publishSync()', async () => {
		const harness = createTestBus<Events>();
		harness.bus.subscribe('order.paid', event => {
			harness.bus.publishSync('invoice.created', {orderId: event.payload.id});
		});
		harness.bus.publishSync('order.paid', {id: 'o-1'});
		const invoice = await harness.waitFor('invoice.created');
		expect(invoice.payload).toEqual({orderId: 'o-1'});
		expect(invoice.causationId).toBe(harness.published('order.paid')[0]?.id);
	});

	test('createTestBus() - a malformed option is a TypeError', () => {
		expect(() => createTestBus({advanceFakeTimers: 'yes' as never})).toThrow(/`options.advanceFakeTimers`/);
	});
});
