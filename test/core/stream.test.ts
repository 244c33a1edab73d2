import {getEventListeners} from 'node:events';
import {describe, expect, test} from 'vitest';
import {EventBus, EventDroppedError, InvalidTopicError, type BusEvent} from '../../src/index.js';
import {collectDeadLetters, nextMacrotask} from './helpers.js';

async function take(iterator: AsyncIterator<BusEvent>, count: number): Promise<unknown[]> {
	const payloads: unknown[] = [];
	for (let index = 0; index < count; index++) {
		const result = await iterator.next();
		if (result.done === true) break;
		payloads.push(result.value.payload);
	}
	return payloads;
}

describe('stream()', () => {
	test('stream() - for await yields matching events in order', async () => {
		const bus = new EventBus();
		const stream = bus.stream('order.*');
		void bus.publish('order.created', 1);
		void bus.publish('user.created', 'ignored');
		void bus.publish('order.paid', 2);
		void bus.publish('order.shipped', 3);
		const seen: unknown[] = [];
		for await (const event of stream) {
			seen.push(event.payload);
			if (seen.length === 3) break;
		}
		expect(seen).toEqual([1, 2, 3]);
	});

	test('stream() - breaking out of the loop unsubscribes', async () => {
		const bus = new EventBus();
		const stream = bus.stream('a');
		expect(bus.subscriptions()).toHaveLength(1);
		void bus.publish('a', 1);
		for await (const _ of stream) break;
		expect(bus.subscriptions()).toEqual([]);
		await bus.publish('a', 2);
		await bus.drain();
		await expect(stream.next()).resolves.toEqual({value: undefined, done: true});
	});

	test('stream() - a reader waiting for the next event gets it when it is published', async () => {
		const bus = new EventBus();
		const stream = bus.stream('a');
		const next = stream.next();
		await nextMacrotask();
		await bus.publish('a', 'later');
		await expect(next).resolves.toMatchObject({done: false, value: {payload: 'later'}});
		await stream.return?.();
	});

	test('stream() - events published while nobody reads wait in its buffer', async () => {
		const bus = new EventBus();
		const stream = bus.stream('a');
		for (let index = 0; index < 5; index++) await bus.publish('a', index);
		await nextMacrotask();
		expect(await take(stream, 5)).toEqual([0, 1, 2, 3, 4]);
		await stream.return?.();
	});

	test('stream() - with overflow drop-oldest a full buffer drops the oldest events, dead-lettered as subscriber-overflow', async () => {
		const bus = new EventBus();
		const letters = collectDeadLetters(bus);
		const stream = bus.stream('a', {bufferSize: 2, overflow: 'drop-oldest'});
		for (let index = 1; index <= 5; index++) await bus.publish('a', index);
		await nextMacrotask();
		expect(letters.map(letter => letter.event.payload)).toEqual([2, 3]);
		expect(letters.every(letter => letter.reason === 'subscriber-overflow' && letter.error instanceof EventDroppedError)).toBe(true);
		expect(await take(stream, 3)).toEqual([1, 4, 5]);
		expect(bus.getMetrics().dropped).toBe(2);
		await stream.return?.();
	});

	test('stream() - with overflow drop-newest a full buffer drops the new events', async () => {
		const bus = new EventBus();
		const letters = collectDeadLetters(bus);
		const stream = bus.stream('a', {bufferSize: 2, overflow: 'drop-newest'});
		for (let index = 1; index <= 5; index++) await bus.publish('a', index);
		await nextMacrotask();
		expect(letters.map(letter => letter.event.payload)).toEqual([4, 5]);
		expect(await take(stream, 3)).toEqual([1, 2, 3]);
		await stream.return?.();
	});

	test('stream() - aborting its signal ends the iteration and unsubscribes', async () => {
		const bus = new EventBus();
		const controller = new AbortController();
		const stream = bus.stream('a', {signal: controller.signal});
		const next = stream.next();
		controller.abort();
		await expect(next).resolves.toEqual({value: undefined, done: true});
		expect(bus.subscriptions()).toEqual([]);
	});

	test('stream() - return() removes the listeners it added to its signal', async () => {
		const bus = new EventBus();
		const controller = new AbortController();
		for (let index = 0; index < 5; index++) await bus.stream('a', {signal: controller.signal}).return?.();
		expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
	});

	test('stream() - an already-aborted signal gives an iterator that is done at once', async () => {
		const bus = new EventBus();
		const stream = bus.stream('a', {signal: AbortSignal.abort()});
		await bus.publish('a', 1);
		await expect(stream.next()).resolves.toEqual({value: undefined, done: true});
		expect(bus.subscriptions()).toEqual([]);
	});

	test('stream() - drain() waits until the buffered events are read', async () => {
		const bus = new EventBus();
		const stream = bus.stream('a');
		await bus.publish('a', 1);
		await bus.publish('a', 2);
		let isDrained = false;
		const drained = bus.drain().then(() => {
			isDrained = true;
		});
		await nextMacrotask();
		expect(isDrained).toBe(false);
		expect(await take(stream, 2)).toEqual([1, 2]);
		await drained;
		expect(isDrained).toBe(true);
		await stream.return?.();
	});

	test('stream() - return() releases unread events so that drain() resolves', async () => {
		const bus = new EventBus();
		const stream = bus.stream('a');
		for (let index = 0; index < 3; index++) await bus.publish('a', index);
		await nextMacrotask();
		await stream.return?.();
		await bus.drain();
		expect(bus.getMetrics().inFlight).toBe(0);
	});

	test('stream() - is its own async iterator', () => {
		const bus = new EventBus();
		const stream = bus.stream('a');
		expect(stream[Symbol.asyncIterator]()).toBe(stream);
		void stream.return?.();
	});

	test('stream() - an invalid pattern throws InvalidTopicError', () => {
		const bus = new EventBus();
		expect(() => bus.stream('a..b')).toThrow(InvalidTopicError);
	});

	test('stream() - bad options throw a TypeError', () => {
		const bus = new EventBus();
		expect(() => bus.stream('a', {bufferSize: -1})).toThrow(new TypeError('Expected `options.bufferSize` to be an integer >= 0, got `-1` (number)'));
		expect(() => bus.stream('a', {overflow: 'nope' as never})).toThrow(TypeError);
		expect(bus.subscriptions()).toEqual([]);
	});
});
