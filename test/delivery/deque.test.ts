import fc from 'fast-check';
import {describe, expect, test} from 'vitest';
import {Deque} from '../../src/delivery/deque.js';

describe('Deque', () => {
	test('Deque - shift() returns items oldest first', () => {
		const deque = new Deque<number>();
		for (const item of [1, 2, 3]) deque.push(item);
		expect([deque.shift(), deque.shift(), deque.shift()]).toEqual([1, 2, 3]);
	});

	test('Deque - pop() returns items newest first', () => {
		const deque = new Deque<number>();
		for (const item of [1, 2, 3]) deque.push(item);
		expect([deque.pop(), deque.pop(), deque.pop()]).toEqual([3, 2, 1]);
	});

	test('Deque - shift() and pop() return undefined when empty', () => {
		const deque = new Deque<number>();
		expect(deque.shift()).toBeUndefined();
		expect(deque.pop()).toBeUndefined();
		expect(deque.length).toBe(0);
	});

	test('Deque - grows past its initial capacity while wrapped around, keeping order', () => {
		const deque = new Deque<number>(4);
		for (const item of [1, 2, 3]) deque.push(item);
		deque.shift();
		deque.shift();
		for (const item of [4, 5, 6, 7, 8, 9]) deque.push(item);
		expect([...deque]).toEqual([3, 4, 5, 6, 7, 8, 9]);
		expect(deque.length).toBe(7);
	});

	test('Deque - clear() empties it and returns the items oldest first', () => {
		const deque = new Deque<string>(2);
		for (const item of ['a', 'b', 'c']) deque.push(item);
		deque.shift();
		deque.push('d');
		expect(deque.clear()).toEqual(['b', 'c', 'd']);
		expect(deque.length).toBe(0);
		expect([...deque]).toEqual([]);
	});

	test('Deque - it stays usable after clear()', () => {
		const deque = new Deque<number>(2);
		deque.push(1);
		deque.clear();
		deque.push(2);
		deque.push(3);
		deque.push(4);
		expect([...deque]).toEqual([2, 3, 4]);
	});

	test('Deque - keeps falsy items', () => {
		const deque = new Deque<number | string | null>();
		for (const item of [0, '', null]) deque.push(item);
		expect(deque.clear()).toEqual([0, '', null]);
	});

	test('Deque - behaves like an array under any sequence of operations', () => {
		const operation = fc.oneof(
			fc.record({kind: fc.constant('push' as const), value: fc.integer()}),
			fc.record({kind: fc.constant('shift' as const)}),
			fc.record({kind: fc.constant('pop' as const)}),
			fc.record({kind: fc.constant('clear' as const)}),
		);
		fc.assert(
			fc.property(fc.integer({min: 0, max: 8}), fc.array(operation, {maxLength: 200}), (capacity, operations) => {
				const deque = new Deque<number>(capacity);
				const model: number[] = [];
				for (const step of operations) {
					switch (step.kind) {
						case 'push': {
							deque.push(step.value);
							model.push(step.value);
							break;
						}
						case 'shift': {
							expect(deque.shift()).toBe(model.shift());
							break;
						}
						case 'pop': {
							expect(deque.pop()).toBe(model.pop());
							break;
						}
						case 'clear': {
							expect(deque.clear()).toEqual(model.splice(0));
							break;
						}
					}
					expect(deque.length).toBe(model.length);
				}
				expect([...deque]).toEqual(model);
			}),
		);
	});
});
