import {formatValue, isAsymmetricMatcher} from './format-value.js';

/** Deep equality with asymmetric matchers: vitest's and jest's `this.equals` in a matcher. */
export type Equals = (actual: unknown, expected: unknown) => boolean;

/**
 * True when `actual` matches `expected` with `expect.objectContaining` semantics at the top: a plain object matches
 * when every one of its properties is present in `actual` and equal (nested values compare in full, asymmetric
 * matchers allowed anywhere); anything else (an array, a primitive, a matcher) must equal `actual`.
 */
export function matchesPayload(equals: Equals, actual: unknown, expected: unknown): boolean {
	if (!isPartialShape(expected)) return equals(actual, expected);
	if (typeof actual !== 'object' || actual === null) return false;
	return Object.keys(expected).every(key => key in actual && equals((actual as Record<string, unknown>)[key], expected[key]));
}

/**
 * The differences between `actual` and what `expected` asks for, one line each, for a failure message:
 * `total: expected 42, got 40` or `expected {…}, got 'text'`. Empty when they match.
 */
export function describeMismatch(equals: Equals, actual: unknown, expected: unknown): string[] {
	if (!isPartialShape(expected) || typeof actual !== 'object' || actual === null) {
		return equals(actual, expected) ? [] : [`expected ${formatValue(expected)}, got ${formatValue(actual)}`];
	}
	const lines: string[] = [];
	for (const key of Object.keys(expected)) {
		if (!(key in actual)) lines.push(`${key}: expected ${formatValue(expected[key])}, got nothing (missing)`);
		else {
			const value = (actual as Record<string, unknown>)[key];
			if (!equals(value, expected[key])) lines.push(`${key}: expected ${formatValue(expected[key])}, got ${formatValue(value)}`);
		}
	}
	return lines;
}

function isPartialShape(value: unknown): value is Record<string, unknown> {
	if (typeof value !== 'object' || value === null || Array.isArray(value) || isAsymmetricMatcher(value)) return false;
	const prototype: unknown = Object.getPrototypeOf(value);
	return prototype === Object.prototype || prototype === null;
}
