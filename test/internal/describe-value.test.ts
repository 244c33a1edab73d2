import {describe, expect, test} from 'vitest';
import {describeValue, fail} from '../../src/internal/assert.js';

describe('describeValue()', () => {
	test('never throws, and is short, whatever the value', () => {
		const revoked = Proxy.revocable({}, {});
		revoked.revoke();
		const cyclic: Record<string, unknown> = {};
		cyclic['self'] = cyclic;
		let dag: unknown = {leaf: 1};
		for (let level = 0; level < 60; level++) dag = {a: dag, b: dag};
		for (const value of [revoked.proxy, cyclic, dag, Object.create(null), Symbol('s'), 10n, {toString: () => { throw new Error('no'); }}]) {
			const text = describeValue(value);
			expect(typeof text).toBe('string');
			expect(text.length).toBeLessThan(100);
		}
	});

	test('fail() with a hostile value still throws the TypeError it means to', () => {
		const revoked = Proxy.revocable({}, {});
		revoked.revoke();
		expect(() => fail('options', 'an object', revoked.proxy)).toThrow(/^Expected `options` to be an object, got `/);
	});

	test('keeps its usual form for ordinary values', () => {
		expect(describeValue('high')).toBe('`high` (string)');
		expect(describeValue({a: 1})).toBe('`{"a":1}` (object)');
		expect(describeValue([1])).toBe('`[1]` (array)');
	});
});
