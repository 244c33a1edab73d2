import {setImmediate as realSetImmediate} from 'node:timers';
import {describe, expect, test} from 'vitest';
import {EventBus, type BusEvent, type HeldNotice, type ReleasedNotice} from '../../src/index.js';
import {collectDeadLetters, deferred, nextMacrotask} from './helpers.js';

/** One real macrotask: a slow async handler that still finishes on its own. */
async function tick(): Promise<void> {
	await new Promise<void>(resolve => {
		realSetImmediate(resolve);
	});
}

describe('lossless by default - a full subscriber buffer holds dispatch back', () => {
	test('default options - 20,000 events from a producer awaiting each publish all reach one slow async subscriber', async () => {
		const bus = new EventBus();
		const letters = collectDeadLetters(bus);
		const received: number[] = [];
		bus.subscribe('job.run', async event => {
			await tick();
			received.push(event.payload as number);
		});
		for (let index = 0; index < 20_000; index++) await bus.publish('job.run', index);
		await bus.drain();
		expect(received).toHaveLength(20_000);
		expect(received.every((value, index) => value === index)).toBe(true);
		expect(letters).toEqual([]);
		expect(bus.getMetrics()).toMatchObject({published: 20_000, delivered: 20_000, dropped: 0, deadLettered: 0});
	}, 60_000);

	test('wait - the subscriber buffer never exceeds maxPending, then the queue fills, then publish waits', async () => {
		const bus = new EventBus({maxQueueSize: 3});
		const gate = deferred();
		let maxPendingSeen = 0;
		const subscription = bus.subscribe('a', async () => gate.promise, {maxPending: 2, name: 'slow'});
		const publishes = Array.from({length: 10}, async (_, index) => bus.publish('a', index));
		await nextMacrotask();
		maxPendingSeen = Math.max(maxPendingSeen, bus.subscriptions()[0]!.pending);
		// One running, two buffered, three queued, four producers waiting: nothing dropped, nothing over a bound.
		expect(bus.subscriptions()[0]).toMatchObject({name: 'slow', inFlight: 1, pending: 2, isHoldingDispatch: true});
		expect(bus.getMetrics()).toMatchObject({queueSize: 3, waitingProducers: 4, dropped: 0});
		expect(maxPendingSeen).toBe(2);
		gate.resolve();
		await Promise.all(publishes);
		await bus.drain();
		expect(bus.getMetrics()).toMatchObject({delivered: 10, dropped: 0, deadLettered: 0, waitingProducers: 0});
		expect(subscription.isActive).toBe(true);
	});

	test('wait - maxPending 0 holds dispatch while every slot is busy', async () => {
		const bus = new EventBus();
		const gate = deferred();
		const handled: number[] = [];
		bus.subscribe(
			'a',
			async event => {
				handled.push(event.payload as number);
				await gate.promise;
			},
			{maxPending: 0},
		);
		for (let index = 0; index < 3; index++) await bus.publish('a', index);
		await nextMacrotask();
		expect(bus.subscriptions()[0]).toMatchObject({inFlight: 1, pending: 0, isHoldingDispatch: true});
		expect(bus.getMetrics().queueSize).toBe(2);
		gate.resolve();
		await bus.drain();
		expect(handled).toEqual([0, 1, 2]);
	});

	test('drop-oldest stays available - that subscription drops, the lossless one beside it loses nothing', async () => {
		const bus = new EventBus();
		const letters = collectDeadLetters(bus);
		const gate = deferred();
		const lossless: number[] = [];
		bus.subscribe('a', async () => gate.promise, {maxPending: 1, overflow: 'drop-oldest', name: 'lossy'});
		bus.subscribe('a', async event => {
			await tick();
			lossless.push(event.payload as number);
		});
		for (let index = 0; index < 50; index++) await bus.publish('a', index);
		await nextMacrotask();
		gate.resolve();
		await bus.drain();
		expect(lossless).toHaveLength(50);
		expect(letters.every(letter => letter.subscription?.name === 'lossy' && letter.reason === 'subscriber-overflow')).toBe(true);
		expect(letters).toHaveLength(48);
	});

	test('diagnostics - held and released name the subscription; subscriptions() shows how long it held dispatch back', async () => {
		const bus = new EventBus();
		const held: HeldNotice[] = [];
		const released: ReleasedNotice[] = [];
		bus.on('held', notice => held.push(notice));
		bus.on('released', notice => released.push(notice));
		const gate = deferred();
		bus.subscribe('a', async () => gate.promise, {maxPending: 1, name: 'slow-projection'});
		for (let index = 0; index < 4; index++) void bus.publish('a', index);
		await nextMacrotask();
		expect(held).toEqual([{subscriptionId: 'sub_1', subscriptionName: 'slow-projection', pending: 1, queueSize: 2}]);
		expect(released).toEqual([]);
		gate.resolve();
		await bus.drain();
		expect(released.length).toBeGreaterThan(0);
		expect(released[0]).toMatchObject({subscriptionId: 'sub_1', subscriptionName: 'slow-projection', heldMs: expect.any(Number)});
		expect(bus.subscriptions()[0]).toMatchObject({isHoldingDispatch: false, heldMs: expect.any(Number)});
		expect(bus.subscriptions()[0]!.heldMs).toBeGreaterThanOrEqual(0);
	});

	test('a subscription that is disabled while holding still releases dispatch once its buffer drains', async () => {
		const bus = new EventBus({maxQueueSize: 2});
		const gate = deferred();
		const subscription = bus.subscribe('a', async () => gate.promise, {maxPending: 1});
		const publishes = Array.from({length: 6}, async (_, index) => bus.publish('a', index));
		await nextMacrotask();
		subscription.disable();
		gate.resolve();
		await Promise.all(publishes);
		await bus.drain();
		expect(bus.getMetrics()).toMatchObject({published: 6, waitingProducers: 0, queueSize: 0});
	});

	test('accounting - per subscription and in total, accepted = delivered + dead-lettered + dropped (counted)', async () => {
		const bus = new EventBus({maxQueueSize: 8, historySize: 0});
		const letters = collectDeadLetters(bus);
		const delivered = new Map<string, number>();
		const count = (name: string): void => {
			delivered.set(name, (delivered.get(name) ?? 0) + 1);
		};
		bus.subscribe(
			'job.*',
			async () => {
				await tick();
				count('lossless');
			},
			{name: 'lossless', maxPending: 4},
		);
		bus.subscribe(
			'job.*',
			async () => {
				await tick();
				await tick();
				count('lossy');
			},
			{name: 'lossy', maxPending: 2, overflow: 'drop-oldest'},
		);
		bus.subscribe(
			'job.*',
			event => {
				if ((event.payload as number) % 4 === 0) throw new Error('flaky');
				count('flaky');
			},
			{name: 'flaky'},
		);
		const accepted: BusEvent[] = [];
		for (let index = 0; index < 300; index++) accepted.push(await bus.publish('job.run', index));
		await bus.drain();
		const metrics = bus.getMetrics();
		let totalDelivered = 0;
		let totalLettered = 0;
		for (const name of ['lossless', 'lossy', 'flaky']) {
			const lettered = letters.filter(letter => letter.subscription?.name === name);
			const dropped = lettered.filter(letter => letter.reason === 'subscriber-overflow').length;
			const failed = lettered.length - dropped;
			expect((delivered.get(name) ?? 0) + failed + dropped, name).toBe(accepted.length);
			totalDelivered += delivered.get(name) ?? 0;
			totalLettered += lettered.length;
		}
		expect(delivered.get('lossless')).toBe(300);
		expect(totalDelivered).toBe(metrics.delivered);
		expect(totalLettered).toBe(metrics.deadLettered);
		expect(metrics.dropped).toBe(letters.filter(letter => letter.reason === 'subscriber-overflow').length);
		expect(metrics.delivered + metrics.deadLettered).toBe(accepted.length * 3);
	});
});
