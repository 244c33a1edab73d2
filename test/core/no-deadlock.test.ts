/**
 * Every wait cycle that lossless delivery could create, each with a bounded wait: a cycle that deadlocks fails
 * the test with "did not settle" instead of hanging the suite.
 */
import {setTimeout as realSetTimeout} from 'node:timers';
import {describe, expect, test, vi} from 'vitest';
import {BusClosedError, DeliveryCycleError, EventBus, QueueFullError, type BusEvent} from '../../src/index.js';
import {deferred, nextMacrotask, rejectionOf, within} from './helpers.js';

describe('no deadlocks - handlers that publish', () => {
	test('a handler awaiting publish while the queue is full and its own subscription holds dispatch back finishes', async () => {
		const bus = new EventBus({maxQueueSize: 2});
		const gate = deferred();
		const followUps: unknown[] = [];
		bus.subscribe(
			'order.placed',
			async event => {
				await gate.promise;
				await bus.publish('order.checked', event.payload);
			},
			{maxPending: 1},
		);
		bus.subscribe('order.checked', event => {
			followUps.push(event.payload);
		});
		const publishes = Array.from({length: 6}, async (_, index) => bus.publish('order.placed', index));
		await nextMacrotask();
		expect(bus.getMetrics()).toMatchObject({queueSize: 2, waitingProducers: 2});
		gate.resolve();
		await within(Promise.all(publishes));
		await within(bus.drain());
		expect(followUps).toEqual([0, 1, 2, 3, 4, 5]);
	});

	test('a handler awaiting delivery to another topic while its own subscription holds dispatch back finishes', async () => {
		const bus = new EventBus({maxQueueSize: 2});
		const gate = deferred();
		const reports: number[] = [];
		bus.subscribe(
			'order.placed',
			async event => {
				await gate.promise;
				const report = await bus.publish('order.checked', event.payload, {awaitDelivery: true});
				reports.push(report.succeeded);
			},
			{maxPending: 1},
		);
		bus.subscribe('order.checked', () => {});
		const publishes = Array.from({length: 6}, async (_, index) => bus.publish('order.placed', index));
		await nextMacrotask();
		expect(bus.subscriptions()[0]?.isHoldingDispatch).toBe(true);
		gate.resolve();
		await within(Promise.all(publishes));
		await within(bus.drain());
		expect(reports).toEqual([1, 1, 1, 1, 1, 1]);
	});

	test('fire-and-forget publishes from a handler stay bounded: past a reserve of maxQueueSize they reject with QueueFullError', async () => {
		const bus = new EventBus({maxQueueSize: 10});
		const failures: unknown[] = [];
		let maxQueue = 0;
		let accepted = 0;
		bus.subscribe('burst.start', () => {
			for (let index = 0; index < 1000; index++) {
				bus.publish('burst.item', index).then(
					() => {
						accepted++;
					},
					(error: unknown) => failures.push(error),
				);
				maxQueue = Math.max(maxQueue, bus.getMetrics().queueSize);
			}
		});
		let delivered = 0;
		bus.subscribe('burst.item', () => {
			delivered++;
		});
		await bus.publish('burst.start', null);
		await within(bus.drain());
		await nextMacrotask();
		expect(maxQueue).toBe(20);
		expect(bus.getMetrics().waitingProducers).toBe(0);
		expect(failures.length).toBeGreaterThan(0);
		expect(failures.every(error => error instanceof QueueFullError && error.code === 'ERR_QUEUE_FULL')).toBe(true);
		expect(accepted + failures.length).toBe(1000);
		expect(delivered).toBe(accepted);
		expect(bus.getMetrics().rejected).toBe(failures.length);
	});

	test('a handler awaiting delivery to a topic its own subscription matches fails fast with DeliveryCycleError', async () => {
		const bus = new EventBus();
		const errors: unknown[] = [];
		bus.subscribe('task.*', async event => {
			if (event.topic !== 'task.first') return;
			errors.push(await rejectionOf(bus.publish('task.second', null, {awaitDelivery: true})));
		});
		await bus.publish('task.first', null);
		await within(bus.drain());
		expect(errors).toHaveLength(1);
		expect(errors[0]).toBeInstanceOf(DeliveryCycleError);
		expect(errors[0]).toMatchObject({code: 'ERR_DELIVERY_CYCLE', topic: 'task.second', subscriptionId: 'sub_1'});
		expect(bus.getMetrics()).toMatchObject({inFlight: 0, queueSize: 0, published: 1});
	});

	test('the same cycle after an await in the handler fails fast too', async () => {
		const bus = new EventBus();
		const errors: unknown[] = [];
		bus.subscribe('task.*', async event => {
			if (event.topic !== 'task.first') return;
			await nextMacrotask();
			errors.push(await rejectionOf(bus.publish('task.second', null, {awaitDelivery: true})));
		});
		await bus.publish('task.first', null);
		await within(bus.drain());
		expect(errors).toEqual([expect.any(DeliveryCycleError)]);
	});

	test('with concurrency above 1 a handler may await delivery to its own subscription: a free slot handles it', async () => {
		const bus = new EventBus();
		let succeeded = -1;
		bus.subscribe(
			'task.*',
			async event => {
				if (event.topic === 'task.first') succeeded = (await bus.publish('task.second', null, {awaitDelivery: true})).succeeded;
			},
			{concurrency: 2},
		);
		await bus.publish('task.first', null);
		await within(bus.drain());
		expect(succeeded).toBe(1);
	});

	test('awaiting delivery from a handler to a topic only another subscription matches is no cycle', async () => {
		const bus = new EventBus();
		let succeeded = -1;
		bus.subscribe('task.first', async () => {
			succeeded = (await bus.publish('task.second', null, {awaitDelivery: true})).succeeded;
		});
		bus.subscribe('task.second', () => {});
		await bus.publish('task.first', null);
		await within(bus.drain());
		expect(succeeded).toBe(1);
	});
});

describe('no deadlocks - shutdown', () => {
	test('stop() while producers wait for space rejects them with BusClosedError: they were never accepted', async () => {
		const bus = new EventBus({maxQueueSize: 1});
		const gate = deferred();
		bus.subscribe('a', async () => gate.promise, {maxPending: 1});
		const publishes = Array.from({length: 6}, async (_, index) => bus.publish('a', index));
		await nextMacrotask();
		const waiting = bus.getMetrics().waitingProducers;
		expect(waiting).toBe(3);
		const stopped = bus.stop();
		gate.resolve();
		const outcomes = await within(Promise.allSettled(publishes));
		const rejected = outcomes.filter(outcome => outcome.status === 'rejected');
		expect(rejected).toHaveLength(waiting);
		expect(rejected.every(outcome => (outcome as PromiseRejectedResult).reason instanceof BusClosedError)).toBe(true);
		const report = await within(stopped);
		expect(report).toMatchObject({drained: true, abandoned: 0});
		expect(report.metrics).toMatchObject({published: 3, delivered: 3, deadLettered: 0});
		expect(bus.history().map(event => event.payload)).toEqual([0, 1, 2]);
	});

	test('close() while producers wait for space rejects them with BusClosedError', async () => {
		const bus = new EventBus({maxQueueSize: 1});
		bus.subscribe('a', async () => new Promise(() => {}), {maxPending: 0});
		const publishes = Array.from({length: 4}, async (_, index) => bus.publish('a', index));
		await nextMacrotask();
		const closed = bus.close({timeoutMs: 20});
		const outcomes = await within(Promise.allSettled(publishes));
		expect(outcomes.map(outcome => outcome.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'rejected']);
		const report = await within(closed);
		expect(report).toMatchObject({drained: false, abandoned: 1});
		expect(bus.state).toBe('closed');
	});

	test('await bus.stop() inside a handler resolves (drained: false); the bus then stops once the handler returns', async () => {
		const bus = new EventBus();
		const stoppedEvents: unknown[] = [];
		bus.on('stopped', report => stoppedEvents.push(report));
		let inside: unknown;
		bus.subscribe('app.shutdown', async () => {
			inside = await bus.stop();
		});
		await bus.publish('app.shutdown', null);
		await within(
			(async () => {
				while (bus.state !== 'stopped') await nextMacrotask();
			})(),
		);
		expect(inside).toMatchObject({drained: false, abandoned: 0});
		expect(stoppedEvents).toEqual([expect.objectContaining({drained: true})]);
	});

	test('await bus.drain() inside a handler resolves instead of waiting for itself', async () => {
		const bus = new EventBus();
		let drained = false;
		bus.subscribe('a', async () => {
			await bus.drain();
			drained = true;
		});
		await bus.publish('a', null);
		await within(bus.drain());
		expect(drained).toBe(true);
	});

	test('close({timeoutMs}) after a stop() without timeout is bounded by its own timeout when a handler never settles', async () => {
		const bus = new EventBus();
		bus.subscribe('a', async () => new Promise(() => {}));
		await bus.publish('a', 1);
		await bus.publish('a', 2);
		await nextMacrotask();
		const stopped = bus.stop();
		const report = await within(bus.close({timeoutMs: 20}));
		expect(report).toMatchObject({drained: false, abandoned: 1});
		expect(await within(stopped)).toMatchObject({drained: false, abandoned: 1});
		expect(bus.state).toBe('closed');
	});

	test('close({timeoutMs}) does not wait past its timeout for a consumer whose close() never settles', async () => {
		const bus = new EventBus();
		const warnings: string[] = [];
		bus.on('warning', warning => warnings.push(warning.code));
		bus.use({name: 'stuck', topics: ['a'], consume: () => {}, close: async () => new Promise<void>(() => {})});
		const report = await within(bus.close({timeoutMs: 20}));
		expect(report.drained).toBe(true);
		expect(warnings).toEqual(['ERR_CONSUMER_CLOSE_TIMEOUT']);
		expect(bus.state).toBe('closed');
	});

	test('close() after stop() reports the metrics as of the close', async () => {
		const bus = new EventBus();
		bus.subscribe('a', () => {});
		await bus.publish('a', 1);
		const stopReport = await bus.stop();
		bus.subscribe('$bus.dead-letter', () => {});
		const closeReport = await bus.close();
		expect(stopReport.metrics.subscriptions).toBe(1);
		expect(closeReport.metrics.subscriptions).toBe(2);
		expect(closeReport).toMatchObject({drained: true, abandoned: 0});
	});

	test('a pending waitFor without a timeout rejects with BusClosedError on close', async () => {
		const bus = new EventBus();
		const waiting = bus.waitFor('never.published');
		await bus.close();
		expect(await within(rejectionOf(waiting))).toBeInstanceOf(BusClosedError);
	});

	test('a for await over stream() ends when the bus closes', async () => {
		const bus = new EventBus();
		const read: unknown[] = [];
		const reading = (async () => {
			for await (const event of bus.stream('a')) read.push(event.payload);
		})();
		await bus.publish('a', 1);
		await bus.drain();
		await bus.close();
		await within(reading);
		expect(read).toEqual([1]);
	});

	test('await using closes the bus at scope exit', async () => {
		let escaped: EventBus | undefined;
		{
			await using bus = new EventBus();
			escaped = bus;
		}
		expect(escaped.state).toBe('closed');
	});
});

describe('no deadlocks - once and streams under wait', () => {
	test('a once subscription fires once and never holds dispatch back', async () => {
		const bus = new EventBus({maxQueueSize: 2});
		const gate = deferred();
		const seen: unknown[] = [];
		bus.subscribe(
			'a',
			async event => {
				seen.push(event.payload);
				await gate.promise;
			},
			{once: true, maxPending: 0},
		);
		const others: unknown[] = [];
		bus.subscribe('a', event => {
			others.push(event.payload);
		});
		for (let index = 0; index < 10; index++) await within(bus.publish('a', index));
		await nextMacrotask();
		expect(others).toHaveLength(10);
		expect(seen).toEqual([0]);
		gate.resolve();
		await within(bus.drain());
	});

	test('a stream whose reader stopped reading holds dispatch back, is named in subscriptions(), and close({timeoutMs}) settles everything', async () => {
		const bus = new EventBus({maxQueueSize: 2});
		const stream = bus.stream('a', {bufferSize: 2});
		const publishes: Promise<BusEvent>[] = [];
		for (let index = 0; index < 12; index++) publishes.push(bus.publish('a', index));
		const outcomes = Promise.allSettled(publishes);
		const first = await within(stream.next());
		expect(first).toEqual({value: expect.objectContaining({payload: 0}), done: false});
		await nextMacrotask();
		expect(bus.subscriptions()[0]).toMatchObject({name: 'stream(a)', isHoldingDispatch: true});
		const next = stream.next(); // never read after this one: the reader stopped
		const report = await within(bus.close({timeoutMs: 20}));
		expect(report.drained).toBe(false);
		const statuses = (await within(outcomes)).map(outcome => outcome.status);
		expect(statuses).toContain('rejected');
		expect((await within(next)).done).toBe(false);
		expect((await within(stream.next())).done).toBe(true);
	});
});

describe('timeouts above 2^31-1 ms (Node fires longer timers at once)', () => {
	test('stop({timeoutMs: 2 ** 31}) waits for the drain instead of abandoning at once', async () => {
		const bus = new EventBus();
		const gate = deferred();
		bus.subscribe('a', async () => gate.promise);
		await bus.publish('a', 1);
		const stopped = bus.stop({timeoutMs: 2 ** 31});
		await new Promise(resolve => realSetTimeout(resolve, 20));
		gate.resolve();
		expect(await within(stopped)).toMatchObject({drained: true, abandoned: 0});
	});

	test('a subscription with timeoutMs: 2 ** 31 does not time out its async attempts', async () => {
		const bus = new EventBus();
		const gate = deferred();
		bus.subscribe('a', async () => gate.promise, {timeoutMs: 2 ** 31});
		const report = bus.publish('a', 1, {awaitDelivery: true});
		await new Promise(resolve => realSetTimeout(resolve, 20));
		gate.resolve();
		expect(await within(report)).toMatchObject({succeeded: 1, failed: 0});
	});

	test('waitFor with timeoutMs: 2 ** 31 does not reject at once', async () => {
		const bus = new EventBus();
		const waiting = bus.waitFor('a', {timeoutMs: 2 ** 31});
		await new Promise(resolve => realSetTimeout(resolve, 20));
		await bus.publish('a', 1);
		expect(await within(waiting)).toMatchObject({topic: 'a', payload: 1});
	});
});

describe('backoff delays above 2^31-1 ms', () => {
	test('a huge backoff does not retry at once', async () => {
		vi.useFakeTimers();
		try {
			const bus = new EventBus();
			let calls = 0;
			bus.subscribe(
				'a',
				() => {
					calls++;
					throw new Error('fails');
				},
				{retry: {attempts: 2, backoff: {initialMs: 2 ** 32, maxMs: 2 ** 33, jitter: 'none'}}},
			);
			await bus.publish('a', 1);
			await vi.advanceTimersByTimeAsync(10_000);
			expect(calls).toBe(1);
			await vi.advanceTimersByTimeAsync(2 ** 31);
			expect(calls).toBe(2);
		} finally {
			vi.useRealTimers();
		}
	});
});

describe('after a stop that timed out', () => {
	test('a hanging handler no longer holds dispatch back: the abandoned events reach $bus.dead-letter subscribers', async () => {
		const bus = new EventBus();
		const published: unknown[] = [];
		bus.subscribe('$bus.dead-letter', event => {
			published.push(event.payload.event.payload);
		});
		bus.subscribe('a', async () => new Promise(() => {}), {maxPending: 0});
		await bus.publish('a', 1);
		await bus.publish('a', 2);
		await nextMacrotask();
		const report = await within(bus.stop({timeoutMs: 10}));
		expect(report).toMatchObject({drained: false, abandoned: 1});
		await nextMacrotask();
		await nextMacrotask();
		expect(published).toEqual([2]);
	});
});
