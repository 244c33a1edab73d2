import {assertInteger, fail} from '../internal/assert.js';
import type {Bus, BusEvent, Consumer, DeadLetter, RetryNotice, RetryOptions, SubscriptionInfo} from '../types.js';
import {listenTo, type DeliveredNotice} from './bus-diagnostics.js';
import {pickConsumerSettings, resolveConsumerName, type ConsumerSettings} from './consumer-settings.js';
import {DeliveredTallies} from './delivered-tallies.js';
import {LatencyHistogram} from './latency-histogram.js';
import {renderPrometheus} from './metrics-exposition.js';
import {isValidMetricName} from './prometheus-text.js';
import type {MetricsSnapshot, TopicMetrics} from './metrics-snapshot.js';
import {SlidingWindowCounter} from './sliding-window-counter.js';

/** The part of a bus the metrics consumer reads: its counters, its subscriptions and its diagnostics. */
export type MetricsBus = Pick<Bus, 'on' | 'getMetrics' | 'subscriptions'>;

/** Options of {@link MetricsConsumer}. */
export interface MetricsConsumerOptions extends ConsumerSettings {
	/** @default 'metrics' */
	readonly name?: string;
	/** @default '**' */
	readonly topics?: string | readonly string[];
	/** The bus to read counters, gauges and diagnostics (retries, dead letters, handler timings) from. @default none */
	readonly bus?: MetricsBus;
	/**
	 * The sliding window of the rates, in ms. Events are placed in it by their `timestamp` (no clock read per
	 * event); one stamped earlier than the newest seen so far counts with that newest one. @default 60_000
	 */
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
	/** The lag is measured for the first event, then one in this many (each measurement reads the clock). @default 64 */
	readonly lagSampleInterval?: number;
}

interface TopicSeries {
	readonly topic: string;
	published: number;
	/** `published` as of the last time the window was brought up to date. */
	windowed: number;
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
 * per-topic and per-subscription failures, retries and dead letters from its diagnostics, and delivered counts and
 * handler latency percentiles per subscription from its sampled `delivered` diagnostic and `subscriptions()`.
 * `snapshot()` returns plain data; `toPrometheus()` the Prometheus text format.
 *
 * Memory is bounded: at most `maxTopics` topic series and `maxSubscriptions` subscription series (the rest are summed
 * under `overflowLabel`), and each latency histogram is fixed-size. `consume` never throws: there is no sink to fail.
 * Per event it reads no clock, except for the one in `lagSampleInterval` whose lag it measures.
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
	readonly #lagSampleInterval: number;
	readonly #topics = new Map<string, TopicSeries>();
	readonly #subscriptions = new Map<string, SubscriptionSeries>();
	/** Per subscription id, those summed under the overflow label included (forgotten once the bus no longer lists them). */
	readonly #tallies: DeliveredTallies<TopicSeries>;
	/** Tallies kept before a notice catches up with the bus's subscriptions (see `#catchUp`). */
	#catchUpAt = 1024;
	readonly #window: SlidingWindowCounter;
	readonly #lag = new LatencyHistogram();
	readonly #startedAt = Date.now();
	readonly #unlisten: (() => void)[] = [];
	readonly #bucketMs: number;
	#topicOverflow: TopicSeries | undefined;
	#subscriptionOverflow: SubscriptionSeries | undefined;
	#observed = 0;
	/** `#observed` as of the last time the windows were brought up to date. */
	#windowedObserved = 0;
	/** When the windows were last brought up to date: the counts since then belong to its bucket. */
	#windowedAt = this.#startedAt;
	/** The end of that bucket: an event stamped at or after it means the windows must be brought up to date first. */
	#windowEndsAt = 0;
	/** Events still to count before the next one whose lag is measured. */
	#untilLagSample = 0;
	#hasHandlerLatency = false;
	/** The topic of the last event counted as published, and its series. */
	#lastTopic: string | undefined;
	#lastSeries: TopicSeries | undefined;

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
		assertInteger('options.lagSampleInterval', options?.lagSampleInterval, 1);
		this.#windowMs = options?.windowMs ?? 60_000;
		this.#windowBuckets = Math.min(options?.windowBuckets ?? 12, this.#windowMs);
		this.#maxTopics = options?.maxTopics ?? 1000;
		this.#maxSubscriptions = options?.maxSubscriptions ?? 500;
		this.#topN = options?.topN ?? 10;
		this.#lagSampleInterval = options?.lagSampleInterval ?? 64;
		this.#overflowLabel = options?.overflowLabel ?? '~other';
		if (typeof this.#overflowLabel !== 'string' || this.#overflowLabel === '') fail('options.overflowLabel', 'a non-empty string', this.#overflowLabel);
		this.#prefix = options?.prefix ?? 'topicbus_';
		if (typeof this.#prefix !== 'string' || !isValidMetricName(`${this.#prefix}x`)) fail('options.prefix', 'a metric name prefix such as `topicbus_`', this.#prefix);
		this.#window = new SlidingWindowCounter(this.#windowMs, this.#windowBuckets);
		this.#bucketMs = this.#windowMs / this.#windowBuckets;
		this.#windowEndsAt = this.#bucketEnd(this.#startedAt);
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
		this.#tallies = new DeliveredTallies(this.#bus?.subscriptions() ?? []);
	}

	/** Counts each event under its topic, and samples its lag. Never throws. */
	consume(events: BusEvent | readonly BusEvent[]): void {
		if (!Array.isArray(events)) {
			this.#count(events as BusEvent);
			return;
		}
		for (const event of events as readonly BusEvent[]) this.#count(event);
	}

	/** Everything this consumer knows, as of now, as plain data (see {@link MetricsSnapshot}). */
	snapshot(): MetricsSnapshot {
		const now = Date.now();
		this.#updateWindows(now);
		const infos = this.#catchUp();
		const topics = [...this.#topics.values()].map(series => this.#topicMetrics(series, now));
		const topTopics = [...topics].sort((a, b) => b.ratePerSecond - a.ratePerSecond || b.published - a.published).slice(0, this.#topN);
		if (this.#topicOverflow !== undefined) topics.push(this.#topicMetrics(this.#topicOverflow, now));
		const names = new Map(infos.map(info => [info.id, info.name]));
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

	#count(event: BusEvent): void {
		// Timestamps are the bus's clock, read at acceptance: one past the current bucket is the cue to read it here.
		if (event.timestamp >= this.#windowEndsAt) {
			const now = Date.now();
			if (now >= this.#windowEndsAt) this.#updateWindows(now);
		}
		this.#observed++;
		if (this.#untilLagSample === 0) {
			this.#untilLagSample = this.#lagSampleInterval - 1;
			this.#lag.record(Date.now() - event.timestamp);
		} else {
			this.#untilLagSample--;
		}
		const topic = event.topic;
		// Events come in runs of one topic often enough that the last series is worth trying before the map.
		if (topic === this.#lastTopic) {
			this.#lastSeries!.published++;
			return;
		}
		// The bus's own events (dead letters) are reports about other events, not publishes.
		if (topic.charCodeAt(0) === 36 /* $ */) return;
		const series = this.#topic(topic);
		series.published++;
		this.#lastTopic = topic;
		this.#lastSeries = series;
	}

	/** Adds the counts since the last update to the windows, in the bucket of that update; the next bucket opens at `now`. */
	#updateWindows(now: number): void {
		const at = this.#windowedAt;
		if (this.#observed !== this.#windowedObserved) this.#window.add(at, this.#observed - this.#windowedObserved);
		this.#windowedObserved = this.#observed;
		for (const series of this.#topics.values()) addToWindow(series, at);
		if (this.#topicOverflow !== undefined) addToWindow(this.#topicOverflow, at);
		// The wall clock can step back; a window never does.
		if (now > at) {
			this.#windowedAt = now;
			this.#windowEndsAt = this.#bucketEnd(now);
		}
	}

	#bucketEnd(time: number): number {
		return (Math.floor(time / this.#bucketMs) + 1) * this.#bucketMs;
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
		if (isDrop && (letter.subscription === undefined || letter.subscription.name === this.name)) topic.published++;
		if (letter.subscription === undefined) return;
		const subscription = this.#subscription(letter.subscription.id, letter.subscription.name);
		subscription.deadLettered++;
		if (isDrop) subscription.dropped++;
		else subscription.failedAttempts++;
	};

	/** Credits the calls the bus counted since the last notices, and forgets the tallies of ended subscriptions. */
	#catchUp(): readonly SubscriptionInfo[] {
		const infos = this.#bus?.subscriptions() ?? [];
		for (const {info, calls, topic} of this.#tallies.catchUp(infos, id => this.#subscriptions.has(id))) {
			this.#subscription(info.id, info.name).delivered += calls;
			if (topic !== undefined) topic.delivered += calls;
		}
		// Between scrapes, subscriptions that come and go (`once`, short-lived ones) would pile up tallies.
		this.#catchUpAt = Math.max(1024, this.#tallies.size * 2);
		return infos;
	}

	/** A sampled call: it and the unreported calls of its subscription before it are credited to its topic. */
	readonly #onDelivered = (notice: DeliveredNotice): void => {
		this.#hasHandlerLatency = true;
		const subscription = this.#subscription(notice.subscriptionId, notice.subscriptionName);
		const topic = notice.event === undefined ? undefined : this.#topic(notice.event.topic);
		if (this.#tallies.size >= this.#catchUpAt && this.#bus !== undefined) this.#catchUp();
		const calls = this.#tallies.noticed(notice.subscriptionId, notice.delivered, topic);
		subscription.delivered += calls;
		if (topic !== undefined) topic.delivered += calls;
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
		return {topic, published: 0, windowed: 0, delivered: 0, failedAttempts: 0, retried: 0, dropped: 0, deadLettered: 0, window: new SlidingWindowCounter(this.#windowMs, this.#windowBuckets)};
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

function addToWindow(series: TopicSeries, at: number): void {
	if (series.published === series.windowed) return;
	series.window.add(at, series.published - series.windowed);
	series.windowed = series.published;
}
