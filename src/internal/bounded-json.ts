/**
 * JSON text of any value at a bounded cost: what logs, error summaries and the dead-letter file use where
 * `JSON.stringify` could throw (BigInt, throwing getters, revoked proxies), loop (cycles), or run for an exponential
 * time (a DAG of shared subobjects prints every path).
 */

/** What {@link toBoundedJson} produced. */
export interface BoundedJson {
	/** The whole JSON text when `isComplete`, else its first `maxLength` characters. */
	readonly text: string;
	/** True when `text` is the whole JSON text (it fits in `maxLength`, and nothing stopped the walk). */
	readonly isComplete: boolean;
	/** The length of the whole JSON text; `undefined` when it exceeds `measureLimit` (not walked to the end). */
	readonly length: number | undefined;
	/**
	 * Why `JSON.stringify` would have thrown (a BigInt, a getter or `toJSON` that threw, a revoked proxy): the walk
	 * stopped there and `text` is partial. `undefined` when the value is JSON data.
	 */
	readonly problem: string | undefined;
	/** True when the text holds a `"[Circular]"` or `"[MaxDepth]"` marker where `JSON.stringify` would have thrown. */
	readonly hasMarkers: boolean;
}

/** Options of {@link toBoundedJson}. */
export interface BoundedJsonOptions {
	/** Characters of text kept (the whole text when it is no longer). */
	readonly maxLength: number;
	/** Characters counted before the walk stops; bounds the work. @default max(maxLength, 1 MiB) */
	readonly measureLimit?: number;
	/** Nesting deeper than this becomes `"[MaxDepth]"`. @default 1000 */
	readonly maxDepth?: number;
}

const defaultMeasureLimit = 1024 * 1024;
const circularMarker = '"[Circular]"';
const depthMarker = '"[MaxDepth]"';

class Stop {
	readonly problem: string | undefined;

	constructor(problem: string | undefined) {
		this.problem = problem;
	}
}

/**
 * Writes `value` as `JSON.stringify` would (same `toJSON`, omission and `null` rules; `undefined` at the top is
 * `null`), with these differences: a cycle becomes `"[Circular]"`, nesting past `maxDepth` becomes `"[MaxDepth]"`,
 * and the walk stops once `measureLimit` characters were produced or at the first value JSON cannot carry. Never
 * throws; the work is linear in the characters produced (at most `measureLimit`) plus the keys visited.
 */
export function toBoundedJson(value: unknown, options: BoundedJsonOptions): BoundedJson {
	const {maxLength} = options;
	const measureLimit = Math.max(options.measureLimit ?? defaultMeasureLimit, maxLength);
	const maxDepth = options.maxDepth ?? 1000;
	const chunks: string[] = [];
	let kept = 0;
	let length = 0;
	let hasMarkers = false;
	const ancestors = new Set<object>();

	const emit = (text: string): void => {
		if (kept <= maxLength) {
			chunks.push(text);
			kept += text.length;
		}
		length += text.length;
		if (length > measureLimit) throw new Stop(undefined);
	};

	// Returns false when the value is omitted (undefined, a function, a symbol), as JSON.stringify does.
	const write = (key: string, input: unknown, depth: number): boolean => {
		let current = input;
		if ((typeof current === 'object' && current !== null) || typeof current === 'bigint') {
			const toJSON = read(current, 'toJSON');
			if (typeof toJSON === 'function') current = attempt(() => (toJSON as (key: string) => unknown).call(current, key));
		}
		switch (typeof current) {
			case 'string':
				emit(JSON.stringify(current));
				return true;
			case 'number':
				emit(Number.isFinite(current) ? String(current) : 'null');
				return true;
			case 'boolean':
				emit(current ? 'true' : 'false');
				return true;
			case 'bigint':
				throw new Stop('Do not know how to serialize a BigInt');
			case 'object':
				break;
			default:
				return false;
		}
		if (current === null) {
			emit('null');
			return true;
		}
		if (ancestors.has(current)) {
			hasMarkers = true;
			emit(circularMarker);
			return true;
		}
		if (depth >= maxDepth) {
			hasMarkers = true;
			emit(depthMarker);
			return true;
		}
		const object = current;
		ancestors.add(object);
		if (attempt(() => Array.isArray(object))) {
			const array = object as unknown[];
			const size = attempt(() => array.length);
			emit('[');
			for (let index = 0; index < size; index++) {
				if (index > 0) emit(',');
				if (!write(String(index), read(array, index), depth + 1)) emit('null');
			}
			emit(']');
		} else {
			const boxed = unbox(object);
			if (boxed === undefined) {
				emit('{');
				let isFirst = true;
				for (const name of attempt(() => Object.keys(object))) {
					const property = read(object, name);
					if (isOmitted(property)) continue;
					emit(isFirst ? `${JSON.stringify(name)}:` : `,${JSON.stringify(name)}:`);
					isFirst = false;
					if (!write(name, property, depth + 1)) emit('null');
				}
				emit('}');
			} else {
				emit(boxed);
			}
		}
		ancestors.delete(object);
		return true;
	};

	let problem: string | undefined;
	let isStopped = false;
	try {
		if (!write('', value, 0)) emit('null');
	} catch (error) {
		isStopped = true;
		if (error instanceof Stop) problem = error.problem;
		else problem = 'the value could not be read';
	}
	const text = chunks.join('');
	const isComplete = !isStopped && text.length <= maxLength;
	return {
		text: isComplete ? text : text.slice(0, maxLength),
		isComplete,
		length: isStopped ? undefined : length,
		problem,
		hasMarkers,
	};
}

function read(object: object | bigint, key: string | number): unknown {
	return attempt(() => (object as Record<string | number, unknown>)[key]);
}

function attempt<Result>(action: () => Result): Result {
	try {
		return action();
	} catch (error) {
		throw new Stop(describeThrown(error));
	}
}

// Omitted properties are skipped before their key is written (a `toJSON` returning undefined is rare enough to print null).
function isOmitted(value: unknown): boolean {
	return value === undefined || typeof value === 'function' || typeof value === 'symbol';
}

function unbox(object: object): string | undefined {
	try {
		if (object instanceof Number) return JSON.stringify(Number(object));
		if (object instanceof String) return JSON.stringify(String(object));
		if (object instanceof Boolean) return object.valueOf() ? 'true' : 'false';
	} catch {
		return undefined;
	}
	return undefined;
}

/**
 * True when `value` is a tree of at most `budget` values, counting a shared object once per reference (as
 * `JSON.stringify` would write it): then the native serializer is safe and fast on it. A cycle, a DAG whose paths
 * exceed the budget, or a getter or proxy trap that throws gives false. Iterative; at most `budget` steps.
 */
export function isSmallTree(value: unknown, budget: number): boolean {
	const pending: object[] = [];
	if (typeof value === 'object' && value !== null) pending.push(value);
	let count = 0;
	try {
		while (pending.length > 0) {
			const object = pending.pop()!;
			const children = Array.isArray(object) ? object : Object.values(object);
			count += children.length + 1;
			if (count > budget) return false;
			for (const child of children) if (typeof child === 'object' && child !== null) pending.push(child);
		}
	} catch {
		return false;
	}
	return true;
}

/** A short text for a thrown value that never throws itself. */
export function describeThrown(error: unknown): string {
	try {
		if (error instanceof Error) {
			const {message} = error;
			return typeof message === 'string' ? message : 'an error without a message';
		}
		if (typeof error === 'string') return error;
		if (typeof error === 'object' && error !== null) return 'a non-error object was thrown';
		return String(error);
	} catch {
		return 'a value that cannot be read was thrown';
	}
}
