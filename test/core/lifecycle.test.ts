import {afterEach, describe, expect, test, vi} from 'vitest';
import {BusClosedError, EventBus, EventDroppedError, type StopReport} from '../../src/index.js';
import {collectDeadLetters, deferred, nextMacrotask, rejectionOf, settledFlag, thrownBy} from './helpers.js';

afterEach(() => {
	vi.useRealTimers();
});

describe('drain()', () => {
	test('drain() - resolves at once on an idle bus', async () => {
		const bus = new EventBus();
		await expect(bus.drain()).resolves.toBeUndefined();
	});

	test('drain() - waits for async handlers to finish', async () => {
		const bus = new EventBus();
		const gate = deferred();
		bus.subscribe('a', async () => gate.promise);
		await bus.publish('a', 1);
		const flag = settledFlag(bus.drain());
		await nextMacrotask();
		expect(flag.isSettled).toBe(false);
		gate.resolve();
		await bus.drain();
		expect(flag.isSettled).toBe(true);
	});

	test('drain() - waits for pending retries', async () => {
		vi.useFakeTimers();
		const bus = new EventBus();
		let calls = 0;
		bus.subscribe(
			'a',
			() => {
				calls++;
				if (calls === 1) throw new Error('first try');
			},
			{retry: {attempts: 2, backoff: {initialMs: 1000, jitter: 'none'}}},
		);
		await bus.publish('a', 1);
		const drained = bus.drain();
		const flag = settledFlag(drained);
		await vi.advanceTimersByTimeAsync(999);
		expect(flag.isSettled).toBe(false);
		await vi.advanceTimersByTimeAsync(1);
		await drained;
		expect(calls).toBe(2);
	});

	test('drain() - waits for events published by handlers', async () => {
		const bus = new EventBus();
		const seen: string[] = [];
		bus.subscribe('first', async () => {
			await nextMacrotask();
			await bus.publish('second', null);
		});
		bus.subscribe('second', async () => {
			await nextMacrotask();
			seen.push('second');
		});
		await bus.publish('first', null);
		await bus.drain();
		expect(seen).toEqual(['second']);
	});

	test('drain() - emits the drained diagnostic when the bus becomes idle', async () => {
		const bus = new EventBus();
		let drained = 0;
		bus.on('drained', () => {
			drained++;
		});
		bus.subscribe('a', async () => {});
		await bus.publish('a', 1);
		await bus.drain();
		expect(drained).toBeGreaterThanOrEqual(1);
	});
});

describe('stop()', () => {
	test('stop() - stops accepting at once: publish rejects with BusClosedError in state stopping', async () => {
		const bus = new EventBus();
		const stopped = bus.stop();
		expect(bus.state).toBe('stopping');
		const error = await rejectionOf(bus.publish('a', 1));
		expect(error).toBeInstanceOf(BusClosedError);
		expect(error).toMatchObject({code: 'ERR_BUS_CLOSED', state: 'stopping'});
		await stopped;
	});

	test('stop() - after it resolved, publish rejects with state stopped and counts as rejected', async () => {
		const bus = new EventBus();
		await bus.stop();
		expect(bus.state).toBe('stopped');
		const error = await rejectionOf(bus.publish('a', 1));
		expect(error).toMatchObject({code: 'ERR_BUS_CLOSED', state: 'stopped'});
		expect(bus.getMetrics().rejected).toBe(1);
	});

	test('stop() - delivers everything already accepted before resolving with a report', async () => {
		const bus = new EventBus();
		const seen: unknown[] = [];
		bus.subscribe('a', async event => {
			await nextMacrotask();
			seen.push(event.payload);
		});
		for (let index = 0; index < 10; index++) void bus.publish('a', index);
		const report = await bus.stop();
		expect(seen).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
		expect(report).toMatchObject({drained: true, abandoned: 0, metrics: {published: 10, delivered: 10, inFlight: 0, queueSize: 0}});
	});

	test('stop() - rejects producers waiting for queue space with BusClosedError', async () => {
		const bus = new EventBus({maxQueueSize: 1});
		const seen: unknown[] = [];
		bus.subscribe('a', event => {
			seen.push(event.payload);
		});
		const first = bus.publish('a', 1);
		const second = bus.publish('a', 2);
		const third = bus.publish('a', 3);
		const report = await bus.stop();
		await expect(first).resolves.toMatchObject({payload: 1});
		expect(await rejectionOf(second)).toMatchObject({code: 'ERR_BUS_CLOSED', state: 'stopping'});
		expect(await rejectionOf(third)).toBeInstanceOf(BusClosedError);
		expect(seen).toEqual([1]);
		expect(report.metrics).toMatchObject({rejected: 2, waitingProducers: 0});
	});

	test('stop({timeoutMs}) - with a hanging handler resolves at the timeout, abandoning and dead-lettering what waits', async () => {
		vi.useFakeTimers();
		const bus = new EventBus();
		const letters = collectDeadLetters(bus);
		bus.subscribe('a', async () => new Promise(() => {}), {name: 'stuck'});
		const events = await Promise.all([1, 2, 3].map(async payload => bus.publish('a', payload)));
		await nextMacrotask();
		const stopped = bus.stop({timeoutMs: 1000});
		const flag = settledFlag(stopped);
		await vi.advanceTimersByTimeAsync(999);
		expect(flag.isSettled).toBe(false);
		await vi.advanceTimersByTimeAsync(1);
		const report = await stopped;
		expect(report).toMatchObject({drained: false, abandoned: 2});
		const shutdown = letters.filter(letter => letter.reason === 'shutdown');
		expect(shutdown.map(letter => letter.event)).toEqual([events[1], events[2]]);
		expect(shutdown[0]!.error).toBeInstanceOf(EventDroppedError);
		expect(shutdown[0]!.error).toMatchObject({reason: 'shutdown', eventId: events[1]!.id});
		expect(shutdown[0]!.subscription?.name).toBe('stuck');
		expect(report.metrics.dropped).toBe(2);
		expect(bus.state).toBe('stopped');
	});

	test('stop({timeoutMs}) - also abandons what waits for a subscription that was removed meanwhile', async () => {
		vi.useFakeTimers();
		const bus = new EventBus();
		const letters = collectDeadLetters(bus);
		const subscription = bus.subscribe('a', async () => new Promise(() => {}));
		await Promise.all([1, 2, 3].map(async payload => bus.publish('a', payload)));
		await nextMacrotask();
		subscription.unsubscribe();
		const stopped = bus.stop({timeoutMs: 1000});
		await vi.advanceTimersByTimeAsync(1000);
		const report = await stopped;
		expect(report.abandoned).toBe(2);
		expect(letters.filter(letter => letter.reason === 'shutdown')).toHaveLength(2);
	});

	test('stop({timeoutMs}) - resolves with drained true when everything finished in time', async () => {
		vi.useFakeTimers();
		const bus = new EventBus();
		bus.subscribe('a', async () => {});
		await bus.publish('a', 1);
		const report = await bus.stop({timeoutMs: 1000});
		expect(report).toMatchObject({drained: true, abandoned: 0});
		expect(vi.getTimerCount()).toBe(0);
	});

	test('stop() - is idempotent: every call gets the same report', async () => {
		const bus = new EventBus();
		const first = bus.stop();
		const second = bus.stop();
		expect(await first).toBe(await second);
	});

	test('stop() - emits the stopped diagnostic with the report', async () => {
		const bus = new EventBus();
		const reports: StopReport[] = [];
		bus.on('stopped', report => {
			reports.push(report);
		});
		const report = await bus.stop();
		expect(reports).toEqual([report]);
	});

	test('stop() - a bad timeoutMs is reported as a rejection with a TypeError', async () => {
		const bus = new EventBus();
		let stopped: Promise<unknown> | undefined;
		expect(() => {
			stopped = bus.stop({timeoutMs: -1});
		}).not.toThrow();
		await expect(stopped).rejects.toThrow(new TypeError('Expected `options.timeoutMs` to be an integer >= 0, got `-1` (number)'));
	});
});

describe('close()', () => {
	test('close() - delivers what was accepted, then closes the consumers', async () => {
		const bus = new EventBus();
		const log: string[] = [];
		bus.use({
			name: 'recorder',
			topics: 'a',
			async consume(event) {
				await nextMacrotask();
				log.push(`consume ${(event as {payload: unknown}).payload as number}`);
			},
			close() {
				log.push('close');
			},
		});
		void bus.publish('a', 1);
		void bus.publish('a', 2);
		await bus.close();
		expect(log).toEqual(['consume 1', 'consume 2', 'close']);
	});

	test('close() - afterwards subscribe throws and publish rejects with BusClosedError in state closed', async () => {
		const bus = new EventBus();
		await bus.close();
		expect(bus.state).toBe('closed');
		const thrown = thrownBy(() => bus.subscribe('a', () => {}));
		expect(thrown).toBeInstanceOf(BusClosedError);
		expect(thrown).toMatchObject({code: 'ERR_BUS_CLOSED', state: 'closed'});
		expect(await rejectionOf(bus.publish('a', 1))).toMatchObject({code: 'ERR_BUS_CLOSED', state: 'closed'});
		expect(() => bus.use({name: 'late', topics: 'a', consume() {}})).toThrow(BusClosedError);
	});

	test('close() - removes every subscription', async () => {
		const bus = new EventBus();
		const subscription = bus.subscribe('a', () => {});
		await bus.close();
		expect(subscription.isActive).toBe(false);
		expect(bus.subscriptions()).toEqual([]);
		expect(bus.getMetrics().subscriptions).toBe(0);
	});

	test('close() - is idempotent and closes each consumer once', async () => {
		const bus = new EventBus();
		const close = vi.fn();
		bus.use({name: 'c', topics: 'a', consume() {}, close});
		const first = bus.close();
		const second = bus.close();
		expect(await first).toBe(await second);
		await bus.close();
		expect(close).toHaveBeenCalledTimes(1);
	});

	test('close() - after stop() it still closes the consumers', async () => {
		const bus = new EventBus();
		const close = vi.fn();
		bus.use({name: 'c', topics: 'a', consume() {}, close});
		await bus.stop();
		expect(close).not.toHaveBeenCalled();
		await bus.close();
		expect(close).toHaveBeenCalledTimes(1);
		expect(bus.state).toBe('closed');
	});

	test('close() - emits the closed diagnostic', async () => {
		const bus = new EventBus();
		const closed = vi.fn();
		bus.on('closed', closed);
		const report = await bus.close();
		expect(closed).toHaveBeenCalledWith(report);
	});

	test('close() - a consumer whose close() rejects does not stop the bus from closing', async () => {
		const bus = new EventBus();
		const otherClose = vi.fn();
		bus.use({
			name: 'broken',
			topics: 'a',
			consume() {},
			async close() {
				throw new Error('cannot close');
			},
		});
		bus.use({name: 'fine', topics: 'a', consume() {}, close: otherClose});
		await bus.close();
		expect(bus.state).toBe('closed');
		expect(otherClose).toHaveBeenCalledTimes(1);
	});
});
