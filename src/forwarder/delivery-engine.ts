/**
 * The HTTP delivery engine behind both faces (the forwarder and each webhook endpoint): takes encoded records into
 * a bounded queue (disk spool or memory), sends them in batches, one request at a time per destination, retries
 * with backoff behind a circuit breaker, and removes records only once the destination acknowledged them.
 */
import {performance} from 'node:perf_hooks';
import {CircuitBreaker, type BreakerOptions, type BreakerSnapshot, type BreakerTransition} from './circuit-breaker.js';
import {batchSizeBounds, Histogram, requestSecondsBounds, type DeliveryMetrics} from './delivery-metrics.js';
import {DeliveryRejectedError, EndpointGoneError, EventTooLargeError, ForwarderClosedError, ForwarderError, RequestFailedError, RetryExpiredError, SpoolFullError, SpoolIoError} from './errors.js';
import type {HttpRequest, HttpResponse, HttpTransport} from './http-transport.js';
import type {QueueBatch, QueuedRecord, RecordQueue} from './record-queue.js';
import type {SpoolRecovery} from './segment-spool.js';
import {classifyStatus, parseRetryAfter, retryDelay, type Outcome, type RetryBackoff} from './retry-policy.js';

/** When the buffer is full: wait for room (backpressure into the bus), or drop the new events (dead-lettered). */
export type OverflowPolicy = 'block' | 'drop-newest';

/** Why records left the engine without a 2xx. */
export type LossKind = 'failed' | 'dropped';

/** Something that happened, for diagnostics (the faces pass these to `onDiagnostic`). */
export type DeliveryNotice =
	| {readonly type: 'sent'; readonly destination: string; readonly events: number; readonly attempts: number; readonly durationMs: number}
	| {readonly type: 'retry'; readonly destination: string; readonly events: number; readonly attempt: number; readonly delayMs: number; readonly error: RequestFailedError}
	| {readonly type: 'breaker'; readonly destination: string; readonly transition: BreakerTransition}
	| {readonly type: 'dead-letter'; readonly destination: string; readonly events: number; readonly error: Error}
	| {readonly type: 'gone'; readonly destination: string; readonly error: EndpointGoneError}
	| {readonly type: 'spool-recovered'; readonly destination: string; readonly recovery: SpoolRecovery};

/** Settings of one engine, resolved by its face. */
export interface EngineOptions {
	/** Label in metrics and notices. */
	readonly destination: string;
	readonly url: string;
	readonly queue: RecordQueue;
	readonly overflow: OverflowPolicy;
	readonly maxBatchEvents: number;
	readonly maxBatchBytes: number;
	readonly lingerMs: number;
	readonly timeoutMs: number;
	readonly backoff: Required<RetryBackoff>;
	readonly maxRetryDurationMs: number;
	readonly breaker: Required<BreakerOptions>;
	readonly transport: HttpTransport;
	/** 410 disables the destination (webhooks) instead of rejecting one batch (the collector). */
	readonly disableOnGone: boolean;
	/** Request body bytes around `count` records whose bodies total `bodyBytes` (e.g. `[`, commas, `]`). */
	bodyOverhead(count: number, bodyBytes: number): number;
	/** Encodes and signs one attempt; `messageId` is stable across the retries of a batch. */
	buildRequest(records: readonly QueuedRecord[], messageId: string): HttpRequest;
	/** Records that will never be delivered, with the reason; called once per record. */
	onLoss(records: readonly QueuedRecord[], error: Error, kind: LossKind, attempts: number): void;
	onNotice(notice: DeliveryNotice): void;
	readonly random?: () => number;
}

/** A destination's state, for `health()`. */
export interface DestinationHealth {
	readonly destination: string;
	readonly url: string;
	/** `ok`; `degraded` (failures, a nearly full buffer, blocked producers); `down` (breaker open); `paused`; `disabled` (410). */
	readonly status: 'ok' | 'degraded' | 'down' | 'paused' | 'disabled';
	readonly breaker: BreakerSnapshot;
	readonly buffer: {
		/** False for the memory buffer: a crash loses what it holds. */
		readonly durable: boolean;
		readonly events: number;
		readonly bytes: number;
		readonly maxBytes: number;
		/** Age of the oldest unsent event. */
		readonly oldestAgeMs: number | undefined;
		/** Producers waiting for room (`block`). */
		readonly blocked: number;
	};
	/** Events in the request now being sent or retried, and its attempts so far. */
	readonly inFlight: {readonly events: number; readonly attempts: number} | undefined;
	readonly lastError: {readonly message: string; readonly code: string; readonly at: number} | undefined;
	readonly lastSuccessAt: number | undefined;
}

interface Batch {
	readonly taken: QueueBatch;
	readonly messageId: string;
	readonly firstAttemptAt: number;
	attempts: number;
	lastError: RequestFailedError | undefined;
}

interface Waiter {
	records: readonly QueuedRecord[];
	readonly resolve: () => void;
	readonly reject: (error: unknown) => void;
}

type AttemptResult = {readonly outcome: Outcome; readonly response: HttpResponse} | {readonly outcome: 'retry'; readonly error: RequestFailedError};

export class DeliveryEngine {
	readonly #options: EngineOptions;
	readonly #queue: RecordQueue;
	readonly #breaker: CircuitBreaker;
	readonly #waiters: Waiter[] = [];
	readonly #idleWaiters: Array<() => void> = [];
	#batch: Batch | undefined;
	#timer: ReturnType<typeof setTimeout> | undefined;
	#controller: AbortController | undefined;
	#isClosed = false;
	#isPaused = false;
	#isDisabled = false;
	#isFlushing = false;
	#lastError: DestinationHealth['lastError'];
	#lastSuccessAt: number | undefined;
	#accepted = 0;
	#sent = 0;
	#failed = 0;
	#dropped = 0;
	#requests = 0;
	#retries = 0;
	readonly #batchSizes = new Histogram(batchSizeBounds);
	readonly #latency = new Histogram(requestSecondsBounds);

	constructor(options: EngineOptions) {
		this.#options = options;
		this.#queue = options.queue;
		this.#breaker = new CircuitBreaker(options.breaker, transition => options.onNotice({type: 'breaker', destination: options.destination, transition}));
		// Records left by an earlier run are sent at once: their linger time has long passed.
		queueMicrotask(() => this.#pump());
	}

	get isDisabled(): boolean {
		return this.#isDisabled;
	}

	/**
	 * Takes records in order. Returns undefined when all were taken (or refused and reported); under `block` with a
	 * full buffer, a promise that resolves once the last of them is in the buffer.
	 */
	accept(records: readonly QueuedRecord[]): Promise<void> | undefined {
		const {maxBatchBytes, bodyOverhead} = this.#options;
		let fitting: QueuedRecord[] | undefined;
		for (let index = 0; index < records.length; index++) {
			const record = records[index]!;
			if (record.body.length + bodyOverhead(1, record.body.length) > maxBatchBytes) {
				fitting ??= records.slice(0, index);
				this.#lose([record], new EventTooLargeError(record.id, record.body.length, maxBatchBytes), 'failed', 0);
			} else if (fitting !== undefined) {
				fitting.push(record);
			}
		}
		const admissible = fitting ?? records;
		if (this.#isClosed || this.#isDisabled) {
			const error = this.#isDisabled ? new EndpointGoneError(this.#options.destination, this.#options.url) : new ForwarderClosedError('The forwarder is closed');
			this.#lose(admissible, error, 'dropped', 0);
			return undefined;
		}
		const rest = this.#waiters.length === 0 ? this.#admit(admissible) : admissible;
		if (rest.length === 0) return undefined;
		if (this.#options.overflow === 'drop-newest') {
			for (const record of rest) this.#lose([record], new SpoolFullError(record.id, this.#queue.maxBytes), 'dropped', 0);
			return undefined;
		}
		return new Promise((resolve, reject) => this.#waiters.push({records: rest, resolve, reject}));
	}

	/** Reports records the face could not even queue (e.g. not encodable): counted and dead-lettered like the engine's own. */
	refuse(records: readonly QueuedRecord[], error: ForwarderError): void {
		this.#lose(records, error, 'failed', 0);
	}

	/** Stops sending (a request already under way finishes); records keep arriving into the buffer. */
	pause(): void {
		this.#isPaused = true;
	}

	resume(): void {
		if (!this.#isPaused) return;
		this.#isPaused = false;
		if (this.#batch !== undefined && this.#timer === undefined && this.#controller === undefined) this.#attempt();
		else this.#pump();
	}

	/**
	 * Sends what is buffered without waiting for batches to fill, until the buffer is empty or `deadline` (epoch ms)
	 * passes; resolves true when it emptied.
	 */
	async flush(deadline: number): Promise<boolean> {
		this.#isFlushing = true;
		if (this.#batch === undefined && this.#timer !== undefined) {
			// A batch lingering for more events: send it now.
			clearTimeout(this.#timer);
			this.#timer = undefined;
		}
		this.#pump();
		const isIdle = (): boolean => this.#queue.depth === 0 && this.#batch === undefined && this.#waiters.length === 0;
		if (isIdle() || this.#isPaused || this.#isDisabled) return isIdle();
		let timer: ReturnType<typeof setTimeout> | undefined;
		const emptied = await new Promise<boolean>(resolve => {
			this.#idleWaiters.push(() => resolve(true));
			timer = setTimeout(() => resolve(false), Math.max(0, deadline - Date.now()));
		});
		clearTimeout(timer);
		return emptied;
	}

	/**
	 * Flushes until `deadline`, then stops: the request under way is aborted, a durable buffer keeps what is left for
	 * the next start, a memory buffer reports it as dropped. Blocked producers are released, their events dropped.
	 */
	async close(deadline: number): Promise<void> {
		if (this.#isClosed) return;
		await this.flush(deadline);
		this.#isClosed = true;
		clearTimeout(this.#timer);
		this.#timer = undefined;
		this.#controller?.abort(new ForwarderClosedError('The forwarder closed during the request'));
		for (const waiter of this.#waiters.splice(0)) {
			this.#lose(waiter.records, new ForwarderClosedError('The forwarder closed while the event waited for room in the buffer'), 'dropped', 0);
			waiter.resolve();
		}
		if (!this.#queue.isDurable && 'takeAll' in this.#queue) {
			const rest = (this.#queue as unknown as {takeAll(): QueuedRecord[]}).takeAll();
			if (rest.length > 0) this.#lose(rest, new ForwarderClosedError(`The forwarder closed with ${rest.length} unsent events and no spool`), 'dropped', 0);
		}
		this.#queue.close();
	}

	/** A webhook endpoint answered 410, or was removed: everything it holds is dead-lettered and nothing more is sent. */
	disable(error: ForwarderError): void {
		this.#isDisabled = true;
		clearTimeout(this.#timer);
		this.#timer = undefined;
		this.#controller?.abort(error);
		this.#batch = undefined;
		for (const waiter of this.#waiters.splice(0)) {
			this.#lose(waiter.records, error, 'failed', 0);
			waiter.resolve();
		}
		while (this.#queue.depth > 0) {
			const taken = this.#queue.peek(Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, () => 0);
			this.#lose(taken.records, error, 'failed', 0);
			this.#queue.ack(taken);
		}
		this.#settleIdle();
	}

	health(now = Date.now()): DestinationHealth {
		const breaker = this.#breaker.snapshot();
		const queue = this.#queue;
		const oldestAt = queue.oldestAt;
		const isNearlyFull = queue.bytes >= queue.maxBytes * 0.8;
		const status = this.#isDisabled
			? 'disabled'
			: this.#isPaused
				? 'paused'
				: breaker.state !== 'closed'
					? 'down'
					: breaker.consecutiveFailures > 0 || isNearlyFull || this.#waiters.length > 0
						? 'degraded'
						: 'ok';
		return {
			destination: this.#options.destination,
			url: this.#options.url,
			status,
			breaker,
			buffer: {
				durable: queue.isDurable,
				events: queue.depth,
				bytes: queue.bytes,
				maxBytes: queue.maxBytes,
				oldestAgeMs: oldestAt === undefined ? undefined : Math.max(0, now - oldestAt),
				blocked: this.#waiters.length,
			},
			inFlight: this.#batch === undefined ? undefined : {events: this.#batch.taken.records.length, attempts: this.#batch.attempts},
			lastError: this.#lastError,
			lastSuccessAt: this.#lastSuccessAt,
		};
	}

	metrics(): DeliveryMetrics {
		const breaker = this.#breaker.snapshot();
		return {
			destination: this.#options.destination,
			accepted: this.#accepted,
			sent: this.#sent,
			failed: this.#failed,
			dropped: this.#dropped,
			requests: this.#requests,
			retries: this.#retries,
			queueDepth: this.#queue.depth,
			queueBytes: this.#queue.bytes,
			breakerState: breaker.state,
			breakerOpened: breaker.opened,
			batchSize: this.#batchSizes.snapshot(),
			requestSeconds: this.#latency.snapshot(),
		};
	}

	/** Appends the prefix of `records` that fits; returns the rest. */
	#admit(records: readonly QueuedRecord[]): readonly QueuedRecord[] {
		const queue = this.#queue;
		let room = queue.maxBytes - queue.bytes;
		let taken = 0;
		while (taken < records.length) {
			const size = queue.sizeOf(records[taken]!);
			if (size > room) break;
			room -= size;
			taken++;
		}
		if (taken > 0) {
			const admitted = taken === records.length ? records : records.slice(0, taken);
			queue.append(admitted);
			this.#accepted += taken;
			this.#pump();
		}
		return taken === records.length ? [] : records.slice(taken);
	}

	#admitWaiters(): void {
		while (this.#waiters.length > 0) {
			const waiter = this.#waiters[0]!;
			try {
				waiter.records = this.#admit(waiter.records);
			} catch (error) {
				// The spool could not be written (disk full, I/O error): the bus gets the failure of these events.
				this.#waiters.shift();
				waiter.reject(error);
				continue;
			}
			if (waiter.records.length > 0) return;
			this.#waiters.shift();
			waiter.resolve();
		}
	}

	#pump(): void {
		if (this.#isClosed || this.#isPaused || this.#isDisabled || this.#batch !== undefined) return;
		const queue = this.#queue;
		if (queue.depth === 0) return this.#settleIdle();
		const {maxBatchEvents, maxBatchBytes, lingerMs, bodyOverhead} = this.#options;
		const isFull = queue.depth >= maxBatchEvents || queue.bytes >= maxBatchBytes;
		if (this.#timer !== undefined) {
			// Only a linger timer can be pending without a batch; a full batch does not wait for it.
			if (!isFull) return;
			clearTimeout(this.#timer);
			this.#timer = undefined;
		}
		const now = Date.now();
		const age = now - (queue.oldestAt ?? now);
		if (!this.#isFlushing && !isFull && age < lingerMs) {
			this.#timer = setTimeout(() => {
				this.#timer = undefined;
				this.#pump();
			}, lingerMs - age);
			return;
		}
		let taken: QueueBatch;
		try {
			taken = queue.peek(maxBatchEvents, maxBatchBytes, bodyOverhead);
		} catch (error) {
			// The spool could not be read: try again after the first backoff step, and say so in health.
			this.#noteError(new SpoolIoError('read', error), now);
			this.#timer = setTimeout(() => {
				this.#timer = undefined;
				this.#pump();
			}, this.#options.backoff.initialMs);
			return;
		}
		const first = taken.records[0]!;
		// Stable across the retries of this batch (Standard Webhooks' idempotency key); a single event keeps its own id.
		const messageId = taken.records.length === 1 ? first.id : `${first.id}.${taken.records.length}`;
		this.#batch = {taken, messageId, firstAttemptAt: now, attempts: 0, lastError: undefined};
		this.#attempt();
	}

	#attempt(): void {
		this.#timer = undefined;
		const batch = this.#batch;
		if (batch === undefined || this.#isClosed || this.#isDisabled || this.#isPaused) return;
		const waitMs = this.#breaker.waitMs(Date.now());
		if (waitMs > 0) {
			this.#timer = setTimeout(() => this.#attempt(), waitMs);
			return;
		}
		batch.attempts++;
		this.#requests++;
		const {url, timeoutMs, transport} = this.#options;
		const controller = new AbortController();
		this.#controller = controller;
		const timer = setTimeout(() => controller.abort(new RequestFailedError(url, 'timeout', `no complete answer within ${timeoutMs} ms`)), timeoutMs);
		const started = performance.now();
		let request: HttpRequest;
		try {
			request = this.#options.buildRequest(batch.taken.records, batch.messageId);
		} catch (error) {
			clearTimeout(timer);
			this.#controller = undefined;
			this.#finish(batch, {outcome: 'retry', error: new RequestFailedError(url, 'network', 'the request could not be built', {cause: error})}, started);
			return;
		}
		let sending: Promise<HttpResponse>;
		try {
			sending = transport(request, controller.signal);
		} catch (error) {
			// A custom transport that throws instead of rejecting: the same failure, never a throw into `consume`.
			sending = Promise.reject(error);
		}
		sending.then(
			response => {
				clearTimeout(timer);
				return {outcome: classifyStatus(response.status), response} as AttemptResult;
			},
			(error: unknown) => {
				clearTimeout(timer);
				const reason: unknown = controller.signal.aborted ? controller.signal.reason : undefined;
				if (reason instanceof RequestFailedError) return {outcome: 'retry', error: reason} as AttemptResult;
				return {outcome: 'retry', error: new RequestFailedError(url, 'network', describeNetworkError(error), {cause: error})} as AttemptResult;
			},
		).then(result => {
			if (this.#controller === controller) this.#controller = undefined;
			// Closed or disabled while the request was out: a durable buffer resends it next time, nothing to settle.
			if (this.#batch !== batch || this.#isClosed) return;
			this.#finish(batch, result, started);
		}).catch((error: unknown) => queueMicrotask(() => {
			throw error; // A bug in the engine itself: never swallowed.
		}));
	}

	#finish(batch: Batch, result: AttemptResult, started: number): void {
		const now = Date.now();
		const durationMs = performance.now() - started;
		this.#latency.observe(durationMs / 1000);
		const {destination, url} = this.#options;
		const events = batch.taken.records.length;
		if (result.outcome === 'delivered') {
			this.#breaker.recordSuccess(now);
			this.#batchSizes.observe(events);
			this.#sent += events;
			this.#lastSuccessAt = now;
			this.#options.onNotice({type: 'sent', destination, events, attempts: batch.attempts, durationMs});
			return this.#complete(batch);
		}
		if (result.outcome === 'reject' || (result.outcome === 'gone' && !this.#options.disableOnGone)) {
			this.#breaker.recordSuccess(now);
			const {response} = result as {response: HttpResponse};
			const error = new DeliveryRejectedError(url, response.status, response.reason);
			this.#noteError(error, now);
			this.#lose(batch.taken.records, error, 'failed', batch.attempts);
			return this.#complete(batch);
		}
		if (result.outcome === 'gone') {
			const error = new EndpointGoneError(destination, url);
			this.#noteError(error, now);
			this.#options.onNotice({type: 'gone', destination, error});
			this.disable(error);
			return;
		}
		const error =
			'error' in result
				? result.error
				: new RequestFailedError(url, 'status', `${result.response.status}${result.response.reason === '' ? '' : `: ${result.response.reason}`}`, {
						status: result.response.status,
						retryAfterMs: parseRetryAfter(result.response.retryAfter, now),
					});
		batch.lastError = error;
		this.#noteError(error, now);
		this.#breaker.recordFailure(now);
		if (now - batch.firstAttemptAt >= this.#options.maxRetryDurationMs) {
			this.#lose(batch.taken.records, new RetryExpiredError(url, batch.attempts, this.#options.maxRetryDurationMs, error), 'failed', batch.attempts);
			return this.#complete(batch);
		}
		this.#retries++;
		const delayMs = Math.max(retryDelay(batch.attempts, this.#options.backoff, error.retryAfterMs, this.#options.random), this.#breaker.waitMs(now));
		this.#options.onNotice({type: 'retry', destination, events, attempt: batch.attempts, delayMs, error});
		if (this.#isClosed) return;
		this.#timer = setTimeout(() => this.#attempt(), delayMs);
	}

	/** The batch is settled (sent, or reported lost): remove it, let blocked producers in, go on. */
	#complete(batch: Batch): void {
		try {
			this.#queue.ack(batch.taken);
		} catch (error) {
			// The cursor or a segment deletion failed on disk: the next start may resend these (duplicates, no loss).
			this.#noteError(new SpoolIoError('acknowledge', error), Date.now());
		}
		this.#batch = undefined;
		this.#admitWaiters();
		this.#pump();
	}

	#noteError(error: Error & {code: string}, at: number): void {
		this.#lastError = {message: error.message, code: error.code, at};
	}

	#lose(records: readonly QueuedRecord[], error: Error & {code: string}, kind: LossKind, attempts: number): void {
		if (records.length === 0) return;
		if (kind === 'failed') this.#failed += records.length;
		else this.#dropped += records.length;
		this.#noteError(error, Date.now());
		this.#options.onNotice({type: 'dead-letter', destination: this.#options.destination, events: records.length, error});
		this.#options.onLoss(records, error, kind, attempts);
	}

	#settleIdle(): void {
		if (this.#queue.depth > 0 || this.#batch !== undefined || this.#waiters.length > 0) return;
		this.#isFlushing = false;
		for (const resolve of this.#idleWaiters.splice(0)) resolve();
	}
}

function describeNetworkError(error: unknown): string {
	const cause = (error as {cause?: {code?: unknown; message?: unknown}} | undefined)?.cause;
	if (typeof cause?.code === 'string') return `${cause.code}${typeof cause.message === 'string' ? ` (${cause.message})` : ''}`;
	return error instanceof Error ? error.message : String(error);
}
