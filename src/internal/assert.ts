/**
 * Argument checks for programmer errors. Each throws a `TypeError` in one form,
 * ``Expected `name` to be <what>, got `<value>` (<type>)``, so that a wrong call reads the same everywhere.
 */
import {toBoundedJson} from './bounded-json.js';

/** Formats a value for an error message: its short text and its type. Never throws, whatever the value. */
export function describeValue(value: unknown): string {
	let type: string;
	let text: string;
	try {
		type = value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
	} catch {
		type = typeof value;
	}
	if (typeof value === 'function') {
		text = '[function]';
	} else if (typeof value === 'object' && value !== null) {
		const json = toBoundedJson(value, {maxLength: 61, measureLimit: 61});
		text = json.problem === undefined ? json.text : '[object]';
	} else {
		text = typeof value === 'symbol' ? value.toString() : String(value);
	}
	if (text.length > 60) text = `${text.slice(0, 60)}…`;
	return `\`${text}\` (${type})`;
}

/** Throws the standard `TypeError` for argument `name`. */
export function fail(name: string, expected: string, value: unknown): never {
	throw new TypeError(`Expected \`${name}\` to be ${expected}, got ${describeValue(value)}`);
}

export function assertFunction(name: string, value: unknown): asserts value is (...args: never[]) => unknown {
	if (typeof value !== 'function') fail(name, 'a function', value);
}

export function assertOptionalFunction(name: string, value: unknown): void {
	if (value !== undefined) assertFunction(name, value);
}

export function assertString(name: string, value: unknown): asserts value is string {
	if (typeof value !== 'string') fail(name, 'a string', value);
}

export function assertOptionalString(name: string, value: unknown): void {
	if (value !== undefined) assertString(name, value);
}

export function assertBoolean(name: string, value: unknown): void {
	if (value !== undefined && typeof value !== 'boolean') fail(name, 'a boolean', value);
}

export function assertFiniteNumber(name: string, value: unknown): void {
	if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value))) fail(name, 'a finite number', value);
}

/** `value` must be an integer >= `min` (or `Infinity` when `allowInfinity`); `undefined` passes. */
export function assertInteger(name: string, value: unknown, min: number, allowInfinity = false): void {
	if (value === undefined) return;
	if (allowInfinity && value === Number.POSITIVE_INFINITY) return;
	if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
		fail(name, `an integer >= ${min}${allowInfinity ? ' or Infinity' : ''}`, value);
	}
}

export function assertOneOf<T extends string>(name: string, value: unknown, allowed: readonly T[]): void {
	if (value !== undefined && !allowed.includes(value as T)) fail(name, `one of ${allowed.map(a => `\`${a}\``).join(', ')}`, value);
}

export function assertPlainObject(name: string, value: unknown): asserts value is Record<string, unknown> {
	if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(name, 'an object', value);
}

export function assertOptionalObject(name: string, value: unknown): void {
	if (value !== undefined) assertPlainObject(name, value);
}

export function assertAbortSignal(name: string, value: unknown): void {
	if (value !== undefined && !(value instanceof AbortSignal)) fail(name, 'an AbortSignal', value);
}
