/** True for anything a handler may return to be awaited: a promise or a foreign thenable. */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
	return typeof value === 'object' && value !== null && typeof (value as {then?: unknown}).then === 'function';
}
