/**
 * A millisecond clock that is cheap to read in a tight publish loop.
 *
 * `Date.now()` costs about as much as the rest of a publish, so the value is reused within one synchronous run of
 * code: it is refreshed after a microtask boundary (anything the event loop did in between) and every
 * `maxReuse` reads, which bounds how stale a timestamp can be inside a long synchronous loop to a few microseconds.
 */
export class Clock {
	readonly #maxReuse: number;
	#now = 0;
	#reads = 0;
	#isFresh = false;
	readonly #expire = (): void => {
		this.#isFresh = false;
	};

	constructor(maxReuse = 64) {
		this.#maxReuse = maxReuse;
	}

	/** Milliseconds since the epoch; never decreases. */
	now(): number {
		if (this.#isFresh && ++this.#reads < this.#maxReuse) return this.#now;
		// Wall clocks can step back (NTP); ids and history queries rely on time never decreasing.
		const now = Date.now();
		if (now > this.#now) this.#now = now;
		this.#reads = 0;
		if (!this.#isFresh) {
			this.#isFresh = true;
			queueMicrotask(this.#expire);
		}
		return this.#now;
	}
}
