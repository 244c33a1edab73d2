/** One caller of `whenIdle()`. */
interface Waiter {
	/** Also wait for events parked in consumers' partial batches. */
	readonly isStrict: boolean;
	readonly resolve: () => void;
}

/**
 * The mock bus's promises of idleness: `publish` waits until nothing is queued or in flight apart from events parked
 * in partial consumer batches (which wait for their batch, not for the publisher); `drain` waits strictly.
 */
export class IdleWaiters {
	readonly #isIdle: (isStrict: boolean) => boolean;
	#waiters: Waiter[] = [];

	/** `isIdle(isStrict)` tells whether the bus is idle now, counting parked events as busy when strict. */
	constructor(isIdle: (isStrict: boolean) => boolean) {
		this.#isIdle = isIdle;
	}

	/** Resolves at once when idle, else on the first `check()` that finds it idle. */
	whenIdle(isStrict: boolean): Promise<void> {
		if (this.#isIdle(isStrict)) return Promise.resolve();
		return new Promise(resolve => {
			this.#waiters.push({isStrict, resolve});
		});
	}

	/** Resolves every waiter whose condition holds now. */
	check(): void {
		if (this.#waiters.length === 0) return;
		const ready = this.#waiters.filter(waiter => this.#isIdle(waiter.isStrict));
		if (ready.length === 0) return;
		this.#waiters = this.#waiters.filter(waiter => !ready.includes(waiter));
		for (const waiter of ready) waiter.resolve();
	}
}

/** True when `promise` settles within `timeoutMs` (always, without a timeout); false when the timer fires first. */
export async function settlesWithin(promise: Promise<unknown>, timeoutMs: number | undefined): Promise<boolean> {
	if (timeoutMs === undefined) {
		await promise;
		return true;
	}
	let timer: ReturnType<typeof setTimeout> | undefined;
	const isSettled = await Promise.race([
		promise.then(() => true),
		new Promise<boolean>(resolve => {
			timer = setTimeout(() => resolve(false), timeoutMs);
		}),
	]);
	clearTimeout(timer);
	return isSettled;
}
