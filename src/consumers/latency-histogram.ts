/**
 * A latency distribution in bounded memory with a guaranteed relative error (the DDSketch scheme, close to HDR
 * histograms): values fall into logarithmic buckets `gamma^(i-1) < v <= gamma^i`, so any quantile is within
 * `relativeAccuracy` of a value that was recorded.
 */

/** A latency distribution reduced to its usual statistics, in milliseconds. */
export interface LatencySummary {
	readonly count: number;
	readonly sumMs: number;
	readonly minMs: number;
	readonly maxMs: number;
	readonly p50Ms: number;
	readonly p90Ms: number;
	readonly p99Ms: number;
}

const relativeAccuracy = 0.02;
const gamma = (1 + relativeAccuracy) / (1 - relativeAccuracy);
const logGamma = Math.log(gamma);
/** Below 1 µs a latency counts as zero; above about 28 hours it is clamped: both are far outside useful ranges. */
const minTrackedMs = 0.001;
const maxTrackedMs = 1e8;
const minIndex = Math.ceil(Math.log(minTrackedMs) / logGamma);
const maxIndex = Math.ceil(Math.log(maxTrackedMs) / logGamma);

/** Records latencies (ms) and answers quantiles within 2% relative error, in about 5 KB whatever the count. */
export class LatencyHistogram {
	readonly #counts = new Float64Array(maxIndex - minIndex + 1);
	#zeros = 0;
	#count = 0;
	#sum = 0;
	#min = Number.POSITIVE_INFINITY;
	#max = 0;

	get count(): number {
		return this.#count;
	}

	/** Records one latency in ms. Negative values (clock skew) count as 0; NaN is ignored. */
	record(ms: number): void {
		if (Number.isNaN(ms)) return;
		const value = ms > 0 ? ms : 0;
		this.#count++;
		this.#sum += value;
		if (value < this.#min) this.#min = value;
		if (value > this.#max) this.#max = value;
		if (value < minTrackedMs) {
			this.#zeros++;
			return;
		}
		const index = Math.min(Math.ceil(Math.log(value) / logGamma), maxIndex);
		this.#counts[index - minIndex]!++;
	}

	/**
	 * The value at quantile `q` (0..1) by nearest rank (the ceil(q * count)-th smallest, so it errs high, the safe
	 * side for latency), clamped to the recorded min and max; 0 when nothing was recorded.
	 */
	quantile(q: number): number {
		if (this.#count === 0) return 0;
		const rank = Math.max(1, Math.ceil(q * this.#count));
		let seen = this.#zeros;
		if (seen >= rank) return this.#min;
		for (let slot = 0; slot < this.#counts.length; slot++) {
			seen += this.#counts[slot]!;
			if (seen >= rank) {
				// The bucket's midpoint in relative terms: at most `relativeAccuracy` away from any value in it.
				const estimate = (2 * gamma ** (slot + minIndex)) / (gamma + 1);
				return Math.min(Math.max(estimate, this.#min), this.#max);
			}
		}
		return this.#max;
	}

	summary(): LatencySummary {
		return {
			count: this.#count,
			sumMs: this.#sum,
			minMs: this.#count === 0 ? 0 : this.#min,
			maxMs: this.#max,
			p50Ms: this.quantile(0.5),
			p90Ms: this.quantile(0.9),
			p99Ms: this.quantile(0.99),
		};
	}
}
