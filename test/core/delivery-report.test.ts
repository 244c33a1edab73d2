import {afterEach, describe, expect, test, vi} from 'vitest';
import {EventBus, EventDroppedError, FilterError} from '../../src/index.js';
import {deferred, nextMacrotask, settledFlag} from './helpers.js';

afterEach(() => {
	vi.useRealTimers();
});

describe('publish(..., {awaitDelivery: true})', () => {
	test('awaitDelivery - reports every matching subscription that succeeded', async () => {
		const bus = new EventBus();
		bus.subscribe('order.*', () => {});
		bus.subscribe('order.created', async () => {});
		bus.subscribe('user.*', () => {});
		const report = await bus.publish('order.created', {id: 1}, {awaitDelivery: true});
		expect(report).toEqual({
			event: expect.objectContaining({topic: 'order.created', payload: {id: 1}}),
			matched: 2,
			succeeded: 2,
			failed: 0,
			dropped: 0,
			skipped: 0,
			deadLettered: 0,
			failures: [],
		});
	});

	test('awaitDelivery - the report carries the published envelope', async () => {
		const bus = new EventBus();
		const report = await bus.publish('a', 1, {awaitDelivery: true, id: 'evt-1'});
		expect(report.event).toMatchObject({id: 'evt-1', topic: 'a', payload: 1});
	});

	test('awaitDelivery - resolves with matched 0 when nothing matches', async () => {
		const bus = new EventBus();
		const report = await bus.publish('a', 1, {awaitDelivery: true});
		expect(report).toMatchObject({matched: 0, succeeded: 0, failed: 0, dropped: 0, skipped: 0, deadLettered: 0});
	});

	test('awaitDelivery - a handler error is reported, never thrown at the publisher', async () => {
		const bus = new EventBus();
		const boom = new Error('boom');
		const failing = bus.subscribe(
			'a',
			() => {
				throw boom;
			},
			{name: 'failing'},
		);
		bus.subscribe('a', () => {});
		const report = await bus.publish('a', 1, {awaitDelivery: true});
		expect(report).toMatchObject({matched: 2, succeeded: 1, failed: 1, deadLettered: 1});
		expect(report.failures).toEqual([{subscriptionId: failing.id, subscriptionName: 'failing', error: boom, attempts: 1}]);
	});

	test('awaitDelivery - a rejecting async handler is reported as failed', async () => {
		const bus = new EventBus();
		bus.subscribe('a', async () => {
			throw new Error('async boom');
		});
		const report = await bus.publish('a', 1, {awaitDelivery: true});
		expect(report.failed).toBe(1);
		expect((report.failures[0]!.error as Error).message).toBe('async boom');
	});

	test('awaitDelivery - a plain publish resolves even when every handler throws', async () => {
		const bus = new EventBus();
		bus.subscribe('a', () => {
			throw new Error('boom');
		});
		await expect(bus.publish('a', 1)).resolves.toMatchObject({topic: 'a'});
		await bus.drain();
	});

	test('awaitDelivery - resolves only after async handlers have finished', async () => {
		const bus = new EventBus();
		const gate = deferred();
		bus.subscribe('a', async () => gate.promise);
		const reported = bus.publish('a', 1, {awaitDelivery: true});
		const flag = settledFlag(reported);
		await nextMacrotask();
		expect(flag.isSettled).toBe(false);
		gate.resolve();
		await expect(reported).resolves.toMatchObject({succeeded: 1});
	});

	test('awaitDelivery - reports the attempts of a delivery that failed after retries', async () => {
		vi.useFakeTimers();
		const bus = new EventBus();
		bus.subscribe(
			'a',
			() => {
				throw new Error('always');
			},
			{retry: {attempts: 3, backoff: {initialMs: 10, jitter: 'none'}}},
		);
		const reported = bus.publish('a', 1, {awaitDelivery: true});
		await vi.advanceTimersByTimeAsync(100);
		const report = await reported;
		expect(report).toMatchObject({failed: 1, deadLettered: 1});
		expect(report.failures[0]!.attempts).toBe(3);
	});

	test('awaitDelivery - a delivery that succeeds on a retry counts as succeeded', async () => {
		vi.useFakeTimers();
		const bus = new EventBus();
		let calls = 0;
		bus.subscribe(
			'a',
			() => {
				calls++;
				if (calls === 1) throw new Error('once');
			},
			{retry: {attempts: 2, backoff: {initialMs: 10, jitter: 'none'}}},
		);
		const reported = bus.publish('a', 1, {awaitDelivery: true});
		await vi.advanceTimersByTimeAsync(10);
		await expect(reported).resolves.toMatchObject({succeeded: 1, failed: 0, failures: []});
	});

	test('awaitDelivery - disabled and filtered-out subscriptions count as skipped', async () => {
		const bus = new EventBus();
		bus.subscribe('a', () => {}).disable();
		bus.subscribe('a', () => {}, {filter: () => false});
		bus.subscribe('a', () => {});
		const report = await bus.publish('a', 1, {awaitDelivery: true});
		expect(report).toMatchObject({matched: 3, succeeded: 1, skipped: 2, deadLettered: 0});
	});

	test('awaitDelivery - a throwing filter counts as failed with a FilterError', async () => {
		const bus = new EventBus();
		bus.subscribe('a', () => {}, {
			filter() {
				throw new Error('bad filter');
			},
		});
		const report = await bus.publish('a', 1, {awaitDelivery: true});
		expect(report).toMatchObject({matched: 1, failed: 1, deadLettered: 1});
		expect(report.failures[0]!.error).toBeInstanceOf(FilterError);
		expect(report.failures[0]!.attempts).toBe(0);
	});

	test('awaitDelivery - an event dropped by a full subscriber buffer counts as dropped', async () => {
		const bus = new EventBus();
		const gate = deferred();
		bus.subscribe('a', async () => gate.promise, {maxPending: 0, overflow: 'drop-newest'});
		await bus.publish('a', 1);
		const report = await bus.publish('a', 2, {awaitDelivery: true});
		expect(report).toMatchObject({matched: 1, succeeded: 0, dropped: 1, deadLettered: 1});
		gate.resolve();
		await bus.drain();
	});

	test('awaitDelivery - an event dropped from a full queue reports dropped before dispatch', async () => {
		const bus = new EventBus({maxQueueSize: 1, overflow: 'drop-newest'});
		bus.subscribe('a', () => {});
		const first = bus.publish('a', 1);
		const report = await bus.publish('a', 2, {awaitDelivery: true});
		await first;
		expect(report).toMatchObject({event: {payload: 2}, matched: 0, dropped: 1, deadLettered: 1});
		await bus.drain();
	});

	test('awaitDelivery - an event dropped later by drop-oldest still gets its report', async () => {
		const bus = new EventBus({maxQueueSize: 1, overflow: 'drop-oldest'});
		bus.subscribe('a', () => {});
		const reported = bus.publish('a', 1, {awaitDelivery: true});
		await bus.publish('a', 2);
		const report = await reported;
		expect(report).toMatchObject({event: {payload: 1}, matched: 0, dropped: 1});
		await bus.drain();
	});

	test('awaitDelivery - a subscription removed by an earlier handler in the same dispatch counts as skipped', async () => {
		const bus = new EventBus();
		let later: {unsubscribe(): void} | undefined;
		bus.subscribe(
			'a',
			() => {
				later?.unsubscribe();
			},
			{priority: 1},
		);
		later = bus.subscribe('a', () => {});
		const report = await bus.publish('a', 1, {awaitDelivery: true});
		expect(report).toMatchObject({matched: 2, succeeded: 1, skipped: 1});
	});

	test('awaitDelivery - the report is frozen', async () => {
		const bus = new EventBus();
		const report = await bus.publish('a', 1, {awaitDelivery: true});
		expect(Object.isFrozen(report)).toBe(true);
		expect(Object.isFrozen(report.failures)).toBe(true);
	});

	test('awaitDelivery - dropped dead letters carry EventDroppedError', async () => {
		const bus = new EventBus({maxQueueSize: 1, overflow: 'drop-newest'});
		const letters: unknown[] = [];
		bus.on('deadLetter', letter => {
			letters.push(letter.error);
		});
		void bus.publish('a', 1);
		await bus.publish('a', 2, {awaitDelivery: true});
		expect(letters).toEqual([expect.any(EventDroppedError)]);
		await bus.drain();
	});
});
