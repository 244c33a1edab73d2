/**
 * The forwarder: a consumer (`bus.use(forwarder)`) that sends matching events to the collector's
 * `POST /events/batch`, in the collector's format or as a CloudEvents batch.
 */
import {assertInteger, assertOneOf, assertOptionalFunction, assertPlainObject, assertString, fail} from '../internal/assert.js';
import {toEventArray} from '../consumers/consumer-settings.js';
import type {BusEvent, Consumer} from '../types.js';
import {DeliveryEngine, type DestinationHealth} from './delivery-engine.js';
import {deliveryMetricsText, type DeliveryMetrics} from './delivery-metrics.js';
import {callSafely, createQueue, report, resolveDelivery, type DeliveryOptions} from './delivery-options.js';
import {EventEncodingError} from './errors.js';
import {createLossReporter} from './loss-report.js';
import type {QueuedRecord} from './record-queue.js';
import {SegmentSpool} from './segment-spool.js';
import {parseSecrets, signatureHeaders} from './signature.js';
import {arrayOverhead, defaultSeverity, defaultTags, encodeCloudEvent, encodeCollector, joinArray, severities, type Severity, type WireFormat} from './wire-format.js';

/** Batching: a request leaves when any limit is reached. */
export interface BatchOptions {
	/** Events per request at most. @default 500 */
	readonly maxEvents?: number;
	/** Request body bytes at most; an event larger than this alone is dead-lettered. @default 1 MiB */
	readonly maxBytes?: number;
	/** How long the first event of a batch waits for more. @default 1_000 */
	readonly lingerMs?: number;
}

/** Options of {@link Forwarder}. */
export interface ForwarderOptions extends DeliveryOptions {
	/** The collector's batch endpoint, e.g. `http://collector:8000/events/batch`. */
	readonly url: string;
	/** Sent as the `x-api-key` header. @default none */
	readonly apiKey?: string;
	/** @default 'forwarder' */
	readonly name?: string;
	/** Patterns of the events to forward. @default '**' (every topic not starting with `$`) */
	readonly topics?: string | readonly string[];
	/** @default 'collector' */
	readonly format?: WireFormat;
	readonly batch?: BatchOptions;
	/** Sign each request with Standard Webhooks headers (several secrets during a rotation). @default none */
	readonly secret?: string | readonly string[];
	/** The collector format's `severity`. @default from `metadata.severity`, else the topic's last segment, else `info` */
	readonly severity?: (event: BusEvent) => Severity;
	/** The collector format's `tags`. @default `metadata.tags` when an array of strings */
	readonly tags?: readonly string[] | ((event: BusEvent) => readonly string[]);
	/** As for `subscribe`. @default 0 */
	readonly priority?: number;
	readonly filter?: (event: BusEvent) => boolean;
}

/** {@link Forwarder.health}: the destination's state plus the forwarder's name. */
export interface ForwarderHealth extends DestinationHealth {
	readonly name: string;
}

const mebibyte = 1024 * 1024;
// How the bus hands events over: in arrays, so that a spool write covers many events.
const intakeBatchSize = 512;

/**
 * Forwards events to the collector over HTTP, reliably: batches by count, bytes and time; retries network errors,
 * timeouts, 408, 429 and 5xx (not 501) with exponential backoff and full jitter, honouring `Retry-After`, without a
 * time limit unless `retry.maxDurationMs` is set; dead-letters what a 4xx rejects; a circuit breaker per destination.
 *
 * With `spool: {dir}`, `consume` resolves only once the events are written to the spool, and they leave it only after
 * a 2xx: a collector outage, a crash or both lose nothing, and the next start resends what was not acknowledged.
 * Delivery is at-least-once; every record carries the event's `id`, which the collector deduplicates on. Without a
 * spool the events wait in a bounded memory buffer that a crash loses (`health().buffer.durable` is false).
 *
 * When the buffer is full, `overflow: 'block'` makes `consume` wait (backpressure into the bus) and `drop-newest`
 * dead-letters the new events. Nothing is thrown into the app: failures go to `onDeadLetter`, `onDiagnostic`,
 * `health()` and `metrics()`.
 *
 * @example
 * ```ts
 * const forwarder = new Forwarder({url: 'http://127.0.0.1:8000/events/batch', apiKey, spool: {dir: 'var/spool'}});
 * bus.use(forwarder);
 * forwarder.health(); // {status: 'ok', breaker: {state: 'closed', ...}, buffer: {events: 0, ...}, ...}
 * ```
 */
export class Forwarder implements Consumer {
	readonly name: string;
	readonly topics: string | readonly string[];
	readonly batchSize = intakeBatchSize;
	readonly batchTimeoutMs = 0;
	declare readonly priority?: number;
	declare readonly filter?: (event: BusEvent) => boolean;
	readonly #engine: DeliveryEngine;
	readonly #closeTimeoutMs: number;
	readonly #encode: (event: BusEvent) => Buffer;
	#closing: Promise<void> | undefined;

	/** @throws {TypeError} when an option is missing or has the wrong type. */
	constructor(options: ForwarderOptions) {
		assertPlainObject('options', options);
		const url = validateUrl('options.url', options.url);
		if (options.apiKey !== undefined) assertString('options.apiKey', options.apiKey);
		const name = options.name ?? 'forwarder';
		assertString('options.name', name);
		if (name === '') fail('options.name', 'a non-empty string', name);
		const topics = options.topics ?? '**';
		validateTopics(topics);
		assertOneOf('options.format', options.format, ['collector', 'cloudevents']);
		const batch: BatchOptions = options.batch ?? {};
		assertPlainObject('options.batch', batch as unknown);
		assertInteger('options.batch.maxEvents', batch.maxEvents, 1);
		assertInteger('options.batch.maxBytes', batch.maxBytes, 256);
		assertInteger('options.batch.lingerMs', batch.lingerMs, 0);
		const keys = options.secret === undefined ? undefined : parseSecrets('options.secret', options.secret);
		assertOptionalFunction('options.severity', options.severity);
		if (typeof options.tags !== 'function' && options.tags !== undefined && !(Array.isArray(options.tags) && options.tags.every(tag => typeof tag === 'string'))) {
			fail('options.tags', 'an array of strings or a function', options.tags);
		}
		assertInteger('options.priority', options.priority, Number.MIN_SAFE_INTEGER);
		assertOptionalFunction('options.filter', options.filter);
		const maxBatchBytes = batch.maxBytes ?? mebibyte;
		const resolved = resolveDelivery(options, maxBatchBytes);

		this.name = name;
		this.topics = topics;
		if (options.priority !== undefined) (this as {priority?: number}).priority = options.priority;
		if (options.filter !== undefined) (this as {filter?: (event: BusEvent) => boolean}).filter = options.filter;
		this.#closeTimeoutMs = resolved.closeTimeoutMs;
		const format = options.format ?? 'collector';
		this.#encode = format === 'cloudevents' ? encodeCloudEvent : collectorEncoder(options);

		const contentType = format === 'cloudevents' ? 'application/cloudevents-batch+json' : 'application/json';
		const baseHeaders: Record<string, string> = {...resolved.headers, 'content-type': contentType};
		if (options.apiKey !== undefined) baseHeaders['x-api-key'] = options.apiKey;
		const queue = createQueue(resolved);
		const pattern = typeof topics === 'string' ? topics : topics.join(',');
		this.#engine = new DeliveryEngine({
			destination: name,
			url,
			queue,
			overflow: resolved.overflow,
			maxBatchEvents: batch.maxEvents ?? 500,
			maxBatchBytes,
			lingerMs: batch.lingerMs ?? 1000,
			timeoutMs: resolved.timeoutMs,
			backoff: resolved.backoff,
			maxRetryDurationMs: resolved.maxRetryDurationMs,
			breaker: resolved.breaker,
			transport: resolved.transport,
			disableOnGone: false,
			bodyOverhead: arrayOverhead,
			buildRequest(records, messageId) {
				const body = joinArray(records);
				const headers = keys === undefined ? baseHeaders : {...baseHeaders, ...signatureHeaders(keys, messageId, Math.floor(Date.now() / 1000), body)};
				return {url, headers, body};
			},
			onLoss: createLossReporter({id: name, name, pattern, format}, resolved.onDeadLetter),
			onNotice: notice => callSafely(resolved.onDiagnostic, notice, 'options.onDiagnostic'),
		});
		if (queue instanceof SegmentSpool && queue.recovery.skipped.length > 0) {
			const {recovery} = queue;
			callSafely(resolved.onDiagnostic, {type: 'spool-recovered', destination: name, recovery}, 'options.onDiagnostic');
			const bytes = recovery.skipped.reduce((sum, region) => sum + region.bytes, 0);
			report('ERR_FORWARDER_SPOOL_DAMAGED', `${name}: the spool had ${bytes} damaged byte(s) after an unclean stop; they were skipped (${recovery.records} events recovered)`);
		}
	}

	/** Encodes the events and takes them into the buffer; the promise (if any) resolves once they are in it. */
	consume(events: BusEvent | readonly BusEvent[]): Promise<void> | undefined {
		const list = toEventArray(events);
		const records: QueuedRecord[] = [];
		const at = Date.now();
		for (const event of list) {
			try {
				records.push({id: event.id, body: this.#encode(event), at, event});
			} catch (error) {
				this.#engine.refuse([{id: event.id, body: Buffer.alloc(0), at, event}], new EventEncodingError(event.id, error));
			}
		}
		return this.#engine.accept(records);
	}

	/** The destination's state: breaker, buffer (durable or not, events, bytes, oldest age), last error and success. */
	health(): ForwarderHealth {
		return {name: this.name, ...this.#engine.health()};
	}

	/** Counters (accepted, sent, failed, dropped, requests, retries), gauges and histograms (batch size, latency). */
	metrics(): DeliveryMetrics {
		return this.#engine.metrics();
	}

	/** The metrics as a Prometheus text fragment, to append to the bus's exposition. */
	toPrometheus(prefix = 'topicbus_forwarder'): string {
		return deliveryMetricsText([this.metrics()], prefix);
	}

	/** Sends what is buffered now (not waiting for batches to fill); resolves true once empty, false at the timeout. */
	flush(options: {readonly timeoutMs?: number} = {}): Promise<boolean> {
		assertInteger('options.timeoutMs', options.timeoutMs, 0);
		return this.#engine.flush(Date.now() + (options.timeoutMs ?? this.#closeTimeoutMs));
	}

	/**
	 * Flushes for at most `timeoutMs` (default `closeTimeoutMs`), then stops: what is left stays in the spool for the
	 * next start (without a spool it is dead-lettered as dropped). Called by `bus.close()`. Idempotent.
	 */
	close(options: {readonly timeoutMs?: number} = {}): Promise<void> {
		assertInteger('options.timeoutMs', options.timeoutMs, 0);
		this.#closing ??= this.#engine.close(Date.now() + (options.timeoutMs ?? this.#closeTimeoutMs));
		return this.#closing;
	}
}

function collectorEncoder(options: ForwarderOptions): (event: BusEvent) => Buffer {
	const severity = options.severity ?? defaultSeverity;
	const {tags} = options;
	const tagsOf = typeof tags === 'function' ? tags : tags === undefined ? defaultTags : () => tags;
	const fields = {
		severity(event: BusEvent): Severity {
			const level = severity(event);
			return severities.includes(level) ? level : 'info';
		},
		tags: tagsOf,
	};
	return event => encodeCollector(event, fields);
}

/** Validates an http(s) URL. */
export function validateUrl(name: string, url: unknown): string {
	assertString(name, url);
	let parsed: URL;
	try {
		parsed = new URL(url);
	} catch {
		fail(name, 'an absolute http or https URL', url);
	}
	if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') fail(name, 'an absolute http or https URL', url);
	return url;
}

/** Validates a pattern or a non-empty array of patterns (their grammar is checked by `bus.use`). */
export function validateTopics(topics: unknown): void {
	if (typeof topics === 'string') return;
	if (!Array.isArray(topics) || topics.length === 0 || !topics.every(topic => typeof topic === 'string')) {
		fail('options.topics', 'a pattern or a non-empty array of patterns', topics);
	}
}

