/** Options of {@link formatValue}. */
export interface FormatOptions {
	/** Longer output is cut with `…`. @default 100 */
	readonly maxLength?: number;
	/** Deeper objects print as `{…}` / `[…]`. @default 3 */
	readonly maxDepth?: number;
}

/**
 * Prints a value on one line, compactly and readably, for failure messages: `{id: 'o-1', lines: [1, 2]}`.
 * Asymmetric matchers print as vitest names them, with their sample (`Any<Number>`, `StringContaining 'x'`); cycles as `[Circular]`.
 */
export function formatValue(value: unknown, options?: FormatOptions): string {
	const maxLength = options?.maxLength ?? 100;
	const text = format(value, options?.maxDepth ?? 3, new Set());
	return text.length > maxLength ? `${text.slice(0, maxLength - 1)}…` : text;
}

/** True for an asymmetric matcher such as `expect.any(Number)`. */
export function isAsymmetricMatcher(value: unknown): value is {asymmetricMatch(other: unknown): boolean} {
	return typeof value === 'object' && value !== null && typeof (value as {asymmetricMatch?: unknown}).asymmetricMatch === 'function';
}

function format(value: unknown, depth: number, seen: Set<object>): string {
	if (typeof value === 'string') return `'${value.replaceAll('\\', '\\\\').replaceAll("'", "\\'").replaceAll('\n', '\\n')}'`;
	if (typeof value === 'bigint') return `${value}n`;
	if (typeof value === 'function') return '[Function]';
	if (typeof value === 'symbol') return value.toString();
	if (typeof value !== 'object' || value === null) return String(value);
	if (isAsymmetricMatcher(value)) return formatMatcher(value, depth, seen);
	if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
	if (value instanceof RegExp) return String(value);
	if (value instanceof Error) return `${value.name}: ${value.message}`;
	if (seen.has(value)) return '[Circular]';
	if (depth <= 0) return Array.isArray(value) ? '[…]' : '{…}';
	seen.add(value);
	try {
		if (Array.isArray(value)) return `[${value.map(item => format(item, depth - 1, seen)).join(', ')}]`;
		if (value instanceof Map) return `Map {${[...value].map(([key, item]) => `${format(key, depth - 1, seen)} => ${format(item, depth - 1, seen)}`).join(', ')}}`;
		if (value instanceof Set) return `Set {${[...value].map(item => format(item, depth - 1, seen)).join(', ')}}`;
		const entries = Object.entries(value).map(([key, item]) => `${formatKey(key)}: ${format(item, depth - 1, seen)}`);
		return entries.length === 0 ? '{}' : `{${entries.join(', ')}}`;
	} finally {
		seen.delete(value);
	}
}

function formatKey(key: string): string {
	return /^[A-Za-z_$][\w$]*$/.test(key) ? key : `'${key}'`;
}

// vitest names a matcher `Any<Number>`, or just `StringContaining` with the expected value in `sample`.
function formatMatcher(matcher: object, depth: number, seen: Set<object>): string {
	const named = matcher as {toAsymmetricMatcher?: () => string; toString(): string; sample?: unknown};
	const name = typeof named.toAsymmetricMatcher === 'function' ? named.toAsymmetricMatcher() : named.toString();
	return name.includes('<') || !('sample' in named) ? name : `${name} ${format(named.sample, depth - 1, seen)}`;
}
