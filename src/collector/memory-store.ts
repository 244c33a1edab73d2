/**
 * The in-memory {@link EventStore}: for tests, demos and `--memory`. Same contract as SQLite, nothing durable.
 */
import {CollectorClosedError} from './errors.js';
import {compileFilter, decodeCursor, defaultQueryLimit, encodeCursor} from './query.js';
import {StatsAccumulator} from './stats.js';
import type {EventFilter, EventPage, EventQuery, EventRecord, EventStats, EventStore, InsertOutcome, StoreHealth, WriteReport} from './types.js';

interface Entry {
	readonly record: EventRecord;
	readonly sequence: number;
}

const compareAscending = (a: Entry, b: Entry): number => a.record.timestamp - b.record.timestamp || a.sequence - b.sequence;


/** Keeps events in arrays and maps. Queries scan; fine for tests and small volumes. */
export class MemoryStore implements EventStore {
	readonly kind = 'memory';
	onWrite: ((report: WriteReport) => void) | undefined = undefined;
	#entries: Entry[] = [];
	readonly #keys = new Set<string>();
	#sequence = 0;
	#closed = false;

	#assertOpen(): void {
		if (this.#closed) throw new CollectorClosedError('store');
	}

	async insert(records: readonly EventRecord[]): Promise<readonly InsertOutcome[]> {
		this.#assertOpen();
		const started = performance.now();
		const outcomes = records.map((record): InsertOutcome => {
			// A NUL cannot appear in a source or an id (the wire format refuses control characters).
			const key = `${record.sourceSystem}\u0000${record.eventId}`;
			if (this.#keys.has(key)) return 'duplicate';
			this.#keys.add(key);
			this.#entries.push({record, sequence: ++this.#sequence});
			return 'stored';
		});
		this.onWrite?.({rows: records.length, durationMs: performance.now() - started});
		return outcomes;
	}

	async get(eventId: string): Promise<EventRecord | undefined> {
		this.#assertOpen();
		return this.#entries.find(entry => entry.record.eventId === eventId)?.record;
	}

	async query(query: EventQuery): Promise<EventPage> {
		this.#assertOpen();
		const matches = compileFilter(query);
		const descending = query.sort !== 'asc';
		let selected = this.#entries.filter(entry => matches(entry.record)).sort(compareAscending);
		if (descending) selected.reverse();
		if (query.cursor !== undefined) {
			const after = decodeCursor(query.cursor);
			selected = selected.filter(entry => {
				const order = entry.record.timestamp - after.timestamp || entry.sequence - after.sequence;
				return descending ? order < 0 : order > 0;
			});
		}
		const limit = query.limit ?? defaultQueryLimit;
		const page = selected.slice(query.offset ?? 0, (query.offset ?? 0) + limit);
		const last = page.at(-1);
		const hasMore = selected.length > (query.offset ?? 0) + limit;
		return {
			events: page.map(entry => entry.record),
			nextCursor: hasMore && last !== undefined ? encodeCursor({timestamp: last.record.timestamp, sequence: last.sequence}) : null,
		};
	}

	async byCorrelation(correlationId: string, limit = 10_000): Promise<readonly EventRecord[]> {
		this.#assertOpen();
		return this.#entries
			.filter(entry => entry.record.correlationId === correlationId)
			.sort(compareAscending)
			.slice(0, limit)
			.map(entry => entry.record);
	}

	async stats(filter: EventFilter): Promise<EventStats> {
		this.#assertOpen();
		const matches = compileFilter(filter);
		const accumulator = new StatsAccumulator();
		for (const entry of this.#entries) if (matches(entry.record)) accumulator.addRecord(entry.record);
		return accumulator.result(filter);
	}

	async prune(options: {readonly before?: number; readonly maxEvents?: number}): Promise<number> {
		this.#assertOpen();
		const before = this.#entries.length;
		const kept = this.#entries.filter(entry => options.before === undefined || entry.record.timestamp >= options.before);
		const overflow = options.maxEvents === undefined ? 0 : Math.max(0, kept.length - options.maxEvents);
		const survivors = kept.slice(overflow);
		this.#entries = survivors;
		this.#keys.clear();
		for (const entry of survivors) this.#keys.add(`${entry.record.sourceSystem}\u0000${entry.record.eventId}`);
		return before - survivors.length;
	}

	health(): StoreHealth {
		return {status: this.#closed ? 'unhealthy' : 'healthy', storage_type: this.kind, total_events: this.#entries.length, queue_depth: 0, oldest_pending_ms: 0};
	}

	async close(): Promise<void> {
		this.#closed = true;
	}
}
