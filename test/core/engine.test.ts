import {afterEach, describe, expect, test, vi} from 'vitest';
import {EventBus} from '../../src/index.js';
import {constructWithEngine, defaultEngine, immediateRetryTimer, type Engine, type EngineHooks} from '../../src/core/engine.js';
import {collectDeadLetters, deferred} from './helpers.js';

const inline: Engine = {scheduler: 'inline', retryTimer: immediateRetryTimer, detachedStreams: false};

function inlineBus(): EventBus {
	return constructWithEngine(inline, () => new EventBus());
}

describe('engine - the inline scheduler', () => {
	test('publishSync() - handlers run before it returns', () => {
		const bus = inlineBus();
		const seen: string[] = [];
		bus.subscribe('a', event => {
			seen.push(event.topic);
		});
		bus.publishSync('a', null);
		expect(seen).toEqual(['a']);
	});

	test('publish() - handlers run before it returns its promise', () => {
		const bus = inlineBus();
		let calls = 0;
		bus.subscribe('a', () => {
			calls++;
		});
		void bus.publish('a', null);
		expect(calls).toBe(1);
	});

	test('a handler publishing - its event is dispatched after the current event, never re-entrantly', () => {
		const bus = inlineBus();
		const log: string[] = [];
		bus.subscribe('a', () => {
			log.push('a:first:start');
			bus.publishSync('b', null);
			log.push('a:first:end');
		});
		bus.subscribe('a', () => {
			log.push('a:second');
		});
		bus.subscribe('b', () => {
			log.push('b');
		});
		bus.publishSync('a', null);
		return Promise.resolve().then(() => {
			expect(log).toEqual(['a:first:start', 'a:first:end', 'a:second', 'b']);
		});
	});

	test('priorities - events queued during a dispatch go highest priority first', async () => {
		const bus = inlineBus();
		const log: string[] = [];
		bus.subscribe('start', () => {
			bus.publishSync('low', null, {priority: 1});
			bus.publishSync('high', null, {priority: 9});
		});
		bus.subscribe('*', event => {
			log.push(event.topic);
		});
		bus.publishSync('start', null);
		await bus.drain();
		expect(log).toEqual(['start', 'high', 'low']);
	});

	test('a handler that throws - the dispatch goes on and the failure is dead-lettered', async () => {
		const bus = inlineBus();
		const letters = collectDeadLetters(bus);
		bus.subscribe('a', () => {
			throw new Error('boom');
		});
		let later = 0;
		bus.subscribe('a', () => {
			later++;
		});
		bus.publishSync('a', null);
		expect(later).toBe(1);
		await bus.drain();
		expect(letters.map(letter => letter.reason)).toEqual(['handler-failed']);
	});

	test('drain() - waits for async handlers started inline', async () => {
		const bus = inlineBus();
		const gate = deferred();
		let isDone = false;
		bus.subscribe('a', async () => {
			await gate.promise;
			isDone = true;
		});
		bus.publishSync('a', null);
		const drained = bus.drain();
		gate.resolve();
		await drained;
		expect(isDone).toBe(true);
	});

	test('a bad option - the constructor throws and the next bus gets the default engine', async () => {
		expect(() => constructWithEngine(inline, () => new EventBus({maxQueueSize: -1}))).toThrow(TypeError);
		const bus = new EventBus();
		let calls = 0;
		bus.subscribe('a', () => {
			calls++;
		});
		bus.publishSync('a', null);
		expect(calls).toBe(0);
		await bus.drain();
		expect(calls).toBe(1);
	});
});

describe('engine - retry timers', () => {
	afterEach(() => {
		vi.useRealTimers();
	});

	test('immediateRetryTimer - retries without waiting for the backoff delay', async () => {
		vi.useFakeTimers();
		const bus = inlineBus();
		let calls = 0;
		bus.subscribe('a', () => {
			if (++calls < 3) throw new Error('flaky');
		}, {retry: {attempts: 3, backoff: {initialMs: 60_000}}});
		bus.publishSync('a', null);
		await bus.drain();
		expect(calls).toBe(3);
		expect(bus.getMetrics()).toMatchObject({delivered: 1, retried: 2});
	});

	test('immediateRetryTimer.clear() - a cleared retry never runs', async () => {
		const ran: string[] = [];
		const cleared = immediateRetryTimer.set(() => ran.push('cleared'), 0);
		immediateRetryTimer.set(() => ran.push('kept'), 60_000);
		immediateRetryTimer.clear(cleared);
		await Promise.resolve();
		expect(ran).toEqual(['kept']);
	});

	test('the default engine - retries wait for the backoff delay (fake timers control it)', async () => {
		vi.useFakeTimers();
		expect(defaultEngine.scheduler).toBe('microtask');
		const bus = new EventBus();
		let calls = 0;
		bus.subscribe('a', () => {
			calls++;
			throw new Error('always');
		}, {retry: {attempts: 2, backoff: {initialMs: 1000, maxMs: 1000, jitter: 'none'}}});
		await bus.publish('a', null);
		await vi.advanceTimersByTimeAsync(0);
		expect(calls).toBe(1);
		await vi.advanceTimersByTimeAsync(1000);
		expect(calls).toBe(2);
	});
});

describe('engine - delivery reports under the inline scheduler', () => {
	test('publish(awaitDelivery) - the report lists each subscription once its route has settled', async () => {
		const bus = constructWithEngine(inline, () => new EventBus());
		bus.subscribe('a', () => {}, {name: 'one'});
		bus.subscribe('a', () => {
			throw new Error('boom');
		}, {name: 'two'});
		const report = await bus.publish('a', null, {awaitDelivery: true});
		expect(report).toMatchObject({matched: 2, succeeded: 1, failed: 1});
		expect(report.failures.map(failure => failure.subscriptionName)).toEqual(['two']);
	});

	test('publish(awaitDelivery) - resolves at once when nothing matches', async () => {
		const bus = constructWithEngine(inline, () => new EventBus());
		const report = await bus.publish('nobody.listens', null, {awaitDelivery: true});
		expect(report.matched).toBe(0);
	});
});

describe('engine - the hooks a test bus drives', () => {
	function hookedBus(detachedStreams = false): {bus: EventBus; hooks: EngineHooks} {
		let hooks: EngineHooks | undefined;
		const bus = constructWithEngine({...inline, detachedStreams, attach: given => (hooks = given)}, () => new EventBus());
		return {bus, hooks: hooks!};
	}

	test('whenSettled() - resolves while an event waits in a consumer\'s partial batch; drain() does not', async () => {
		vi.useFakeTimers();
		try {
			const {bus, hooks} = hookedBus();
			const batches: number[] = [];
			bus.use({name: 'batcher', topics: 'a', batchSize: 2, batchTimeoutMs: 60_000, consume: events => void batches.push((events as readonly unknown[]).length)});
			bus.publishSync('a', null);
			await hooks.whenSettled();
			let isDrained = false;
			void bus.drain().then(() => (isDrained = true));
			await vi.advanceTimersByTimeAsync(0);
			expect(isDrained).toBe(false);
			await vi.advanceTimersByTimeAsync(60_000);
			expect(isDrained).toBe(true);
			expect(batches).toEqual([1]);
		} finally {
			vi.useRealTimers();
		}
	});

	test('drainEagerly() - hands a partial batch over at once, and batching resumes after it', async () => {
		const {bus, hooks} = hookedBus();
		const batches: number[] = [];
		bus.use({name: 'batcher', topics: 'a', batchSize: 2, batchTimeoutMs: 60_000, consume: events => void batches.push((events as readonly unknown[]).length)});
		bus.publishSync('a', null);
		await hooks.drainEagerly();
		expect(batches).toEqual([1]);
		bus.publishSync('a', null);
		bus.publishSync('a', null);
		await hooks.whenSettled();
		expect(batches).toEqual([1, 2]);
		await bus.close({timeoutMs: 0});
	});

	test('detachedStreams - an unread stream event is in flight but drain() does not wait for it', async () => {
		const {bus} = hookedBus(true);
		const stream = bus.stream('a');
		bus.publishSync('a', 1);
		await bus.drain();
		expect(bus.getMetrics().inFlight).toBe(1);
		expect((await stream.next()).value?.payload).toBe(1);
		await stream.return?.();
	});

	test('the default engine - an unread stream event keeps drain() waiting', async () => {
		const bus = new EventBus();
		const stream = bus.stream('a');
		bus.publishSync('a', 1);
		let isDrained = false;
		const drained = bus.drain().then(() => (isDrained = true));
		await new Promise(resolve => setImmediate(resolve));
		expect(isDrained).toBe(false);
		expect((await stream.next()).value?.payload).toBe(1);
		await drained;
		await stream.return?.();
	});
});
