/**
 * The counters and histograms of one HTTP destination, and their Prometheus text. Counters only grow; the metrics
 * consumer's snapshot and `/metrics` can add these beside the bus's own.
 */

/** A cumulative histogram with fixed upper bounds (Prometheus style). */
export interface HistogramSnapshot {
	/** Upper bounds, ascending; the last bucket (`+Inf`) is `count`. */
	readonly bounds: readonly number[];
	/** Observations at or below each bound, cumulative. */
	readonly buckets: readonly number[];
	readonly count: number;
	readonly sum: number;
}

export class Histogram {
	readonly #bounds: readonly number[];
	readonly #counts: number[];
	#count = 0;
	#sum = 0;

	constructor(bounds: readonly number[]) {
		this.#bounds = bounds;
		this.#counts = bounds.map(() => 0);
	}

	observe(value: number): void {
		this.#count++;
		this.#sum += value;
		const index = this.#bounds.findIndex(bound => value <= bound);
		if (index !== -1) this.#counts[index]!++;
	}

	snapshot(): HistogramSnapshot {
		let running = 0;
		const buckets = this.#counts.map(count => (running += count));
		return {bounds: this.#bounds, buckets, count: this.#count, sum: this.#sum};
	}
}

/** What one destination (the collector, or one webhook endpoint) counted. */
export interface DeliveryMetrics {
	readonly destination: string;
	/** Events taken into the spool or the memory buffer. */
	readonly accepted: number;
	/** Events the destination acknowledged with a 2xx. */
	readonly sent: number;
	/** Events dead-lettered because of the destination's answer, a retry time limit, 410 or their size. */
	readonly failed: number;
	/** Events dead-lettered because the buffer was full (`drop-newest`) or the memory buffer closed with them. */
	readonly dropped: number;
	/** Requests sent, first attempts and retries. */
	readonly requests: number;
	/** Attempts that failed in a retryable way and were scheduled again. */
	readonly retries: number;
	/** Gauges, read at call time. */
	readonly queueDepth: number;
	readonly queueBytes: number;
	readonly breakerState: 'closed' | 'open' | 'half-open';
	readonly breakerOpened: number;
	/** Events per request. */
	readonly batchSize: HistogramSnapshot;
	/** Seconds from request start to the answer (or the failure). */
	readonly requestSeconds: HistogramSnapshot;
}

export const batchSizeBounds = [1, 10, 50, 100, 250, 500, 1000, 5000];
export const requestSecondsBounds = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

const breakerStates = ['closed', 'open', 'half-open'] as const;

/**
 * Prometheus text exposition of several destinations, metric families `<prefix>_...` with a `destination` label.
 * A fragment: the `# HELP`/`# TYPE` lines plus samples, to append to the bus's own exposition.
 */
export function deliveryMetricsText(all: readonly DeliveryMetrics[], prefix: string): string {
	const lines: string[] = [];
	const family = (name: string, type: 'counter' | 'gauge' | 'histogram', help: string, sample: (metrics: DeliveryMetrics, label: string) => void): void => {
		lines.push(`# HELP ${prefix}_${name} ${help}`, `# TYPE ${prefix}_${name} ${type}`);
		for (const metrics of all) sample(metrics, `destination="${escapeLabel(metrics.destination)}"`);
	};
	const counter = (name: string, help: string, pick: (metrics: DeliveryMetrics) => number): void =>
		family(name, 'counter', help, (metrics, label) => lines.push(`${prefix}_${name}{${label}} ${pick(metrics)}`));
	const gauge = (name: string, help: string, pick: (metrics: DeliveryMetrics) => number): void =>
		family(name, 'gauge', help, (metrics, label) => lines.push(`${prefix}_${name}{${label}} ${pick(metrics)}`));
	const histogram = (name: string, help: string, pick: (metrics: DeliveryMetrics) => HistogramSnapshot): void =>
		family(name, 'histogram', help, (metrics, label) => {
			const snapshot = pick(metrics);
			snapshot.bounds.forEach((bound, index) => lines.push(`${prefix}_${name}_bucket{${label},le="${bound}"} ${snapshot.buckets[index]}`));
			lines.push(`${prefix}_${name}_bucket{${label},le="+Inf"} ${snapshot.count}`, `${prefix}_${name}_sum{${label}} ${snapshot.sum}`, `${prefix}_${name}_count{${label}} ${snapshot.count}`);
		});

	counter('events_accepted_total', 'Events taken into the spool or buffer.', metrics => metrics.accepted);
	counter('events_sent_total', 'Events acknowledged with a 2xx.', metrics => metrics.sent);
	counter('events_failed_total', 'Events dead-lettered after a permanent failure.', metrics => metrics.failed);
	counter('events_dropped_total', 'Events dead-lettered because the buffer was full or closed.', metrics => metrics.dropped);
	counter('requests_total', 'HTTP requests sent.', metrics => metrics.requests);
	counter('retries_total', 'Attempts that failed and were retried.', metrics => metrics.retries);
	counter('breaker_opened_total', 'Times the circuit breaker opened.', metrics => metrics.breakerOpened);
	gauge('queue_events', 'Events waiting for delivery.', metrics => metrics.queueDepth);
	gauge('queue_bytes', 'Bytes the waiting events take.', metrics => metrics.queueBytes);
	family('breaker_state', 'gauge', 'Circuit breaker state (1 for the current one).', (metrics, label) => {
		for (const state of breakerStates) lines.push(`${prefix}_breaker_state{${label},state="${state}"} ${metrics.breakerState === state ? 1 : 0}`);
	});
	histogram('batch_size', 'Events per request.', metrics => metrics.batchSize);
	histogram('request_duration_seconds', 'Time from request start to its answer or failure.', metrics => metrics.requestSeconds);
	return `${lines.join('\n')}\n`;
}

function escapeLabel(value: string): string {
	return value.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('\n', '\\n');
}
