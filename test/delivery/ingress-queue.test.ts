import {setImmediate as realSetImmediate} from 'node:timers';
import {describe, expect, test} from 'vitest';
import {IngressQueue, type IngressQueueOptions} from '../../src/delivery/ingress-queue.js';
import type {QueueOverflowPolicy} from '../../src/index.js';
import {nextMacrotask, rejectionOf} from '../core/helpers.js';

interface Item {
	readonly priority: number;
	readonly value: number;
}

const item = (value: number, priority = 0): Item => ({value, priority});

interface Harness {
	readonly queue: IngressQueue<Item>;
	readonly log: string[];
	readonly faults: unknown[];
	idle(): Promise<void>;
}

function harness(capacity: number, overflow: QueueOverflowPolicy, overrides: Partial<IngressQueueOptions<Item>> = {}): Harness {
	const log: string[] = [];
	const faults: unknown[] = [];
	let idleWaiters: (() => void)[] = [];
	const queue: IngressQueue<Item> = new IngressQueue<Item>({
		capacity,
		overflow,
		maxWaiting: 1000,
		batchSize: 512,
		accept(accepted) {
			log.push(`accept ${accepted.value}`);
		},
		dispatch(dispatched) {
			log.push(`dispatch ${dispatched.value}`);
		},
		drop(dropped) {
			log.push(`drop ${dropped.value}`);
		},
		isInHandler: () => false,
		idle() {
			const waiters = idleWaiters;
			idleWaiters = [];
			for (const resolve of waiters) resolve();
		},
		fault(error) {
			faults.push(error);
		},
		detach(fn) {
			fn();
		},
		...overrides,
	});
	return {
		queue,
		log,
		faults,
		async idle() {
			if (queue.size === 0 && !queue.isBusy) return;
			await new Promise<void>(resolve => {
				idleWaiters.push(resolve);
			});
		},
	};
}

const dispatched = (log: readonly string[]): string[] => log.filter(line => line.startsWith('dispatch'));

describe('IngressQueue', () => {
	test('offer() - queues while there is space and dispatches after the current synchronous code', async () => {
		const {queue, log, idle} = harness(3, 'reject');
		expect(queue.offer(item(1))).toBe('queued');
		expect(queue.offer(item(2))).toBe('queued');
		expect(log).toEqual(['accept 1', 'accept 2']);
		expect(queue.size).toBe(2);
		expect(queue.isBusy).toBe(true);
		await idle();
		expect(log).toEqual(['accept 1', 'accept 2', 'dispatch 1', 'dispatch 2']);
		expect(queue.isBusy).toBe(false);
	});

	test('offer() - dispatches higher priority first', async () => {
		const {queue, log, idle} = harness(10, 'reject');
		queue.offer(item(1));
		queue.offer(item(2, 5));
		await idle();
		expect(dispatched(log)).toEqual(['dispatch 2', 'dispatch 1']);
	});

	test('offer() - reject returns full when at capacity and accepts nothing', () => {
		const {queue, log} = harness(1, 'reject');
		queue.offer(item(1));
		expect(queue.offer(item(2))).toBe('full');
		expect(log).toEqual(['accept 1']);
	});

	test('offer() - drop-newest returns dropped and drops the offered item', () => {
		const {queue, log} = harness(1, 'drop-newest');
		queue.offer(item(1));
		expect(queue.offer(item(2))).toBe('dropped');
		expect(log).toEqual(['accept 1', 'drop 2']);
		expect(queue.size).toBe(1);
	});

	test('offer() - drop-oldest queues the offered item and drops the oldest', async () => {
		const {queue, log, idle} = harness(2, 'drop-oldest');
		queue.offer(item(1));
		queue.offer(item(2));
		expect(queue.offer(item(3))).toBe('queued');
		expect(queue.size).toBe(2);
		await idle();
		expect(log).toEqual(['accept 1', 'accept 2', 'accept 3', 'drop 1', 'dispatch 2', 'dispatch 3']);
	});

	test('offer() - wait never exceeds capacity however many producers wait, and admits them in order', async () => {
		let maxSize = 0;
		const order: number[] = [];
		const {queue, idle} = harness(3, 'wait', {
			dispatch(dispatchedItem) {
				maxSize = Math.max(maxSize, queue.size);
				order.push(dispatchedItem.value);
			},
		});
		const offers = Array.from({length: 100}, (_, index) => queue.offer(item(index)));
		expect(offers.slice(0, 3)).toEqual(['queued', 'queued', 'queued']);
		expect(offers.slice(3).every(offer => offer instanceof Promise)).toBe(true);
		expect(queue.waiting).toBe(97);
		await Promise.all(offers);
		await idle();
		expect(maxSize).toBeLessThanOrEqual(3);
		expect(order).toEqual(Array.from({length: 100}, (_, index) => index));
		expect(queue.waiting).toBe(0);
	});

	test('offer() - with producers waiting, a new producer queues behind them even if a slot is free', async () => {
		const {queue, log, idle} = harness(1, 'wait');
		queue.offer(item(1));
		const second = queue.offer(item(2));
		const third = queue.offer(item(3));
		await Promise.all([second, third]);
		await idle();
		expect(dispatched(log)).toEqual(['dispatch 1', 'dispatch 2', 'dispatch 3']);
	});

	test('tryOffer() - queues only when there is space and nobody waits', () => {
		const {queue} = harness(1, 'wait');
		expect(queue.tryOffer(item(1))).toBe(true);
		expect(queue.tryOffer(item(2))).toBe(false);
		void queue.offer(item(3));
		expect(queue.size).toBe(1);
	});

	test('rejectWaiters() - rejects every waiting producer; their items are never accepted', async () => {
		const {queue, log, idle} = harness(1, 'wait');
		queue.offer(item(1));
		const waiting = [queue.offer(item(2)), queue.offer(item(3))];
		const error = new Error('closing');
		queue.rejectWaiters(error);
		expect(queue.waiting).toBe(0);
		for (const offer of waiting) expect(await rejectionOf(offer as Promise<void>)).toBe(error);
		await idle();
		expect(log).toEqual(['accept 1', 'dispatch 1']);
	});

	test('takeAll() - removes and returns what was not dispatched', async () => {
		const {queue, log, idle} = harness(5, 'reject');
		queue.offer(item(1));
		queue.offer(item(2, 1));
		expect(queue.takeAll().map(each => each.value)).toEqual([2, 1]);
		expect(queue.size).toBe(0);
		await idle();
		expect(dispatched(log)).toEqual([]);
	});

	test('dispatch - an item offered during dispatch is dispatched after the current one returns', async () => {
		const log: string[] = [];
		const {queue, idle} = harness(5, 'reject', {
			dispatch(dispatchedItem) {
				log.push(`start ${dispatchedItem.value}`);
				if (dispatchedItem.value === 1) queue.offer(item(2));
				log.push(`end ${dispatchedItem.value}`);
			},
		});
		queue.offer(item(1));
		await idle();
		expect(log).toEqual(['start 1', 'end 1', 'start 2', 'end 2']);
	});

	test('dispatch - yields to the event loop between batches of batchSize items', async () => {
		const log: string[] = [];
		const {queue, idle} = harness(10, 'reject', {
			batchSize: 2,
			dispatch(dispatchedItem) {
				log.push(`dispatch ${dispatchedItem.value}`);
				if (dispatchedItem.value === 1) {
					realSetImmediate(() => {
						log.push('macrotask');
					});
				}
			},
		});
		for (let value = 1; value <= 5; value++) queue.offer(item(value));
		await idle();
		expect(log).toEqual(['dispatch 1', 'dispatch 2', 'macrotask', 'dispatch 3', 'dispatch 4', 'dispatch 5']);
	});

	test('dispatch - runs the dispatcher through detach', async () => {
		let detached = 0;
		const {queue, idle} = harness(5, 'reject', {
			detach(fn) {
				detached++;
				fn();
			},
		});
		queue.offer(item(1));
		queue.offer(item(2));
		await idle();
		expect(detached).toBe(1);
	});

	test('dispatch - a throwing dispatch is reported as a fault and the items behind it are still dispatched', async () => {
		const log: string[] = [];
		const failure = new Error('dispatcher bug');
		const {queue, faults} = harness(5, 'reject', {
			dispatch(dispatchedItem) {
				log.push(`dispatch ${dispatchedItem.value}`);
				if (dispatchedItem.value === 1) throw failure;
			},
		});
		queue.offer(item(1));
		queue.offer(item(2));
		queue.offer(item(3));
		for (let turn = 0; turn < 5; turn++) await nextMacrotask();
		expect(faults).toEqual([failure]);
		expect(log).toEqual(['dispatch 1', 'dispatch 2', 'dispatch 3']);
		expect(queue.size).toBe(0);
		expect(queue.isBusy).toBe(false);
	});
});

describe('IngressQueue - one dispatcher run for a producer that awaits each offer', () => {
	test('events offered one await apart are dispatched by the same run', async () => {
		let runs = 0;
		const {queue, log, idle} = harness(10, 'wait', {runStarted: () => void runs++});
		for (let value = 0; value < 20; value++) {
			queue.offer(item(value));
			await Promise.resolve(value);
		}
		await idle();
		expect(log.filter(entry => entry.startsWith('dispatch'))).toHaveLength(20);
		expect(runs).toBe(1);
	});

	test('runStarted and runEnded come in pairs, also when the run ends after a macrotask gap', async () => {
		const calls: string[] = [];
		const {queue, idle} = harness(10, 'wait', {runStarted: () => void calls.push('started'), runEnded: () => void calls.push('ended')});
		queue.offer(item(1));
		await idle();
		await nextMacrotask();
		queue.offer(item(2));
		await idle();
		expect(calls).toEqual(['started', 'ended', 'started', 'ended']);
	});
});

