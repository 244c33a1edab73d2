/**
 * Webhooks: a consumer (`bus.use(webhooks)`) that delivers each event to every endpoint whose patterns match it, one
 * signed Standard Webhooks message per event, over the same delivery engine as the forwarder (one engine, so one
 * queue, breaker and retry ladder, per endpoint).
 */
import {createHash} from 'node:crypto';
import {join} from 'node:path';
import {assertInteger, assertOptionalFunction, assertPlainObject, assertString, fail} from '../internal/assert.js';
import {toEventArray} from '../consumers/consumer-settings.js';
// The routing grammar itself, so that an endpoint's patterns mean exactly what `subscribe` means.
import {compileTopicMatcher} from '../routing/index.js';
import type {BusEvent, Consumer} from '../types.js';
import {DeliveryEngine, type DestinationHealth} from './delivery-engine.js';
import {deliveryMetricsText, type DeliveryMetrics} from './delivery-metrics.js';
import {callSafely, createQueue, report, resolveDelivery, type DeliveryOptions, type ResolvedDelivery} from './delivery-options.js';
import {EventEncodingError} from './errors.js';
import {validateTopics, validateUrl} from './forwarder.js';
import {createLossReporter} from './loss-report.js';
import type {QueuedRecord} from './record-queue.js';
import {SegmentSpool} from './segment-spool.js';
import {parseSecrets, signatureHeaders} from './signature.js';
import {encodeWebhook} from './wire-format.js';

/** One receiver of webhooks. */
export interface WebhookEndpoint {
	/**
	 * Names the endpoint in `remove`, `pause`, health and metrics, and its spool subdirectory: 1-64 characters of
	 * `A-Z a-z 0-9 _ -`. @default derived from the URL
	 */
	readonly id?: string;
	readonly url: string;
	/** Patterns of the events it gets. @default '**' */
	readonly topics?: string | readonly string[];
	/** `whsec_...`; several during a rotation (each request then carries one signature per secret). */
	readonly secret: string | readonly string[];
	/** Extra headers for this endpoint. */
	readonly headers?: Readonly<Record<string, string>>;
}

/** Options of {@link Webhooks}. */
export interface WebhooksOptions extends DeliveryOptions {
	readonly endpoints?: readonly WebhookEndpoint[];
	/** @default 'webhooks' */
	readonly name?: string;
	/** What the consumer subscribes to on the bus; each endpoint then picks by its own `topics`. @default '**' */
	readonly topics?: string | readonly string[];
	/** Request body bytes at most; a larger event is dead-lettered. @default 1 MiB */
	readonly maxBodyBytes?: number;
	readonly priority?: number;
	readonly filter?: (event: BusEvent) => boolean;
}

/** An endpoint as {@link Webhooks.endpoints} lists it. */
export interface WebhookEndpointInfo {
	readonly id: string;
	readonly url: string;
	readonly topics: readonly string[];
	readonly status: DestinationHealth['status'];
}

/** {@link Webhooks.health}. */
export interface WebhooksHealth {
	readonly name: string;
	/** `ok` when every endpoint is; else the worst of them (`down` before `degraded`; paused and disabled ones aside). */
	readonly status: 'ok' | 'degraded' | 'down';
	readonly endpoints: readonly DestinationHealth[];
}

interface Endpoint {
	readonly id: string;
	readonly url: string;
	readonly topics: readonly string[];
	readonly matches: (topic: string) => boolean;
	readonly engine: DeliveryEngine;
}

const mebibyte = 1024 * 1024;
const idPattern = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * Delivers events to webhook endpoints, each request signed with Standard Webhooks headers: `webhook-id` (the
 * event's id, the same on every retry, so receivers can deduplicate), `webhook-timestamp` and `webhook-signature`.
 * Retries, the breaker, the spool (`spool.dir/<endpoint id>`), overflow and dead letters work as for the
 * {@link Forwarder}. An endpoint answering 410 Gone is disabled: the events it held are dead-lettered, and a `gone`
 * notice and a process warning report it. Endpoints can be added, removed, paused and resumed at run time.
 *
 * @example
 * ```ts
 * const webhooks = new Webhooks({endpoints: [{id: 'billing', url: 'https://billing.example/hooks', topics: 'order.*', secret}]});
 * bus.use(webhooks);
 * webhooks.pause('billing');
 * ```
 */
export class Webhooks implements Consumer {
	readonly name: string;
	readonly topics: string | readonly string[];
	readonly batchSize = 512;
	readonly batchTimeoutMs = 0;
	declare readonly priority?: number;
	declare readonly filter?: (event: BusEvent) => boolean;
	readonly #resolved: ResolvedDelivery;
	readonly #maxBodyBytes: number;
	readonly #endpoints = new Map<string, Endpoint>();
	#isClosed = false;

	/** @throws {TypeError} when an option or an endpoint is invalid. */
	constructor(options: WebhooksOptions = {}) {
		assertPlainObject('options', options as unknown);
		const name = options.name ?? 'webhooks';
		assertString('options.name', name);
		if (name === '') fail('options.name', 'a non-empty string', name);
		const topics = options.topics ?? '**';
		validateTopics(topics);
		assertInteger('options.maxBodyBytes', options.maxBodyBytes, 256);
		assertInteger('options.priority', options.priority, Number.MIN_SAFE_INTEGER);
		assertOptionalFunction('options.filter', options.filter);
		if (options.endpoints !== undefined && !Array.isArray(options.endpoints)) fail('options.endpoints', 'an array of endpoints', options.endpoints);
		this.#maxBodyBytes = options.maxBodyBytes ?? mebibyte;
		this.#resolved = resolveDelivery(options, this.#maxBodyBytes);
		this.name = name;
		this.topics = topics;
		if (options.priority !== undefined) (this as {priority?: number}).priority = options.priority;
		if (options.filter !== undefined) (this as {filter?: (event: BusEvent) => boolean}).filter = options.filter;
		for (const endpoint of options.endpoints ?? []) this.add(endpoint);
	}

	/**
	 * Adds an endpoint; it gets events consumed from now on (and, with a spool, what an earlier run left for it).
	 * Returns its id.
	 *
	 * @throws {TypeError} when the endpoint is invalid or its id is taken.
	 */
	add(endpoint: WebhookEndpoint): string {
		assertPlainObject('endpoint', endpoint);
		const url = validateUrl('endpoint.url', endpoint.url);
		const id = endpoint.id ?? `ep-${createHash('sha256').update(url).digest('hex').slice(0, 12)}`;
		if (typeof id !== 'string' || !idPattern.test(id)) fail('endpoint.id', '1-64 characters of `A-Z a-z 0-9 _ -`', id);
		if (this.#endpoints.has(id)) fail('endpoint.id', 'an id not already in use (give endpoints with one URL distinct ids)', id);
		const topics = endpoint.topics ?? '**';
		validateTopics(topics);
		const patterns = typeof topics === 'string' ? [topics] : [...topics];
		const matchers = patterns.map(pattern => compileTopicMatcher(pattern));
		const keys = parseSecrets('endpoint.secret', endpoint.secret);
		assertPlainObject('endpoint.headers', endpoint.headers ?? {});
		for (const [header, value] of Object.entries(endpoint.headers ?? {})) assertString(`endpoint.headers.${header}`, value);
		if (this.#isClosed) fail('this', 'an open Webhooks (close() was called)', 'closed');

		const resolved = this.#resolved;
		const baseHeaders: Record<string, string> = {...resolved.headers, ...endpoint.headers, 'content-type': 'application/json'};
		const queue = createQueue(resolved, resolved.spool === undefined ? undefined : join(resolved.spool.dir, id));
		const engine = new DeliveryEngine({
			destination: id,
			url,
			queue,
			overflow: resolved.overflow,
			maxBatchEvents: 1,
			maxBatchBytes: this.#maxBodyBytes,
			lingerMs: 0,
			timeoutMs: resolved.timeoutMs,
			backoff: resolved.backoff,
			maxRetryDurationMs: resolved.maxRetryDurationMs,
			breaker: resolved.breaker,
			transport: resolved.transport,
			disableOnGone: true,
			bodyOverhead: () => 0,
			buildRequest(records, messageId) {
				const {body} = records[0]!;
				return {url, headers: {...baseHeaders, ...signatureHeaders(keys, messageId, Math.floor(Date.now() / 1000), body)}, body};
			},
			onLoss: createLossReporter({id, name: `${this.name}:${id}`, pattern: patterns.join(','), format: 'webhook'}, resolved.onDeadLetter),
			onNotice: notice => {
				if (notice.type === 'gone') report(notice.error.code, notice.error.message);
				callSafely(resolved.onDiagnostic, notice, 'options.onDiagnostic');
			},
		});
		if (queue instanceof SegmentSpool && queue.recovery.skipped.length > 0) {
			callSafely(resolved.onDiagnostic, {type: 'spool-recovered', destination: id, recovery: queue.recovery}, 'options.onDiagnostic');
			report('ERR_FORWARDER_SPOOL_DAMAGED', `${this.name}:${id}: the spool had damaged bytes after an unclean stop; they were skipped`);
		}
		this.#endpoints.set(id, {id, url, topics: patterns, matches: topic => matchers.some(matches => matches(topic)), engine});
		return id;
	}

	/**
	 * Removes an endpoint after sending what it holds for at most `timeoutMs` (default 0): with a spool the rest stays
	 * on disk (an endpoint added again with this id sends it), without one it is dead-lettered. False if unknown.
	 */
	async remove(id: string, options: {readonly timeoutMs?: number} = {}): Promise<boolean> {
		assertInteger('options.timeoutMs', options.timeoutMs, 0);
		const endpoint = this.#endpoints.get(id);
		if (endpoint === undefined) return false;
		this.#endpoints.delete(id);
		await endpoint.engine.close(Date.now() + (options.timeoutMs ?? 0));
		return true;
	}

	/** Stops sending to an endpoint; its events keep collecting in its buffer. False if unknown. */
	pause(id: string): boolean {
		const endpoint = this.#endpoints.get(id);
		endpoint?.engine.pause();
		return endpoint !== undefined;
	}

	/** Resumes a paused endpoint. False if unknown. */
	resume(id: string): boolean {
		const endpoint = this.#endpoints.get(id);
		endpoint?.engine.resume();
		return endpoint !== undefined;
	}

	endpoints(): WebhookEndpointInfo[] {
		return [...this.#endpoints.values()].map(({id, url, topics, engine}) => ({id, url, topics, status: engine.health().status}));
	}

	/** Hands each event to the endpoints it matches; the promise (if any) resolves once every buffer took it. */
	consume(events: BusEvent | readonly BusEvent[]): Promise<void> | undefined {
		const list = toEventArray(events);
		const at = Date.now();
		const perEndpoint = new Map<Endpoint, QueuedRecord[]>();
		for (const event of list) {
			let body: Buffer | undefined;
			for (const endpoint of this.#endpoints.values()) {
				if (endpoint.engine.isDisabled || !endpoint.matches(event.topic)) continue;
				if (body === undefined) {
					try {
						body = encodeWebhook(event);
					} catch (error) {
						endpoint.engine.refuse([{id: event.id, body: Buffer.alloc(0), at, event}], new EventEncodingError(event.id, error));
						break;
					}
				}
				let records = perEndpoint.get(endpoint);
				if (records === undefined) perEndpoint.set(endpoint, (records = []));
				records.push({id: event.id, body, at, event});
			}
		}
		const waiting: Array<Promise<void>> = [];
		for (const [endpoint, records] of perEndpoint) {
			const accepted = endpoint.engine.accept(records);
			if (accepted !== undefined) waiting.push(accepted);
		}
		return waiting.length === 0 ? undefined : Promise.all(waiting).then(() => undefined);
	}

	health(): WebhooksHealth {
		const endpoints = [...this.#endpoints.values()].map(endpoint => endpoint.engine.health());
		const status = endpoints.some(endpoint => endpoint.status === 'down') ? 'down' : endpoints.some(endpoint => endpoint.status === 'degraded') ? 'degraded' : 'ok';
		return {name: this.name, status, endpoints};
	}

	/** One entry per endpoint (its id as `destination`). */
	metrics(): DeliveryMetrics[] {
		return [...this.#endpoints.values()].map(endpoint => endpoint.engine.metrics());
	}

	/** The metrics as a Prometheus text fragment, one `destination` label per endpoint. */
	toPrometheus(prefix = 'topicbus_webhooks'): string {
		return deliveryMetricsText(this.metrics(), prefix);
	}

	/** Flushes every endpoint for at most `timeoutMs` (default `closeTimeoutMs`), then stops, as the forwarder does. Idempotent. */
	async close(options: {readonly timeoutMs?: number} = {}): Promise<void> {
		assertInteger('options.timeoutMs', options.timeoutMs, 0);
		this.#isClosed = true;
		const deadline = Date.now() + (options.timeoutMs ?? this.#resolved.closeTimeoutMs);
		await Promise.all([...this.#endpoints.values()].map(endpoint => endpoint.engine.close(deadline)));
	}
}
