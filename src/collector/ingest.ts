/**
 * One ingest request, whatever its format: authorisation by source, conversion, rate limit, storage, live stream.
 * The HTTP layer only maps the {@link IngestResult} onto status codes.
 */
import type {ApiKey} from './auth.js';
import type {CollectorMetrics} from './metrics.js';
import type {RateLimiter} from './rate-limit.js';
import type {EventRecord, EventStore} from './types.js';
import {toRecords, type EventLimits, type EventProblem} from './wire-format.js';

/** What happened to one ingest request. */
export type IngestResult =
	| {readonly kind: 'stored'; readonly eventIds: readonly string[]; readonly collected: number; readonly duplicates: number}
	| {readonly kind: 'invalid'; readonly problems: readonly EventProblem[]}
	| {readonly kind: 'forbidden'; readonly source: string; readonly keySource: string}
	| {readonly kind: 'too-large'; readonly source: string; readonly count: number; readonly burst: number}
	| {readonly kind: 'rate-limited'; readonly source: string; readonly retryAfterMs: number};

/** Who sent an ingest request, and how. */
export interface IngestRequest {
	readonly events: readonly unknown[];
	readonly batch: boolean;
	readonly key?: ApiKey | undefined;
	readonly webhookId?: string | undefined;
}

/** Receives every newly stored record, after its commit (the live stream). */
export type StoredListener = (records: readonly EventRecord[]) => void;

/** Turns schema-valid requests into stored events. */
export class Ingestor {
	readonly #store: EventStore;
	readonly #limiter: RateLimiter | undefined;
	readonly #metrics: CollectorMetrics;
	readonly #limits: EventLimits;
	readonly #onStored: StoredListener;

	constructor(options: {store: EventStore; limiter: RateLimiter | undefined; metrics: CollectorMetrics; limits: EventLimits; onStored: StoredListener}) {
		this.#store = options.store;
		this.#limiter = options.limiter;
		this.#metrics = options.metrics;
		this.#limits = options.limits;
		this.#onStored = options.onStored;
	}

	/** Converts, checks and stores one request. Resolves after the commit; rejects only when the store fails. */
	async ingest(request: IngestRequest): Promise<IngestResult> {
		const {records, problems} = toRecords(request.events, request.batch, {receivedAt: Date.now(), webhookId: request.webhookId, limits: this.#limits});
		if (problems.length > 0) {
			this.#metrics.reject(problems.some(problem => problem.message.includes('bytes')) ? 'too-large' : 'invalid', request.events.length);
			return {kind: 'invalid', problems};
		}
		const keySource = request.key?.source;
		const counts = new Map<string, number>();
		for (const record of records) {
			if (keySource !== undefined && record.sourceSystem !== keySource) {
				this.#metrics.reject('forbidden', records.length);
				return {kind: 'forbidden', source: record.sourceSystem, keySource};
			}
			counts.set(record.sourceSystem, (counts.get(record.sourceSystem) ?? 0) + 1);
		}
		if (this.#limiter !== undefined) {
			for (const [source, count] of counts) {
				if (count > this.#limiter.burst) {
					this.#metrics.reject('too-large', records.length);
					return {kind: 'too-large', source, count, burst: this.#limiter.burst};
				}
			}
			const decision = this.#limiter.take(counts);
			if (!decision.allowed) {
				this.#metrics.rateLimited++;
				this.#metrics.reject('rate-limited', records.length);
				return {kind: 'rate-limited', source: decision.source, retryAfterMs: decision.retryAfterMs};
			}
		}
		const outcomes = await this.#store.insert(records);
		const stored = records.filter((_, index) => outcomes[index] === 'stored');
		this.#metrics.ingested += stored.length;
		this.#metrics.duplicates += records.length - stored.length;
		if (stored.length > 0) this.#onStored(stored);
		return {kind: 'stored', eventIds: records.map(record => record.eventId), collected: stored.length, duplicates: records.length - stored.length};
	}
}
