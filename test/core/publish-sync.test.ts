import {describe, expect, test} from 'vitest';
import {BusClosedError, EventBus, InvalidTopicError, QueueFullError, SchemaRegistry, SchemaValidationError, type BusEvent} from '../../src/index.js';
import {collectDeadLetters, deferred, nextMacrotask} from './helpers.js';

describe('publishSync()', () => {
	test('publishSync() - returns the frozen envelope, queued like publish()', async () => {
		const bus = new EventBus();
		const event = bus.publishSync('order.created', {id: 'o-1'});
		expect(Object.isFrozen(event)).toBe(true);
		expect(event).toMatchObject({topic: 'order.created', payload: {id: 'o-1'}, correlationId: event.id, priority: 0});
		expect(bus.getMetrics()).toMatchObject({published: 1, queueSize: 1});
		expect(bus.history()).toEqual([event]);
	});

	test('publishSync() - no handler runs before it returns', async () => {
		const bus = new EventBus();
		const seen: string[] = [];
		bus.subscribe('a', () => {
			seen.push('handled');
		});
		bus.publishSync('a', null);
		seen.push('returned');
		await bus.drain();
		expect(seen).toEqual(['returned', 'handled']);
	});

	test('publishSync() - events are dispatched in the order published, mixed with publish()', async () => {
		const bus = new EventBus();
		const seen: unknown[] = [];
		bus.subscribe('a', event => {
			seen.push(event.payload);
		});
		bus.publishSync('a', 1);
		void bus.publish('a', 2);
		bus.publishSync('a', 3);
		await bus.drain();
		expect(seen).toEqual([1, 2, 3]);
	});

	test('publishSync() - applies the options publish() takes', () => {
		const bus = new EventBus();
		const event = bus.publishSync('a', null, {id: 'e-1', priority: 3, source: 'billing', correlationId: 'c-1', metadata: {tenant: 't'}});
		expect(event).toMatchObject({id: 'e-1', priority: 3, source: 'billing', correlationId: 'c-1', metadata: {tenant: 't'}});
	});

	test('publishSync() - from a handler, the event inherits correlation like publish()', async () => {
		const bus = new EventBus();
		let child: BusEvent | undefined;
		bus.subscribe('parent', () => {
			child = bus.publishSync('child', null);
		});
		const parent = bus.publishSync('parent', null);
		await bus.drain();
		expect(child).toMatchObject({correlationId: parent.id, causationId: parent.id});
	});

	test('publishSync() - an invalid topic throws InvalidTopicError and is counted as rejected', () => {
		const bus = new EventBus();
		const rejected: unknown[] = [];
		bus.on('rejected', rejection => rejected.push(rejection.error));
		expect(() => bus.publishSync('order.*', null)).toThrow(InvalidTopicError);
		expect(bus.getMetrics()).toMatchObject({published: 0, rejected: 1});
		expect(rejected[0]).toBeInstanceOf(InvalidTopicError);
	});

	test('publishSync() - a payload its schema refuses throws SchemaValidationError', () => {
		const schemas = new SchemaRegistry();
		schemas.register('order.created', {type: 'object', required: ['id'], properties: {id: {type: 'string'}}});
		const bus = new EventBus({schemas, validation: 'enforce'});
		expect(() => bus.publishSync('order.created', {} as never)).toThrow(SchemaValidationError);
		expect(bus.getMetrics().queueSize).toBe(0);
	});

	test('publishSync() - awaitDelivery throws a TypeError that points to publish()', () => {
		const bus = new EventBus();
		expect(() => bus.publishSync('a', null, {awaitDelivery: true} as never)).toThrow(/use publish\(\)/);
		expect(bus.getMetrics()).toMatchObject({published: 0, rejected: 1});
	});

	test('publishSync() - awaitDelivery false is accepted (options shared with publish() still work)', () => {
		const bus = new EventBus();
		expect(bus.publishSync('a', null, {awaitDelivery: false} as never).topic).toBe('a');
	});

	test('publishSync() - bad options throw a TypeError', () => {
		const bus = new EventBus();
		expect(() => bus.publishSync('a', null, {priority: 'high'} as never)).toThrow(TypeError);
	});

	test('publishSync() - after stop() it throws BusClosedError', async () => {
		const bus = new EventBus();
		await bus.stop();
		expect(() => bus.publishSync('a', null)).toThrow(BusClosedError);
	});

	test('publishSync() - with the wait policy a full queue throws QueueFullError instead of waiting', () => {
		const bus = new EventBus({maxQueueSize: 2, overflow: 'wait'});
		bus.publishSync('a', 1);
		bus.publishSync('a', 2);
		expect(() => bus.publishSync('a', 3)).toThrow(QueueFullError);
		expect(bus.getMetrics()).toMatchObject({published: 2, queueSize: 2, rejected: 1, waitingProducers: 0});
	});

	test('publishSync() - it does not overtake producers already waiting for space', async () => {
		const bus = new EventBus({maxQueueSize: 1, overflow: 'wait'});
		const seen: unknown[] = [];
		bus.subscribe('a', event => {
			seen.push(event.payload);
		});
		bus.publishSync('a', 1);
		const waiting = bus.publish('a', 2);
		expect(() => bus.publishSync('a', 3)).toThrow(QueueFullError);
		await waiting;
		await bus.drain();
		expect(seen).toEqual([1, 2]);
	});

	test('publishSync() - with the reject policy a full queue throws QueueFullError', () => {
		const bus = new EventBus({maxQueueSize: 1, overflow: 'reject'});
		bus.publishSync('a', 1);
		expect(() => bus.publishSync('a', 2)).toThrow(QueueFullError);
	});

	test('publishSync() - with drop-newest a full queue drops the new event, dead-lettered, and returns it', async () => {
		const bus = new EventBus({maxQueueSize: 1, overflow: 'drop-newest'});
		const letters = collectDeadLetters(bus);
		bus.publishSync('a', 1);
		const dropped = bus.publishSync('a', 2);
		expect(letters.map(letter => [letter.event, letter.reason])).toEqual([[dropped, 'queue-overflow']]);
		expect(bus.getMetrics().dropped).toBe(1);
		await bus.drain();
	});

	test('publishSync() - with drop-oldest a full queue drops the oldest event and queues the new one', async () => {
		const bus = new EventBus({maxQueueSize: 1, overflow: 'drop-oldest'});
		const letters = collectDeadLetters(bus);
		const seen: unknown[] = [];
		bus.subscribe('a', event => {
			seen.push(event.payload);
		});
		const oldest = bus.publishSync('a', 1);
		bus.publishSync('a', 2);
		await bus.drain();
		expect(letters.map(letter => letter.event)).toEqual([oldest]);
		expect(seen).toEqual([2]);
	});

	test('publishSync() - once dispatch has taken events off a full queue, it accepts again', async () => {
		const bus = new EventBus({maxQueueSize: 1, overflow: 'wait'});
		const gate = deferred();
		bus.subscribe('a', async () => gate.promise);
		bus.publishSync('a', 1);
		expect(() => bus.publishSync('a', 2)).toThrow(QueueFullError);
		await nextMacrotask();
		expect(() => bus.publishSync('a', 2)).not.toThrow();
		gate.resolve();
		await bus.drain();
		expect(bus.getMetrics()).toMatchObject({published: 2, delivered: 2, rejected: 1});
	});
});
