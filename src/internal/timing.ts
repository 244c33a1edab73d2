/** Timers and promises: the limits and races that delivery, shutdown and waits share. */

/** The longest delay a Node timer honours (2^31-1 ms, about 24.8 days); a longer one fires after about 1 ms. */
export const maxTimerDelay = 2 ** 31 - 1;

/** True for anything that can be awaited: a promise or a foreign thenable. */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
	return typeof value === 'object' && value !== null && typeof (value as {then?: unknown}).then === 'function';
}

/**
 * Settles like `promise`, or rejects with `onTimeout()` once `timeoutMs` passes first. The timer is cleared either
 * way, and both callbacks are attached, so a `promise` that rejects after its timeout is never an unhandled rejection.
 */
export function rejectAfter<T>(promise: PromiseLike<T>, timeoutMs: number, onTimeout: () => Error): Promise<T> {
	return new Promise((resolve, reject) => {
		const timer = setTimeout(() => reject(onTimeout()), timeoutMs);
		promise.then(
			value => {
				clearTimeout(timer);
				resolve(value);
			},
			(error: unknown) => {
				clearTimeout(timer);
				reject(error);
			},
		);
	});
}

/** Settles like `promise`, or resolves with `undefined` after `timeoutMs` (never, when it is `undefined`). */
export async function settleWithin<T>(promise: Promise<T>, timeoutMs: number | undefined): Promise<T | undefined> {
	if (timeoutMs === undefined) return promise;
	let timer: ReturnType<typeof setTimeout> | undefined;
	try {
		return await Promise.race([
			promise,
			new Promise<undefined>(resolve => {
				timer = setTimeout(() => resolve(undefined), timeoutMs);
			}),
		]);
	} finally {
		clearTimeout(timer);
	}
}
