/** A thrown value as plain, JSON-safe data: what the dead-letter store keeps and `tracked()` publishes. */
export interface SerializedError {
	/** The error's class name (`TypeError`, `HandlerTimeoutError`), or `typeof` the value for a non-error throw. */
	readonly name: string;
	readonly message: string;
	/** The stable `code` (`ERR_HANDLER_TIMEOUT`, `ENOSPC`), when the error had a string or number code. */
	readonly code?: string;
	readonly stack?: string;
	/** The `cause`, serialized the same way, at most `maxCauseDepth` levels deep. */
	readonly cause?: SerializedError;
}

const maxCauseDepth = 3;

/**
 * Turns any thrown value into a {@link SerializedError}: never throws, even for a hostile value (a getter that
 * throws, a revoked proxy), and never keeps a reference to the original.
 */
export function serializeError(error: unknown, depth = 0): SerializedError {
	try {
		if (error instanceof Error) {
			const {code} = error as {code?: unknown};
			const serialized: {-readonly [Key in keyof SerializedError]: SerializedError[Key]} = {name: error.name, message: error.message};
			if (typeof code === 'string' || typeof code === 'number') serialized.code = String(code);
			if (typeof error.stack === 'string') serialized.stack = error.stack;
			if (error.cause !== undefined && depth < maxCauseDepth) serialized.cause = serializeError(error.cause, depth + 1);
			return serialized;
		}
		// Already data (as in the `$bus.dead-letter` payload): copied field by field, never by reference.
		if (isSerializedError(error)) {
			const {name, message, code, stack, cause} = error as SerializedError & {code?: unknown; stack?: unknown};
			const copy: {-readonly [Key in keyof SerializedError]: SerializedError[Key]} = {name, message};
			if (typeof code === 'string' || typeof code === 'number') copy.code = String(code);
			if (typeof stack === 'string') copy.stack = stack;
			if (cause !== undefined && depth < maxCauseDepth) copy.cause = serializeError(cause, depth + 1);
			return copy;
		}
		return {name: error === null ? 'null' : typeof error, message: typeof error === 'string' ? error : safeStringify(error)};
	} catch {
		return {name: 'Unknown', message: 'the thrown value could not be read'};
	}
}

/** True when `value` has the shape of a {@link SerializedError} (used when reading persisted data back). */
export function isSerializedError(value: unknown): value is SerializedError {
	if (typeof value !== 'object' || value === null) return false;
	const {name, message} = value as {name?: unknown; message?: unknown};
	return typeof name === 'string' && typeof message === 'string';
}

function safeStringify(value: unknown): string {
	try {
		return JSON.stringify(value) ?? String(value);
	} catch {
		return String(value);
	}
}
