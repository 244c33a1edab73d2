import {afterEach, describe, expect, test, vi} from 'vitest';
import {EventBus} from '../../src/index.js';
import {deferred, nextMacrotask, rejectionOf} from './helpers.js';

afterEach(() => {
	vi.useRealTimers();
});

describe('getMetrics()', () => {
	test('getMetrics() - a new bus starts at zero', () => {
		expect(new EventBus().getMetrics()).toEqual({
			published: 0,
			delivered: 0,
			failed: 0,
			retried: 0,
			dropped: 0,
			deadLettered: 0,
			rejected: 0,
			queueSize: 0,
			inFlight: 0,
			waitingProducers: 0,
			subscriptions: 0,
		});
	});

	test('getMetrics() - delivered counts each successful handler call', async () => {
		const bus = new EventBus();
		bus.subscribe('a', () => {});
		bus.subscribe('**', async () => {});
		for (let index = 0; index < 3; index++) await bus.publish('a', index);
		await bus.drain();
		expect(bus.getMetrics()).toMatchObject({published: 3, delivered: 6, failed: 0});
	});

	test('getMetrics() - failed counts every failed attempt, retried every retry', async () => {
		vi.useFakeTimers();
		const bus = new EventBus();
		bus.subscribe(
			'a',
			() => {
				throw new Error('always');
			},
			{retry: {attempts: 3, backoff: {initialMs: 10, jitter: 'none'}}},
		);
		await bus.publish('a', 1);
		await vi.advanceTimersByTimeAsync(100);
		await bus.drain();
		expect(bus.getMetrics()).toMatchObject({failed: 3, retried: 2, deadLettered: 1, delivered: 0, dropped: 0});
	});

	test('getMetrics() - rejected counts refused publishes', async () => {
		const bus = new EventBus({maxQueueSize: 1, overflow: 'reject'});
		void bus.publish('a', 1);
		await rejectionOf(bus.publish('a', 2));
		await rejectionOf(bus.publish('a..b', 3));
		expect(bus.getMetrics()).toMatchObject({rejected: 2, published: 1});
		await bus.drain();
	});

	test('getMetrics() - the gauges show queued, in-flight and waiting work', async () => {
		const bus = new EventBus({maxQueueSize: 2});
		const gate = deferred();
		bus.subscribe('a', async () => gate.promise);
		bus.subscribe('b', () => {});
		void bus.publish('a', 1);
		void bus.publish('a', 2);
		void bus.publish('a', 3);
		expect(bus.getMetrics()).toMatchObject({queueSize: 2, waitingProducers: 1, inFlight: 0, subscriptions: 2});
		await nextMacrotask();
		expect(bus.getMetrics()).toMatchObject({queueSize: 0, waitingProducers: 0, inFlight: 3});
		gate.resolve();
		await bus.drain();
		expect(bus.getMetrics()).toMatchObject({queueSize: 0, inFlight: 0, delivered: 3});
	});

	test('getMetrics() - subscriptions follows subscribe and unsubscribe', () => {
		const bus = new EventBus();
		const first = bus.subscribe('a', () => {});
		bus.subscribe('b', () => {});
		expect(bus.getMetrics().subscriptions).toBe(2);
		first.unsubscribe();
		expect(bus.getMetrics().subscriptions).toBe(1);
	});

	test('getMetrics() - returns a snapshot that later activity does not change', async () => {
		const bus = new EventBus();
		const before = bus.getMetrics();
		await bus.publish('a', 1);
		expect(before.published).toBe(0);
	});
});
