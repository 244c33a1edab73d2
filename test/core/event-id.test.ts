import {describe, expect, test} from 'vitest';
import {EventIdGenerator} from '../../src/core/event-id.js';

const time = Date.UTC(2026, 10, 23);

/** The counter an id encodes: four groups of three digits, each group 12 bits (so its first digit is 0-3). */
function counterOf(id: string): number {
	let counter = 0;
	for (let group = 0; group < 4; group++) counter = counter * 4096 + Number.parseInt(id.slice(14 + group * 3, 17 + group * 3), 32);
	return counter;
}

function idsAcross(counter: number, count: number, at = time): string[] {
	const generator = new EventIdGenerator({node: '0000', counter});
	return Array.from({length: count}, () => generator.next(at));
}

describe('EventIdGenerator', () => {
	test('next() - 26 base-32 characters: 10 of time, 4 of node, 12 of counter (48 bits)', () => {
		const id = new EventIdGenerator({node: 'abcd', counter: 5}).next(time);
		expect(id).toMatch(/^[0-9a-v]{26}$/);
		expect(id.slice(10, 14)).toBe('abcd');
		expect(counterOf(id)).toBe(5);
		expect(Number.parseInt(id.slice(0, 10), 32)).toBe(time);
	});

	test('next() - ids sort in creation order across a 4,096-value block boundary', () => {
		const ids = idsAcross(4096 - 2, 4);
		expect(ids.map(id => counterOf(id))).toEqual([4094, 4095, 4096, 4097]);
		expect([...ids].sort()).toEqual(ids);
	});

	test('next() - ids sort in creation order across the 2^24 boundary', () => {
		const ids = idsAcross(2 ** 24 - 1, 2);
		expect(ids.map(id => counterOf(id))).toEqual([2 ** 24 - 1, 2 ** 24]);
		expect([...ids].sort()).toEqual(ids);
	});

	test('next() - the counter wraps to zero after 2^48 - 1', () => {
		const ids = idsAcross(2 ** 48 - 1, 2);
		expect(ids.map(id => counterOf(id))).toEqual([2 ** 48 - 1, 0]);
	});

	test('next() - a later millisecond sorts after an earlier one, whatever the counter', () => {
		const generator = new EventIdGenerator({node: '0000', counter: 2 ** 30});
		const first = generator.next(time + 1);
		const second = new EventIdGenerator({node: '0000', counter: 0}).next(time + 2);
		expect(first < second).toBe(true);
	});

	test('next() - the time part follows the clock within one counter block', () => {
		const generator = new EventIdGenerator({node: '0000', counter: 10});
		const first = generator.next(time);
		const second = generator.next(time + 1);
		expect(Number.parseInt(second.slice(0, 10), 32) - Number.parseInt(first.slice(0, 10), 32)).toBe(1);
	});
});
