import {describe, expect, test} from 'vitest';
import {EventBus} from '../../src/index.js';
import {deferred, nextMacrotask} from './helpers.js';

describe('Subscription handle', () => {
	test('unsubscribe() - stops delivery', async () => {
		const bus = new EventBus();
		const seen: unknown[] = [];
		const subscription = bus.subscribe('a', event => {
			seen.push(event.payload);
		});
		await bus.publish('a', 1);
		await bus.drain();
		subscription.unsubscribe();
		await bus.publish('a', 2);
		await bus.drain();
		expect(seen).toEqual([1]);
		expect(subscription.isActive).toBe(false);
	});

	test('unsubscribe() - is idempotent', () => {
		const bus = new EventBus();
		const subscription = bus.subscribe('a', () => {});
		bus.subscribe('a', () => {});
		subscription.unsubscribe();
		expect(() => {
			subscription.unsubscribe();
		}).not.toThrow();
		expect(bus.getMetrics().subscriptions).toBe(1);
	});

	test('unsubscribe() - events already waiting in its buffer are still delivered', async () => {
		const bus = new EventBus();
		const gate = deferred();
		const seen: unknown[] = [];
		const subscription = bus.subscribe('a', async event => {
			seen.push(event.payload);
			await gate.promise;
		});
		await bus.publishBatch([1, 2, 3].map(payload => ({topic: 'a' as const, payload})));
		await nextMacrotask();
		expect(bus.subscriptions()[0]).toMatchObject({inFlight: 1, pending: 2});
		subscription.unsubscribe();
		await bus.publish('a', 4);
		gate.resolve();
		await bus.drain();
		expect(seen).toEqual([1, 2, 3]);
	});

	test('disable() - events dispatched while disabled are skipped, not buffered', async () => {
		const bus = new EventBus();
		const seen: unknown[] = [];
		const subscription = bus.subscribe('a', event => {
			seen.push(event.payload);
		});
		subscription.disable();
		expect(subscription.isEnabled).toBe(false);
		await bus.publish('a', 1);
		await bus.drain();
		subscription.enable();
		expect(subscription.isEnabled).toBe(true);
		await bus.publish('a', 2);
		await bus.drain();
		expect(seen).toEqual([2]);
	});

	test('disable() - a disabled subscription stays listed and active', () => {
		const bus = new EventBus();
		const subscription = bus.subscribe('a', () => {});
		subscription.disable();
		expect(subscription.isActive).toBe(true);
		expect(bus.subscriptions()).toEqual([expect.objectContaining({id: subscription.id, isEnabled: false})]);
	});

	test('Symbol.dispose - `using` unsubscribes at scope exit', async () => {
		const bus = new EventBus();
		const seen: unknown[] = [];
		{
			using subscription = bus.subscribe('a', event => {
				seen.push(event.payload);
			});
			expect(subscription.isActive).toBe(true);
			await bus.publish('a', 1);
			await bus.drain();
		}
		await bus.publish('a', 2);
		await bus.drain();
		expect(seen).toEqual([1]);
		expect(bus.subscriptions()).toEqual([]);
	});

	test('unsubscribe, enable, disable - work detached from the handle', async () => {
		const bus = new EventBus();
		const seen: unknown[] = [];
		const {unsubscribe, disable, enable} = bus.subscribe('a', event => {
			seen.push(event.payload);
		});
		disable();
		await bus.publish('a', 1);
		await bus.drain();
		enable();
		await bus.publish('a', 2);
		await bus.drain();
		unsubscribe();
		await bus.publish('a', 3);
		await bus.drain();
		expect(seen).toEqual([2]);
		expect(bus.subscriptions()).toEqual([]);
	});

	test('unsubscribe - passed as an abort listener, it unsubscribes on abort', async () => {
		const bus = new EventBus();
		const controller = new AbortController();
		const subscription = bus.subscribe('a', () => {});
		controller.signal.addEventListener('abort', subscription.unsubscribe);
		controller.abort();
		expect(subscription.isActive).toBe(false);
		expect(bus.subscriptions()).toEqual([]);
	});

	test('handle - carries the id, pattern and name and is frozen', () => {
		const bus = new EventBus();
		const subscription = bus.subscribe('order.*', () => {}, {name: 'orders'});
		expect(subscription).toMatchObject({pattern: 'order.*', name: 'orders', isActive: true, isEnabled: true});
		expect(Object.isFrozen(subscription)).toBe(true);
	});
});

describe('EventBus#unsubscribe(id)', () => {
	test('unsubscribe(id) - removes the subscription and returns true', async () => {
		const bus = new EventBus();
		let calls = 0;
		const subscription = bus.subscribe('a', () => {
			calls++;
		});
		expect(bus.unsubscribe(subscription.id)).toBe(true);
		await bus.publish('a', 1);
		await bus.drain();
		expect(calls).toBe(0);
		expect(subscription.isActive).toBe(false);
	});

	test('unsubscribe(id) - returns false for an unknown or already removed id', () => {
		const bus = new EventBus();
		const subscription = bus.subscribe('a', () => {});
		expect(bus.unsubscribe('sub_999')).toBe(false);
		subscription.unsubscribe();
		expect(bus.unsubscribe(subscription.id)).toBe(false);
	});
});

describe('EventBus#unsubscribePattern()', () => {
	test('unsubscribePattern() - removes every subscription made with exactly that pattern and returns the count', async () => {
		const bus = new EventBus();
		const seen: string[] = [];
		bus.subscribe('order.*', () => seen.push('one'));
		bus.subscribe('order.*', () => seen.push('two'));
		bus.subscribe('order.**', () => seen.push('globstar'));
		bus.subscribe('order.created', () => seen.push('exact'));
		expect(bus.unsubscribePattern('order.*')).toBe(2);
		await bus.publish('order.created', null);
		await bus.drain();
		expect(seen).toEqual(['globstar', 'exact']);
	});

	test('unsubscribePattern() - returns 0 when nothing was subscribed with it', () => {
		const bus = new EventBus();
		bus.subscribe('order.*', () => {});
		expect(bus.unsubscribePattern('order.created')).toBe(0);
		expect(bus.subscriptions()).toHaveLength(1);
	});
});

describe('EventBus#subscriptions()', () => {
	test('subscriptions() - lists the active subscriptions in subscription order, as plain data', () => {
		const bus = new EventBus();
		const first = bus.subscribe('a', () => {}, {name: 'first', priority: 2, concurrency: 3});
		const second = bus.subscribe('b.*', () => {});
		bus.subscribe('c', () => {}).unsubscribe();
		expect(bus.subscriptions()).toEqual([
			{id: first.id, name: 'first', pattern: 'a', priority: 2, isEnabled: true, concurrency: 3, pending: 0, inFlight: 0, isHoldingDispatch: false, heldMs: 0, delivered: 0},
			{id: second.id, name: second.id, pattern: 'b.*', priority: 0, isEnabled: true, concurrency: 1, pending: 0, inFlight: 0, isHoldingDispatch: false, heldMs: 0, delivered: 0},
		]);
	});

	test('subscriptions() - pending and inFlight show a busy subscriber', async () => {
		const bus = new EventBus();
		const gate = deferred();
		bus.subscribe('a', async () => gate.promise);
		await bus.publishBatch([1, 2, 3].map(payload => ({topic: 'a' as const, payload})));
		await nextMacrotask();
		expect(bus.subscriptions()[0]).toMatchObject({inFlight: 1, pending: 2});
		gate.resolve();
		await bus.drain();
		expect(bus.subscriptions()[0]).toMatchObject({inFlight: 0, pending: 0});
	});
});
