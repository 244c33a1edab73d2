/**
 * Public contracts of the collector: the stored event, filters, query results, statistics and the store interface.
 * Types only; the runtime lives beside this file.
 */

/** Severity levels of the reference format, lowest first. */
export const severities = ['debug', 'info', 'warning', 'error', 'critical'] as const;

/** One of {@link severities}. */
export type Severity = (typeof severities)[number];

/**
 * An event as the collector stores it and returns it everywhere (HTTP, WebSocket, CLI). Times are ISO 8601 in UTC.
 * `(source_system, event_id)` is unique: a re-sent event is recognised as a duplicate and not stored twice.
 */
export interface CollectedEvent {
	readonly event_id: string;
	/** When the event happened, as the sender said (or when it was received, if the sender did not say). */
	readonly timestamp: string;
	readonly source_system: string;
	/** The event's type; a topicbus topic such as `order.created` when forwarded from a bus. */
	readonly event_type: string;
	readonly severity: Severity;
	readonly correlation_id: string | null;
	readonly causation_id: string | null;
	readonly data: unknown;
	readonly tags: readonly string[];
	readonly metadata: Readonly<Record<string, unknown>>;
	/** When the collector accepted it. */
	readonly received_at: string;
}

/** An event ready to be stored: {@link CollectedEvent} with times in milliseconds since the epoch. */
export interface EventRecord {
	readonly eventId: string;
	readonly timestamp: number;
	readonly sourceSystem: string;
	readonly eventType: string;
	readonly severity: Severity;
	readonly correlationId: string | null;
	readonly causationId: string | null;
	readonly data: unknown;
	readonly tags: readonly string[];
	readonly metadata: Readonly<Record<string, unknown>>;
	readonly receivedAt: number;
	/** `data` and `metadata` as JSON, when the caller already serialised them (stores then need not do it again). */
	readonly json?: {readonly data: string; readonly metadata: string};
}

/** What a store did with each record of one insert, in order. */
export type InsertOutcome = 'stored' | 'duplicate';

/** Filters shared by queries, statistics and the live stream. Every field narrows; absent fields do not. */
export interface EventFilter {
	readonly sourceSystem?: string;
	/** An exact event type, or a topic pattern (`order.*`, `**.failed`) matched with topicbus's own matcher. */
	readonly eventType?: string;
	readonly severity?: Severity;
	readonly minSeverity?: Severity;
	/** Inclusive, in milliseconds since the epoch. */
	readonly startTime?: number;
	/** Inclusive, in milliseconds since the epoch. */
	readonly endTime?: number;
	readonly correlationId?: string;
	/** Every tag must be present. */
	readonly tags?: readonly string[];
	/** A case-insensitive substring of the event type, data, tags or metadata. */
	readonly text?: string;
}

/** A page request over {@link EventFilter}. */
export interface EventQuery extends EventFilter {
	/** @default 100 */
	readonly limit?: number;
	/** Skips this many events (after the cursor, if any). Prefer `cursor`: it is stable while events arrive. */
	readonly offset?: number;
	/** The `next_cursor` of the previous page. */
	readonly cursor?: string;
	/** By `timestamp`, then by arrival. @default 'desc' */
	readonly sort?: 'asc' | 'desc';
}

/** One page of events, and the cursor of the next page (`null` on the last page). */
export interface EventPage {
	readonly events: readonly EventRecord[];
	readonly nextCursor: string | null;
}

/** Counts of the events of one hour (`hour` is the ISO time of its start). */
export interface HourBucket {
	readonly hour: string;
	readonly total: number;
	readonly by_severity: Readonly<Record<string, number>>;
	readonly by_source_system: Readonly<Record<string, number>>;
}

/** Counts over a filter, in the reference's shape plus `by_hour` and `by_component`. */
export interface EventStats {
	readonly total_events: number;
	readonly by_source_system: Readonly<Record<string, number>>;
	readonly by_event_type: Readonly<Record<string, number>>;
	readonly by_severity: Readonly<Record<string, number>>;
	/** By `metadata.source_component` (or `metadata.component`); events with neither are not counted here. */
	readonly by_component: Readonly<Record<string, number>>;
	readonly by_hour: readonly HourBucket[];
	readonly time_range: {readonly start: string | null; readonly end: string | null};
}

/** A store's health, for `GET /health`. */
export interface StoreHealth {
	readonly status: 'healthy' | 'unhealthy';
	readonly storage_type: string;
	readonly total_events: number;
	/** Records waiting to be committed. */
	readonly queue_depth: number;
	/** How long the oldest waiting record has waited, in milliseconds (0 when none waits). */
	readonly oldest_pending_ms: number;
	readonly db_path?: string;
	readonly db_size_bytes?: number;
	readonly error?: string;
}

/** A write's figures, reported to the metrics after each commit. */
export interface WriteReport {
	readonly rows: number;
	readonly durationMs: number;
}

/**
 * Where the collector keeps events. SQLite and in-memory implement it now; a server database can follow.
 *
 * Contract: `insert` resolves only once every record is durable as far as the store promises (committed, for
 * SQLite), with one outcome per record in order; a record whose `(sourceSystem, eventId)` is already stored (or
 * appears earlier in the same call) is a `duplicate` and is not stored again. Reads see every insert that resolved.
 * After `close` resolves, nothing is pending and every method rejects.
 */
export interface EventStore {
	readonly kind: string;
	insert(records: readonly EventRecord[]): Promise<readonly InsertOutcome[]>;
	get(eventId: string): Promise<EventRecord | undefined>;
	query(query: EventQuery): Promise<EventPage>;
	/** Every event of one correlation id, oldest first (bounded by `limit`, default 10,000). */
	byCorrelation(correlationId: string, limit?: number): Promise<readonly EventRecord[]>;
	stats(filter: EventFilter): Promise<EventStats>;
	/** Deletes events older than `before` (ms) and beyond the newest `maxEvents`; resolves with how many went. */
	prune(options: {readonly before?: number; readonly maxEvents?: number}): Promise<number>;
	health(): StoreHealth;
	/** Called after each commit with its figures (one listener). */
	onWrite?: ((report: WriteReport) => void) | undefined;
	close(): Promise<void>;
}
