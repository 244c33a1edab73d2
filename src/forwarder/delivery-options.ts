/**
 * The options both faces share (batching, timeouts, retries, breaker, spool or memory buffer, overflow, reporting),
 * their defaults and their validation.
 */
import {assertFunction, assertInteger, assertOneOf, assertOptionalFunction, assertOptionalObject, assertPlainObject, assertString, fail} from '../internal/assert.js';
import type {DeadLetterInput} from '../consumers/stored-dead-letter.js';
import type {BreakerOptions} from './circuit-breaker.js';
import type {DeliveryNotice, OverflowPolicy} from './delivery-engine.js';
import {fetchTransport, type HttpTransport} from './http-transport.js';
import {MemoryQueue, type RecordQueue} from './record-queue.js';
import type {RetryBackoff} from './retry-policy.js';
import {SegmentSpool, type SpoolOptions} from './segment-spool.js';

/** Retries of a failed request. */
export interface DeliveryRetryOptions extends RetryBackoff {
	/**
	 * Give up on a batch (dead-letter it) once it has been retried for this long. The default never gives up: the
	 * buffer's bound, not a clock, limits an outage. @default Infinity
	 */
	readonly maxDurationMs?: number;
}

/** Options shared by {@link Forwarder} and {@link Webhooks}. */
export interface DeliveryOptions {
	/** Per attempt, from sending the request to the end of the answer's body. @default 30_000 */
	readonly timeoutMs?: number;
	/** @default {initialMs: 1_000, maxMs: 30_000, maxDurationMs: Infinity} */
	readonly retry?: DeliveryRetryOptions;
	/** @default {failureThreshold: 5, cooldownMs: 30_000} */
	readonly breaker?: BreakerOptions;
	/** Keep accepted events on disk until acknowledged (survives a crash and a restart). @default none: memory */
	readonly spool?: SpoolOptions;
	/** Without a spool: bytes of events held in memory at most (lost on a crash). @default 64 MiB */
	readonly maxBufferBytes?: number;
	/** When the spool or buffer is full. @default 'block' */
	readonly overflow?: OverflowPolicy;
	/** Extra request headers (e.g. a tenant); content type and signature headers are set by the forwarder. */
	readonly headers?: Readonly<Record<string, string>>;
	/**
	 * Gets every event that will not be delivered (rejected with a 4xx, too large, dropped by `drop-newest`, given up
	 * by `retry.maxDurationMs`, left in memory at close), in the dead-letter store's input shape: pass
	 * `letter => deadLetters.record(letter)` to keep them with the bus's own. @default `process.emitWarning`
	 */
	readonly onDeadLetter?: (letter: DeadLetterInput) => void;
	/** Every delivery notice (sent, retry, breaker transition, dead letter, 410, spool recovery). @default none */
	readonly onDiagnostic?: (notice: DeliveryNotice) => void;
	/** How `close()` (called by `bus.close()`) waits for the buffer to empty before leaving the rest spooled. @default 5_000 */
	readonly closeTimeoutMs?: number;
	/** The HTTP seam: replace it to go through a proxy, or to drive the engine in tests. @default fetch */
	readonly transport?: HttpTransport;
}

/** {@link DeliveryOptions} with the defaults applied. */
export interface ResolvedDelivery {
	readonly timeoutMs: number;
	readonly backoff: Required<RetryBackoff>;
	readonly maxRetryDurationMs: number;
	readonly breaker: Required<BreakerOptions>;
	readonly spool: SpoolOptions | undefined;
	readonly maxBufferBytes: number;
	readonly overflow: OverflowPolicy;
	readonly headers: Readonly<Record<string, string>>;
	readonly onDeadLetter: ((letter: DeadLetterInput) => void) | undefined;
	readonly onDiagnostic: ((notice: DeliveryNotice) => void) | undefined;
	readonly closeTimeoutMs: number;
	readonly transport: HttpTransport;
}

const mebibyte = 1024 * 1024;

/** Validates the shared options (`TypeError` on a bad one) and applies the defaults. */
export function resolveDelivery(options: DeliveryOptions, minBufferBytes: number): ResolvedDelivery {
	const {retry, breaker, spool, headers} = options;
	assertInteger('options.timeoutMs', options.timeoutMs, 1);
	assertOptionalObject('options.retry', retry);
	assertInteger('options.retry.initialMs', retry?.initialMs, 1);
	assertInteger('options.retry.maxMs', retry?.maxMs, 1);
	assertInteger('options.retry.maxDurationMs', retry?.maxDurationMs, 0, true);
	assertOptionalObject('options.breaker', breaker);
	assertInteger('options.breaker.failureThreshold', breaker?.failureThreshold, 1);
	assertInteger('options.breaker.cooldownMs', breaker?.cooldownMs, 1);
	assertInteger('options.maxBufferBytes', options.maxBufferBytes, minBufferBytes);
	assertOneOf('options.overflow', options.overflow, ['block', 'drop-newest']);
	assertOptionalObject('options.headers', headers);
	for (const [name, value] of Object.entries(headers ?? {})) assertString(`options.headers.${name}`, value);
	assertOptionalFunction('options.onDeadLetter', options.onDeadLetter);
	assertOptionalFunction('options.onDiagnostic', options.onDiagnostic);
	assertInteger('options.closeTimeoutMs', options.closeTimeoutMs, 0);
	assertOptionalFunction('options.transport', options.transport);
	if (spool !== undefined) validateSpool(spool, minBufferBytes);
	return {
		timeoutMs: options.timeoutMs ?? 30_000,
		backoff: {initialMs: retry?.initialMs ?? 1000, maxMs: retry?.maxMs ?? 30_000},
		maxRetryDurationMs: retry?.maxDurationMs ?? Number.POSITIVE_INFINITY,
		breaker: {failureThreshold: breaker?.failureThreshold ?? 5, cooldownMs: breaker?.cooldownMs ?? 30_000},
		spool,
		maxBufferBytes: options.maxBufferBytes ?? 64 * mebibyte,
		overflow: options.overflow ?? 'block',
		headers: headers ?? {},
		onDeadLetter: options.onDeadLetter,
		onDiagnostic: options.onDiagnostic,
		closeTimeoutMs: options.closeTimeoutMs ?? 5000,
		transport: options.transport ?? fetchTransport,
	};
}

function validateSpool(spool: SpoolOptions, minBytes: number): void {
	assertPlainObject('options.spool', spool);
	assertString('options.spool.dir', spool.dir);
	if (spool.dir === '') fail('options.spool.dir', 'a non-empty path', spool.dir);
	assertInteger('options.spool.maxBytes', spool.maxBytes, minBytes);
	assertInteger('options.spool.segmentBytes', spool.segmentBytes, 1024);
	assertOneOf('options.spool.fsync', spool.fsync, ['interval', 'always', 'never']);
	assertInteger('options.spool.fsyncIntervalMs', spool.fsyncIntervalMs, 1);
}

/** The spool in `dir` (recovering what an earlier run left), or a memory buffer. */
export function createQueue(resolved: ResolvedDelivery, dir = resolved.spool?.dir): RecordQueue {
	if (resolved.spool === undefined || dir === undefined) return new MemoryQueue(resolved.maxBufferBytes);
	return new SegmentSpool({...resolved.spool, dir});
}

/** `process.emitWarning` for a sink that is missing or threw: the forwarder itself never throws into the app. */
export function report(code: string, message: string, error?: unknown): void {
	process.emitWarning(error === undefined ? message : `${message}: ${error instanceof Error ? error.message : String(error)}`, {code});
}

/** Calls a user callback; a throw becomes a warning instead of breaking delivery. */
export function callSafely<Argument>(callback: ((argument: Argument) => void) | undefined, argument: Argument, name: string): void {
	if (callback === undefined) return;
	try {
		assertFunction(name, callback);
		callback(argument);
	} catch (error) {
		report('ERR_FORWARDER_CALLBACK_FAILED', `\`${name}\` threw`, error);
	}
}
