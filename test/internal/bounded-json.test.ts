import fc from 'fast-check';
import {describe, expect, test} from 'vitest';
import {isSmallTree, toBoundedJson} from '../../src/internal/bounded-json.js';

function wideDag(levels: number): unknown {
	let node: unknown = {leaf: 1};
	for (let level = 0; level < levels; level++) node = {a: node, b: node, c: [node, node]};
	return node;
}

describe('toBoundedJson()', () => {
	test('property: agrees with JSON.stringify on JSON-able values', () => {
		fc.assert(
			fc.property(fc.jsonValue(), fc.anything(), (json, anything) => {
				let expected: string | undefined;
				try {
					expected = JSON.stringify(anything) ?? 'null';
				} catch {
					expected = undefined;
				}
				const a = toBoundedJson(json, {maxLength: Number.MAX_SAFE_INTEGER});
				const b = toBoundedJson(anything, {maxLength: Number.MAX_SAFE_INTEGER});
				return a.text === (JSON.stringify(json) ?? 'null') && a.isComplete && (expected === undefined || (b.text === expected && b.isComplete));
			}),
		);
	});

	test('a cycle becomes a "[Circular]" marker; a shared, acyclic object is written twice', () => {
		const shared = {x: 1};
		const value: Record<string, unknown> = {shared, again: shared};
		value['self'] = value;
		const result = toBoundedJson(value, {maxLength: 1000});
		expect(JSON.parse(result.text)).toEqual({shared: {x: 1}, again: {x: 1}, self: '[Circular]'});
		expect(result.hasMarkers).toBe(true);
	});

	test('an exponential DAG stops at the measure limit: the text is a prefix, the length unknown', () => {
		const result = toBoundedJson(wideDag(80), {maxLength: 100, measureLimit: 10_000});
		expect(result.isComplete).toBe(false);
		expect(result.text).toHaveLength(100);
		expect(result.length).toBeUndefined();
	});

	test('a longer text is cut to maxLength with its full length measured', () => {
		const result = toBoundedJson({text: 'x'.repeat(50)}, {maxLength: 10});
		expect(result).toMatchObject({text: '{"text":"x', isComplete: false, length: 61, problem: undefined});
	});

	test('BigInt, throwing getters and toJSON, and revoked proxies are problems, never throws', () => {
		const revoked = Proxy.revocable({}, {});
		revoked.revoke();
		const getter = Object.defineProperty({}, 'x', {
			enumerable: true,
			get() {
				throw new Error('getter');
			},
		});
		expect(toBoundedJson({n: 1n}, {maxLength: 100}).problem).toContain('BigInt');
		expect(toBoundedJson(getter, {maxLength: 100}).problem).toBe('getter');
		expect(toBoundedJson({toJSON: () => { throw new Error('toJSON'); }}, {maxLength: 100}).problem).toBe('toJSON');
		expect(toBoundedJson({inner: revoked.proxy}, {maxLength: 100}).problem).toEqual(expect.any(String));
	});

	test('nesting past maxDepth becomes a marker instead of a stack overflow', () => {
		let deep: unknown = 1;
		for (let level = 0; level < 100_000; level++) deep = [deep];
		const result = toBoundedJson(deep, {maxLength: 10});
		expect(result.hasMarkers).toBe(true);
		expect(result.problem).toBeUndefined();
	});

	test('a toJSON returning undefined inside an object writes null, keeping the JSON valid', () => {
		expect(JSON.parse(toBoundedJson({a: {toJSON: () => undefined}, b: 1}, {maxLength: 100}).text)).toEqual({a: null, b: 1});
	});
});

describe('isSmallTree()', () => {
	test('true for a small tree, false for a cycle, an exponential DAG or a throwing getter', () => {
		const cyclic: Record<string, unknown> = {};
		cyclic['self'] = cyclic;
		const throwing = Object.defineProperty({}, 'x', {
			enumerable: true,
			get() {
				throw new Error('no');
			},
		});
		expect(isSmallTree({a: [1, {b: 2}]}, 100)).toBe(true);
		expect(isSmallTree('text', 0)).toBe(true);
		expect(isSmallTree(cyclic, 1000)).toBe(false);
		expect(isSmallTree(wideDag(60), 100_000)).toBe(false);
		expect(isSmallTree(throwing, 100)).toBe(false);
	});

	test('a shared object counts once per reference', () => {
		const shared = {a: 1, b: 2};
		expect(isSmallTree({x: shared, y: shared}, 9)).toBe(true);
		expect(isSmallTree({x: shared, y: shared}, 8)).toBe(false);
	});
});
