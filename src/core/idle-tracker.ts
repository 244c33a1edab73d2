import type {IngressQueue} from '../delivery/ingress-queue.js';
import type {DeliveryStats} from '../delivery/subscriber-settings.js';
import type {BusEvent} from '../types.js';
import type {DiagnosticsChannel} from './diagnostics-channel.js';

/**
 * Tells when a bus is idle (nothing queued, being dispatched, waiting in a subscriber's buffer, running or awaiting
 * a retry) and keeps the promises of `drain()` until it is.
 *
 * The bus calls `check()` whenever work finishes (the dispatcher ran dry, a delivery settled outside it): if the bus
 * is idle then, every waiter resolves, in the order it began waiting, and `drained` is emitted. Being idle is read
 * from the queue and the delivery counters themselves, so it is never out of date.
 */
export class IdleTracker {
	readonly #ingress: Pick<IngressQueue<BusEvent>, 'size' | 'isBusy'>;
	readonly #stats: DeliveryStats;
	readonly #diagnostics: DiagnosticsChannel;
	readonly #idleCounts: IdleCounts;
	#waiters: (() => void)[] = [];
	/** Waiters of {@link whenSettled}; kept apart so that `check()` costs nothing more when there are none. */
	#settledWaiters: (() => void)[] = [];

	constructor(ingress: Pick<IngressQueue<BusEvent>, 'size' | 'isBusy'>, stats: DeliveryStats, diagnostics: DiagnosticsChannel, idleCounts: IdleCounts = noIdleCounts) {
		this.#ingress = ingress;
		this.#stats = stats;
		this.#diagnostics = diagnostics;
		this.#idleCounts = idleCounts;
	}

	get isIdle(): boolean {
		return this.#isIdleBut(this.#idleCounts.ignored());
	}

	/** Resolves at once when idle, else at the first `check()` that finds the bus idle. */
	whenIdle(): Promise<void> {
		if (this.isIdle) return Promise.resolve();
		return new Promise(resolve => {
			this.#waiters.push(resolve);
		});
	}

	/** As {@link whenIdle}, but deliveries parked in a consumer's partial batch do not count. */
	whenSettled(): Promise<void> {
		if (this.#isSettled()) return Promise.resolve();
		return new Promise(resolve => {
			this.#settledWaiters.push(resolve);
		});
	}

	/** Resolves the waiters and emits `drained` when the bus is idle now; otherwise does nothing. */
	check(): void {
		if (this.#settledWaiters.length > 0 && this.#isSettled()) {
			const waiters = this.#settledWaiters;
			this.#settledWaiters = [];
			for (const resolve of waiters) resolve();
		}
		if (!this.isIdle) return;
		if (this.#waiters.length > 0) {
			const waiters = this.#waiters;
			this.#waiters = [];
			for (const resolve of waiters) resolve();
		}
		if (this.#diagnostics.hasListeners('drained')) this.#diagnostics.emit('drained');
	}

	#isSettled(): boolean {
		return this.#isIdleBut(this.#idleCounts.ignored() + this.#idleCounts.parked());
	}

	#isIdleBut(ignored: number): boolean {
		return this.#ingress.size === 0 && !this.#ingress.isBusy && this.#stats.inFlight === ignored;
	}
}

/** Deliveries in flight that idleness does not wait for. */
export interface IdleCounts {
	/** Never waited for (a test bus's unread stream events). */
	ignored(): number;
	/** Events waiting in consumers' partial batches. */
	parked(): number;
}

const noIdleCounts: IdleCounts = {ignored: () => 0, parked: () => 0};
