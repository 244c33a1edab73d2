import {describe, expect, test} from 'vitest';
import {BatchValidationError, BusClosedError, EventBus, InvalidTopicError, QueueFullError, type BusEvent} from '../../src/index.js';
import {rejectionOf} from './helpers.js';

function recordAll(bus: EventBus): BusEvent[] {
	const seen: BusEvent[] = [];
	bus.subscribe('**', event => {
		seen.push(event);
	});
	return seen;
}

describe('publishBatch()', () => {
	test('publishBatch() - resolves with the envelopes in item order', async () => {
		const bus = new EventBus();
		const events = await bus.publishBatch([
			{topic: 'a', payload: 1},
			{topic: 'b', payload: 2, options: {priority: 3, source: 'svc'}},
			{topic: 'c', payload: 3},
		]);
		expect(events.map(event => [event.topic, event.payload])).toEqual([
			['a', 1],
			['b', 2],
			['c', 3],
		]);
		expect(events[1]).toMatchObject({priority: 3, source: 'svc'});
		expect(events.every(event => Object.isFrozen(event))).toBe(true);
	});

	test('publishBatch() - the envelopes\' ids sort in item order', async () => {
		const bus = new EventBus();
		const events = await bus.publishBatch(Array.from({length: 50}, (_, index) => ({topic: 'a', payload: index})));
		const ids = events.map(event => event.id);
		expect([...ids].sort()).toEqual(ids);
	});

	test('publishBatch() - delivers every item in order', async () => {
		const bus = new EventBus();
		const seen = recordAll(bus);
		await bus.publishBatch([
			{topic: 'a', payload: 1},
			{topic: 'b', payload: 2},
			{topic: 'a', payload: 3},
		]);
		await bus.drain();
		expect(seen.map(event => event.payload)).toEqual([1, 2, 3]);
	});

	test('publishBatch() - rejects with BatchValidationError listing every bad item index', async () => {
		const bus = new EventBus();
		const error = await rejectionOf(
			bus.publishBatch([
				{topic: 'ok', payload: 1},
				{topic: 'a..b', payload: 2},
				{topic: 'ok', payload: 3},
				{topic: 'order.*', payload: 4},
				{topic: 'ok', payload: 5, options: {priority: 'high' as never}},
			]),
		);
		expect(error).toBeInstanceOf(BatchValidationError);
		const batchError = error as BatchValidationError;
		expect(batchError.code).toBe('ERR_INVALID_BATCH');
		expect(batchError.items.map(item => item.index)).toEqual([1, 3, 4]);
		expect(batchError.items.map(item => item.topic)).toEqual(['a..b', 'order.*', 'ok']);
		expect(batchError.items[0]!.error).toBeInstanceOf(InvalidTopicError);
		expect(batchError.items[1]!.error).toMatchObject({code: 'ERR_INVALID_TOPIC', reason: 'wildcard-in-topic'});
		expect(batchError.items[2]!.error).toBeInstanceOf(TypeError);
		expect(batchError.cause).toBe(batchError.items[0]!.error);
		expect(batchError.message).toMatch(/^3 invalid item\(s\), nothing was queued: #1: /);
	});

	test('publishBatch() - an item that is not an object is listed with a TypeError', async () => {
		const bus = new EventBus();
		const error = await rejectionOf(bus.publishBatch([{topic: 'ok', payload: 1}, null as never]));
		expect((error as BatchValidationError).items).toEqual([{index: 1, topic: undefined, error: expect.any(TypeError)}]);
	});

	test('publishBatch() - queues nothing when one item is invalid', async () => {
		const bus = new EventBus();
		const seen = recordAll(bus);
		await rejectionOf(
			bus.publishBatch([
				{topic: 'a', payload: 1},
				{topic: 'b', payload: 2},
				{topic: '$reserved', payload: 3},
			]),
		);
		await bus.drain();
		expect(seen).toEqual([]);
		expect(bus.history()).toEqual([]);
		expect(bus.getMetrics()).toMatchObject({published: 0, queueSize: 0});
	});

	test('publishBatch() - rejects a non-array with a TypeError', async () => {
		const bus = new EventBus();
		const error = await rejectionOf(bus.publishBatch({topic: 'a'} as never));
		expect(error).toBeInstanceOf(TypeError);
		expect((error as Error).message).toBe('Expected `items` to be an array, got `{"topic":"a"}` (object)');
	});

	test('publishBatch() - an empty batch resolves with no events', async () => {
		const bus = new EventBus();
		await expect(bus.publishBatch([])).resolves.toEqual([]);
	});

	test('publishBatch() - with the reject policy a batch larger than the free space queues nothing', async () => {
		const bus = new EventBus({maxQueueSize: 3, overflow: 'reject'});
		const seen = recordAll(bus);
		const first = bus.publish('a', 0);
		const error = await rejectionOf(
			bus.publishBatch([
				{topic: 'a', payload: 1},
				{topic: 'a', payload: 2},
				{topic: 'a', payload: 3},
			]),
		);
		await first;
		await bus.drain();
		expect(error).toBeInstanceOf(QueueFullError);
		expect(error).toMatchObject({code: 'ERR_QUEUE_FULL', capacity: 3});
		expect(seen.map(event => event.payload)).toEqual([0]);
	});

	test('publishBatch() - with the wait policy a batch larger than the queue is delivered in full, in order', async () => {
		const bus = new EventBus({maxQueueSize: 2});
		const seen = recordAll(bus);
		await bus.publishBatch(Array.from({length: 7}, (_, index) => ({topic: 'a', payload: index})));
		await bus.drain();
		expect(seen.map(event => event.payload)).toEqual([0, 1, 2, 3, 4, 5, 6]);
	});

	test('publishBatch() - reports each refused item on the rejected diagnostic and counts it', async () => {
		const bus = new EventBus();
		const rejections: {topic: unknown; error: unknown}[] = [];
		bus.on('rejected', rejection => {
			rejections.push(rejection);
		});
		const error = (await rejectionOf(
			bus.publishBatch([
				{topic: 'ok', payload: 1},
				{topic: 'a..b', payload: 2},
			]),
		)) as BatchValidationError;
		expect(rejections.map(rejection => rejection.topic)).toEqual(['ok', 'a..b']);
		expect(rejections[0]!.error).toBe(error);
		expect(rejections[1]!.error).toBe(error.items[0]!.error);
		expect(bus.getMetrics().rejected).toBe(2);
	});

	test('publishBatch() - a batch refused because the bus is stopping counts each item as rejected', async () => {
		const bus = new EventBus();
		const stopped = bus.stop();
		await rejectionOf(
			bus.publishBatch([
				{topic: 'a', payload: 1},
				{topic: 'b', payload: 2},
			]),
		);
		await stopped;
		expect(bus.getMetrics().rejected).toBe(2);
	});

	test('publishBatch() - rejects with BusClosedError once the bus is stopping', async () => {
		const bus = new EventBus();
		const stopped = bus.stop();
		const error = await rejectionOf(bus.publishBatch([{topic: 'a', payload: 1}]));
		expect(error).toBeInstanceOf(BusClosedError);
		expect(error).toMatchObject({code: 'ERR_BUS_CLOSED', state: 'stopping'});
		await stopped;
	});
});
