import fc from 'fast-check';
import {describe, expect, test} from 'vitest';
import {PriorityBuffer} from '../../src/delivery/priority-buffer.js';

interface Item {
	readonly priority: number;
	readonly name: string;
}

const item = (name: string, priority = 0): Item => ({name, priority});
const names = (items: readonly (Item | undefined)[]): (string | undefined)[] => items.map(each => each?.name);

describe('PriorityBuffer', () => {
	test('PriorityBuffer - shift() takes the oldest item of the highest priority', () => {
		const buffer = new PriorityBuffer<Item>();
		for (const each of [item('low-1'), item('high-1', 9), item('low-2'), item('mid', 3), item('high-2', 9)]) buffer.push(each);
		expect(names([buffer.shift(), buffer.shift(), buffer.shift(), buffer.shift(), buffer.shift(), buffer.shift()])).toEqual([
			'high-1',
			'high-2',
			'mid',
			'low-1',
			'low-2',
			undefined,
		]);
	});

	test('PriorityBuffer - shiftLowest() takes the oldest item of the lowest priority', () => {
		const buffer = new PriorityBuffer<Item>();
		for (const each of [item('high', 5), item('low-1', -2), item('low-2', -2), item('zero')]) buffer.push(each);
		expect(names([buffer.shiftLowest(), buffer.shiftLowest()])).toEqual(['low-1', 'low-2']);
		expect(buffer.length).toBe(2);
	});

	test('PriorityBuffer - lowestPriority is that of the lowest level holding an item, undefined when empty', () => {
		const buffer = new PriorityBuffer<Item>();
		expect(buffer.lowestPriority).toBeUndefined();
		for (const each of [item('high', 5), item('low', -2)]) buffer.push(each);
		expect(buffer.lowestPriority).toBe(-2);
		buffer.shiftLowest();
		expect(buffer.lowestPriority).toBe(5);
	});

	test('PriorityBuffer - clear() returns everything, highest priority first, and empties it', () => {
		const buffer = new PriorityBuffer<Item>();
		for (const each of [item('a'), item('b', 1), item('c')]) buffer.push(each);
		expect(names(buffer.clear())).toEqual(['b', 'a', 'c']);
		expect(buffer.length).toBe(0);
		expect(buffer.shift()).toBeUndefined();
	});

	test('PriorityBuffer - length counts items across levels', () => {
		const buffer = new PriorityBuffer<Item>();
		buffer.push(item('a'));
		buffer.push(item('b', 1));
		buffer.shift();
		expect(buffer.length).toBe(1);
	});

	test('PriorityBuffer - matches a stable sort by priority under any sequence of operations', () => {
		const operation = fc.oneof(
			fc.record({kind: fc.constant('push' as const), priority: fc.integer({min: -3, max: 3})}),
			fc.record({kind: fc.constant('shift' as const)}),
			fc.record({kind: fc.constant('shiftLowest' as const)}),
		);
		fc.assert(
			fc.property(fc.array(operation, {maxLength: 150}), operations => {
				const buffer = new PriorityBuffer<Item>();
				let model: Item[] = [];
				let counter = 0;
				for (const step of operations) {
					if (step.kind === 'push') {
						const pushed = item(`#${counter++}`, step.priority);
						buffer.push(pushed);
						model.push(pushed);
						continue;
					}
					// Highest priority first, ties in insertion order.
					const ordered = model.map((each, index) => ({each, index})).sort((a, b) => b.each.priority - a.each.priority || a.index - b.index);
					let expected: Item | undefined;
					if (step.kind === 'shift') {
						expected = ordered[0]?.each;
					} else {
						const lowest = Math.min(...model.map(each => each.priority));
						expected = model.find(each => each.priority === lowest);
					}
					expect(step.kind === 'shift' ? buffer.shift() : buffer.shiftLowest()).toBe(expected);
					model = model.filter(each => each !== expected);
					expect(buffer.length).toBe(model.length);
				}
			}),
		);
	});
});

describe('PriorityBuffer levels', () => {
	test('levels - a level goes once empty, so random priorities do not pile up (priority 0 stays)', () => {
		const buffer = new PriorityBuffer<Item>();
		for (let round = 0; round < 1000; round++) {
			buffer.push(item(`a${round}`, Math.random() * 1e9));
			buffer.push(item(`b${round}`, 0));
			buffer.shift();
			buffer.shiftLowest();
		}
		expect(buffer.length).toBe(0);
		expect(buffer.levelCount).toBeLessThanOrEqual(1);
	});

	test('clear() - returns every item of a level larger than a call can take as arguments', () => {
		const buffer = new PriorityBuffer<Item>();
		const count = 300_000;
		for (let index = 0; index < count; index++) buffer.push(item(`e${index}`, 0));
		const cleared = buffer.clear();
		expect(cleared).toHaveLength(count);
		expect(cleared[count - 1]!.name).toBe(`e${count - 1}`);
		expect(buffer.length).toBe(0);
	});

	test('levels - clear() removes every level', () => {
		const buffer = new PriorityBuffer<Item>();
		for (const priority of [1, 2, 3]) buffer.push(item(`p${priority}`, priority));
		buffer.clear();
		expect(buffer.levelCount).toBe(0);
		buffer.push(item('again', 2));
		expect(names([buffer.shift()])).toEqual(['again']);
	});
});
