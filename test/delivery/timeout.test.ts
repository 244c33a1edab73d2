import {afterEach, describe, expect, test, vi} from 'vitest';
import {EventBus, HandlerTimeoutError} from '../../src/index.js';
import {collectDeadLetters, deferred, nextMacrotask} from '../core/helpers.js';

afterEach(() => {
	vi.useRealTimers();
});

describe('timeoutMs', () => {
	test('timeoutMs - a handler that has not settled in time fails with HandlerTimeoutError', async () => {
		vi.useFakeTimers();
		const bus = new EventBus();
		const letters = collectDeadLetters(bus);
		const subscription = bus.subscribe('a', async () => new Promise(() => {}), {timeoutMs: 1000});
		const event = await bus.publish('a', 1);
		await vi.advanceTimersByTimeAsync(999);
		expect(letters).toEqual([]);
		await vi.advanceTimersByTimeAsync(1);
		expect(letters).toHaveLength(1);
		expect(letters[0]).toMatchObject({event, reason: 'handler-failed', attempts: 1});
		expect(letters[0]!.error).toBeInstanceOf(HandlerTimeoutError);
		expect(letters[0]!.error).toMatchObject({code: 'ERR_HANDLER_TIMEOUT', timeoutMs: 1000, subscriptionId: subscription.id});
	});

	test('timeoutMs - a handler that settles in time succeeds and leaves no timer behind', async () => {
		vi.useFakeTimers();
		const bus = new EventBus();
		const gate = deferred();
		bus.subscribe('a', async () => gate.promise, {timeoutMs: 1000});
		await bus.publish('a', 1);
		await vi.advanceTimersByTimeAsync(500);
		gate.resolve();
		await bus.drain();
		expect(vi.getTimerCount()).toBe(0);
		expect(bus.getMetrics()).toMatchObject({delivered: 1, failed: 0});
	});

	test('timeoutMs - a handler that rejects in time fails with its own error', async () => {
		vi.useFakeTimers();
		const bus = new EventBus();
		const letters = collectDeadLetters(bus);
		const failure = new Error('own error');
		bus.subscribe('a', async () => Promise.reject(failure), {timeoutMs: 1000});
		await bus.publish('a', 1);
		await bus.drain();
		expect(letters[0]!.error).toBe(failure);
	});

	test('timeoutMs - after a timeout the next event is handled: a hanging handler holds its slot only that long', async () => {
		vi.useFakeTimers();
		const bus = new EventBus();
		const started: unknown[] = [];
		bus.subscribe(
			'a',
			async event => {
				started.push(event.payload);
				if (event.payload === 1) await new Promise(() => {});
			},
			{timeoutMs: 100},
		);
		await bus.publish('a', 1);
		await bus.publish('a', 2);
		await nextMacrotask();
		expect(started).toEqual([1]);
		await vi.advanceTimersByTimeAsync(100);
		await bus.drain();
		expect(started).toEqual([1, 2]);
	});

	test('timeoutMs - a timed-out attempt is retried', async () => {
		vi.useFakeTimers();
		const bus = new EventBus();
		const letters = collectDeadLetters(bus);
		let calls = 0;
		bus.subscribe(
			'a',
			async () => {
				calls++;
				await new Promise(() => {});
			},
			{timeoutMs: 100, retry: {attempts: 2, backoff: {initialMs: 50, jitter: 'none'}}},
		);
		await bus.publish('a', 1);
		await vi.advanceTimersByTimeAsync(100 + 50 + 100);
		expect(calls).toBe(2);
		expect(letters).toHaveLength(1);
		expect(letters[0]).toMatchObject({attempts: 2, error: {code: 'ERR_HANDLER_TIMEOUT'}});
	});

	test('timeoutMs - a synchronous handler is never timed out', async () => {
		vi.useFakeTimers();
		const bus = new EventBus();
		bus.subscribe('a', () => {}, {timeoutMs: 1});
		await bus.publish('a', 1);
		await bus.drain();
		expect(vi.getTimerCount()).toBe(0);
		expect(bus.getMetrics().delivered).toBe(1);
	});
});
