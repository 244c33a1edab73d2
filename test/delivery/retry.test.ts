import {afterEach, describe, expect, test, vi} from 'vitest';
import {EventBus} from '../../src/index.js';
import {collectDeadLetters, collectRetries, nextMacrotask} from '../core/helpers.js';

afterEach(() => {
	vi.restoreAllMocks();
	vi.useRealTimers();
});

/** Subscribes a handler that fails its first `failures` calls, recording the fake-clock time of each call. */
function flaky(bus: EventBus, failures: number, options: Parameters<EventBus['subscribe']>[2]): number[] {
	const calls: number[] = [];
	bus.subscribe(
		'a',
		() => {
			calls.push(Date.now());
			if (calls.length <= failures) throw new Error(`failure ${calls.length}`);
		},
		options,
	);
	return calls;
}

describe('retry', () => {
	test('retry - without jitter, attempts are spaced initialMs * factor^(n-1) apart', async () => {
		vi.useFakeTimers({now: 0});
		const bus = new EventBus();
		const calls = flaky(bus, 10, {retry: {attempts: 4, backoff: {initialMs: 100, factor: 2, jitter: 'none'}}});
		await bus.publish('a', 1);
		await vi.advanceTimersByTimeAsync(10_000);
		await bus.drain();
		expect(calls).toEqual([0, 100, 300, 700]);
	});

	test('retry - a retry does not happen a millisecond early', async () => {
		vi.useFakeTimers({now: 0});
		const bus = new EventBus();
		const calls = flaky(bus, 10, {retry: {attempts: 2, backoff: {initialMs: 100, jitter: 'none'}}});
		await bus.publish('a', 1);
		await vi.advanceTimersByTimeAsync(99);
		expect(calls).toHaveLength(1);
		await vi.advanceTimersByTimeAsync(1);
		expect(calls).toHaveLength(2);
	});

	test('retry - delays are capped at maxMs', async () => {
		vi.useFakeTimers({now: 0});
		const bus = new EventBus();
		const calls = flaky(bus, 10, {retry: {attempts: 5, backoff: {initialMs: 100, factor: 10, maxMs: 500, jitter: 'none'}}});
		await bus.publish('a', 1);
		await vi.advanceTimersByTimeAsync(10_000);
		expect(calls).toEqual([0, 100, 600, 1100, 1600]);
	});

	test('retry - full jitter waits Math.random() * (cap + 1), rounded down', async () => {
		vi.useFakeTimers({now: 0});
		vi.spyOn(Math, 'random').mockReturnValue(0.5);
		const bus = new EventBus();
		const retries = collectRetries(bus);
		const calls = flaky(bus, 10, {retry: {attempts: 3, backoff: {initialMs: 100}}});
		await bus.publish('a', 1);
		await vi.advanceTimersByTimeAsync(10_000);
		expect(retries.map(notice => notice.delayMs)).toEqual([50, 100]);
		expect(calls).toEqual([0, 50, 150]);
	});

	test('retry - full jitter spans the whole range [0, cap]', async () => {
		vi.useFakeTimers({now: 0});
		const random = vi.spyOn(Math, 'random').mockReturnValueOnce(0).mockReturnValueOnce(0.999_999_9);
		const bus = new EventBus();
		const retries = collectRetries(bus);
		flaky(bus, 10, {retry: {attempts: 3, backoff: {initialMs: 100}}});
		await bus.publish('a', 1);
		await vi.advanceTimersByTimeAsync(10_000);
		expect(retries.map(notice => notice.delayMs)).toEqual([0, 200]);
		expect(random).toHaveBeenCalledTimes(2);
	});

	test('retry - full jitter draws from Math.random at retry time, also when the bus was made before the spy', async () => {
		vi.useFakeTimers({now: 0});
		const bus = new EventBus();
		vi.spyOn(Math, 'random').mockReturnValue(0);
		const calls = flaky(bus, 1, {retry: {attempts: 2, backoff: {initialMs: 1000}}});
		await bus.publish('a', 1);
		await vi.advanceTimersByTimeAsync(0);
		expect(calls).toEqual([0, 0]);
	});

	test('retry - a delivery that succeeds on a retry is delivered, not dead-lettered', async () => {
		vi.useFakeTimers();
		const bus = new EventBus();
		const letters = collectDeadLetters(bus);
		const calls = flaky(bus, 2, {retry: {attempts: 3, backoff: {initialMs: 10, jitter: 'none'}}});
		await bus.publish('a', 1);
		await vi.advanceTimersByTimeAsync(100);
		await bus.drain();
		expect(calls).toHaveLength(3);
		expect(letters).toEqual([]);
		expect(bus.getMetrics()).toMatchObject({delivered: 1, failed: 2, retried: 2, deadLettered: 0});
	});

	test('retry - after the last attempt the event is dead-lettered with the last error and the attempt count', async () => {
		vi.useFakeTimers();
		const bus = new EventBus();
		const letters = collectDeadLetters(bus);
		flaky(bus, 10, {retry: {attempts: 3, backoff: {initialMs: 10, jitter: 'none'}}});
		await bus.publish('a', 1);
		await vi.advanceTimersByTimeAsync(100);
		await bus.drain();
		expect(letters).toHaveLength(1);
		expect(letters[0]).toMatchObject({reason: 'handler-failed', attempts: 3});
		expect((letters[0]!.error as Error).message).toBe('failure 3');
	});

	test('retry - each retry is announced with the attempt that failed, its error and the delay', async () => {
		vi.useFakeTimers();
		const bus = new EventBus();
		const retries = collectRetries(bus);
		flaky(bus, 10, {retry: {attempts: 3, backoff: {initialMs: 10, jitter: 'none'}}});
		const event = await bus.publish('a', 1);
		await vi.advanceTimersByTimeAsync(100);
		expect(retries.map(({attempt, delayMs, subscriptionId, event: retried}) => ({attempt, delayMs, subscriptionId, retried}))).toEqual([
			{attempt: 1, delayMs: 10, subscriptionId: 'sub_1', retried: event},
			{attempt: 2, delayMs: 20, subscriptionId: 'sub_1', retried: event},
		]);
		expect((retries[1]!.error as Error).message).toBe('failure 2');
	});

	test('retry - every attempt receives the same event', async () => {
		vi.useFakeTimers();
		const bus = new EventBus();
		const received: unknown[] = [];
		bus.subscribe(
			'a',
			event => {
				received.push(event);
				if (received.length < 3) throw new Error('again');
			},
			{retry: {attempts: 3, backoff: {initialMs: 1, jitter: 'none'}}},
		);
		const event = await bus.publish('a', 1);
		await vi.advanceTimersByTimeAsync(10);
		expect(received).toEqual([event, event, event]);
	});

	test('retry - with concurrency 2 a retry holds one slot while the other keeps handling events', async () => {
		vi.useFakeTimers();
		const bus = new EventBus();
		const handled: unknown[] = [];
		bus.subscribe(
			'a',
			event => {
				if (event.payload === 'bad') throw new Error('bad');
				handled.push(event.payload);
			},
			{concurrency: 2, retry: {attempts: 2, backoff: {initialMs: 60_000, maxMs: 60_000, jitter: 'none'}}},
		);
		await bus.publish('a', 'bad');
		await bus.publish('a', 'good-1');
		await bus.publish('a', 'good-2');
		await nextMacrotask();
		expect(handled).toEqual(['good-1', 'good-2']);
		await vi.runAllTimersAsync();
		await bus.drain();
	});

	test('retry - a rejected promise is retried like a throw', async () => {
		vi.useFakeTimers();
		const bus = new EventBus();
		let calls = 0;
		bus.subscribe(
			'a',
			async () => {
				calls++;
				if (calls === 1) throw new Error('async failure');
			},
			{retry: {attempts: 2, backoff: {initialMs: 10, jitter: 'none'}}},
		);
		const reported = bus.publish('a', 1, {awaitDelivery: true});
		await vi.advanceTimersByTimeAsync(10);
		await expect(reported).resolves.toMatchObject({succeeded: 1});
		expect(calls).toBe(2);
	});

	test('retry - an initialMs above the default maxMs is accepted and raises the cap to it', async () => {
		vi.useFakeTimers({now: 0});
		const bus = new EventBus();
		const calls = flaky(bus, 10, {retry: {attempts: 3, backoff: {initialMs: 60_000, jitter: 'none'}}});
		await bus.publish('a', 1);
		await vi.advanceTimersByTimeAsync(200_000);
		expect(calls).toEqual([0, 60_000, 120_000]);
	});

	test('retry - a retry still waiting when stop({timeoutMs}) times out is abandoned: dead-lettered with reason shutdown, never run', async () => {
		vi.useFakeTimers();
		const bus = new EventBus();
		const letters = collectDeadLetters(bus);
		const calls = flaky(bus, 10, {retry: {attempts: 3, backoff: {initialMs: 60_000, maxMs: 60_000, jitter: 'none'}}});
		const event = await bus.publish('a', 1);
		await nextMacrotask();
		const stopped = bus.stop({timeoutMs: 1000});
		await vi.advanceTimersByTimeAsync(1000);
		const report = await stopped;
		expect(report).toMatchObject({drained: false, abandoned: 1});
		expect(letters).toEqual([expect.objectContaining({event, reason: 'shutdown', attempts: 1, error: expect.objectContaining({reason: 'shutdown'})})]);
		await vi.advanceTimersByTimeAsync(600_000);
		expect(calls).toHaveLength(1);
		expect(vi.getTimerCount()).toBe(0);
		expect(bus.getMetrics().inFlight).toBe(0);
		await expect(bus.drain()).resolves.toBeUndefined();
	});
});
