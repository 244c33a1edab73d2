/** What the bus reports about itself: dead letters, the diagnostics of `bus.on(...)`, metrics, the stop report. */
import type {DropReason} from '../errors.js';
import type {BusEvent} from './events.js';
import type {Bus} from './bus.js';

/** Why an event became a dead letter. */
export type DeadLetterReason = 'handler-failed' | 'filter-failed' | DropReason;

/**
 * An event that could not be delivered. Emitted as the bus's `deadLetter` diagnostic and published on the topic
 * `$bus.dead-letter` (except for dead letters of `$bus.` events themselves, which would loop).
 */
export interface DeadLetter {
	readonly event: BusEvent;
	readonly error: unknown;
	readonly reason: DeadLetterReason;
	/** The subscription that could not take it; absent when the event was dropped before dispatch. */
	readonly subscription: {readonly id: string; readonly name: string; readonly pattern: string} | undefined;
	readonly attempts: number;
	readonly failedAt: number;
}

/** A dead letter as published on `$bus.dead-letter`: the error as plain data, so that it survives serialization. */
export interface DeadLetterPayload extends Omit<DeadLetter, 'error'> {
	readonly error: {readonly name: string; readonly message: string; readonly code?: string; readonly stack?: string};
}

/** What a subscription to `$bus.dead-letter` receives, on a typed bus as on an untyped one. */
export type DeadLetterEvent = BusEvent<DeadLetterPayload, '$bus.dead-letter'>;

/** A publish the bus refused, from the `rejected` diagnostic. Nothing of it was queued. */
export interface PublishRejection {
	readonly topic: unknown;
	readonly payload: unknown;
	readonly error: unknown;
	readonly rejectedAt: number;
}

/**
 * One successful handler call, timed, from the `delivered` diagnostic. The diagnostic samples: while someone listens,
 * the bus times the first handler call of each subscription, then one in its `deliveredSampleInterval` (default 64),
 * and reports the timed calls that succeed; nobody listening, no call is timed. `delivered` keeps counts exact.
 */
export interface DeliveredNotice {
	readonly subscriptionId: string;
	readonly subscriptionName: string;
	/** From the handler call to its settling, in milliseconds. */
	readonly durationMs: number;
	readonly event: BusEvent;
	readonly attempt: number;
	/** The subscription's successful handler calls so far, this one included, reported or not (exact). */
	readonly delivered: number;
}

/** A failed attempt that will be retried, emitted as the bus's `retry` diagnostic. */
export interface RetryNotice {
	readonly event: BusEvent;
	readonly error: unknown;
	readonly subscriptionId: string;
	readonly attempt: number;
	readonly delayMs: number;
}

/** The `held` diagnostic. */
export interface HeldNotice {
	readonly subscriptionId: string;
	readonly subscriptionName: string;
	readonly pending: number;
	readonly queueSize: number;
}

/** The `released` diagnostic. */
export interface ReleasedNotice {
	readonly subscriptionId: string;
	readonly subscriptionName: string;
	readonly heldMs?: number;
}

/** The bus's own lifecycle and diagnostic events (on `bus.on(...)`), separate from published events. */
export interface BusDiagnostics {
	deadLetter: (deadLetter: DeadLetter) => void;
	retry: (notice: RetryNotice) => void;
	/** A sampled handler call succeeded, with how long it took (see {@link DeliveredNotice} for the sampling). */
	delivered: (notice: DeliveredNotice) => void;
	/** A `publish` (or batch item) was refused: invalid topic or payload, schema violation, full queue, closed bus. */
	rejected: (rejection: PublishRejection) => void;
	/** A problem that is not an event's fault (a diagnostic listener threw, a schema warning in `warn` mode). */
	warning: (warning: {readonly code: string; readonly message: string; readonly error?: unknown}) => void;
	/** A subscription's full buffer (`overflow: 'wait'`) stopped dispatch; `queueSize` events wait behind it. */
	held: (notice: HeldNotice) => void;
	/** A subscription that held dispatch back has room again; `heldMs` is its total time holding so far. */
	released: (notice: ReleasedNotice) => void;
	drained: () => void;
	stopped: (report: StopReport) => void;
	closed: (report: StopReport) => void;
}

/** The bus's counters, from {@link Bus.getMetrics}. Counters only grow; gauges are read at call time. */
export interface BusMetrics {
	readonly published: number;
	/** Successful handler deliveries (one event to three subscribers counts three). */
	readonly delivered: number;
	/** Failed attempts, including those that were retried. */
	readonly failed: number;
	readonly retried: number;
	/** Events dropped by an overflow policy or a stop timeout (each also dead-lettered). */
	readonly dropped: number;
	readonly deadLettered: number;
	/** Publishes refused: invalid topic or payload, queue full with `reject`, bus closed. */
	readonly rejected: number;
	/** Gauge: events accepted and not yet dispatched. */
	readonly queueSize: number;
	/** Gauge: deliveries started or waiting in subscriber buffers, not yet finished. */
	readonly inFlight: number;
	/** Gauge: producers waiting for queue space (`wait` policy). */
	readonly waitingProducers: number;
	readonly subscriptions: number;
}

/** What `stop()` and `close()` resolve with. */
export interface StopReport {
	/** True when everything accepted was delivered (or dead-lettered) before the timeout. */
	readonly drained: boolean;
	/** Events still queued or in flight at the timeout; each was dead-lettered with reason `shutdown`. */
	readonly abandoned: number;
	readonly metrics: BusMetrics;
}
