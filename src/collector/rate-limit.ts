/**
 * Per-source token buckets: each source may send `ratePerSecond` events per second on average, up to `burst` at
 * once. A request is charged for all its events at once, per source, or not at all.
 */

/** Options of {@link RateLimiter}. */
export interface RateLimitOptions {
	/**
	 * Events per second each source may send on average.
	 * @default 1000
	 */
	readonly ratePerSecond?: number;
	/**
	 * The most events a source may send at once (the bucket's size).
	 * @default 2000
	 */
	readonly burst?: number;
	/** A monotonic clock in milliseconds (for tests). @default performance.now */
	readonly now?: () => number;
}

/** What {@link RateLimiter.take} decided. `retryAfterMs` says when the same request would fit. */
export type RateDecision = {readonly allowed: true} | {readonly allowed: false; readonly source: string; readonly retryAfterMs: number};

interface Bucket {
	tokens: number;
	updatedAt: number;
}

const maxBuckets = 10_000;

/** Token buckets keyed by source. Memory is bounded: full buckets are forgotten when there are many. */
export class RateLimiter {
	readonly #rate: number;
	readonly #burst: number;
	readonly #now: () => number;
	readonly #buckets = new Map<string, Bucket>();

	constructor(options: RateLimitOptions = {}) {
		const {ratePerSecond = 1000, burst = 2000, now = () => performance.now()} = options;
		if (!(Number.isFinite(ratePerSecond) && ratePerSecond > 0)) throw new TypeError(`Expected \`ratePerSecond\` to be a finite number > 0, got \`${ratePerSecond}\``);
		if (!(Number.isFinite(burst) && burst >= 1)) throw new TypeError(`Expected \`burst\` to be a finite number >= 1, got \`${burst}\``);
		this.#rate = ratePerSecond;
		this.#burst = burst;
		this.#now = now;
	}

	/** Events per second each source may send on average. */
	get ratePerSecond(): number {
		return this.#rate;
	}

	/** The bucket size: a request with more events of one source than this can never pass. */
	get burst(): number {
		return this.#burst;
	}

	#refill(source: string, now: number): Bucket {
		let bucket = this.#buckets.get(source);
		if (bucket === undefined) {
			if (this.#buckets.size >= maxBuckets) this.#forgetFullBuckets(now);
			bucket = {tokens: this.#burst, updatedAt: now};
			this.#buckets.set(source, bucket);
		} else {
			bucket.tokens = Math.min(this.#burst, bucket.tokens + ((now - bucket.updatedAt) / 1000) * this.#rate);
			bucket.updatedAt = now;
		}
		return bucket;
	}

	#forgetFullBuckets(now: number): void {
		for (const [source, bucket] of this.#buckets) {
			if (bucket.tokens + ((now - bucket.updatedAt) / 1000) * this.#rate >= this.#burst) this.#buckets.delete(source);
		}
		// Still full (every bucket recently charged): the oldest go, so memory stays bounded; a source forgotten this
		// way starts again with a full bucket, which errs on the side of letting it through.
		for (const source of this.#buckets.keys()) {
			if (this.#buckets.size < maxBuckets) break;
			this.#buckets.delete(source);
		}
	}

	/** Charges `counts` (events per source) if every source has the tokens; otherwise charges nothing. */
	take(counts: ReadonlyMap<string, number>): RateDecision {
		const now = this.#now();
		for (const [source, count] of counts) {
			const bucket = this.#refill(source, now);
			if (bucket.tokens < count) {
				const missing = Math.min(count, this.#burst) - bucket.tokens;
				return {allowed: false, source, retryAfterMs: Math.max(1, Math.ceil((missing / this.#rate) * 1000))};
			}
		}
		for (const [source, count] of counts) this.#buckets.get(source)!.tokens -= count;
		return {allowed: true};
	}
}
