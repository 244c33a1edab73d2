/**
 * The SQLite {@link EventStore}, and the one module that imports better-sqlite3.
 *
 * One connection, WAL mode. Writes go through one writer that group-commits: every `insert` made while the event
 * loop is busy joins the next transaction (at most `maxTransactionRows` rows), and each caller's promise resolves
 * only after that transaction committed. Durability: `synchronous=NORMAL` (the default) survives a crash of the
 * process (a SIGKILL loses no committed row); a power loss or OS crash may lose the transactions committed since
 * the last WAL sync. `synchronous: 'full'` syncs the WAL on every commit, so a power loss loses nothing
 * acknowledged, at a cost in throughput.
 */
import {statSync} from 'node:fs';
import {createRequire} from 'node:module';
import {Worker} from 'node:worker_threads';
import Database from 'better-sqlite3';
import {CollectorClosedError} from './errors.js';
import {decodeCursor, defaultQueryLimit, encodeCursor, isTypePattern, rankOf, typeMatcher} from './query.js';
import {StatsAccumulator} from './stats.js';
import {severities, type EventFilter, type EventPage, type EventQuery, type EventRecord, type EventStats, type EventStore, type InsertOutcome, type StoreHealth, type WriteReport} from './types.js';

/** Options of {@link SqliteStore}. */
export interface SqliteStoreOptions {
	/** The database file, created if missing; `:memory:` for a private in-memory database. */
	readonly path: string;
	/**
	 * `normal`: a process crash loses nothing committed; a power loss may lose the last commits. `full`: a power loss
	 * loses nothing committed either.
	 * @default 'normal'
	 */
	readonly synchronous?: 'normal' | 'full';
	/**
	 * The most rows one group commit writes; more waiting rows go into the next transaction.
	 * @default 20000
	 */
	readonly maxTransactionRows?: number;
	/**
	 * How often a passive WAL checkpoint runs (0 = only SQLite's automatic one, on the committing thread).
	 * @default 10000
	 */
	readonly checkpointIntervalMs?: number;
	/**
	 * Rows committed since the last checkpoint that start the next one early (a file database with
	 * `checkpointIntervalMs` > 0 checkpoints on a worker thread, off the event loop).
	 * @default 20000
	 */
	readonly checkpointRows?: number;
}

/*
 * Checkpoints run on a worker thread with its own connection, so copying the WAL into the database file (and its
 * fsyncs) never blocks the event loop that serves requests; a passive checkpoint never blocks the writer either.
 * SQLite's own automatic checkpoint stays on as a backstop, at a threshold the worker normally keeps it from
 * reaching. The worker's code is inline so the package needs no second entry file.
 */
const checkpointWorkerSource = `
const {parentPort, workerData} = require('node:worker_threads');
const Database = require(workerData.module);
const db = new Database(workerData.path);
db.pragma('busy_timeout = 5000');
parentPort.on('message', mode => {
	if (mode === 'close') { db.close(); parentPort.close(); return; }
	let error = null;
	try { db.pragma('wal_checkpoint(' + (mode === 'TRUNCATE' ? 'TRUNCATE' : 'PASSIVE') + ')'); } catch (e) { error = e instanceof Error ? e.message : String(e); }
	parentPort.postMessage(error);
});
`;
const backstopCheckpointPages = 10_000;

interface PendingWrite {
	readonly records: readonly EventRecord[];
	readonly enqueuedAt: number;
	readonly resolve: (outcomes: readonly InsertOutcome[]) => void;
	readonly reject: (error: unknown) => void;
}

interface Row {
	seq: number;
	event_id: string;
	source_system: string;
	event_type: string;
	severity: number;
	ts: number;
	correlation_id: string | null;
	causation_id: string | null;
	tags: string;
	data: string;
	metadata: string;
	received_at: number;
}

const schema = `
CREATE TABLE IF NOT EXISTS events (
	seq INTEGER PRIMARY KEY,
	event_id TEXT NOT NULL,
	source_system TEXT NOT NULL,
	event_type TEXT NOT NULL,
	severity INTEGER NOT NULL,
	ts INTEGER NOT NULL,
	correlation_id TEXT,
	causation_id TEXT,
	tags TEXT NOT NULL,
	data TEXT NOT NULL,
	metadata TEXT NOT NULL,
	received_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS events_id ON events (event_id, source_system);
CREATE INDEX IF NOT EXISTS events_ts ON events (ts);
CREATE INDEX IF NOT EXISTS events_correlation ON events (correlation_id) WHERE correlation_id IS NOT NULL;
`;

const componentSql = `coalesce(json_extract(metadata, '$.source_component'), json_extract(metadata, '$.component'))`;
const deleteBatch = 10_000;

function toRecord(row: Row): EventRecord {
	return {
		eventId: row.event_id,
		timestamp: row.ts,
		sourceSystem: row.source_system,
		eventType: row.event_type,
		severity: severities[row.severity] ?? 'info',
		correlationId: row.correlation_id,
		causationId: row.causation_id,
		data: JSON.parse(row.data) as unknown,
		tags: JSON.parse(row.tags) as string[],
		metadata: JSON.parse(row.metadata) as Record<string, unknown>,
		receivedAt: row.received_at,
	};
}

/** Builds the WHERE clause of a filter; every value is a bound parameter. */
function whereClause(filter: EventFilter): {sql: string; parameters: unknown[]} {
	const clauses: string[] = [];
	const parameters: unknown[] = [];
	const add = (sql: string, ...values: unknown[]): void => {
		clauses.push(sql);
		parameters.push(...values);
	};
	if (filter.sourceSystem !== undefined) add('source_system = ?', filter.sourceSystem);
	if (filter.eventType !== undefined) {
		if (isTypePattern(filter.eventType)) add('topic_match(?, event_type)', filter.eventType);
		else add('event_type = ?', filter.eventType);
	}
	if (filter.severity !== undefined) add('severity = ?', rankOf(filter.severity));
	if (filter.minSeverity !== undefined) add('severity >= ?', rankOf(filter.minSeverity));
	if (filter.startTime !== undefined) add('ts >= ?', filter.startTime);
	if (filter.endTime !== undefined) add('ts <= ?', filter.endTime);
	if (filter.correlationId !== undefined) add('correlation_id = ?', filter.correlationId);
	for (const tag of filter.tags ?? []) add('EXISTS (SELECT 1 FROM json_each(events.tags) WHERE value = ?)', tag);
	if (filter.text !== undefined) {
		// LIKE is ASCII-case-insensitive without building a lowered copy of every row; % _ and \ are escaped.
		const pattern = `%${filter.text.replace(/[\\%_]/g, character => `\\${character}`)}%`;
		add(`(event_type LIKE ? ESCAPE '\\' OR data LIKE ? ESCAPE '\\' OR tags LIKE ? ESCAPE '\\' OR metadata LIKE ? ESCAPE '\\')`, pattern, pattern, pattern, pattern);
	}
	return {sql: clauses.length === 0 ? '' : `WHERE ${clauses.join(' AND ')}`, parameters};
}

/** Stores events in one SQLite file (see the module comment for the durability it gives). */
export class SqliteStore implements EventStore {
	readonly kind = 'sqlite';
	onWrite: ((report: WriteReport) => void) | undefined = undefined;
	readonly #db: Database.Database;
	readonly #path: string;
	readonly #maxTransactionRows: number;
	readonly #insert: Database.Statement;
	readonly #pending: PendingWrite[] = [];
	#pendingRows = 0;
	#flushScheduled = false;
	#totalEvents: number;
	#checkpointTimer: NodeJS.Timeout | undefined;
	#checkpointer: Worker | undefined;
	#checkpointBusy = false;
	#rowsSinceCheckpoint = 0;
	readonly #checkpointRows: number;
	#closed = false;
	#closing: Promise<void> | undefined;
	#lastError: string | undefined;

	constructor(options: SqliteStoreOptions) {
		if (typeof options?.path !== 'string' || options.path === '') {
			throw new TypeError(`Expected \`path\` to be a non-empty string, got \`${String(options?.path)}\` (${typeof options?.path})`);
		}
		this.#path = options.path;
		this.#maxTransactionRows = options.maxTransactionRows ?? 20_000;
		this.#db = new Database(options.path);
		this.#db.pragma('journal_mode = WAL');
		this.#db.pragma(`synchronous = ${options.synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
		this.#db.pragma('busy_timeout = 5000');
		this.#db.exec(schema);
		this.#db.function('topic_match', {deterministic: true}, (pattern: unknown, type: unknown) =>
			typeof pattern === 'string' && typeof type === 'string' && typeMatcher(pattern)(type) ? 1 : 0,
		);
		this.#insert = this.#db.prepare(
			'INSERT INTO events (event_id, source_system, event_type, severity, ts, correlation_id, causation_id, tags, data, metadata, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING',
		);
		this.#totalEvents = (this.#db.prepare('SELECT count(*) AS n FROM events').get() as {n: number}).n;
		const interval = options.checkpointIntervalMs ?? 10_000;
		this.#checkpointRows = options.checkpointRows ?? 20_000;
		if (interval > 0) {
			if (options.path !== ':memory:' && !options.path.startsWith('file:')) this.#startCheckpointer(options.path);
			this.#checkpointTimer = setInterval(() => this.#checkpoint('PASSIVE'), interval);
			this.#checkpointTimer.unref();
		}
	}

	#startCheckpointer(path: string): void {
		this.#db.pragma(`wal_autocheckpoint = ${backstopCheckpointPages}`);
		const worker = new Worker(checkpointWorkerSource, {eval: true, workerData: {path, module: createRequire(import.meta.url).resolve('better-sqlite3')}});
		worker.unref();
		worker.on('message', (error: string | null) => {
			this.#checkpointBusy = false;
			if (error !== null) this.#lastError = error;
		});
		worker.on('error', error => {
			// Without its worker the store falls back to checkpointing on the event loop, as SQLite does by default.
			this.#lastError = `checkpoint worker failed: ${error.message}`;
			this.#checkpointer = undefined;
			this.#checkpointBusy = false;
			if (!this.#closed) this.#db.pragma('wal_autocheckpoint = 1000');
		});
		this.#checkpointer = worker;
	}

	#assertOpen(): void {
		if (this.#closed) throw new CollectorClosedError('store');
	}

	insert(records: readonly EventRecord[]): Promise<readonly InsertOutcome[]> {
		if (this.#closed || this.#closing !== undefined) return Promise.reject(new CollectorClosedError('store'));
		if (records.length === 0) return Promise.resolve([]);
		return new Promise((resolve, reject) => {
			this.#pending.push({records, enqueuedAt: performance.now(), resolve, reject});
			this.#pendingRows += records.length;
			this.#scheduleFlush();
		});
	}

	#scheduleFlush(): void {
		if (this.#flushScheduled) return;
		this.#flushScheduled = true;
		// setImmediate, not a microtask: requests whose bodies arrived in this loop turn join the same commit.
		setImmediate(() => {
			this.#flushScheduled = false;
			this.#flush();
		});
	}

	#flush(): void {
		const batch: PendingWrite[] = [];
		let rows = 0;
		while (this.#pending.length > 0 && (rows === 0 || rows + this.#pending[0]!.records.length <= this.#maxTransactionRows)) {
			const write = this.#pending.shift()!;
			batch.push(write);
			rows += write.records.length;
		}
		this.#pendingRows -= rows;
		if (this.#pending.length > 0) this.#scheduleFlush();
		if (batch.length === 0) return;
		const started = performance.now();
		let results: InsertOutcome[][];
		try {
			results = this.#writeTransaction(batch);
		} catch (error) {
			this.#lastError = error instanceof Error ? error.message : String(error);
			for (const write of batch) write.reject(error);
			return;
		}
		this.#lastError = undefined;
		this.onWrite?.({rows, durationMs: performance.now() - started});
		for (const [index, write] of batch.entries()) write.resolve(results[index]!);
	}

	#writeTransaction(batch: readonly PendingWrite[]): InsertOutcome[][] {
		const insert = this.#insert;
		let stored = 0;
		const results = this.#db.transaction(() =>
			batch.map(write =>
				write.records.map((record): InsertOutcome => {
					const {changes} = insert.run(
						record.eventId,
						record.sourceSystem,
						record.eventType,
						rankOf(record.severity),
						record.timestamp,
						record.correlationId,
						record.causationId,
						JSON.stringify(record.tags),
						record.json?.data ?? JSON.stringify(record.data ?? null),
						record.json?.metadata ?? JSON.stringify(record.metadata),
						record.receivedAt,
					);
					stored += changes;
					return changes === 1 ? 'stored' : 'duplicate';
				}),
			),
		)();
		this.#totalEvents += stored;
		this.#rowsSinceCheckpoint += stored;
		if (this.#checkpointer !== undefined && this.#rowsSinceCheckpoint >= this.#checkpointRows) this.#checkpoint('PASSIVE');
		return results;
	}

	#checkpoint(mode: 'PASSIVE' | 'TRUNCATE'): void {
		if (this.#closed) return;
		if (mode === 'PASSIVE' && this.#checkpointer !== undefined) {
			// One at a time; rows committed meanwhile still count towards the next one.
			if (this.#checkpointBusy) return;
			this.#rowsSinceCheckpoint = 0;
			this.#checkpointBusy = true;
			this.#checkpointer.postMessage(mode);
			return;
		}
		try {
			this.#db.pragma(`wal_checkpoint(${mode})`);
		} catch (error) {
			this.#lastError = error instanceof Error ? error.message : String(error);
		}
	}

	async get(eventId: string): Promise<EventRecord | undefined> {
		this.#assertOpen();
		const row = this.#db.prepare('SELECT * FROM events WHERE event_id = ? ORDER BY seq LIMIT 1').get(eventId) as Row | undefined;
		return row === undefined ? undefined : toRecord(row);
	}

	async query(query: EventQuery): Promise<EventPage> {
		this.#assertOpen();
		const {sql: where, parameters} = whereClause(query);
		const descending = query.sort !== 'asc';
		let clause = where;
		if (query.cursor !== undefined) {
			const after = decodeCursor(query.cursor);
			clause = `${where === '' ? 'WHERE' : `${where} AND`} (ts, seq) ${descending ? '<' : '>'} (?, ?)`;
			parameters.push(after.timestamp, after.sequence);
		}
		const limit = query.limit ?? defaultQueryLimit;
		const direction = descending ? 'DESC' : 'ASC';
		const rows = this.#db
			.prepare(`SELECT * FROM events ${clause} ORDER BY ts ${direction}, seq ${direction} LIMIT ? OFFSET ?`)
			.all(...parameters, limit + 1, query.offset ?? 0) as Row[];
		const hasMore = rows.length > limit;
		const page = hasMore ? rows.slice(0, limit) : rows;
		const last = page.at(-1);
		return {events: page.map(toRecord), nextCursor: hasMore && last !== undefined ? encodeCursor({timestamp: last.ts, sequence: last.seq}) : null};
	}

	async byCorrelation(correlationId: string, limit = 10_000): Promise<readonly EventRecord[]> {
		this.#assertOpen();
		const rows = this.#db.prepare('SELECT * FROM events WHERE correlation_id = ? ORDER BY ts, seq LIMIT ?').all(correlationId, limit) as Row[];
		return rows.map(toRecord);
	}

	async stats(filter: EventFilter): Promise<EventStats> {
		this.#assertOpen();
		const {sql: where, parameters} = whereClause(filter);
		const accumulator = new StatsAccumulator();
		// One scan for every grouping; json_extract only runs on rows that have metadata at all.
		const groups = this.#db
			.prepare(
				`SELECT (ts / 3600000) * 3600000 AS hour, source_system, severity, event_type, component, count(*) AS n FROM (SELECT ts, source_system, severity, event_type, CASE WHEN metadata = '{}' THEN NULL ELSE ${componentSql} END AS component FROM events ${where}) GROUP BY 1, 2, 3, 4, 5`,
			)
			.all(...parameters) as Array<{hour: number; source_system: string; severity: number; event_type: string; component: unknown; n: number}>;
		for (const group of groups) {
			accumulator.addHourGroup(group.hour, group.source_system, severities[group.severity] ?? 'info', group.n);
			accumulator.addType(group.event_type, group.n);
			if (typeof group.component === 'string' && group.component !== '') accumulator.addComponent(group.component, group.n);
		}
		return accumulator.result(filter);
	}

	async prune(options: {readonly before?: number; readonly maxEvents?: number}): Promise<number> {
		this.#assertOpen();
		let deleted = 0;
		if (options.before !== undefined) {
			const statement = this.#db.prepare('DELETE FROM events WHERE seq IN (SELECT seq FROM events WHERE ts < ? LIMIT ?)');
			deleted += await this.#deleteInBatches(() => statement.run(options.before, deleteBatch).changes);
		}
		if (options.maxEvents !== undefined) {
			const threshold = this.#db.prepare('SELECT seq FROM events ORDER BY seq DESC LIMIT 1 OFFSET ?').get(options.maxEvents) as {seq: number} | undefined;
			if (threshold !== undefined) {
				const statement = this.#db.prepare('DELETE FROM events WHERE seq IN (SELECT seq FROM events WHERE seq <= ? LIMIT ?)');
				deleted += await this.#deleteInBatches(() => statement.run(threshold.seq, deleteBatch).changes);
			}
		}
		return deleted;
	}

	async #deleteInBatches(deleteOnce: () => number): Promise<number> {
		let total = 0;
		for (;;) {
			if (this.#closed) return total;
			const changes = deleteOnce();
			total += changes;
			this.#totalEvents -= changes;
			if (changes < deleteBatch) return total;
			// Let ingest commit between batches: retention must never stall the writer for long.
			await new Promise(resolve => setImmediate(resolve));
		}
	}

	health(): StoreHealth {
		let reachable = !this.#closed;
		try {
			if (reachable) this.#db.prepare('SELECT 1 FROM events LIMIT 1').get();
		} catch (error) {
			reachable = false;
			this.#lastError = error instanceof Error ? error.message : String(error);
		}
		let size: number | undefined;
		try {
			size = this.#path === ':memory:' ? undefined : statSync(this.#path).size + (statSync(`${this.#path}-wal`, {throwIfNoEntry: false})?.size ?? 0);
		} catch {
			size = undefined;
		}
		const oldest = this.#pending[0];
		return {
			status: !reachable || this.#lastError !== undefined ? 'unhealthy' : 'healthy',
			storage_type: this.kind,
			db_path: this.#path,
			total_events: this.#totalEvents,
			queue_depth: this.#pendingRows,
			oldest_pending_ms: oldest === undefined ? 0 : Math.round(performance.now() - oldest.enqueuedAt),
			...(size === undefined ? {} : {db_size_bytes: size}),
			...(this.#lastError === undefined ? {} : {error: this.#lastError}),
		};
	}

	/** Commits everything pending, checkpoints the WAL into the file, and closes the database. */
	close(): Promise<void> {
		// One teardown however often it is called; from its start, new writes are refused (they would land after it).
		this.#closing ??= this.#close();
		return this.#closing;
	}

	async #close(): Promise<void> {
		if (this.#closed) return;
		while (this.#pending.length > 0) this.#flush();
		clearInterval(this.#checkpointTimer);
		const worker = this.#checkpointer;
		this.#checkpointer = undefined;
		if (worker !== undefined) {
			// The worker finishes a checkpoint in progress, closes its connection, and exits. It is unref'd so that it
			// never keeps a process alive on its own; while close() waits for it, it must, or a process with nothing
			// else to do exits before the worker does (a top-level `await close()` would never settle).
			const exited = new Promise(resolve => worker.once('exit', resolve));
			worker.ref();
			worker.postMessage('close');
			await exited;
		}
		this.#checkpoint('TRUNCATE');
		this.#closed = true;
		this.#db.close();
	}
}
