import {afterEach, describe, expect, test, vi} from 'vitest';
import {EventBus, type BusEvent, type DeadLetter} from '../../src/index.js';
import {collectDeadLetters, deferred, nextMacrotask, type Deferred} from './helpers.js';

afterEach(() => {
	vi.useRealTimers();
});

describe('delivery guarantees - order', () => {
	test('order - with concurrency 1 a subscription handles events one at a time in publish order, whatever each takes', async () => {
		vi.useFakeTimers();
		const bus = new EventBus();
		const log: string[] = [];
		// Later events are quicker, so any overlap would let them finish first.
		const durations = [50, 40, 30, 20, 10, 5, 0, 25];
		bus.subscribe('a', async event => {
			const index = event.payload as number;
			log.push(`start ${index}`);
			await new Promise(resolve => {
				setTimeout(resolve, durations[index]);
			});
			log.push(`end ${index}`);
		});
		for (const index of durations.keys()) await bus.publish('a', index);
		await vi.advanceTimersByTimeAsync(1000);
		await bus.drain();
		expect(log).toEqual([...durations.keys()].flatMap(index => [`start ${index}`, `end ${index}`]));
	});

	test('order - events published from several producers arrive in the order they were accepted', async () => {
		const bus = new EventBus();
		const seen: string[] = [];
		bus.subscribe('**', event => {
			seen.push(event.payload as string);
		});
		const producers = ['p', 'q', 'r'].map(async name => {
			for (let index = 0; index < 5; index++) {
				await bus.publish(`from.${name}`, `${name}${index}`);
				await Promise.resolve();
			}
		});
		await Promise.all(producers);
		await bus.drain();
		const accepted = bus.history().map(event => event.payload);
		expect(seen).toEqual(accepted);
		expect(seen).toHaveLength(15);
	});

	test('order - a failing event retried with concurrency 1 holds back the events behind it', async () => {
		vi.useFakeTimers();
		const bus = new EventBus();
		const log: string[] = [];
		let failed = false;
		bus.subscribe(
			'a',
			event => {
				if (event.payload === 1 && !failed) {
					failed = true;
					log.push('1 failed');
					throw new Error('first try');
				}
				log.push(`${event.payload as number} ok`);
			},
			{retry: {attempts: 2, backoff: {initialMs: 100, jitter: 'none'}}},
		);
		await bus.publishBatch([1, 2, 3].map(payload => ({topic: 'a' as const, payload})));
		await vi.advanceTimersByTimeAsync(100);
		await bus.drain();
		expect(log).toEqual(['1 failed', '1 ok', '2 ok', '3 ok']);
	});
});

describe('delivery guarantees - isolation', () => {
	test('isolation - a hanging subscriber does not hold up the others', async () => {
		const bus = new EventBus();
		const received: unknown[] = [];
		const allReceived = deferred();
		bus.subscribe('a', async () => new Promise(() => {}), {priority: 10});
		bus.subscribe('a', event => {
			received.push(event.payload);
			if (received.length === 10) allReceived.resolve();
		});
		for (let index = 0; index < 10; index++) await bus.publish('a', index);
		await allReceived.promise;
		expect(received).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
	});

	test('isolation - with drop-oldest, a hanging subscriber buffers at most maxPending events; the drops are counted', async () => {
		const bus = new EventBus();
		const letters = collectDeadLetters(bus);
		let received = 0;
		bus.subscribe('a', async () => new Promise(() => {}), {maxPending: 3, overflow: 'drop-oldest'});
		bus.subscribe('a', () => {
			received++;
		});
		for (let index = 0; index < 100; index++) await bus.publish('a', index);
		await nextMacrotask();
		expect(received).toBe(100);
		expect(bus.subscriptions()[0]).toMatchObject({inFlight: 1, pending: 3});
		expect(bus.getMetrics().dropped).toBe(96);
		expect(letters.filter(letter => letter.reason === 'subscriber-overflow')).toHaveLength(96);
	});

	test('isolation - a subscriber that always throws does not stop delivery to the others', async () => {
		const bus = new EventBus();
		const received: unknown[] = [];
		bus.subscribe(
			'a',
			() => {
				throw new Error('always');
			},
			{priority: 10},
		);
		bus.subscribe('a', event => {
			received.push(event.payload);
		});
		for (let index = 0; index < 5; index++) await bus.publish('a', index);
		await bus.drain();
		expect(received).toEqual([0, 1, 2, 3, 4]);
	});

	test('isolation - a slow subscriber with retries pending does not delay the others', async () => {
		vi.useFakeTimers();
		const bus = new EventBus();
		const received: unknown[] = [];
		bus.subscribe(
			'a',
			() => {
				throw new Error('always');
			},
			{retry: {attempts: 5, backoff: {initialMs: 60_000, maxMs: 60_000, jitter: 'none'}}},
		);
		bus.subscribe('a', event => {
			received.push(event.payload);
		});
		await bus.publish('a', 1);
		await bus.publish('a', 2);
		await nextMacrotask();
		expect(received).toEqual([1, 2]);
		await vi.runAllTimersAsync();
		await bus.drain();
	});
});

describe('delivery guarantees - no unhandled rejection', () => {
	test('failures - throwing and rejecting handlers never leave an unhandled rejection', async () => {
		vi.useFakeTimers();
		const unhandled: unknown[] = [];
		const onUnhandled = (reason: unknown): void => {
			unhandled.push(reason);
		};
		process.on('unhandledRejection', onUnhandled);
		try {
			const bus = new EventBus();
			bus.on('deadLetter', () => {
				throw new Error('a throwing dead-letter listener');
			});
			bus.subscribe('a', () => {
				throw new Error('sync throw');
			});
			bus.subscribe('a', async () => {
				throw new Error('async rejection');
			});
			bus.subscribe('a', () => {
				// eslint-disable-next-line @typescript-eslint/only-throw-error
				throw undefined;
			});
			bus.subscribe('a', async () => Promise.reject(new Error('rejected promise')));
			bus.subscribe(
				'a',
				async () =>
					new Promise((_, reject) => {
						setTimeout(() => {
							reject(new Error('rejects after its timeout'));
						}, 5000);
					}),
				{timeoutMs: 100},
			);
			bus.subscribe('a', () => ({
				then() {
					throw new Error('a thenable whose then throws');
				},
			}));
			bus.subscribe(
				'a',
				async () => {
					throw new Error('retried');
				},
				{retry: {attempts: 3, backoff: {initialMs: 10}}},
			);
			bus.subscribe('a', () => {}, {
				filter() {
					throw new Error('filter throws');
				},
			});
			bus.subscribe('a', () => {}, {
				transform() {
					throw new Error('transform throws');
				},
			});
			const reported = bus.publish('a', 1, {awaitDelivery: true});
			await vi.advanceTimersByTimeAsync(10_000);
			await bus.drain();
			const report = await reported;
			await nextMacrotask();
			await nextMacrotask();
			expect(report.failed).toBe(9);
			expect(unhandled).toEqual([]);
		} finally {
			process.off('unhandledRejection', onUnhandled);
		}
	});
});

describe('delivery guarantees - snapshot semantics', () => {
	test('snapshot - a subscription added during dispatch misses the event in flight', async () => {
		const bus = new EventBus();
		const late: unknown[] = [];
		let isAdded = false;
		bus.subscribe('a', () => {
			if (isAdded) return;
			isAdded = true;
			bus.subscribe('a', event => {
				late.push(event.payload);
			});
		});
		await bus.publish('a', 1);
		await bus.drain();
		await bus.publish('a', 2);
		await bus.drain();
		expect(late).toEqual([2]);
	});

	test('snapshot - a subscription removed during dispatch is skipped from then on', async () => {
		const bus = new EventBus();
		const seen: unknown[] = [];
		let victim: {unsubscribe(): void} | undefined;
		bus.subscribe(
			'a',
			() => {
				victim?.unsubscribe();
			},
			{priority: 1},
		);
		victim = bus.subscribe('a', event => {
			seen.push(event.payload);
		});
		await bus.publish('a', 1);
		await bus.drain();
		expect(seen).toEqual([]);
	});

	test('snapshot - a subscription disabled during dispatch is skipped from then on', async () => {
		const bus = new EventBus();
		const seen: unknown[] = [];
		let victim: {disable(): void} | undefined;
		bus.subscribe(
			'a',
			event => {
				if (event.payload === 1) victim?.disable();
			},
			{priority: 1},
		);
		victim = bus.subscribe('a', event => {
			seen.push(event.payload);
		});
		void bus.publish('a', 1);
		void bus.publish('a', 2);
		await bus.drain();
		expect(seen).toEqual([]);
	});

	test('snapshot - a subscription added during a burst gets only events dispatched after it', async () => {
		const bus = new EventBus();
		const late: unknown[] = [];
		bus.subscribe('a', event => {
			if (event.payload === 2) {
				bus.subscribe('a', later => {
					late.push(later.payload);
				});
			}
		});
		await bus.publishBatch([1, 2, 3, 4].map(payload => ({topic: 'a' as const, payload})));
		await bus.drain();
		expect(late).toEqual([3, 4]);
	});
});

describe('delivery guarantees - publish from a handler', () => {
	test('reentrancy - a publish from inside a handler is queued, not dispatched re-entrantly', async () => {
		const bus = new EventBus();
		const log: string[] = [];
		bus.subscribe('outer', () => {
			log.push('outer start');
			void bus.publish('inner', null);
			log.push('outer end');
		});
		bus.subscribe('inner', () => {
			log.push('inner');
		});
		bus.subscribe('outer', () => {
			log.push('outer second subscriber');
		});
		await bus.publish('outer', null);
		await bus.drain();
		expect(log).toEqual(['outer start', 'outer end', 'outer second subscriber', 'inner']);
	});

	test('reentrancy - an inner event queues behind events already waiting', async () => {
		const bus = new EventBus();
		const log: string[] = [];
		bus.subscribe('**', event => {
			log.push(event.topic);
			if (event.topic === 'first') void bus.publish('from-handler', null);
		});
		void bus.publish('first', null);
		void bus.publish('second', null);
		await bus.drain();
		expect(log).toEqual(['first', 'second', 'from-handler']);
	});

	test('reentrancy - a long chain of handler publishes does not grow the stack', async () => {
		const bus = new EventBus();
		let hops = 0;
		bus.subscribe('hop', () => {
			hops++;
			if (hops < 20_000) void bus.publish('hop', hops);
		});
		await bus.publish('hop', 0);
		await bus.drain();
		expect(hops).toBe(20_000);
	});
});

describe('delivery guarantees - nothing disappears', () => {
	test('accounting - every (event, subscription) pair is delivered or dead-lettered, exactly once', async () => {
		const bus = new EventBus({historySize: 0});
		const letters = collectDeadLetters(bus);
		const outcomes = new Map<string, string[]>();
		const record = (key: string, outcome: string): void => {
			outcomes.set(key, [...(outcomes.get(key) ?? []), outcome]);
		};
		const gates: Deferred[] = [];
		const healthy = bus.subscribe('job.*', event => {
			record(`${event.id}/healthy`, 'delivered');
		});
		const flaky = bus.subscribe('job.*', event => {
			if ((event.payload as number) % 3 === 0) throw new Error('flaky');
			record(`${event.id}/flaky`, 'delivered');
		});
		const slow = bus.subscribe(
			'job.*',
			async event => {
				const gate = deferred();
				gates.push(gate);
				await gate.promise;
				record(`${event.id}/slow`, 'delivered');
			},
			{maxPending: 2, concurrency: 2, overflow: 'drop-newest'},
		);
		const names = new Map([
			[healthy.id, 'healthy'],
			[flaky.id, 'flaky'],
			[slow.id, 'slow'],
		]);
		const events: BusEvent[] = [];
		for (let index = 0; index < 60; index++) events.push(await bus.publish(index % 2 === 0 ? 'job.even' : 'job.odd', index));
		for (let round = 0; round < 100 && bus.getMetrics().inFlight > 0; round++) {
			for (const gate of gates.splice(0)) gate.resolve();
			await nextMacrotask();
		}
		await bus.drain();
		for (const letter of letters as DeadLetter[]) record(`${letter.event.id}/${names.get(letter.subscription!.id)!}`, letter.reason);
		for (const event of events) {
			for (const name of ['healthy', 'flaky', 'slow']) expect(outcomes.get(`${event.id}/${name}`), `${event.id}/${name}`).toHaveLength(1);
		}
		const metrics = bus.getMetrics();
		expect(metrics.delivered + metrics.deadLettered).toBe(events.length * 3);
		expect(metrics.deadLettered).toBe(letters.length);
		expect(metrics.dropped).toBeGreaterThan(0);
	});
});
