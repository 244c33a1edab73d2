import {assertInteger, fail} from '../internal/assert.js';
import type {Bus, BusEvent, BusMetrics, Consumer, DeadLetter, RetryNotice, RetryOptions} from '../types.js';
import {listenTo, type DeliveredNotice} from './bus-diagnostics.js';
import {pickConsumerSettings, resolveConsumerName, type ConsumerSettings} from './consumer-settings.js';
import {LatencyHistogram, type LatencySummary} from './latency-histogram.js';
import {renderPrometheus} from './metrics-exposition.js';
import {isValidMetricName} from './prometheus-text.js';
import {SlidingWindowCounter} from './sliding-window-counter.js';

/** The part of a bus the metrics consumer reads: its counters, its subscriptions and its diagnostics. */
export type MetricsBus = Pick<Bus, 'on' | 'getMetrics' | 'subscriptions'>;

/**
 * Counters of one topic. Events and attempts are counted apart: `published`, `dropped` and `deadLettered` count
 * events; `delivered`, `failedAttempts` and `retried` count handler calls (one event to three subscribers is three).
 * `published` counts what this consumer saw plus what was dropped before reaching it; the bus's own `$`-topics
 * (`$bus.dead-letter`) are never counted as published.
 */
export interface TopicMetrics {
	readonly topic: string;
	readonly published: number;
	/** Successful handler calls (needs the bus's `delivered` diagnostic; 0 without it). */
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
	readonly delivered: number;
	/** Failed handler attempts, retried or not. */
	readonly failedAttempts: number;
	readonly retried: number;
	readonly dropped: number;
	readonly deadLettered: number;
	/** Handler call durations; `undefined` until the bus reports a `delivered` diagnostic for this subscription. */
	readonly latency: LatencySummary | undefined;
}

/** Everything a {@link MetricsConsumer} knows, as plain data. */
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
	/** From an event's acceptance (its `timestamp`) to its arrival here: the queueing delay the bus adds. */
	readonly lag: LatencySummary;
	/** True once the bus has reported a `delivered` diagnostic, i.e. per-subscription latency is available. */
	readonly hasHandlerLatency: boolean;
}

/** Options of {@link MetricsConsumer}. */
export interface MetricsConsumerOptions extends ConsumerSettings {
	/** @default 'metrics' */
	readonly name?: string;
	/** @default '**' */
	readonly topics?: string | readonly string[];
	/** The bus to read counters, gauges and diagnostics (retries, dead letters, handler timings) from. @default none */
	readonly bus?: MetricsBus;
	/** The sliding window of the rates, in ms. @default 60_000 */
	readonly windowMs?: number;
	/** Sub-windows the window slides by. @default 12 */
	readonly windowBuckets?: number;
	/** Topics with their own series; later ones are summed under `overflowLabel`. @default 1_000 */
	readonly maxTopics?: number;
	/** Subscriptions with their own series; later ones are summed under `overflowLabel`. @default 500 */
	readonly maxSubscriptions?: number;
	/** How many topics `topTopics` lists. @default 10 */
	readonly topN?: number;
	/** The topic and subscription label of the overflow series; `~` cannot appear in a topic. @default '~other' */
	readonly overflowLabel?: string;
	/** Prefix of every metric name in `toPrometheus()`. @default 'topicbus_' */
	readonly prefix?: string;
}

interface TopicSeries {
	readonly topic: string;
	published: number;
	delivered: number;
	failedAttempts: number;
	retried: number;
	dropped: number;
	deadLettered: number;
	readonly window: SlidingWindowCounter;
}

interface SubscriptionSeries {
	readonly id: string;
	name: string | undefined;
	delivered: number;
	failedAttempts: number;
	retried: number;
	dropped: number;
	deadLettered: number;
	latency: LatencyHistogram | undefined;
}

/**
 * Counts events per topic, with rates over a sliding window, and (given the `bus`) the bus's counters and gauges,
 * per-topic and per-subscription failures, retries and dead letters from its diagnostics, and handler latency
 * percentiles per subscription from its `delivered` diagnostic once the bus emits one. `snapshot()` returns plain
 * data; `toPrometheus()` the Prometheus text format.
 *
 * Memory is bounded: at most `maxTopics` topic series and `maxSubscriptions` subscription series (the rest are summed
 * under `overflowLabel`), and each latency histogram is fixed-size. `consume` never throws: there is no sink to fail.
 *
 * @example
 * ```ts
 * const metrics = new MetricsConsumer({bus});
 * bus.use(metrics);
 * http.createServer((request, response) => response.end(metrics.toPrometheus()));
 * ```
 */
export class MetricsConsumer implements Consumer {
	readonly name: string;
	readonly topics: string | readonly string[];
	readonly priority?: number;
	readonly filter?: (event: BusEvent) => boolean;
	readonly retry?: RetryOptions;
	readonly timeoutMs?: number;
	readonly #bus: MetricsBus | undefined;
	readonly #windowMs: number;
	readonly #windowBuckets: number;
	readonly #maxTopics: number;
	readonly #maxSubscriptions: number;
	readonly #topN: number;
	readonly #overflowLabel: string;
	readonly #prefix: string;
	readonly #topics = new Map<string, TopicSeries>();
	readonly #subscriptions = new Map<string, SubscriptionSeries>();
	readonly #window: SlidingWindowCounter;
	readonly #lag = new LatencyHistogram();
	readonly #startedAt = Date.now();
	readonly #unlisten: (() => void)[] = [];
	#topicOverflow: TopicSeries | undefined;
	#subscriptionOverflow: SubscriptionSeries | undefined;
	#observed = 0;
	#hasHandlerLatency = false;

	/** @throws {TypeError} when an option has the wrong type or range. */
	constructor(options?: MetricsConsumerOptions) {
		this.name = resolveConsumerName(options, 'metrics');
		this.topics = options?.topics ?? '**';
		Object.assign(this, pickConsumerSettings(options));
		assertInteger('options.windowMs', options?.windowMs, 1);
		assertInteger('options.windowBuckets', options?.windowBuckets, 1);
		assertInteger('options.maxTopics', options?.maxTopics, 1);
		assertInteger('options.maxSubscriptions', options?.maxSubscriptions, 1);
		assertInteger('options.topN', options?.topN, 0);
		this.#windowMs = options?.windowMs ?? 60_000;
		this.#windowBuckets = Math.min(options?.windowBuckets ?? 12, this.#windowMs);
		this.#maxTopics = options?.maxTopics ?? 1000;
		this.#maxSubscriptions = options?.maxSubscriptions ?? 500;
		this.#topN = options?.topN ?? 10;
		this.#overflowLabel = options?.overflowLabel ?? '~other';
		if (typeof this.#overflowLabel !== 'string' || this.#overflowLabel === '') fail('options.overflowLabel', 'a non-empty string', this.#overflowLabel);
		this.#prefix = options?.prefix ?? 'topicbus_';
		if (typeof this.#prefix !== 'string' || !isValidMetricName(`${this.#prefix}x`)) fail('options.prefix', 'a metric name prefix such as `topicbus_`', this.#prefix);
		this.#window = new SlidingWindowCounter(this.#windowMs, this.#windowBuckets);
		const bus = options?.bus;
		if (bus !== undefined) {
			if (typeof bus !== 'object' || bus === null || typeof bus.on !== 'function' || typeof bus.getMetrics !== 'function') fail('options.bus', 'a bus', bus);
			this.#bus = bus;
			this.#unlisten.push(
				listenTo(bus, 'retry', this.#onRetry),
				listenTo(bus, 'deadLetter', this.#onDeadLetter),
				listenTo(bus, 'delivered', this.#onDelivered),
			);
		}
	}

	/** Counts each event under its topic and records its lag. Never throws. */
	consume(events: BusEvent | readonly BusEvent[]): void {
		const now = Date.now();
		if (!Array.isArray(events)) {
			this.#count(events as BusEvent, now);
			return;
		}
		for (const event of events as readonly BusEvent[]) this.#count(event, now);
	}

	/** Everything this consumer knows, as of now, as plain data (see {@link MetricsSnapshot}). */
	snapshot(): MetricsSnapshot {
		const now = Date.now();
		const topics = [...this.#topics.values()].map(series => this.#topicMetrics(series, now));
		const topTopics = [...topics].sort((a, b) => b.ratePerSecond - a.ratePerSecond || b.published - a.published).slice(0, this.#topN);
		if (this.#topicOverflow !== undefined) topics.push(this.#topicMetrics(this.#topicOverflow, now));
		const names = new Map(this.#bus?.subscriptions().map(info => [info.id, info.name]));
		const subscriptions = [...this.#subscriptions.values(), ...(this.#subscriptionOverflow === undefined ? [] : [this.#subscriptionOverflow])].map(series => ({
			id: series.id,
			name: series.name ?? names.get(series.id) ?? series.id,
			delivered: series.delivered,
			failedAttempts: series.failedAttempts,
			retried: series.retried,
			dropped: series.dropped,
			deadLettered: series.deadLettered,
			latency: series.latency?.summary(),
		}));
		return {
			takenAt: now,
			windowMs: this.#windowMs,
			bus: this.#bus?.getMetrics(),
			observed: {total: this.#observed, ratePerSecond: this.#window.rate(now, this.#startedAt)},
			topics,
			topTopics,
			subscriptions,
			lag: this.#lag.summary(),
			hasHandlerLatency: this.#hasHandlerLatency,
		};
	}

	/**
	 * The snapshot in the Prometheus text exposition format (0.0.4): counters end in `_total`, latencies are
	 * summaries in seconds with `quantile` labels plus `_sum` and `_count`, label values are escaped.
	 */
	toPrometheus(): string {
		return renderPrometheus(this.snapshot(), this.#prefix);
	}

	/** Stops listening to the bus's diagnostics. Called by the bus when the consumer is removed or the bus closes. */
	close(): void {
		for (const unlisten of this.#unlisten.splice(0)) unlisten();
	}

	#count(event: BusEvent, now: number): void {
		this.#observed++;
		this.#window.add(now);
		this.#lag.record(now - event.timestamp);
		// The bus's own events (dead letters) are reports about other events, not publishes.
		if (event.topic.startsWith('$')) return;
		const series = this.#topic(event.topic);
		series.published++;
		series.window.add(now);
	}

	readonly #onRetry = (notice: RetryNotice): void => {
		const topic = this.#topic(notice.event.topic);
		topic.failedAttempts++;
		topic.retried++;
		const subscription = this.#subscription(notice.subscriptionId, undefined);
		subscription.failedAttempts++;
		subscription.retried++;
	};

	readonly #onDeadLetter = (letter: DeadLetter): void => {
		const isDrop = letter.reason !== 'handler-failed' && letter.reason !== 'filter-failed';
		const topic = this.#topic(letter.event.topic);
		topic.deadLettered++;
		if (isDrop) topic.dropped++;
		else topic.failedAttempts++;
		// Dropped before dispatch, or from this consumer's own buffer: published, but never seen by `consume`.
		if (isDrop && (letter.subscription === undefined || letter.subscription.name === this.name)) {
			topic.published++;
			topic.window.add(Date.now());
		}
		if (letter.subscription === undefined) return;
		const subscription = this.#subscription(letter.subscription.id, letter.subscription.name);
		subscription.deadLettered++;
		if (isDrop) subscription.dropped++;
		else subscription.failedAttempts++;
	};

	readonly #onDelivered = (notice: DeliveredNotice): void => {
		this.#hasHandlerLatency = true;
		if (notice.event !== undefined) this.#topic(notice.event.topic).delivered++;
		const subscription = this.#subscription(notice.subscriptionId, notice.subscriptionName);
		subscription.delivered++;
		subscription.latency ??= new LatencyHistogram();
		subscription.latency.record(notice.durationMs);
	};

	#topic(topic: string): TopicSeries {
		let series = this.#topics.get(topic);
		if (series !== undefined) return series;
		if (this.#topics.size >= this.#maxTopics) {
			this.#topicOverflow ??= this.#createTopicSeries(this.#overflowLabel);
			return this.#topicOverflow;
		}
		series = this.#createTopicSeries(topic);
		this.#topics.set(topic, series);
		return series;
	}

	#createTopicSeries(topic: string): TopicSeries {
		return {topic, published: 0, delivered: 0, failedAttempts: 0, retried: 0, dropped: 0, deadLettered: 0, window: new SlidingWindowCounter(this.#windowMs, this.#windowBuckets)};
	}

	#subscription(id: string, name: string | undefined): SubscriptionSeries {
		let series = this.#subscriptions.get(id);
		if (series === undefined) {
			if (this.#subscriptions.size >= this.#maxSubscriptions) {
				this.#subscriptionOverflow ??= {id: this.#overflowLabel, name: this.#overflowLabel, delivered: 0, failedAttempts: 0, retried: 0, dropped: 0, deadLettered: 0, latency: undefined};
				return this.#subscriptionOverflow;
			}
			series = {id, name, delivered: 0, failedAttempts: 0, retried: 0, dropped: 0, deadLettered: 0, latency: undefined};
			this.#subscriptions.set(id, series);
		}
		series.name ??= name;
		return series;
	}

	#topicMetrics(series: TopicSeries, now: number): TopicMetrics {
		const {topic, published, delivered, failedAttempts, retried, dropped, deadLettered} = series;
		return {topic, published, delivered, failedAttempts, retried, dropped, deadLettered, ratePerSecond: series.window.rate(now, this.#startedAt)};
	}
}
