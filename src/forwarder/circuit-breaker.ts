/**
 * A circuit breaker for one destination.
 *
 * The rule: it opens after `failureThreshold` attempts in a row failed in a retryable way (network error, timeout,
 * 408, 429, 5xx), stays open for `cooldownMs`, then lets one trial attempt through (half-open): success closes it,
 * failure opens it again for another cool-down. Any answer that proves the destination alive (2xx, or a 4xx that
 * rejects one batch) resets the run.
 *
 * Why a run and not a rate: the engine sends one request at a time per destination and retries the same batch, so a
 * rate over a window would mostly count one batch's retries again; a run of failures is exactly "the destination is
 * down", and the first success after it is exactly "it is back". Backoff already spaces the retries of one batch; the
 * breaker adds what backoff cannot: a state that spans batches and restarts of the retry ladder, and that health,
 * metrics and diagnostics can show ("open since 12:01, next trial at 12:02").
 */

/** `closed`: requests flow; `open`: none until the cool-down ends; `half-open`: one trial in progress. */
export type BreakerState = 'closed' | 'open' | 'half-open';

/** Options of the breaker. */
export interface BreakerOptions {
	/** Retryable failures in a row that open the breaker. @default 5 */
	readonly failureThreshold?: number;
	/** How long it stays open before a trial. @default 30_000 */
	readonly cooldownMs?: number;
}

/** One change of state, as reported to diagnostics. */
export interface BreakerTransition {
	readonly from: BreakerState;
	readonly to: BreakerState;
	readonly at: number;
	readonly consecutiveFailures: number;
}

/** The breaker's state as data, for health. */
export interface BreakerSnapshot {
	readonly state: BreakerState;
	readonly consecutiveFailures: number;
	/** When it last opened, if it is open or half-open. */
	readonly openedAt: number | undefined;
	/** When an open breaker lets the next trial through. */
	readonly retryAt: number | undefined;
	/** Times it has opened since construction. */
	readonly opened: number;
}

export class CircuitBreaker {
	readonly #threshold: number;
	readonly #cooldownMs: number;
	readonly #onTransition: (transition: BreakerTransition) => void;
	#state: BreakerState = 'closed';
	#failures = 0;
	#openedAt: number | undefined;
	#opened = 0;

	constructor(options: Required<BreakerOptions>, onTransition: (transition: BreakerTransition) => void) {
		this.#threshold = options.failureThreshold;
		this.#cooldownMs = options.cooldownMs;
		this.#onTransition = onTransition;
	}

	get state(): BreakerState {
		return this.#state;
	}

	/** Milliseconds to wait before an attempt may start (0 when one may start now); moves open to half-open when due. */
	waitMs(now: number): number {
		if (this.#state !== 'open') return 0;
		const retryAt = (this.#openedAt ?? now) + this.#cooldownMs;
		if (now < retryAt) return retryAt - now;
		this.#move('half-open', now);
		return 0;
	}

	/** The destination answered: it is alive (2xx, or a 4xx about one batch). */
	recordSuccess(now: number): void {
		this.#failures = 0;
		if (this.#state !== 'closed') {
			this.#openedAt = undefined;
			this.#move('closed', now);
		}
	}

	/** A retryable failure. */
	recordFailure(now: number): void {
		this.#failures++;
		if (this.#state === 'half-open' || (this.#state === 'closed' && this.#failures >= this.#threshold)) {
			this.#openedAt = now;
			this.#opened++;
			this.#move('open', now);
		}
	}

	snapshot(): BreakerSnapshot {
		const isOpen = this.#state === 'open';
		return {
			state: this.#state,
			consecutiveFailures: this.#failures,
			openedAt: this.#openedAt,
			retryAt: isOpen && this.#openedAt !== undefined ? this.#openedAt + this.#cooldownMs : undefined,
			opened: this.#opened,
		};
	}

	#move(to: BreakerState, at: number): void {
		const from = this.#state;
		this.#state = to;
		this.#onTransition({from, to, at, consecutiveFailures: this.#failures});
	}
}
