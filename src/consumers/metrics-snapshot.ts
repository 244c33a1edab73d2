import type {BusMetrics} from '../types.js';
import type {LatencySummary} from './latency-histogram.js';

// What a metrics consumer reports, as plain data: shared by the consumer and its Prometheus exposition.

/**
 * Counters of one topic. Events and attempts are counted apart: `published`, `dropped` and `deadLettered` count
 * events; `delivered`, `failedAttempts` and `retried` count handler calls (one event to three subscribers is three).
 * `published` counts what this consumer saw plus what was dropped before reaching it; the bus's own `$`-topics
 * (`$bus.dead-letter`) are never counted as published.
 */
export interface TopicMetrics {
	readonly topic: string;
	readonly published: number;
	/**
	 * Successful handler calls (needs the bus's `delivered` diagnostic; 0 without it). The bus samples that
	 * diagnostic, so a subscription's calls between two samples are credited to the topic of the later one (at a
	 * snapshot, of the latest one): exact for subscriptions that receive a single topic, and in total over all topics.
	 */
	readonly delivered: number;
	/** Failed handler attempts, retried or not (an event retried twice and then dead-lettered counts 3). */
	readonly failedAttempts: number;
	readonly retried: number;
	readonly dropped: number;
	readonly deadLettered: number;
	/** `published` per second over the sliding window. */
	readonly ratePerSecond: number;
}

/** Counters and handler latency of one subscription (or consumer). */
export interface SubscriptionMetrics {
	readonly id: string;
	readonly name: string;
	/** Successful handler calls since this consumer was made: exact when the bus counts them (`EventBus` does). */
	readonly delivered: number;
	/** Failed handler attempts, retried or not. */
	readonly failedAttempts: number;
	readonly retried: number;
	readonly dropped: number;
	readonly deadLettered: number;
	/**
	 * Durations of the handler calls the bus's `delivered` diagnostic reports (a sample: see the bus's
	 * `deliveredSampleInterval`); `undefined` until it reports one for this subscription.
	 */
	readonly latency: LatencySummary | undefined;
}

/** Everything a `MetricsConsumer` knows, as plain data. */
export interface MetricsSnapshot {
	readonly takenAt: number;
	readonly windowMs: number;
	/** The bus's own counters and gauges (published, delivered, queue size, in flight...); needs the `bus` option. */
	readonly bus: BusMetrics | undefined;
	/** Events this consumer received, in total and per second over the window. */
	readonly observed: {readonly total: number; readonly ratePerSecond: number};
	/** One entry per topic, in first-seen order; topics past `maxTopics` are summed under the `overflowLabel` entry, last. */
	readonly topics: readonly TopicMetrics[];
	/** The `topN` busiest topics over the window (the overflow entry excluded), busiest first. */
	readonly topTopics: readonly TopicMetrics[];
	readonly subscriptions: readonly SubscriptionMetrics[];
	/**
	 * From an event's acceptance (its `timestamp`) to its arrival here, the queueing delay the bus adds: sampled,
	 * the first event and then one in `lagSampleInterval`.
	 */
	readonly lag: LatencySummary;
	/** True once the bus has reported a `delivered` diagnostic, i.e. per-subscription latency is available. */
	readonly hasHandlerLatency: boolean;
}
