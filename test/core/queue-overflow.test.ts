import {describe, expect, test} from 'vitest';
import {EventBus, EventDroppedError, QueueFullError, type BusEvent} from '../../src/index.js';
import {collectDeadLetters, rejectionOf} from './helpers.js';

function recordPayloads(bus: EventBus): unknown[] {
	const seen: unknown[] = [];
	bus.subscribe('**', event => {
		seen.push(event.payload);
	});
	return seen;
}

describe('ingress queue - wait (the default)', () => {
	test('wait - the bound holds with 200 concurrent producers, and all are delivered in the order they waited', async () => {
		const bus = new EventBus({maxQueueSize: 5});
		const seen: unknown[] = [];
		let maxQueueSize = 0;
		bus.subscribe('a', event => {
			maxQueueSize = Math.max(maxQueueSize, bus.getMetrics().queueSize);
			seen.push(event.payload);
		});
		const producers = Array.from({length: 200}, async (_, index) => bus.publish('a', index));
		maxQueueSize = Math.max(maxQueueSize, bus.getMetrics().queueSize);
		expect(bus.getMetrics()).toMatchObject({queueSize: 5, waitingProducers: 195});
		await Promise.all(producers);
		await bus.drain();
		expect(maxQueueSize).toBeLessThanOrEqual(5);
		expect(seen).toEqual(Array.from({length: 200}, (_, index) => index));
		expect(bus.getMetrics()).toMatchObject({published: 200, dropped: 0, rejected: 0, waitingProducers: 0});
	});

	test('wait - the bound holds when the waiting producers publish again as soon as they are let in', async () => {
		const bus = new EventBus({maxQueueSize: 3});
		let maxQueueSize = 0;
		let delivered = 0;
		bus.subscribe('a', () => {
			maxQueueSize = Math.max(maxQueueSize, bus.getMetrics().queueSize);
			delivered++;
		});
		const producers = Array.from({length: 20}, async (_, producer) => {
			for (let index = 0; index < 10; index++) await bus.publish('a', producer * 100 + index);
		});
		await Promise.all(producers);
		await bus.drain();
		expect(delivered).toBe(200);
		expect(maxQueueSize).toBeLessThanOrEqual(3);
	});

	test('wait - a waiting producer\'s event is not accepted until there is space', () => {
		const bus = new EventBus({maxQueueSize: 1});
		void bus.publish('a', 1);
		void bus.publish('a', 2);
		expect(bus.getMetrics()).toMatchObject({queueSize: 1, waitingProducers: 1, published: 1});
		expect(bus.history().map(event => event.payload)).toEqual([1]);
	});

	test('wait - publish resolves once the event got a slot', async () => {
		const bus = new EventBus({maxQueueSize: 1});
		const seen = recordPayloads(bus);
		void bus.publish('a', 1);
		const event = await bus.publish('a', 2);
		expect(event.payload).toBe(2);
		expect(bus.history().map(each => each.payload)).toContain(2);
		await bus.drain();
		expect(seen).toEqual([1, 2]);
	});

	test('wait - a handler can publish into a full queue without deadlocking', async () => {
		const bus = new EventBus({maxQueueSize: 1});
		const seen: string[] = [];
		bus.subscribe('**', async event => {
			seen.push(event.topic);
			if (event.topic.startsWith('outer')) await bus.publish(`inner.${event.payload as number}`, event.payload);
		});
		await Promise.all([0, 1, 2, 3].map(async index => bus.publish(`outer.${index}`, index)));
		await bus.drain();
		expect(seen.filter(topic => topic.startsWith('inner'))).toHaveLength(4);
	});
});

describe('ingress queue - reject', () => {
	test('reject - a publish to a full queue rejects with QueueFullError and queues nothing', async () => {
		const bus = new EventBus({maxQueueSize: 2, overflow: 'reject'});
		const seen = recordPayloads(bus);
		void bus.publish('a', 1);
		void bus.publish('a', 2);
		const error = await rejectionOf(bus.publish('a.b', 3));
		expect(error).toBeInstanceOf(QueueFullError);
		expect(error).toMatchObject({code: 'ERR_QUEUE_FULL', topic: 'a.b', capacity: 2});
		await bus.drain();
		expect(seen).toEqual([1, 2]);
		expect(bus.history().map(event => event.payload)).toEqual([1, 2]);
		expect(bus.getMetrics()).toMatchObject({rejected: 1, published: 2});
	});

	test('reject - an awaitDelivery publish to a full queue rejects too', async () => {
		const bus = new EventBus({maxQueueSize: 1, overflow: 'reject'});
		void bus.publish('a', 1);
		await expect(bus.publish('a', 2, {awaitDelivery: true})).rejects.toBeInstanceOf(QueueFullError);
		await bus.drain();
	});

	test('reject - there is room again once the queue was dispatched', async () => {
		const bus = new EventBus({maxQueueSize: 1, overflow: 'reject'});
		await bus.publish('a', 1);
		await bus.drain();
		await expect(bus.publish('a', 2)).resolves.toMatchObject({payload: 2});
	});
});

describe('ingress queue - drop-newest and drop-oldest', () => {
	test('drop-newest - the new event is dropped, counted and dead-lettered with reason queue-overflow', async () => {
		const bus = new EventBus({maxQueueSize: 2, overflow: 'drop-newest'});
		const seen = recordPayloads(bus);
		const letters = collectDeadLetters(bus);
		void bus.publish('a', 1);
		void bus.publish('a', 2);
		const dropped = await bus.publish('a', 3);
		await bus.drain();
		expect(seen).toEqual([1, 2]);
		expect(letters).toEqual([
			{event: dropped, error: expect.any(EventDroppedError), reason: 'queue-overflow', subscription: undefined, attempts: 0, failedAt: expect.any(Number)},
		]);
		expect(letters[0]!.error).toMatchObject({code: 'ERR_EVENT_DROPPED', reason: 'queue-overflow', eventId: dropped.id});
		expect(bus.getMetrics()).toMatchObject({dropped: 1, deadLettered: 1});
	});

	test('drop-oldest - the oldest queued event is dropped, counted and dead-lettered; the new one is queued', async () => {
		const bus = new EventBus({maxQueueSize: 2, overflow: 'drop-oldest'});
		const seen = recordPayloads(bus);
		const letters = collectDeadLetters(bus);
		const oldest = bus.publish('a', 1);
		void bus.publish('a', 2);
		void bus.publish('a', 3);
		await bus.drain();
		expect(seen).toEqual([2, 3]);
		expect(letters).toHaveLength(1);
		expect(letters[0]!.event).toBe(await oldest);
		expect(letters[0]).toMatchObject({reason: 'queue-overflow', subscription: undefined, error: {reason: 'queue-overflow'}});
		expect(bus.getMetrics()).toMatchObject({dropped: 1, deadLettered: 1});
	});

	test('drop-oldest - the event dropped is the oldest of the lowest priority', async () => {
		const bus = new EventBus({maxQueueSize: 3, overflow: 'drop-oldest'});
		const seen = recordPayloads(bus);
		void bus.publish('a', 'urgent', {priority: 5});
		void bus.publish('a', 'low-1');
		void bus.publish('a', 'low-2');
		void bus.publish('a', 'new');
		await bus.drain();
		expect(seen).toEqual(['urgent', 'low-2', 'new']);
	});

	test('drop-oldest - a new event of lower priority than every queued one is the one dropped', async () => {
		const bus = new EventBus({maxQueueSize: 2, overflow: 'drop-oldest'});
		const seen = recordPayloads(bus);
		const letters = collectDeadLetters(bus);
		void bus.publish('a', 'urgent-1', {priority: 5});
		void bus.publish('a', 'urgent-2', {priority: 5});
		const background = await bus.publish('a', 'background', {priority: 0});
		await bus.drain();
		expect(seen).toEqual(['urgent-1', 'urgent-2']);
		expect(letters.map(letter => letter.event)).toEqual([background]);
		expect(bus.getMetrics()).toMatchObject({dropped: 1, deadLettered: 1});
	});

	test('drop-oldest - a new event of the lowest queued priority still drops the oldest of that priority', async () => {
		const bus = new EventBus({maxQueueSize: 2, overflow: 'drop-oldest'});
		const seen = recordPayloads(bus);
		void bus.publish('a', 'urgent', {priority: 5});
		void bus.publish('a', 'old', {priority: 1});
		void bus.publish('a', 'new', {priority: 1});
		await bus.drain();
		expect(seen).toEqual(['urgent', 'new']);
	});

	test.each(['drop-oldest', 'drop-newest'] as const)('%s - every publish is delivered or dead-lettered, never lost', async overflow => {
		const bus = new EventBus({maxQueueSize: 4, overflow});
		const seen: BusEvent[] = [];
		bus.subscribe('a', event => {
			seen.push(event);
		});
		const letters = collectDeadLetters(bus);
		const published = await Promise.all(Array.from({length: 50}, async (_, index) => bus.publish('a', index)));
		await bus.drain();
		const outcome = new Set([...seen, ...letters.map(letter => letter.event)].map(event => event.id));
		expect(seen.length + letters.length).toBe(50);
		expect(outcome).toEqual(new Set(published.map(event => event.id)));
	});
});

describe('EventBus options', () => {
	test.each([
		['Expected `options.maxQueueSize` to be an integer >= 1, got `0` (number)', {maxQueueSize: 0}],
		['Expected `options.overflow` to be one of `wait`, `reject`, `drop-oldest`, `drop-newest`, got `block` (string)', {overflow: 'block'}],
		['Expected `options.historySize` to be an integer >= 0, got `-1` (number)', {historySize: -1}],
		['Expected `options.source` to be a string, got `1` (number)', {source: 1}],
		['Expected `options.asyncContext` to be a boolean or `auto`, got `no` (string)', {asyncContext: 'no'}],
		['Expected `options.freezePayloads` to be a boolean, got `1` (number)', {freezePayloads: 1}],
		['Expected `options.freezeEnvelopes` to be a boolean, got `no` (string)', {freezeEnvelopes: 'no'}],
		['Expected `options.timestamps` to be one of `per-event`, `per-burst`, got `coarse` (string)', {timestamps: 'coarse'}],
		['Expected `options.maxPayloadDepth` to be an integer >= 1, got `0` (number)', {maxPayloadDepth: 0}],
		['Expected `options.dispatchBatchSize` to be an integer >= 1, got `0` (number)', {dispatchBatchSize: 0}],
		['Expected `options` to be an object, got `5` (number)', 5],
	])('new EventBus() - rejects bad options with a TypeError: %s', (message, options) => {
		expect(() => new EventBus(options as never)).toThrow(new TypeError(message));
	});

	test('dispatchBatchSize - a small batch size still delivers everything in order', async () => {
		const bus = new EventBus({dispatchBatchSize: 1});
		const seen = recordPayloads(bus);
		await Promise.all(Array.from({length: 30}, async (_, index) => bus.publish('a', index)));
		await bus.drain();
		expect(seen).toEqual(Array.from({length: 30}, (_, index) => index));
	});
});
