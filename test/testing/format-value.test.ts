import {describe, expect, test} from 'vitest';
import {formatValue} from '../../src/testing/format-value.js';

describe('formatValue()', () => {
	test('formatValue() - prints data compactly, on one line', () => {
		expect(formatValue({id: 'o-1', lines: [1, 2], 'odd key': null, nested: {ok: true}})).toBe("{id: 'o-1', lines: [1, 2], 'odd key': null, nested: {ok: true}}");
		expect(formatValue('it\'s\na')).toBe("'it\\'s\\na'");
		expect(formatValue([undefined, 10n, Symbol('s')])).toBe('[undefined, 10n, Symbol(s)]');
		expect(formatValue(new Date(0))).toBe('1970-01-01T00:00:00.000Z');
		expect(formatValue(new Map([['k', 1]]))).toBe("Map {'k' => 1}");
		expect(formatValue(new Set([1]))).toBe('Set {1}');
		expect(formatValue(new TypeError('bad'))).toBe('TypeError: bad');
		expect(formatValue(() => 1)).toBe('[Function]');
		expect(formatValue({})).toBe('{}');
	});

	test('formatValue() - asymmetric matchers print by name', () => {
		expect(formatValue({n: expect.any(Number), s: expect.stringContaining('x'), o: expect.objectContaining({id: 1})})).toBe("{n: Any<Number>, s: StringContaining 'x', o: ObjectContaining {id: 1}}");
	});

	test('formatValue() - cycles, depth and length are bounded', () => {
		const cyclic: Record<string, unknown> = {name: 'a'};
		cyclic['self'] = cyclic;
		expect(formatValue(cyclic)).toBe("{name: 'a', self: [Circular]}");
		expect(formatValue({a: {b: {c: {d: 1}}}})).toBe('{a: {b: {c: {…}}}}');
		expect(formatValue('x'.repeat(200))).toHaveLength(100);
		expect(formatValue('x'.repeat(200)).endsWith('…')).toBe(true);
	});
});
