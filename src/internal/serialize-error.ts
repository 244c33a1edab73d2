import {describeThrown, toBoundedJson} from './bounded-json.js';

/** A thrown value as plain, JSON-safe data: what dead letters carry, the dead-letter store keeps, and `tracked()` publishes. */
export interface SerializedError {
	/** The error's class name (`TypeError`, `HandlerTimeoutError`), or `typeof` the value (`string`, `object`, `null`) for a non-error throw. */
	readonly name: string;
	readonly message: string;
	/** The stable `code` (`ERR_HANDLER_TIMEOUT`, `ENOSPC`), when the error had a string or number code. */
	readonly code?: string;
	readonly stack?: string;
	/** The `cause`, serialized the same way, at most 8 levels deep; a cause met twice (a cycle) ends the chain. */
	readonly cause?: SerializedError;
}

type Mutable<Type> = {-readonly [Key in keyof Type]: Type[Key]};

const maxCauseDepth = 8;
// A message is for reading, not storage: longer texts (a thrown object as JSON, a huge message) are cut.
const maxMessageLength = 8192;

/**
 * Turns any thrown value into a {@link SerializedError}: never throws, whatever the value (a null-prototype object,
 * a throwing `toString`, `message` or `stack` getter, a revoked proxy, a cycle of causes), never keeps a reference
 * to the original, and costs at most a bounded walk. An Error (or data already of this shape, as read back from a
 * file) keeps `name`, `message`, `code`, `stack` and `cause`; any other value becomes `{name: typeof value,
 * message}` with the value as text (a string as is, an object as bounded JSON).
 */
export function serializeError(error: unknown): SerializedError {
	return serialize(error, 0, new Set());
}

/** True when `value` has the shape of a {@link SerializedError} (used when reading persisted data back). */
export function isSerializedError(value: unknown): value is SerializedError {
	try {
		if (typeof value !== 'object' || value === null) return false;
		const {name, message} = value as {name?: unknown; message?: unknown};
		return typeof name === 'string' && typeof message === 'string';
	} catch {
		return false;
	}
}

function serialize(error: unknown, depth: number, seen: Set<unknown>): SerializedError {
	if (typeof error === 'object' && error !== null) seen.add(error);
	if (isError(error) || isSerializedError(error)) {
		const serialized: Mutable<SerializedError> = {name: readName(error), message: readText(error, 'message') ?? ''};
		const code = read(error, 'code');
		if (typeof code === 'string' || typeof code === 'number') serialized.code = String(code);
		const stack = readText(error, 'stack');
		if (stack !== undefined) serialized.stack = stack;
		const cause = read(error, 'cause');
		if (cause !== undefined && depth < maxCauseDepth && !seen.has(cause)) serialized.cause = serialize(cause, depth + 1, seen);
		return serialized;
	}
	return {name: error === null ? 'null' : typeof error, message: describeValue(error)};
}

function isError(value: unknown): value is Error {
	try {
		return value instanceof Error;
	} catch {
		// A revoked proxy throws from its prototype lookup.
		return false;
	}
}

function read(value: object, key: string): unknown {
	try {
		return (value as Record<string, unknown>)[key];
	} catch {
		return undefined;
	}
}

function readText(value: object, key: string): string | undefined {
	const text = read(value, key);
	return typeof text === 'string' ? cut(text) : undefined;
}

function readName(error: object): string {
	const name = read(error, 'name');
	if (typeof name === 'string' && name !== '') return cut(name, 256);
	const constructor = read(error, 'constructor');
	const constructorName = typeof constructor === 'function' ? read(constructor, 'name') : undefined;
	return typeof constructorName === 'string' && constructorName !== '' ? cut(constructorName, 256) : 'Error';
}

function describeValue(value: unknown): string {
	switch (typeof value) {
		case 'string':
			return cut(value);
		case 'object':
			if (value === null) return 'null';
			break;
		case 'function':
			return '[function]';
		case 'symbol':
			return describeThrown(value);
		default:
			return String(value);
	}
	const json = toBoundedJson(value, {maxLength: maxMessageLength, measureLimit: maxMessageLength});
	if (json.problem !== undefined) return `[unserializable object: ${json.problem}]`;
	return json.isComplete ? json.text : `${json.text}…`;
}

function cut(text: string, max = maxMessageLength): string {
	return text.length > max ? `${text.slice(0, max)}…` : text;
}
