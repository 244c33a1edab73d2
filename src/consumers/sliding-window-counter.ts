/**
 * Counts events over a sliding time window, in fixed memory: a ring of `buckets` sub-window counts. The window
 * slides one bucket at a time, so a count covers between `windowMs - windowMs/buckets` and `windowMs` of history.
 */
export class SlidingWindowCounter {
	readonly windowMs: number;
	readonly #bucketMs: number;
	readonly #counts: Float64Array;
	/** Which absolute bucket (`floor(time / bucketMs)`) each slot holds; -1 when never used. */
	readonly #ids: Float64Array;

	/** `windowMs` and `buckets` must be integers >= 1 (the caller validates them), `windowMs` >= `buckets`. */
	constructor(windowMs: number, buckets: number) {
		this.windowMs = windowMs;
		this.#bucketMs = windowMs / buckets;
		this.#counts = new Float64Array(buckets);
		this.#ids = new Float64Array(buckets).fill(-1);
	}

	/** Adds `count` at time `now` (ms). */
	add(now: number, count = 1): void {
		const id = Math.floor(now / this.#bucketMs);
		const slot = id % this.#counts.length;
		if (this.#ids[slot] !== id) {
			this.#ids[slot] = id;
			this.#counts[slot] = 0;
		}
		this.#counts[slot]! += count;
	}

	/** The count within the window ending at `now`. */
	count(now: number): number {
		const id = Math.floor(now / this.#bucketMs);
		const oldest = id - this.#counts.length;
		let total = 0;
		for (let slot = 0; slot < this.#counts.length; slot++) {
			const slotId = this.#ids[slot]!;
			if (slotId > oldest && slotId <= id) total += this.#counts[slot]!;
		}
		return total;
	}

	/**
	 * Events per second over the window ending at `now`. Before a full window has passed since `since` (when the
	 * counting started), divides by the time elapsed instead, so an early rate is not underestimated.
	 */
	rate(now: number, since: number): number {
		const spanMs = Math.min(this.windowMs, Math.max(now - since, this.#bucketMs));
		return (this.count(now) * 1000) / spanMs;
	}
}
