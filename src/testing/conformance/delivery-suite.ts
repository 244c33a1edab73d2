import assert from 'node:assert/strict';
import {FilterError} from '../../errors.js';
import type {BusEvent} from '../../types.js';
import {assertError, deferred, type ConformanceContext} from './conformance-context.js';

/** Priorities, filters, transforms, reports, `publishSync`, re-entrancy, ordering and correlation. */
export function deliverySuite({describe, busTest, features}: ConformanceContext): void {
	describe('delivery', () => {
		if (features.priorities === true) {
			busTest('subscribe() - higher priority runs first, ties in subscription order', async bus => {
				const calls: string[] = [];
				const record = (label: string) => () => {
					calls.push(label);
				};
				bus.subscribe('a', record('p0'));
				bus.subscribe('a', record('p5-first'), {priority: 5});
				bus.subscribe('**', record('p-1'), {priority: -1});
				bus.subscribe('a', record('p5-second'), {priority: 5});
				await bus.publish('a', null);
				await bus.drain();
				assert.deepEqual(calls, ['p5-first', 'p5-second', 'p0', 'p-1']);
			});
		}

		busTest('filter - only events it accepts are delivered; the rest count as skipped', async bus => {
			const seen: unknown[] = [];
			bus.subscribe('n', event => void seen.push(event.payload), {filter: event => (event.payload as number) > 1});
			await bus.publish('n', 1);
			const report = await bus.publish('n', 2, {awaitDelivery: true});
			await bus.drain();
			assert.deepEqual(seen, [2]);
			assert.deepEqual([report.matched, report.succeeded, report.skipped], [1, 1, 0]);
			const skipped = await bus.publish('n', 0, {awaitDelivery: true});
			assert.deepEqual([skipped.matched, skipped.succeeded, skipped.skipped], [1, 0, 1]);
		});

		busTest('filter - a throwing filter fails that subscription only, with FilterError (stage filter)', async bus => {
			const seen: string[] = [];
			const filtered = bus.subscribe('a', () => {}, {
				filter: () => {
					throw new Error('bad filter');
				},
			});
			bus.subscribe('a', () => void seen.push('other'));
			const report = await bus.publish('a', null, {awaitDelivery: true});
			assert.deepEqual([report.matched, report.succeeded, report.failed, report.deadLettered], [2, 1, 1, 1]);
			assertError(report.failures[0]?.error, FilterError, {code: 'ERR_FILTER_FAILED', stage: 'filter', subscriptionId: filtered.id});
			assert.deepEqual(report.failures[0]?.attempts, 0);
			assert.deepEqual(seen, ['other']);
		});

		busTest('transform - the subscription gets a new frozen envelope; others see the original', async bus => {
			const seen: BusEvent[] = [];
			bus.subscribe('a', event => void seen.push(event), {transform: event => ({...event, payload: {changed: true}})});
			bus.subscribe('a', event => void seen.push(event));
			const original = await bus.publish('a', {changed: false});
			await bus.drain();
			assert.deepEqual(
				seen.map(event => event.payload),
				[{changed: true}, {changed: false}],
			);
			assert.ok(Object.isFrozen(seen[0]) && Object.isFrozen(seen[0]!.payload), 'the transformed envelope is frozen');
			assert.equal(seen[1], original);
		});

		busTest('transform - a throwing transform is a FilterError (stage transform)', async bus => {
			bus.subscribe('a', () => {}, {
				transform: () => {
					throw new Error('bad transform');
				},
			});
			const report = await bus.publish('a', null, {awaitDelivery: true});
			assertError(report.failures[0]?.error, FilterError, {code: 'ERR_FILTER_FAILED', stage: 'transform'});
		});

		busTest('publish() - the envelope and its payload are frozen, with the given options', async bus => {
			const event = await bus.publish('a.b', {nested: {x: 1}}, {priority: 3, source: 'svc', metadata: {k: 'v'}, id: 'e-1', correlationId: 'c-1'});
			assert.ok(Object.isFrozen(event) && Object.isFrozen(event.payload) && Object.isFrozen((event.payload as {nested: object}).nested));
			assert.deepEqual(
				{...event, timestamp: 0},
				{id: 'e-1', topic: 'a.b', payload: {nested: {x: 1}}, timestamp: 0, source: 'svc', correlationId: 'c-1', causationId: undefined, priority: 3, metadata: {k: 'v'}},
			);
		});

		busTest('publishSync() - returns the envelope and its payload frozen, with the given options', async bus => {
			const event = bus.publishSync('a.b', {nested: {x: 1}}, {priority: 3, source: 'svc', metadata: {k: 'v'}, id: 'e-1', correlationId: 'c-1'});
			assert.ok(Object.isFrozen(event) && Object.isFrozen(event.payload) && Object.isFrozen((event.payload as {nested: object}).nested));
			assert.deepEqual(
				{...event, timestamp: 0},
				{id: 'e-1', topic: 'a.b', payload: {nested: {x: 1}}, timestamp: 0, source: 'svc', correlationId: 'c-1', causationId: undefined, priority: 3, metadata: {k: 'v'}},
			);
		});

		busTest('publishSync() - the event is delivered to every matching subscription, as by publish()', async bus => {
			const seen: string[] = [];
			bus.subscribe('order.*', event => void seen.push(`order.*:${event.payload as number}`));
			bus.subscribe('**', event => void seen.push(`**:${event.payload as number}`));
			const event = bus.publishSync('order.created', 1);
			await bus.drain();
			assert.deepEqual(seen.sort(), ['**:1', 'order.*:1']);
			assert.equal(bus.getMetrics().published, 1);
			assert.equal(event.topic, 'order.created');
		});

		busTest('publishSync() - mixed with publish(), events reach a subscription in the order published', async bus => {
			const seen: unknown[] = [];
			bus.subscribe('n', event => void seen.push(event.payload));
			bus.publishSync('n', 1);
			await bus.publish('n', 2);
			bus.publishSync('n', 3);
			await bus.drain();
			assert.deepEqual(seen, [1, 2, 3]);
		});

		busTest('publish({awaitDelivery}) - reports handler failures instead of throwing them', async bus => {
			const failure = new Error('handler failed');
			bus.subscribe('a', () => {
				throw failure;
			}, {name: 'failing'});
			bus.subscribe('a', async () => {});
			const report = await bus.publish('a', 1, {awaitDelivery: true});
			assert.equal(report.event.topic, 'a');
			assert.deepEqual([report.matched, report.succeeded, report.failed, report.dropped, report.skipped, report.deadLettered], [2, 1, 1, 0, 0, 1]);
			assert.deepEqual(report.failures.map(({subscriptionName, error, attempts}) => ({subscriptionName, error, attempts})), [{subscriptionName: 'failing', error: failure, attempts: 1}]);
			const none = await bus.publish('nobody.listens', 1, {awaitDelivery: true});
			assert.deepEqual([none.matched, none.succeeded], [0, 0]);
		});

		busTest('publish() - an event published by a handler is dispatched after the current one, never re-entrantly', async bus => {
			const calls: string[] = [];
			bus.subscribe('first', () => {
				void bus.publish('second', null);
				calls.push('first done');
			});
			bus.subscribe('first', () => void calls.push('first, second subscriber'));
			bus.subscribe('second', () => void calls.push('second'));
			await bus.publish('first', null);
			await bus.drain();
			assert.deepEqual(calls, ['first done', 'first, second subscriber', 'second']);
		});

		busTest('publishSync() - an event published by a handler is dispatched after the current one, never re-entrantly', async bus => {
			const calls: string[] = [];
			bus.subscribe('first', () => {
				bus.publishSync('second', null);
				calls.push('first done');
			});
			bus.subscribe('first', () => void calls.push('first, second subscriber'));
			bus.subscribe('second', () => void calls.push('second'));
			bus.publishSync('first', null);
			await bus.drain();
			assert.deepEqual(calls, ['first done', 'first, second subscriber', 'second']);
		});

		busTest('dispatch snapshot - a subscription added during dispatch misses the event in flight', async bus => {
			const seen: string[] = [];
			bus.subscribe('a', () => {
				bus.subscribe('a', event => void seen.push(`late:${event.payload as number}`));
			}, {once: true});
			await bus.publish('a', 1);
			await bus.publish('a', 2);
			await bus.drain();
			assert.deepEqual(seen, ['late:2']);
		});

		busTest('dispatch snapshot - a subscription removed during dispatch is skipped from then on', async bus => {
			const seen: string[] = [];
			let victim = '';
			bus.subscribe('a', () => void bus.unsubscribe(victim), {priority: 1});
			victim = bus.subscribe('a', () => void seen.push('victim')).id;
			const report = await bus.publish('a', null, {awaitDelivery: true});
			assert.deepEqual(seen, []);
			assert.deepEqual([report.matched, report.succeeded, report.skipped], [2, 1, 1]);
		});

		if (features.ordering === true) {
			busTest('ordering - with async handlers, one subscription still gets events in publish order', async bus => {
				const seen: number[] = [];
				bus.subscribe('n', async event => {
					for (let tick = 0; tick < 3 - (event.payload as number) % 3; tick++) await Promise.resolve();
					seen.push(event.payload as number);
				});
				for (let n = 0; n < 10; n++) void bus.publish('n', n);
				await bus.drain();
				assert.deepEqual(seen, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
			});
		}

		if (features.eventPriority === true) {
			busTest('event priority - queued events are dispatched highest priority first', async bus => {
				const seen: number[] = [];
				bus.subscribe('p', event => void seen.push(event.priority));
				const published = [0, 5, 1].map(priority => bus.publish('p', null, {priority}));
				await Promise.all(published);
				await bus.drain();
				assert.deepEqual(seen, [5, 1, 0]);
			});
		}

		if (features.asyncDelivery === true) {
			busTest('asyncDelivery - handlers never run inside publish()', async bus => {
				let hasRun = false;
				bus.subscribe('a', () => {
					hasRun = true;
				});
				const publishing = bus.publish('a', null);
				assert.equal(hasRun, false);
				await publishing;
				await bus.drain();
				assert.equal(hasRun, true);
			});

			busTest('asyncDelivery - handlers never run inside publishSync()', async bus => {
				let hasRun = false;
				bus.subscribe('a', () => {
					hasRun = true;
				});
				bus.publishSync('a', null);
				assert.equal(hasRun, false);
				await bus.drain();
				assert.equal(hasRun, true);
			});
		}

		if (features.asyncDelivery === false) {
			busTest('synchronous delivery - handlers have settled when publish() resolves', async bus => {
				const gate = deferred();
				const calls: string[] = [];
				bus.subscribe('a', () => void calls.push('sync'));
				bus.subscribe('a', async () => {
					await gate.promise;
					calls.push('async');
				});
				const publishing = bus.publish('a', null);
				assert.deepEqual(calls, ['sync']);
				gate.resolve();
				await publishing;
				assert.deepEqual(calls, ['sync', 'async']);
			});

			busTest('synchronous delivery - synchronous handlers have run when publishSync() returns; async ones have started', async bus => {
				const gate = deferred();
				const calls: string[] = [];
				bus.subscribe('a', () => void calls.push('sync'));
				bus.subscribe('a', async () => {
					calls.push('async started');
					await gate.promise;
					calls.push('async');
				});
				bus.publishSync('a', null);
				assert.deepEqual(calls, ['sync', 'async started']);
				gate.resolve();
				await bus.drain();
				assert.deepEqual(calls, ['sync', 'async started', 'async']);
			});
		}

		if (features.correlation === true) {
			busTest('correlation - an event published by a handler inherits correlationId and gets causationId', async bus => {
				const children: BusEvent[] = [];
				bus.subscribe('parent', async () => {
					await Promise.resolve();
					await bus.publish('child', null);
				});
				bus.subscribe('child', event => void children.push(event));
				const parent = await bus.publish('parent', null, {correlationId: 'workflow-1'});
				await bus.drain();
				assert.deepEqual(
					children.map(({correlationId, causationId}) => ({correlationId, causationId})),
					[{correlationId: 'workflow-1', causationId: parent.id}],
				);
			});

			busTest('correlation - an event publishSync() sends from a handler inherits correlationId and gets causationId', async bus => {
				const children: BusEvent[] = [];
				bus.subscribe('parent', async () => {
					await Promise.resolve();
					bus.publishSync('child', null);
				});
				bus.subscribe('child', event => void children.push(event));
				const parent = bus.publishSync('parent', null, {correlationId: 'workflow-1'});
				await bus.drain();
				assert.deepEqual(
					children.map(({correlationId, causationId}) => ({correlationId, causationId})),
					[{correlationId: 'workflow-1', causationId: parent.id}],
				);
			});
		}
	});
}
