import {types} from 'node:util';
import {describe, expect, expectTypeOf, test} from 'vitest';
import {AcceptedEvent} from '../../src/core/accepted.js';
import {EventBus, type BusEvent} from '../../src/index.js';

describe('AcceptedEvent - a promise-compatible accepted event', () => {
	test('await gives the value', async () => {
		expect(await new AcceptedEvent(42)).toBe(42);
	});

	test('then() passes the value to its callback and returns a native promise of the callback\'s result', async () => {
		const chained = new AcceptedEvent(2).then(value => value * 3);
		expect(chained).toBeInstanceOf(Promise);
		expect(await chained).toBe(6);
	});

	test('then() twice gives the same value both times', async () => {
		const accepted = new AcceptedEvent({id: 'a'});
		const [first, second] = await Promise.all([accepted.then(value => value), accepted.then(value => value)]);
		expect(first).toBe(second);
	});

	test('catch() never calls its callback and resolves with the value', async () => {
		let called = false;
		const value = await new AcceptedEvent('v').catch(() => {
			called = true;
		});
		expect(value).toBe('v');
		expect(called).toBe(false);
	});

	test('finally() calls its callback and keeps the value', async () => {
		let called = false;
		const value = await new AcceptedEvent('v').finally(() => {
			called = true;
		});
		expect(value).toBe('v');
		expect(called).toBe(true);
	});

	test('Promise.all and Promise.resolve accept it', async () => {
		expect(await Promise.all([new AcceptedEvent(1), new AcceptedEvent(2)])).toEqual([1, 2]);
		expect(await Promise.resolve(new AcceptedEvent(3))).toBe(3);
	});

	test('it is not a native promise (documented)', () => {
		const accepted = new AcceptedEvent(1);
		expect(accepted instanceof Promise).toBe(false);
		expect(types.isPromise(accepted)).toBe(false);
		expect(Object.prototype.toString.call(accepted)).toBe('[object AcceptedEvent]');
	});
});

describe('publish() - what it returns', () => {
	test('an event accepted at once comes back as an AcceptedEvent, typed as a promise of the event', async () => {
		const bus = new EventBus<{'order.created': {id: string}}>();
		const accepted = bus.publish('order.created', {id: 'o-1'});
		expectTypeOf(accepted).toEqualTypeOf<Promise<BusEvent<{id: string}, 'order.created'>>>();
		expect(accepted).toBeInstanceOf(AcceptedEvent);
		expect((await accepted).payload).toEqual({id: 'o-1'});
	});

	test('a rejected publish is a native rejected promise', async () => {
		const bus = new EventBus();
		const rejected = bus.publish('bad..topic', {});
		expect(rejected).toBeInstanceOf(Promise);
		await expect(rejected).rejects.toMatchObject({code: 'ERR_INVALID_TOPIC'});
	});

	test('a publish that waits for queue space is a native promise', async () => {
		const bus = new EventBus({maxQueueSize: 1});
		void bus.publish('a', 1);
		const waiting = bus.publish('a', 2);
		expect(waiting).toBeInstanceOf(Promise);
		await waiting;
		await bus.drain();
	});
});
