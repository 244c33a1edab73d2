/**
 * The accounting identity under random configurations: for every subscription, the events dispatched to it are
 * delivered, or dead-lettered as failed, or dropped (counted); in total, every accepted publish is counted once;
 * and the bus always drains (a bounded wait fails instead of hanging).
 */
import fc from 'fast-check';
import {describe, expect, test} from 'vitest';
import {EventBus, type QueueOverflowPolicy, type SubscriberOverflowPolicy} from '../../src/index.js';
import {nextMacrotask, within} from './helpers.js';

interface SubscriptionPlan {
	readonly overflow: SubscriberOverflowPolicy;
	readonly maxPending: number;
	readonly concurrency: number;
	readonly kind: 'sync' | 'async' | 'throws' | 'rejects-sometimes';
}

const subscriptionPlan = fc.record<SubscriptionPlan>({
	overflow: fc.constantFrom<SubscriberOverflowPolicy>('wait', 'drop-oldest', 'drop-newest'),
	maxPending: fc.integer({min: 0, max: 3}),
	concurrency: fc.integer({min: 1, max: 2}),
	kind: fc.constantFrom<SubscriptionPlan['kind']>('sync', 'async', 'throws', 'rejects-sometimes'),
});

describe('accounting identity - property', () => {
	test('per subscription and in total: dispatched = delivered + failed + dropped; everything drains', async () => {
		await fc.assert(
			fc.asyncProperty(
				fc.array(subscriptionPlan, {minLength: 1, maxLength: 4}),
				fc.constantFrom<QueueOverflowPolicy>('wait', 'reject', 'drop-oldest', 'drop-newest'),
				fc.integer({min: 1, max: 4}),
				fc.integer({min: 1, max: 40}),
				fc.boolean(),
				async (plans, queueOverflow, maxQueueSize, events, awaitEach) => {
					const bus = new EventBus({maxQueueSize, overflow: queueOverflow, historySize: 0});
					const delivered = new Map<string, number>();
					const failed = new Map<string, number>();
					const dropped = new Map<string, number>();
					let undispatched = 0;
					bus.on('deadLetter', letter => {
						// The bus's own `$bus.dead-letter` events can be dropped from a full queue too: not published here.
						if (letter.event.topic !== 'job') return;
						if (letter.subscription === undefined) {
							undispatched++;
							return;
						}
						const into = letter.reason === 'subscriber-overflow' || letter.reason === 'shutdown' ? dropped : failed;
						into.set(letter.subscription.name, (into.get(letter.subscription.name) ?? 0) + 1);
					});
					plans.forEach((plan, index) => {
						const name = `s${index}`;
						const count = (): void => {
							delivered.set(name, (delivered.get(name) ?? 0) + 1);
						};
						const handler = {
							sync: () => count(),
							async: async () => {
								await nextMacrotask();
								count();
							},
							throws: () => {
								throw new Error('always');
							},
							'rejects-sometimes': async (event: {payload: unknown}) => {
								await nextMacrotask();
								if ((event.payload as number) % 3 === 0) throw new Error('sometimes');
								count();
							},
						}[plan.kind];
						bus.subscribe('job', handler as never, {name, overflow: plan.overflow, maxPending: plan.maxPending, concurrency: plan.concurrency});
					});
					let accepted = 0;
					let refused = 0;
					const pending: Promise<void>[] = [];
					for (let index = 0; index < events; index++) {
						const publish = bus.publish('job', index).then(
							() => {
								accepted++;
							},
							() => {
								refused++;
							},
						);
						if (awaitEach) await within(publish);
						else pending.push(publish);
					}
					await within(Promise.all(pending));
					await within(bus.drain());
					const metrics = bus.getMetrics();
					expect(accepted + refused).toBe(events);
					expect(metrics.rejected).toBe(refused);
					// Events dropped from the queue never reached a subscription; the rest reached every one of them.
					const dispatched = accepted - undispatched;
					plans.forEach((_, index) => {
						const name = `s${index}`;
						const total = (delivered.get(name) ?? 0) + (failed.get(name) ?? 0) + (dropped.get(name) ?? 0);
						expect(total, name).toBe(dispatched);
					});
					if (queueOverflow === 'wait' || queueOverflow === 'reject') expect(undispatched).toBe(0);
					const lossless = plans.every(plan => plan.overflow === 'wait') && (queueOverflow === 'wait' || queueOverflow === 'reject');
					if (lossless) expect(metrics.dropped).toBe(0);
					expect(metrics).toMatchObject({queueSize: 0, inFlight: 0, waitingProducers: 0});
					await bus.close();
				},
			),
			{numRuns: 150},
		);
	}, 120_000);
});
