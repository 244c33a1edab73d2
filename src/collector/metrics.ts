/**
 * The collector's counters and their Prometheus text exposition (`GET /metrics`).
 */

/** Why a request or an event was refused; each is a label value of `topicbus_collector_rejected_total`. */
export type RejectReason = 'invalid' | 'too-large' | 'unauthorized' | 'forbidden' | 'bad-signature' | 'rate-limited' | 'unsupported-media-type' | 'store-error';

const batchBuckets = [1, 10, 100, 1000, 10_000] as const;
const latencyBuckets = [1, 5, 10, 25, 50, 100, 250, 1000] as const;

class Histogram {
	readonly counts: number[];
	sum = 0;
	count = 0;

	constructor(readonly bounds: readonly number[]) {
		this.counts = bounds.map(() => 0);
	}

	observe(value: number): void {
		this.sum += value;
		this.count++;
		for (const [index, bound] of this.bounds.entries()) if (value <= bound) this.counts[index]!++;
	}

	render(name: string, help: string): string {
		const lines = [`# HELP ${name} ${help}`, `# TYPE ${name} histogram`];
		for (const [index, bound] of this.bounds.entries()) lines.push(`${name}_bucket{le="${bound}"} ${this.counts[index]}`);
		lines.push(`${name}_bucket{le="+Inf"} ${this.count}`, `${name}_sum ${this.sum}`, `${name}_count ${this.count}`);
		return lines.join('\n');
	}
}

/** Gauges read at scrape time. */
export interface MetricsGauges {
	readonly wsClients: number;
	readonly queueDepth: number;
	readonly dbSizeBytes: number | undefined;
	readonly totalEvents: number;
}

/** Counts what the collector did; renders Prometheus text. */
export class CollectorMetrics {
	ingested = 0;
	duplicates = 0;
	rateLimited = 0;
	queryRateLimited = 0;
	slowClientsClosed = 0;
	streamed = 0;
	readonly rejected = new Map<RejectReason, number>();
	readonly #batchSizes = new Histogram(batchBuckets);
	readonly #writeLatency = new Histogram(latencyBuckets);

	reject(reason: RejectReason, count = 1): void {
		this.rejected.set(reason, (this.rejected.get(reason) ?? 0) + count);
	}

	/** Records one store commit: how many rows, how long it took. */
	observeWrite(rows: number, durationMs: number): void {
		this.#batchSizes.observe(rows);
		this.#writeLatency.observe(durationMs);
	}

	render(gauges: MetricsGauges): string {
		const counter = (name: string, help: string, value: number): string => `# HELP ${name} ${help}\n# TYPE ${name} counter\n${name} ${value}`;
		const gauge = (name: string, help: string, value: number): string => `# HELP ${name} ${help}\n# TYPE ${name} gauge\n${name} ${value}`;
		const rejected = ['# HELP topicbus_collector_rejected_total Events or requests refused, by reason.', '# TYPE topicbus_collector_rejected_total counter'];
		for (const [reason, value] of [...this.rejected.entries()].sort()) rejected.push(`topicbus_collector_rejected_total{reason="${reason}"} ${value}`);
		const parts = [
			counter('topicbus_collector_events_ingested_total', 'Events stored.', this.ingested),
			counter('topicbus_collector_events_duplicate_total', 'Events received again under a stored (source, id) and not stored twice.', this.duplicates),
			rejected.join('\n'),
			counter('topicbus_collector_rate_limited_total', 'Requests refused with 429 by the per-source rate limit.', this.rateLimited),
			counter('topicbus_collector_query_rate_limited_total', 'Read requests refused with 429 by the per-client query rate limit.', this.queryRateLimited),
			counter('topicbus_collector_stream_messages_total', 'Events sent to WebSocket clients.', this.streamed),
			counter('topicbus_collector_stream_slow_clients_closed_total', 'WebSocket clients closed because their send queue was full.', this.slowClientsClosed),
			gauge('topicbus_collector_ws_clients', 'Connected WebSocket clients.', gauges.wsClients),
			gauge('topicbus_collector_write_queue_depth', 'Events waiting to be committed.', gauges.queueDepth),
			gauge('topicbus_collector_events_stored', 'Events in the store.', gauges.totalEvents),
			this.#batchSizes.render('topicbus_collector_write_batch_rows', 'Rows per store commit.'),
			this.#writeLatency.render('topicbus_collector_write_duration_ms', 'Time per store commit, in milliseconds.'),
		];
		if (gauges.dbSizeBytes !== undefined) parts.push(gauge('topicbus_collector_db_size_bytes', 'Size of the database file and its WAL.', gauges.dbSizeBytes));
		return `${parts.join('\n')}\n`;
	}
}
