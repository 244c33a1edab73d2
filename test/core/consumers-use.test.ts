import {afterEach, describe, expect, test, vi} from 'vitest';
import {EventBus, type BusEvent, type Consumer} from '../../src/index.js';
import {collectDeadLetters, nextMacrotask, settledFlag} from './helpers.js';

afterEach(() => {
	vi.useRealTimers();
});

type Received = BusEvent | readonly BusEvent[];

function payloadsOf(calls: readonly Received[]): unknown[] {
	return calls.map(call => (Array.isArray(call) ? (call as readonly BusEvent[]).map(event => event.payload) : (call as BusEvent).payload));
}

function recordingConsumer(overrides: Partial<Consumer> = {}): Consumer & {readonly calls: Received[]; readonly log: string[]} {
	const calls: Received[] = [];
	const log: string[] = [];
	return {
		name: 'recorder',
		topics: '**',
		consume(events) {
			calls.push(events);
			log.push(Array.isArray(events) ? `batch ${events.length}` : 'event');
		},
		close() {
			log.push('close');
		},
		...overrides,
		calls,
		log,
	};
}

describe('use()', () => {
	test('use() - without batchSize, consume gets one event at a time, in order', async () => {
		const bus = new EventBus();
		const consumer = recordingConsumer();
		bus.use(consumer);
		for (let index = 0; index < 3; index++) await bus.publish('a', index);
		await bus.drain();
		expect(payloadsOf(consumer.calls)).toEqual([0, 1, 2]);
	});

	test('use() - a consumer with several matching topics gets each event once', async () => {
		const bus = new EventBus();
		const consumer = recordingConsumer({topics: ['order.*', 'order.created', '**']});
		bus.use(consumer);
		await bus.publish('order.created', 1);
		await bus.publish('order.paid', 2);
		await bus.publish('user.created', 3);
		await bus.drain();
		expect(payloadsOf(consumer.calls)).toEqual([1, 2, 3]);
	});

	test('use() - the handle exposes the name and an ordinary subscription', () => {
		const bus = new EventBus();
		const handle = bus.use(recordingConsumer({name: 'audit', topics: ['a', 'b.*']}));
		expect(handle.name).toBe('audit');
		expect(handle.subscription).toMatchObject({name: 'audit', pattern: 'a, b.*', isActive: true});
		expect(bus.subscriptions()).toEqual([expect.objectContaining({name: 'audit'})]);
	});

	test('use() - priority, filter and transform apply as for subscribe', async () => {
		const bus = new EventBus();
		const order: string[] = [];
		bus.subscribe('a', () => order.push('plain'));
		const consumer = recordingConsumer({
			topics: 'a',
			priority: 5,
			filter: event => event.payload !== 'skip',
			transform: event => ({...event, payload: `t:${event.payload as string}`}),
			consume(event) {
				order.push((event as BusEvent).payload as string);
			},
		});
		bus.use(consumer);
		await bus.publish('a', 'x');
		await bus.publish('a', 'skip');
		await bus.drain();
		expect(order).toEqual(['t:x', 'plain', 'plain']);
	});

	test('use() - batchSize delivers arrays of that many events', async () => {
		vi.useFakeTimers();
		const bus = new EventBus();
		const consumer = recordingConsumer({batchSize: 3});
		bus.use(consumer);
		for (let index = 0; index < 6; index++) void bus.publish('a', index);
		await nextMacrotask();
		expect(payloadsOf(consumer.calls)).toEqual([
			[0, 1, 2],
			[3, 4, 5],
		]);
	});

	test('use() - a partial batch is delivered batchTimeoutMs after its first event', async () => {
		vi.useFakeTimers();
		const bus = new EventBus();
		const consumer = recordingConsumer({batchSize: 10, batchTimeoutMs: 500});
		bus.use(consumer);
		await bus.publish('a', 1);
		await bus.publish('a', 2);
		await vi.advanceTimersByTimeAsync(499);
		expect(consumer.calls).toEqual([]);
		await vi.advanceTimersByTimeAsync(1);
		expect(payloadsOf(consumer.calls)).toEqual([[1, 2]]);
		await bus.drain();
	});

	test('use() - batchTimeoutMs defaults to 1000', async () => {
		vi.useFakeTimers();
		const bus = new EventBus();
		const consumer = recordingConsumer({batchSize: 10});
		bus.use(consumer);
		await bus.publish('a', 1);
		await vi.advanceTimersByTimeAsync(999);
		expect(consumer.calls).toEqual([]);
		await vi.advanceTimersByTimeAsync(1);
		expect(payloadsOf(consumer.calls)).toEqual([[1]]);
	});

	test('use() - drain() waits for a partial batch', async () => {
		vi.useFakeTimers();
		const bus = new EventBus();
		const consumer = recordingConsumer({batchSize: 10, batchTimeoutMs: 500});
		bus.use(consumer);
		await bus.publish('a', 1);
		const flag = settledFlag(bus.drain());
		await nextMacrotask();
		expect(flag.isSettled).toBe(false);
		await vi.advanceTimersByTimeAsync(500);
		expect(flag.isSettled).toBe(true);
	});

	test('use() - handle.close() flushes the partial batch, then calls consumer.close()', async () => {
		vi.useFakeTimers();
		const bus = new EventBus();
		const consumer = recordingConsumer({batchSize: 10, batchTimeoutMs: 60_000});
		const handle = bus.use(consumer);
		await bus.publish('a', 1);
		await bus.publish('a', 2);
		await nextMacrotask();
		await handle.close();
		expect(consumer.log).toEqual(['batch 2', 'close']);
		expect(payloadsOf(consumer.calls)).toEqual([[1, 2]]);
		expect(handle.subscription.isActive).toBe(false);
	});

	test('use() - handle.close() is idempotent', async () => {
		const bus = new EventBus();
		const close = vi.fn();
		const handle = bus.use(recordingConsumer({close}));
		await Promise.all([handle.close(), handle.close()]);
		await handle.close();
		expect(close).toHaveBeenCalledTimes(1);
	});

	test('use() - bus.close() flushes a partial batch before closing the consumer', async () => {
		vi.useFakeTimers();
		const bus = new EventBus();
		const consumer = recordingConsumer({batchSize: 10, batchTimeoutMs: 60_000});
		bus.use(consumer);
		void bus.publish('a', 1);
		void bus.publish('a', 2);
		void bus.publish('a', 3);
		await bus.close();
		expect(consumer.log).toEqual(['batch 3', 'close']);
	});

	test('use() - a failing batch is retried per retry, as a batch again', async () => {
		vi.useFakeTimers();
		const bus = new EventBus();
		const letters = collectDeadLetters(bus);
		let attempts = 0;
		const consumer = recordingConsumer({
			batchSize: 2,
			retry: {attempts: 2, backoff: {initialMs: 100, jitter: 'none'}},
			consume(events) {
				consumer.calls.push(events);
				attempts++;
				if (attempts === 1) throw new Error('collector down');
			},
		});
		bus.use(consumer);
		void bus.publish('a', 1);
		void bus.publish('a', 2);
		await vi.advanceTimersByTimeAsync(100);
		await bus.drain();
		expect(payloadsOf(consumer.calls)).toEqual([
			[1, 2],
			[1, 2],
		]);
		expect(letters).toEqual([]);
		expect(bus.getMetrics()).toMatchObject({retried: 2, delivered: 2});
	});

	test('use() - a batch that fails after the last attempt dead-letters each of its events', async () => {
		vi.useFakeTimers();
		const bus = new EventBus();
		const letters = collectDeadLetters(bus);
		const failure = new Error('collector down');
		bus.use(
			recordingConsumer({
				name: 'forwarder',
				batchSize: 2,
				consume() {
					throw failure;
				},
			}),
		);
		const events = [await bus.publish('a', 1), await bus.publish('a', 2)];
		await bus.drain();
		expect(letters.map(letter => letter.event)).toEqual(events);
		expect(letters[0]).toMatchObject({reason: 'handler-failed', error: failure, attempts: 1, subscription: {name: 'forwarder'}});
	});

	test('use() - a rejecting consume fails the batch like a throw', async () => {
		vi.useFakeTimers();
		const bus = new EventBus();
		const letters = collectDeadLetters(bus);
		bus.use(
			recordingConsumer({
				batchSize: 1,
				async consume() {
					throw new Error('async failure');
				},
			}),
		);
		await bus.publish('a', 1);
		await bus.drain();
		expect(letters).toHaveLength(1);
	});

	test('use() - with batching, timeoutMs does not run out while a batch is still filling', async () => {
		vi.useFakeTimers();
		const bus = new EventBus();
		const letters = collectDeadLetters(bus);
		const consumer = recordingConsumer({batchSize: 10, batchTimeoutMs: 1000, timeoutMs: 500});
		bus.use(consumer);
		await bus.publish('a', 1);
		await vi.advanceTimersByTimeAsync(1000);
		await bus.drain();
		expect(payloadsOf(consumer.calls)).toEqual([[1]]);
		expect(letters).toEqual([]);
	});

	test.each([
		['Expected `consumer` to be an object, got `null` (null)', null],
		['Expected `consumer.name` to be a non-empty string, got `` (string)', {name: '', topics: 'a', consume() {}}],
		['Expected `consumer.topics` to be a pattern or a non-empty array of patterns, got `[]` (array)', {name: 'c', topics: [], consume() {}}],
		['Expected `consumer.consume` to be a function, got `undefined` (undefined)', {name: 'c', topics: 'a'}],
		['Expected `consumer.close` to be a function, got `1` (number)', {name: 'c', topics: 'a', consume() {}, close: 1}],
		['Expected `consumer.batchSize` to be an integer >= 1, got `0` (number)', {name: 'c', topics: 'a', consume() {}, batchSize: 0}],
	])('use() - rejects a malformed consumer with a TypeError: %s', (message, consumer) => {
		const bus = new EventBus();
		expect(() => bus.use(consumer as never)).toThrow(new TypeError(message));
		expect(bus.subscriptions()).toEqual([]);
	});

	test('use() - an invalid pattern throws InvalidTopicError and registers nothing', () => {
		const bus = new EventBus();
		expect(() => bus.use(recordingConsumer({topics: ['a', 'b..c']}))).toThrow(expect.objectContaining({code: 'ERR_INVALID_TOPIC'}));
		expect(bus.subscriptions()).toEqual([]);
	});
});
