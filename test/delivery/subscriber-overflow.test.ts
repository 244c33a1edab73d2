import {describe, expect, test} from 'vitest';
import {EventBus, EventDroppedError, type BusEvent} from '../../src/index.js';
import {collectDeadLetters, deferred, nextMacrotask} from '../core/helpers.js';

/** A subscription whose first handler call hangs until `release()`, so that later events pile up in its buffer. */
function blocked(bus: EventBus, options: Parameters<EventBus['subscribe']>[2]): {handled: unknown[]; id: string; release(): void} {
	const gate = deferred();
	const handled: unknown[] = [];
	const subscription = bus.subscribe(
		'a',
		async event => {
			handled.push(event.payload);
			if (handled.length === 1) await gate.promise;
		},
		options,
	);
	return {handled, id: subscription.id, release: () => gate.resolve()};
}

async function publishAll(bus: EventBus, payloads: readonly number[]): Promise<BusEvent[]> {
	const events: BusEvent[] = [];
	for (const payload of payloads) events.push(await bus.publish('a', payload));
	await nextMacrotask();
	return events;
}

describe('maxPending and overflow', () => {
	test('drop-oldest - a full buffer drops its oldest event and keeps the new one', async () => {
		const bus = new EventBus();
		const letters = collectDeadLetters(bus);
		const subscriber = blocked(bus, {maxPending: 2, name: 'slow', overflow: 'drop-oldest'});
		const events = await publishAll(bus, [1, 2, 3, 4, 5]);
		expect(letters.map(letter => letter.event)).toEqual([events[1], events[2]]);
		subscriber.release();
		await bus.drain();
		expect(subscriber.handled).toEqual([1, 4, 5]);
	});

	test('drop-newest - a full buffer drops the new event', async () => {
		const bus = new EventBus();
		const letters = collectDeadLetters(bus);
		const subscriber = blocked(bus, {maxPending: 2, overflow: 'drop-newest'});
		const events = await publishAll(bus, [1, 2, 3, 4, 5]);
		expect(letters.map(letter => letter.event)).toEqual([events[3], events[4]]);
		subscriber.release();
		await bus.drain();
		expect(subscriber.handled).toEqual([1, 2, 3]);
	});

	test('overflow - each drop is a dead letter with reason subscriber-overflow and an EventDroppedError', async () => {
		const bus = new EventBus();
		const letters = collectDeadLetters(bus);
		const subscriber = blocked(bus, {maxPending: 1, name: 'slow', overflow: 'drop-oldest'});
		const events = await publishAll(bus, [1, 2, 3]);
		expect(letters).toEqual([
			{
				event: events[1],
				error: expect.any(EventDroppedError),
				reason: 'subscriber-overflow',
				subscription: {id: subscriber.id, name: 'slow', pattern: 'a'},
				attempts: 0,
				failedAt: expect.any(Number),
			},
		]);
		expect(letters[0]!.error).toMatchObject({code: 'ERR_EVENT_DROPPED', reason: 'subscriber-overflow', eventId: events[1]!.id});
		subscriber.release();
		await bus.drain();
	});

	test('overflow - drops are counted in the metrics', async () => {
		const bus = new EventBus();
		const subscriber = blocked(bus, {maxPending: 1, overflow: 'drop-oldest'});
		await publishAll(bus, [1, 2, 3, 4]);
		expect(bus.getMetrics()).toMatchObject({dropped: 2, deadLettered: 2});
		subscriber.release();
		await bus.drain();
		expect(bus.getMetrics()).toMatchObject({delivered: 2, inFlight: 0});
	});

	test('maxPending 0 - every event that arrives while the handler is busy is dropped', async () => {
		const bus = new EventBus();
		const letters = collectDeadLetters(bus);
		const subscriber = blocked(bus, {maxPending: 0, overflow: 'drop-oldest'});
		await publishAll(bus, [1, 2, 3]);
		expect(letters.map(letter => letter.event.payload)).toEqual([2, 3]);
		subscriber.release();
		await bus.drain();
		expect(subscriber.handled).toEqual([1]);
	});

	test('overflow - another subscription of the same events loses nothing', async () => {
		const bus = new EventBus();
		const other: unknown[] = [];
		bus.subscribe('a', event => {
			other.push(event.payload);
		});
		const subscriber = blocked(bus, {maxPending: 1, overflow: 'drop-oldest'});
		await publishAll(bus, [1, 2, 3, 4, 5]);
		expect(other).toEqual([1, 2, 3, 4, 5]);
		subscriber.release();
		await bus.drain();
	});

	test('overflow - the buffer does not count the events being handled', async () => {
		const bus = new EventBus();
		const letters = collectDeadLetters(bus);
		const subscriber = blocked(bus, {maxPending: 2, concurrency: 1});
		await publishAll(bus, [1, 2, 3]);
		expect(letters).toEqual([]);
		expect(bus.subscriptions()[0]).toMatchObject({inFlight: 1, pending: 2});
		subscriber.release();
		await bus.drain();
	});
});
