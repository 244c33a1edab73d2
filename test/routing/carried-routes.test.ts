import {describe, expect, test} from 'vitest';
import {CarriedRoutes} from '../../src/routing/carried-routes.js';

const route = (name: string): readonly string[] => [name];

describe('CarriedRoutes', () => {
	test('take() - hands back the route carried for a topic at the same version, once', () => {
		const carried = new CarriedRoutes<string>(8);
		const a = route('a');
		carried.put('t.a', 3, a);
		expect(carried.take('t.a', 3)).toBe(a);
		expect(carried.take('t.a', 3)).toBeUndefined();
		expect(carried.size).toBe(0);
	});

	test('take() - a route carried at another version is dropped, not handed back (null)', () => {
		const carried = new CarriedRoutes<string>(8);
		carried.put('t.a', 3, route('a'));
		expect(carried.take('t.a', 4)).toBeNull();
		expect(carried.size).toBe(0);
	});

	test('take() - a topic not carried gives undefined and drops nothing', () => {
		const carried = new CarriedRoutes<string>(8);
		carried.put('t.a', 0, route('a'));
		expect(carried.take('t.cached', 0)).toBeUndefined();
		expect(carried.size).toBe(1);
		expect(carried.take('t.a', 0)).toEqual(['a']);
	});

	test('take() - finds a topic behind older entries and drops them with it', () => {
		const carried = new CarriedRoutes<string>(8);
		carried.put('t.a', 0, route('a'));
		carried.put('t.b', 0, route('b'));
		const c = route('c');
		carried.put('t.c', 0, c);
		carried.put('t.d', 0, route('d'));
		expect(carried.take('t.c', 0)).toBe(c);
		expect(carried.size).toBe(1);
		expect(carried.take('t.a', 0)).toBeUndefined();
	});

	test('take() - a topic beyond the first four entries is not found; skip() drops those four', () => {
		const carried = new CarriedRoutes<string>(8);
		for (const name of ['a', 'b', 'c', 'd', 'e']) carried.put(`t.${name}`, 0, route(name));
		expect(carried.take('t.e', 0)).toBeUndefined();
		expect(carried.size).toBe(5);
		carried.skip();
		expect(carried.size).toBe(1);
		expect(carried.take('t.e', 0)).toEqual(['e']);
	});

	test('take() - a topic equal in content but another string is found', () => {
		const carried = new CarriedRoutes<string>(8);
		const a = route('a');
		carried.put(['t', 'a'].join('.'), 0, a);
		expect(carried.take('t.a', 0)).toBe(a);
	});

	test('clear() - drops every entry', () => {
		const carried = new CarriedRoutes<string>(8);
		for (const name of ['a', 'b', 'c']) carried.put(`t.${name}`, 0, route(name));
		carried.clear();
		expect(carried.size).toBe(0);
		expect(carried.take('t.a', 0)).toBeUndefined();
	});

	test('put() - when full, the oldest entry is dropped', () => {
		const carried = new CarriedRoutes<string>(4);
		for (const name of ['a', 'b', 'c', 'd', 'e']) carried.put(`t.${name}`, 0, route(name));
		expect(carried.size).toBe(4);
		expect(carried.take('t.a', 0)).toBeUndefined();
		expect(carried.take('t.b', 0)).toEqual(['b']);
	});

	test('put() - the capacity is rounded up to a power of two', () => {
		const carried = new CarriedRoutes<string>(3);
		for (const name of ['a', 'b', 'c', 'd', 'e']) carried.put(`t.${name}`, 0, route(name));
		expect(carried.size).toBe(4);
		expect(carried.take('t.b', 0)).toEqual(['b']);
	});

	test('put() and take() - wrap around the ring many times', () => {
		const carried = new CarriedRoutes<string>(4);
		for (let index = 0; index < 50; index++) {
			carried.put(`t.${index}`, 0, route(String(index)));
			if (index % 3 === 2) {
				expect(carried.take(`t.${index - 2}`, 0)).toEqual([String(index - 2)]);
				expect(carried.take(`t.${index - 1}`, 0)).toEqual([String(index - 1)]);
				expect(carried.take(`t.${index}`, 0)).toEqual([String(index)]);
			}
		}
		expect(carried.size).toBe(2);
	});
});
