import {describe, expect, test} from 'vitest';
import {deepFreeze} from '../../src/core/deep-freeze.js';
import {InvalidPayloadError} from '../../src/errors.js';
import {thrownBy} from './helpers.js';

/** Every object reachable through own enumerable values, each once. */
function reachable(value: unknown, seen = new Set<object>()): Set<object> {
	if (typeof value !== 'object' || value === null || seen.has(value)) return seen;
	seen.add(value);
	for (const child of Object.values(value)) reachable(child, seen);
	return seen;
}

const isAllFrozen = (value: unknown): boolean => [...reachable(value)].every(object => Object.isFrozen(object));
const isNoneFrozen = (value: unknown): boolean => [...reachable(value)].every(object => !Object.isFrozen(object));

/** A chain of `levels` objects, each holding the next. */
function chain(levels: number): Record<string, unknown> {
	let value: Record<string, unknown> = {leaf: true};
	for (let level = 1; level < levels; level++) value = {next: value};
	return value;
}

describe('deepFreeze - small object graphs', () => {
	test('freezes a payload of three nested objects', () => {
		const payload = {n: 1, customer: {id: 'c', address: {city: 'Oslo'}}};
		deepFreeze('t', payload, 64);
		expect(isAllFrozen(payload)).toBe(true);
	});

	test('freezes arrays and the objects inside them', () => {
		const payload = {items: [{sku: 'a'}, {sku: 'b'}], tags: ['x']};
		deepFreeze('t', payload, 64);
		expect(isAllFrozen(payload)).toBe(true);
	});

	test('freezes an object shared by two branches', () => {
		const shared = {id: 1};
		const payload = {a: shared, b: shared};
		deepFreeze('t', payload, 64);
		expect(Object.isFrozen(shared)).toBe(true);
	});

	test('a cycle is frozen, not followed forever', () => {
		const payload: Record<string, unknown> = {name: 'loop'};
		payload['self'] = {parent: payload};
		deepFreeze('t', payload, 64);
		expect(isAllFrozen(payload)).toBe(true);
	});

	test('with shouldFreeze false nothing is frozen', () => {
		const payload = {customer: {address: {city: 'Oslo'}}};
		deepFreeze('t', payload, 64, false);
		expect(isNoneFrozen(payload)).toBe(true);
	});

	test('a payload exactly maxDepth levels deep is accepted', () => {
		// Levels are counted from 0 at the root: a chain of 4 objects is 3 levels deep.
		expect(() => deepFreeze('t', chain(4), 3)).not.toThrow();
	});

	test('one level deeper than maxDepth is refused as too-deep, and nothing is frozen', () => {
		const payload = chain(5);
		const error = thrownBy(() => deepFreeze('t', payload, 3));
		expect(error).toBeInstanceOf(InvalidPayloadError);
		expect(error).toMatchObject({reason: 'too-deep'});
		expect(isNoneFrozen(payload)).toBe(true);
	});

	test('a throwing getter below the root is unreadable, and the objects read before it stay unfrozen', () => {
		const payload = {
			first: {ok: true},
			second: {
				get broken(): never {
					throw new Error('getter');
				},
			},
		};
		const error = thrownBy(() => deepFreeze('t', payload, 64));
		expect(error).toMatchObject({reason: 'unreadable'});
		expect(Object.isFrozen(payload)).toBe(false);
		expect(Object.isFrozen(payload.first)).toBe(false);
	});

	test('a refused payload does not leave objects behind for the next one', () => {
		const refused = {a: {b: {c: {}}}};
		expect(() => deepFreeze('t', refused, 1)).toThrow(InvalidPayloadError);
		const next = {x: {y: 1}};
		deepFreeze('t', next, 64);
		expect(isNoneFrozen(refused)).toBe(true);
		expect(isAllFrozen(next)).toBe(true);
	});

	test('a typed array inside a small graph is left alone', () => {
		const bytes = new Uint8Array([1, 2]);
		const payload = {meta: {kind: 'blob'}, bytes};
		deepFreeze('t', payload, 64);
		expect(Object.isFrozen(payload.meta)).toBe(true);
		expect(Object.isFrozen(bytes)).toBe(false);
	});

	test('a Map inside a small graph is frozen as an object, its entries are not', () => {
		const entry = {v: 1};
		const payload = {meta: {kind: 'map'}, map: new Map([['k', entry]])};
		deepFreeze('t', payload, 64);
		expect(Object.isFrozen(payload.map)).toBe(true);
		expect(Object.isFrozen(entry)).toBe(false);
	});

	test('an object with a null prototype is frozen with its children', () => {
		const payload = Object.assign(Object.create(null) as Record<string, unknown>, {inner: {v: 1}});
		deepFreeze('t', payload, 64);
		expect(isAllFrozen(payload)).toBe(true);
	});
});

describe('deepFreeze - re-entered and inherited', () => {
	test('a getter that freezes another payload while this one is read leaves both frozen', () => {
		const other = {items: Array.from({length: 40}, (_, index) => ({index}))};
		const payload = {
			inner: {x: 1},
			get side(): object {
				deepFreeze('audit', other, 64);
				return {y: 2};
			},
		};
		deepFreeze('t', payload, 64);
		expect(Object.isFrozen(payload)).toBe(true);
		expect(Object.isFrozen(payload.inner)).toBe(true);
		expect(isAllFrozen(other)).toBe(true);
	});

	test('a Proxy whose get trap freezes a small payload while this one is read leaves both frozen', () => {
		const other = {a: {b: {c: 1}}};
		const payload = {first: {k: 1}, proxied: new Proxy({a: {b: 1}}, {get: (target, key) => (key === 'a' && deepFreeze('audit', other, 64), Reflect.get(target, key))})};
		deepFreeze('t', payload, 64);
		expect(Object.isFrozen(payload)).toBe(true);
		expect(Object.isFrozen(payload.first)).toBe(true);
		expect(isAllFrozen(other)).toBe(true);
	});

	test('an object reached only through the prototype of a payload object is left alone', () => {
		const defaults = {settings: {retries: 3}};
		const payload = Object.assign(Object.create(defaults) as Record<string, unknown>, {own: {n: 1}});
		deepFreeze('t', payload, 64);
		expect(Object.isFrozen(payload['own'])).toBe(true);
		expect(Object.isFrozen(defaults.settings)).toBe(false);
	});
});

describe('deepFreeze - larger graphs take the general walk', () => {
	test('a payload of 100 objects is frozen all the way down', () => {
		const payload = {items: Array.from({length: 99}, (_, index) => ({index}))};
		deepFreeze('t', payload, 64);
		expect(isAllFrozen(payload)).toBe(true);
	});

	test('a chain longer than the small-graph limit is still refused at maxDepth', () => {
		const error = thrownBy(() => deepFreeze('t', chain(80), 64));
		expect(error).toMatchObject({reason: 'too-deep'});
	});

	test('a chain of 60 objects within maxDepth is frozen', () => {
		const payload = chain(60);
		deepFreeze('t', payload, 64);
		expect(isAllFrozen(payload)).toBe(true);
	});

	test('a class instance is frozen by the general walk, with its own values', () => {
		class Order {
			readonly lines = [{sku: 'a'}];
		}
		const payload = {order: new Order()};
		deepFreeze('t', payload, 64);
		expect(isAllFrozen(payload)).toBe(true);
	});

	test('a payload that was frozen deeply once is accepted again unchanged', () => {
		const payload = {items: Array.from({length: 50}, (_, index) => ({index}))};
		deepFreeze('t', payload, 64);
		expect(() => deepFreeze('t', payload, 64)).not.toThrow();
		expect(isAllFrozen(payload)).toBe(true);
	});
});
