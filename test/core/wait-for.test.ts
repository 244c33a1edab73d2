import {afterEach, describe, expect, test, vi} from 'vitest';
import {AbortError, BusClosedError, EventBus, InvalidTopicError, WaitTimeoutError} from '../../src/index.js';
import {nextMacrotask, rejectionOf, settledFlag} from './helpers.js';

afterEach(() => {
	vi.useRealTimers();
});

describe('waitFor()', () => {
	test('waitFor() - resolves with the next matching event', async () => {
		const bus = new EventBus();
		const waiting = bus.waitFor('order.*');
		await bus.publish('user.created', 1);
		const published = await bus.publish('order.paid', 2);
		await expect(waiting).resolves.toBe(published);
	});

	test('waitFor() - only the first matching event resolves it', async () => {
		const bus = new EventBus();
		const waiting = bus.waitFor('a');
		void bus.publish('a', 1);
		void bus.publish('a', 2);
		await expect(waiting).resolves.toMatchObject({payload: 1});
		await bus.drain();
	});

	test('waitFor() - ignores events dispatched before the call', async () => {
		const bus = new EventBus();
		await bus.publish('a', 'before');
		await bus.drain();
		const waiting = bus.waitFor('a');
		await bus.publish('a', 'after');
		await expect(waiting).resolves.toMatchObject({payload: 'after'});
	});

	test('waitFor() - resolves with the first event its filter accepts', async () => {
		const bus = new EventBus();
		const waiting = bus.waitFor('job.done', {filter: event => (event.payload as {id: number}).id === 2});
		await bus.publish('job.done', {id: 1});
		await bus.publish('job.done', {id: 2});
		await expect(waiting).resolves.toMatchObject({payload: {id: 2}});
	});

	test('waitFor() - removes its subscription once resolved', async () => {
		const bus = new EventBus();
		const waiting = bus.waitFor('a', {timeoutMs: 1000});
		expect(bus.subscriptions()).toHaveLength(1);
		await bus.publish('a', 1);
		await waiting;
		expect(bus.subscriptions()).toEqual([]);
	});

	test('waitFor() - clears its timer once resolved', async () => {
		vi.useFakeTimers();
		const bus = new EventBus();
		const waiting = bus.waitFor('a', {timeoutMs: 1000});
		await bus.publish('a', 1);
		await waiting;
		expect(vi.getTimerCount()).toBe(0);
	});

	test('waitFor() - rejects with WaitTimeoutError after timeoutMs and removes its subscription', async () => {
		vi.useFakeTimers();
		const bus = new EventBus();
		const waiting = bus.waitFor('order.*', {timeoutMs: 500});
		const flag = settledFlag(waiting);
		await vi.advanceTimersByTimeAsync(499);
		expect(flag.isSettled).toBe(false);
		await vi.advanceTimersByTimeAsync(1);
		const error = await rejectionOf(waiting);
		expect(error).toBeInstanceOf(WaitTimeoutError);
		expect(error).toMatchObject({code: 'ERR_WAIT_TIMEOUT', pattern: 'order.*', timeoutMs: 500});
		expect(bus.subscriptions()).toEqual([]);
	});

	test('waitFor() - rejects with AbortError when its signal aborts, and cleans up', async () => {
		vi.useFakeTimers();
		const bus = new EventBus();
		const controller = new AbortController();
		const waiting = bus.waitFor('a', {signal: controller.signal, timeoutMs: 1000});
		const reason = new Error('no longer needed');
		controller.abort(reason);
		const error = await rejectionOf(waiting);
		expect(error).toBeInstanceOf(AbortError);
		expect(error).toMatchObject({code: 'ERR_ABORTED', cause: reason});
		expect(bus.subscriptions()).toEqual([]);
		expect(vi.getTimerCount()).toBe(0);
	});

	test('waitFor() - an already-aborted signal rejects at once without subscribing', async () => {
		const bus = new EventBus();
		const error = await rejectionOf(bus.waitFor('a', {signal: AbortSignal.abort('stop')}));
		expect(error).toMatchObject({code: 'ERR_ABORTED', cause: 'stop'});
		expect(bus.subscriptions()).toEqual([]);
	});

	test('waitFor() - an invalid pattern rejects with InvalidTopicError', async () => {
		const bus = new EventBus();
		await expect(bus.waitFor('a..b')).rejects.toBeInstanceOf(InvalidTopicError);
	});

	test('waitFor() - bad options reject with a TypeError', async () => {
		const bus = new EventBus();
		await expect(bus.waitFor('a', {timeoutMs: 0})).rejects.toThrow(new TypeError('Expected `options.timeoutMs` to be an integer >= 1, got `0` (number)'));
		await expect(bus.waitFor('a', {filter: 'x' as never})).rejects.toThrow(TypeError);
		expect(bus.subscriptions()).toEqual([]);
	});

	test('waitFor() - rejects with BusClosedError on a closed bus', async () => {
		const bus = new EventBus();
		await bus.close();
		await expect(bus.waitFor('a')).rejects.toBeInstanceOf(BusClosedError);
	});

	test('waitFor() - a throwing filter rejects the wait instead of leaving it pending', async () => {
		const bus = new EventBus();
		const failure = new Error('bad filter');
		const waiting = bus.waitFor('a', {
			filter() {
				throw failure;
			},
		});
		const flag = settledFlag(waiting);
		await bus.publish('a', 1);
		await bus.drain();
		await nextMacrotask();
		expect(flag.isSettled).toBe(true);
		expect(bus.subscriptions()).toEqual([]);
	});
});
