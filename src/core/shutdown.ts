import {BusClosedError} from '../errors.js';
import type {HandlerContext} from '../delivery/handler-context.js';
import type {IngressQueue} from '../delivery/ingress-queue.js';
import type {Subscriber} from '../delivery/subscriber.js';
import {assertInteger, assertOptionalObject} from '../internal/assert.js';
import {performance} from 'node:perf_hooks';
import type {BusEvent, BusMetrics, StopReport} from '../types.js';
import type {ConsumerRegistry} from './consumer-registry.js';
import type {DiagnosticsChannel} from './diagnostics-channel.js';
import type {IdleTracker} from './idle-tracker.js';
import type {SubscriptionTable} from './subscription-table.js';
import {maxTimerDelay, settleWithin} from '../internal/timing.js';

/** Where a bus is in its life: `stop()` moves it to stopping then stopped, `close()` on to closed. */
export type BusState = 'running' | 'stopping' | 'stopped' | 'closed';

/** The parts of a bus its shutdown works on; the bus keeps its state (publish reads it) and is told each change. */
export interface ShutdownHost {
	readonly ingress: IngressQueue<BusEvent>;
	readonly consumers: ConsumerRegistry;
	readonly idle: IdleTracker;
	readonly subscriptions: SubscriptionTable<Subscriber>;
	readonly diagnostics: DiagnosticsChannel;
	readonly context: HandlerContext;
	readonly enter: (state: BusState) => void;
	/** Dead-letters an event still queued at the deadline (its awaited delivery, if any, learns it was dropped). */
	readonly dropUndispatched: (event: BusEvent, reason: 'shutdown', detail: string) => void;
	/** Lets dispatch go on past subscribers whose full buffer holds it back. */
	readonly releaseHolders: () => void;
	readonly metrics: () => BusMetrics;
}

/**
 * A bus's shutdown: `stop()` (refuse new events, drain, abandon what is left at the timeout) and `close()` (stop,
 * close the consumers, release the subscriptions). Each runs once; later calls share its report.
 */
export class Shutdown {
	readonly #host: ShutdownHost;
	#stopping: Promise<StopReport> | undefined;
	#closing: Promise<StopReport> | undefined;
	/** Ends a stop's wait for the drain now, as its timeout would (a close with a shorter timeout calls it). */
	#cutShort: () => void = () => {};

	constructor(host: ShutdownHost) {
		this.#host = host;
	}

	stop(options: {readonly timeoutMs?: number} | undefined): Promise<StopReport> {
		return this.#once(options, timeoutMs => (this.#stopping ??= this.#stop(timeoutMs)));
	}

	close(options: {readonly timeoutMs?: number} | undefined): Promise<StopReport> {
		return this.#once(options, timeoutMs => (this.#closing ??= this.#close(timeoutMs)));
	}

	/** Checks `options` (a bad one rejects), then starts the shutdown, or joins the one under way. */
	#once(options: {readonly timeoutMs?: number} | undefined, start: (timeoutMs: number | undefined) => Promise<StopReport>): Promise<StopReport> {
		let timeoutMs: number | undefined;
		try {
			timeoutMs = shutdownTimeout(options);
		} catch (error) {
			return Promise.reject(error);
		}
		return this.#fromHandler(start(timeoutMs));
	}

	/**
	 * Called from inside a handler, a shutdown cannot wait for every handler (this one among them): the caller gets
	 * a report at once (`drained: false`), while the shutdown goes on and emits `stopped`/`closed` when done.
	 */
	#fromHandler(shutdown: Promise<StopReport>): Promise<StopReport> {
		if (!this.#host.context.isHandling()) return shutdown;
		return Promise.resolve({drained: false, abandoned: 0, metrics: this.#host.metrics()});
	}

	async #stop(timeoutMs: number | undefined): Promise<StopReport> {
		const host = this.#host;
		host.enter('stopping');
		host.ingress.rejectWaiters(new BusClosedError('stopping', 'publish'));
		host.consumers.flushEagerly();
		const cutShort = new Promise<false>(resolve => {
			this.#cutShort = () => resolve(false);
		});
		const isDrained = (await settleWithin(Promise.race([host.idle.whenIdle().then(() => true), cutShort]), timeoutMs)) ?? false;
		let abandoned = 0;
		if (!isDrained) {
			for (const event of host.ingress.takeAll()) {
				host.dropUndispatched(event, 'shutdown', 'the bus stopped before it was dispatched');
				abandoned++;
			}
			abandoned += host.subscriptions.abandonPending();
			// Nothing new is accepted now: a handler that still hangs must not hold back the dead letters of the
			// abandoned events.
			host.releaseHolders();
		}
		host.enter('stopped');
		const report: StopReport = {drained: isDrained, abandoned, metrics: host.metrics()};
		host.diagnostics.emit('stopped', report);
		return report;
	}

	async #close(timeoutMs: number | undefined): Promise<StopReport> {
		const host = this.#host;
		const deadline = timeoutMs === undefined ? undefined : performance.now() + timeoutMs;
		this.#stopping ??= this.#stop(timeoutMs);
		let report = await settleWithin(this.#stopping, remaining(deadline));
		if (report === undefined) {
			// A stop already under way waits longer than this close may: cut it short, as its own timeout would.
			this.#cutShort();
			report = await this.#stopping;
		}
		// Consumers close after the drain, so that a forwarder's last batch holds every accepted event.
		const closed = await settleWithin(
			host.consumers.closeAll().then(() => true),
			remaining(deadline),
		);
		if (closed === undefined) host.diagnostics.warn('ERR_CONSUMER_CLOSE_TIMEOUT', `A consumer did not close within ${timeoutMs} ms; the bus closed without it`);
		const closeReport: StopReport = {drained: report.drained, abandoned: report.abandoned, metrics: host.metrics()};
		host.enter('closed');
		host.subscriptions.removeAll();
		host.diagnostics.emit('closed', closeReport);
		return closeReport;
	}
}

/** Validates `stop()`/`close()` options; `undefined` means no timeout. */
function shutdownTimeout(options: {readonly timeoutMs?: number} | undefined): number | undefined {
	assertOptionalObject('options', options);
	assertInteger('options.timeoutMs', options?.timeoutMs, 0);
	const timeoutMs = options?.timeoutMs;
	// Node fires a longer timer at once: a shutdown timeout that long means no timeout at all.
	return timeoutMs === undefined || timeoutMs > maxTimerDelay ? undefined : timeoutMs;
}

function remaining(deadline: number | undefined): number | undefined {
	return deadline === undefined ? undefined : Math.max(0, deadline - performance.now());
}


