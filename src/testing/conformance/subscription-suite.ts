import assert from 'node:assert/strict';
import {getEventListeners} from 'node:events';
import type {ConformanceContext} from './conformance-context.js';

/** `once`, unsubscribing (handle, id, pattern, signal, dispose), enable/disable and `subscriptions()`. */
export function subscriptionSuite({describe, busTest}: ConformanceContext): void {
	describe('subscriptions', () => {
		busTest('once - delivers one event, then the subscription is gone', async bus => {
			const seen: unknown[] = [];
			const subscription = bus.subscribe('a', event => void seen.push(event.payload), {once: true});
			await bus.publish('a', 1);
			await bus.publish('a', 2);
			await bus.drain();
			assert.deepEqual(seen, [1]);
			assert.equal(subscription.isActive, false);
			assert.deepEqual(bus.subscriptions(), []);
		});

		busTest('once - an event its filter refuses does not use it up', async bus => {
			const seen: unknown[] = [];
			bus.subscribe('a', event => void seen.push(event.payload), {once: true, filter: event => event.payload === 2});
			await bus.publish('a', 1);
			await bus.publish('a', 2);
			await bus.publish('a', 3);
			await bus.drain();
			assert.deepEqual(seen, [2]);
		});

		busTest('unsubscribe() - the handle stops delivery and is idempotent', async bus => {
			const seen: unknown[] = [];
			const subscription = bus.subscribe('a', event => void seen.push(event.payload));
			await bus.publish('a', 1);
			await bus.drain();
			subscription.unsubscribe();
			subscription.unsubscribe();
			await bus.publish('a', 2);
			await bus.drain();
			assert.deepEqual(seen, [1]);
			assert.equal(subscription.isActive, false);
		});

		busTest('unsubscribe(id) - true once, then false; unknown ids are false', async bus => {
			const {id} = bus.subscribe('a', () => {});
			assert.equal(bus.unsubscribe(id), true);
			assert.equal(bus.unsubscribe(id), false);
			assert.equal(bus.unsubscribe('no-such-id'), false);
		});

		busTest('unsubscribePattern() - removes the subscriptions made with exactly that pattern, returns the count', async bus => {
			bus.subscribe('order.*', () => {});
			bus.subscribe('order.*', () => {});
			bus.subscribe('order.**', () => {});
			assert.equal(bus.unsubscribePattern('order.*'), 2);
			assert.equal(bus.unsubscribePattern('order.*'), 0);
			assert.deepEqual(
				bus.subscriptions().map(info => info.pattern),
				['order.**'],
			);
		});

		busTest('Symbol.dispose - unsubscribes', async bus => {
			const subscription = bus.subscribe('a', () => {});
			subscription[Symbol.dispose]();
			assert.equal(subscription.isActive, false);
			assert.equal(bus.getMetrics().subscriptions, 0);
		});

		busTest('signal - aborting unsubscribes; an already aborted signal never subscribes', async bus => {
			const controller = new AbortController();
			const subscription = bus.subscribe('a', () => {}, {signal: controller.signal});
			assert.equal(subscription.isActive, true);
			controller.abort();
			assert.equal(subscription.isActive, false);
			const late = bus.subscribe('a', () => {}, {signal: AbortSignal.abort()});
			assert.equal(late.isActive, false);
			assert.deepEqual(bus.subscriptions(), []);
		});

		busTest('signal - unsubscribing stops listening to the signal, so one controller can serve many subscriptions', async bus => {
			const controller = new AbortController();
			for (let round = 0; round < 20; round++) bus.subscribe('a', () => {}, {signal: controller.signal}).unsubscribe();
			assert.equal(getEventListeners(controller.signal, 'abort').length, 0);
		});

		busTest('disable() - events dispatched meanwhile are skipped, not buffered; enable() resumes', async bus => {
			const seen: unknown[] = [];
			const subscription = bus.subscribe('a', event => void seen.push(event.payload));
			subscription.disable();
			assert.equal(subscription.isEnabled, false);
			const report = await bus.publish('a', 1, {awaitDelivery: true});
			subscription.enable();
			await bus.publish('a', 2);
			await bus.drain();
			assert.deepEqual(seen, [2]);
			assert.equal(report.skipped, 1);
		});

		busTest('subscriptions() - lists id, name, pattern, priority and settings, in subscription order', async bus => {
			const first = bus.subscribe('a.*', () => {}, {name: 'first', priority: 2, concurrency: 3});
			const second = bus.subscribe('b', () => {});
			assert.deepEqual(bus.subscriptions(), [
				{id: first.id, name: 'first', pattern: 'a.*', priority: 2, isEnabled: true, concurrency: 3, pending: 0, inFlight: 0, isHoldingDispatch: false, heldMs: 0, delivered: 0},
				{id: second.id, name: second.id, pattern: 'b', priority: 0, isEnabled: true, concurrency: 1, pending: 0, inFlight: 0, isHoldingDispatch: false, heldMs: 0, delivered: 0},
			]);
			assert.equal(second.name, second.id, 'the name defaults to the id');
		});
	});
}
