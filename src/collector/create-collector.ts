/**
 * `createCollector(options)`: the collector service assembled from its parts, for the CLI, tests and embedding.
 */
import {isIP} from 'node:net';
import type {AddressInfo} from 'node:net';
import {decodeSigningSecret, KeyRing, toApiKey, type ApiKey} from './auth.js';
import {CollectorConfigError} from './errors.js';
import {createHttpServer, presentedKey} from './http-server.js';
import {Ingestor} from './ingest.js';
import {MemoryStore} from './memory-store.js';
import {CollectorMetrics} from './metrics.js';
import {RateLimiter, type RateLimitOptions} from './rate-limit.js';
import {SqliteStore} from './sqlite-store.js';
import {defaultDashboardDir, StaticFiles} from './static-files.js';
import {EventStream, type EventStreamOptions} from './stream.js';
import type {EventStore} from './types.js';
import {defaultEventLimits, type EventLimits} from './wire-format.js';
import {assertBoolean, assertOneOf, assertOptionalString} from '../internal/assert.js';

/** Retention: events older than `maxAgeMs` or beyond the newest `maxEvents` are deleted every `intervalMs`. */
export interface RetentionOptions {
	readonly maxAgeMs?: number;
	readonly maxEvents?: number;
	/** @default 60000 */
	readonly intervalMs?: number;
}

/** Options of {@link createCollector}. */
export interface CollectorOptions {
	/** A store to use instead of one made from `db`/`memory`. The collector closes it on `close()`. */
	readonly store?: EventStore;
	/** The SQLite file, created if missing. @default 'events.db' */
	readonly db?: string;
	/** Keep events in memory instead of SQLite. @default false */
	readonly memory?: boolean;
	/** SQLite's durability (see `SqliteStore`). @default 'normal' */
	readonly synchronous?: 'normal' | 'full';
	/** API keys, `KEY` or `KEY:source` (a bound key may only write that source's events). None: no auth. */
	readonly apiKeys?: ReadonlyArray<string | ApiKey>;
	/** Allow listening on a non-loopback host with no API key. @default false */
	readonly insecure?: boolean;
	/** Standard Webhooks secrets (`whsec_...`); when set, every ingest request must carry a valid signature. */
	readonly signingSecrets?: readonly string[];
	/** @default 300 */
	readonly signatureToleranceSeconds?: number;
	/** The largest request body, in bytes (413 above it). @default 1048576 */
	readonly bodyLimit?: number;
	/** The most events in one batch. @default 1000 */
	readonly maxBatchEvents?: number;
	/** Limits on one event (size of data + metadata, nesting depth). */
	readonly limits?: Partial<EventLimits>;
	/** Per-source token bucket, or `false` for none. @default {ratePerSecond: 1000, burst: 2000} */
	readonly rateLimit?: RateLimitOptions | false;
	/**
	 * Read requests (every `GET` but `/health` and the dashboard's files; the live stream has `stream.maxClients`) per client: the
	 * API key presented, else the remote address. `ratePerSecond` requests per second on average, `burst` at once.
	 * @default false (off)
	 */
	readonly queryRateLimit?: RateLimitOptions | false;
	readonly retention?: RetentionOptions;
	readonly stream?: EventStreamOptions;
	/** The dashboard's folder. @default the package's `dashboard/` */
	readonly dashboardDir?: string | URL;
}

/** Where a collector listens. */
export interface CollectorAddress {
	readonly host: string;
	readonly port: number;
	readonly url: string;
}

/** A running (or ready) collector. */
export interface Collector {
	/**
	 * Starts listening (default 127.0.0.1, port 8000; port 0 picks a free one) and resolves with the address.
	 *
	 * @throws {CollectorConfigError} when the host is not a loopback address, no API key is configured and
	 * `insecure` is not set.
	 */
	listen(options?: {readonly host?: string; readonly port?: number}): Promise<CollectorAddress>;
	/** The address once listening. */
	address(): CollectorAddress | undefined;
	/**
	 * Stops accepting, lets requests in flight finish (each is acknowledged only after its commit), closes stream
	 * clients with 1001, commits what is pending and closes the store. Idempotent.
	 */
	close(): Promise<void>;
	readonly store: EventStore;
	readonly metrics: CollectorMetrics;
}

const isLoopback = (host: string): boolean => host === 'localhost' || host === '::1' || (isIP(host) === 4 && host.startsWith('127.'));

function positiveInteger(name: string, value: number | undefined, fallback: number): number {
	if (value === undefined) return fallback;
	if (!Number.isSafeInteger(value) || value < 1) throw new TypeError(`Expected \`${name}\` to be a positive integer, got \`${String(value)}\` (${typeof value})`);
	return value;
}

/** Prunes the store every `intervalMs`; failures are left to the next run (the store's health reports them). */
function startRetention(store: EventStore, retention: RetentionOptions): NodeJS.Timeout | undefined {
	if (retention.maxAgeMs === undefined && retention.maxEvents === undefined) return undefined;
	const interval = positiveInteger('retention.intervalMs', retention.intervalMs, 60_000);
	const prune = () => {
		store
			.prune({
				...(retention.maxAgeMs === undefined ? {} : {before: Date.now() - retention.maxAgeMs}),
				...(retention.maxEvents === undefined ? {} : {maxEvents: retention.maxEvents}),
			})
			.catch(() => {});
	};
	const timer = setInterval(prune, interval);
	timer.unref();
	return timer;
}

/**
 * Creates the collector: the HTTP API, the live stream, the store, retention. It does not listen until
 * `listen()`.
 *
 * @example
 * const collector = createCollector({db: 'events.db', apiKeys: ['s3cret-key:orders']});
 * const {url} = await collector.listen({port: 8000});
 * // POST `${url}/events/batch`, GET `${url}/events?source_system=orders`, ...
 * await collector.close();
 */
export function createCollector(options: CollectorOptions = {}): Collector {
	if (options === null || typeof options !== 'object') throw new TypeError(`Expected \`options\` to be an object, got ${options === null ? 'null' : typeof options}`);
	const bodyLimit = positiveInteger('bodyLimit', options.bodyLimit, 1_048_576);
	const maxBatchEvents = positiveInteger('maxBatchEvents', options.maxBatchEvents, 1000);
	const limits: EventLimits = {
		maxEventBytes: positiveInteger('limits.maxEventBytes', options.limits?.maxEventBytes, defaultEventLimits.maxEventBytes),
		maxDepth: positiveInteger('limits.maxDepth', options.limits?.maxDepth, defaultEventLimits.maxDepth),
	};
	const keys = (options.apiKeys ?? []).map(toApiKey);
	const keyRing = new KeyRing(keys);
	const signingSecrets = (options.signingSecrets ?? []).map(decodeSigningSecret);
	const limiter = options.rateLimit === false ? undefined : new RateLimiter(options.rateLimit ?? {});
	const queryLimiter = options.queryRateLimit === undefined || options.queryRateLimit === false ? undefined : new RateLimiter(options.queryRateLimit);
	if (options.retention !== undefined) {
		positiveInteger('retention.intervalMs', options.retention.intervalMs, 1);
		positiveInteger('retention.maxAgeMs', options.retention.maxAgeMs, 1);
		positiveInteger('retention.maxEvents', options.retention.maxEvents, 1);
	}
	assertBoolean('memory', options.memory);
	assertOptionalString('db', options.db);
	assertOptionalString('dashboardDir', options.dashboardDir);
	assertOneOf('synchronous', options.synchronous, ['normal', 'full']);
	const staticFiles = new StaticFiles(options.dashboardDir ?? defaultDashboardDir);
	// Every option is checked above: nothing below throws, so a store opened here is never left open.
	const store = options.store ?? (options.memory === true ? new MemoryStore() : new SqliteStore({path: options.db ?? 'events.db', ...(options.synchronous === undefined ? {} : {synchronous: options.synchronous})}));
	const metrics = new CollectorMetrics();
	store.onWrite = report => metrics.observeWrite(report.rows, report.durationMs);
	const stream = new EventStream({
		...options.stream,
		authorize: (request, url) => {
			if (keyRing.isEmpty) return undefined;
			const key = presentedKey(request.headers) ?? url.searchParams.get('api_key') ?? undefined;
			return key !== undefined && keyRing.find(key) !== undefined ? undefined : 401;
		},
		onSlowClient: () => metrics.slowClientsClosed++,
		onSent: count => (metrics.streamed += count),
	});
	const ingestor = new Ingestor({store, limiter, metrics, limits, onStored: records => stream.publish(records)});
	// Public on /health so that senders (the forwarder) can size their requests and events to fit.
	const publishedLimits = {
		body_limit_bytes: bodyLimit,
		max_batch_events: maxBatchEvents,
		max_event_bytes: limits.maxEventBytes,
		max_depth: limits.maxDepth,
		rate_limit: limiter === undefined ? null : {rate_per_second: limiter.ratePerSecond, burst: limiter.burst},
		query_rate_limit: queryLimiter === undefined ? null : {rate_per_second: queryLimiter.ratePerSecond, burst: queryLimiter.burst},
	};
	const health = () => {
		const storage = store.health();
		return {
			status: storage.status,
			collector: {healthy: storage.status === 'healthy', started: address !== undefined, storage_type: store.kind, events_processed: metrics.ingested, active_websockets: stream.clientCount},
			storage,
			limits: publishedLimits,
		};
	};
	const app = createHttpServer({
		store,
		ingestor,
		metrics,
		keyRing,
		signingSecrets,
		signatureToleranceSeconds: options.signatureToleranceSeconds ?? 300,
		staticFiles,
		queryLimiter,
		bodyLimit,
		maxBatchEvents,
		health,
		renderMetrics: () => {
			const storage = store.health();
			return metrics.render({wsClients: stream.clientCount, queueDepth: storage.queue_depth, dbSizeBytes: storage.db_size_bytes, totalEvents: storage.total_events});
		},
	});
	stream.attach(app.server);

	let address: CollectorAddress | undefined;
	let closing: Promise<void> | undefined;
	const retentionTimer = options.retention === undefined ? undefined : startRetention(store, options.retention);

	return {
		store,
		metrics,
		address: () => address,
		async listen(listenOptions = {}) {
			const host = listenOptions.host ?? '127.0.0.1';
			if (keyRing.isEmpty && !isLoopback(host) && options.insecure !== true) {
				throw new CollectorConfigError(`Refusing to listen on ${host} with no API key: configure an API key, or pass \`insecure\` to accept anyone`);
			}
			await app.listen({host, port: listenOptions.port ?? 8000});
			const info = app.server.address() as AddressInfo;
			const shownHost = info.family === 'IPv6' ? `[${info.address}]` : info.address;
			address = {host: info.address, port: info.port, url: `http://${shownHost}:${info.port}`};
			return address;
		},
		close() {
			closing ??= (async () => {
				clearInterval(retentionTimer);
				await stream.close();
				await app.close();
				await store.close();
			})();
			return closing;
		},
	};
}
