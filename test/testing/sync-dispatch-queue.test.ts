import {describe, expect, test} from 'vitest';
import type {DeliveryTracker} from '../../src/delivery/delivery-tracker.js';
import {SyncDispatchQueue} from '../../src/testing/sync-dispatch-queue.js';
import type {SyncSubscriber} from '../../src/testing/sync-subscriber.js';
import type {BusEvent, DeliveryReport} from '../../src/types.js';

const event = (id: string, priority = 0): BusEvent => ({id, topic: 'order.created', priority}) as unknown as BusEvent;

/** A subscriber that logs what it receives, runs `onDeliver` and reports success at once. */
function subscriber(name: string, log: string[], onDeliver?: (event: BusEvent) => void): SyncSubscriber {
	return {
		deliver(delivered: BusEvent, tracker: DeliveryTracker) {
			log.push(`${name}:${delivered.id}`);
			onDeliver?.(delivered);
			tracker.succeeded();
		},
	} as unknown as SyncSubscriber;
}

describe('SyncDispatchQueue', () => {
	test('dispatch() - delivers the highest priority first, in acceptance order within a priority', () => {
		const log: string[] = [];
		const queue = new SyncDispatchQueue(() => [subscriber('a', log)]);
		for (const each of [event('low-1'), event('high-1', 5), event('low-2'), event('mid', 1), event('high-2', 5)]) queue.enqueue(each, () => {});
		expect(queue.size).toBe(5);
		queue.dispatch();
		expect(log).toEqual(['a:high-1', 'a:high-2', 'a:mid', 'a:low-1', 'a:low-2']);
		expect(queue.size).toBe(0);
		expect(queue.isBusy).toBe(false);
	});

	test('dispatch() - an event queued during a delivery waits until the current event reached every subscription', () => {
		const log: string[] = [];
		let queue: SyncDispatchQueue;
		const publishing = subscriber('first', log, delivered => {
			if (delivered.id !== 'outer') return;
			queue.enqueue(event('inner', 9), () => {});
			expect(queue.isBusy).toBe(true);
			queue.dispatch(); // Re-entrant call: a no-op, the running loop takes the event.
			log.push('re-entrant dispatch returned');
		});
		queue = new SyncDispatchQueue(() => [publishing, subscriber('second', log)]);
		queue.enqueue(event('outer'), () => {});
		queue.dispatch();
		expect(log).toEqual(['first:outer', 're-entrant dispatch returned', 'second:outer', 'first:inner', 'second:inner']);
	});

	test('enqueue() - reports on each event once its route has settled; at once when nothing matches', () => {
		const reports: DeliveryReport[] = [];
		const log: string[] = [];
		const queue = new SyncDispatchQueue(topic => (topic === 'order.created' ? [subscriber('a', log), subscriber('b', log)] : []));
		queue.enqueue(event('matched'), report => reports.push(report));
		queue.enqueue({...event('unmatched'), topic: 'order.paid'} as BusEvent, report => reports.push(report));
		expect(reports).toEqual([]);
		queue.dispatch();
		expect(reports.map(report => [report.event.id, report.matched, report.succeeded])).toEqual([
			['matched', 2, 2],
			['unmatched', 0, 0],
		]);
	});
});
