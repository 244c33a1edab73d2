/**
 * Operational errors of the forwarder and the webhooks: what a dead letter or `health().lastError` carries when an
 * HTTP delivery fails. Every code starts with `ERR_FORWARDER_`; docs/forwarder.md lists them.
 */
import {EventBusError} from '../errors.js';

/** Every stable error code of the forwarder and the webhooks, by error class. */
export const ForwarderErrorCodes = {
	DeliveryRejectedError: 'ERR_FORWARDER_REJECTED',
	RequestFailedError: 'ERR_FORWARDER_REQUEST_FAILED',
	RetryExpiredError: 'ERR_FORWARDER_RETRY_EXPIRED',
	EventTooLargeError: 'ERR_FORWARDER_EVENT_TOO_LARGE',
	EventEncodingError: 'ERR_FORWARDER_ENCODING',
	SpoolFullError: 'ERR_FORWARDER_SPOOL_FULL',
	EndpointGoneError: 'ERR_FORWARDER_ENDPOINT_GONE',
	ForwarderClosedError: 'ERR_FORWARDER_CLOSED',
	SpoolIoError: 'ERR_FORWARDER_SPOOL_IO',
} as const;

/** A stable forwarder error code. */
export type ForwarderErrorCode = (typeof ForwarderErrorCodes)[keyof typeof ForwarderErrorCodes];

/** Base class of the forwarder's errors (an {@link EventBusError}, so one `instanceof` catches every topicbus error). */
export class ForwarderError extends EventBusError<ForwarderErrorCode> {
	/** `code` is one of {@link ForwarderErrorCodes}. */
	constructor(code: ForwarderErrorCode, message: string, options?: {cause?: unknown}) {
		super(code, message, options);
	}
}

/** The destination answered with a status that retrying cannot fix (4xx other than 408 and 429, or 501). */
export class DeliveryRejectedError extends ForwarderError {
	readonly url: string;
	readonly status: number;
	/** The start of the response body (at most 512 characters): the destination's reason. */
	readonly reason: string;

	constructor(url: string, status: number, reason: string) {
		super(ForwarderErrorCodes.DeliveryRejectedError, `${url} rejected the request with ${status}${reason === '' ? '' : `: ${reason}`}`);
		this.url = url;
		this.status = status;
		this.reason = reason;
	}
}

/** One attempt failed in a way worth retrying: a network error, a timeout, 408, 429 or a 5xx other than 501. */
export class RequestFailedError extends ForwarderError {
	readonly url: string;
	/** The HTTP status, or undefined when no response arrived (`kind` says why). */
	readonly status: number | undefined;
	readonly kind: 'network' | 'timeout' | 'status';
	/** What the destination asked for with `Retry-After`, in milliseconds, if anything. */
	readonly retryAfterMs: number | undefined;

	constructor(url: string, kind: 'network' | 'timeout' | 'status', detail: string, extra: {status?: number; retryAfterMs?: number | undefined; cause?: unknown} = {}) {
		super(ForwarderErrorCodes.RequestFailedError, `Request to ${url} failed: ${detail}`, {cause: extra.cause});
		this.url = url;
		this.kind = kind;
		this.status = extra.status;
		this.retryAfterMs = extra.retryAfterMs;
	}
}

/** Retries of a batch went on longer than `maxRetryDurationMs`; its events were dead-lettered. */
export class RetryExpiredError extends ForwarderError {
	readonly url: string;
	readonly attempts: number;

	constructor(url: string, attempts: number, maxRetryDurationMs: number, cause: unknown) {
		super(ForwarderErrorCodes.RetryExpiredError, `Gave up on ${url} after ${attempts} attempts over more than ${maxRetryDurationMs} ms`, {cause});
		this.url = url;
		this.attempts = attempts;
	}
}

/** One event, encoded, is larger than a request may be (`maxBatchBytes`): no request could carry it. */
export class EventTooLargeError extends ForwarderError {
	readonly eventId: string;
	readonly bytes: number;
	readonly limit: number;

	constructor(eventId: string, bytes: number, limit: number) {
		super(ForwarderErrorCodes.EventTooLargeError, `Event ${eventId} is ${bytes} bytes encoded, above the request limit of ${limit} bytes`);
		this.eventId = eventId;
		this.bytes = bytes;
		this.limit = limit;
	}
}

/** An event could not be encoded as JSON (a BigInt, a cycle, a throwing `toJSON` in its payload or metadata). */
export class EventEncodingError extends ForwarderError {
	readonly eventId: string;

	constructor(eventId: string, cause: unknown) {
		super(ForwarderErrorCodes.EventEncodingError, `Event ${eventId} cannot be encoded as JSON: ${cause instanceof Error ? cause.message : String(cause)}`, {cause});
		this.eventId = eventId;
	}
}

/** The spool (or the memory buffer) was full under the `drop-newest` policy: the event was not accepted. */
export class SpoolFullError extends ForwarderError {
	readonly eventId: string;
	readonly maxBytes: number;

	constructor(eventId: string, maxBytes: number) {
		super(ForwarderErrorCodes.SpoolFullError, `The buffer is full (${maxBytes} bytes): event ${eventId} was dropped`);
		this.eventId = eventId;
		this.maxBytes = maxBytes;
	}
}

/** A webhook endpoint answered 410 Gone: it is disabled, and the events it still held are dead-lettered. */
export class EndpointGoneError extends ForwarderError {
	readonly url: string;
	readonly endpointId: string;

	constructor(endpointId: string, url: string) {
		super(ForwarderErrorCodes.EndpointGoneError, `Webhook endpoint ${endpointId} (${url}) answered 410 Gone and was disabled`);
		this.url = url;
		this.endpointId = endpointId;
	}
}

/** Events were still in the memory buffer (no spool) when the forwarder closed at its deadline. */
export class ForwarderClosedError extends ForwarderError {
	constructor(detail: string) {
		super(ForwarderErrorCodes.ForwarderClosedError, detail);
	}
}

/**
 * The spool's files could not be written, read or updated (disk full, I/O error). A failed write is thrown from
 * `consume` (the bus then reports those events as failed deliveries); a failed read or acknowledgement is retried and
 * shown in `health().lastError`.
 */
export class SpoolIoError extends ForwarderError {
	readonly operation: 'write' | 'read' | 'acknowledge';

	constructor(operation: 'write' | 'read' | 'acknowledge', cause: unknown) {
		super(ForwarderErrorCodes.SpoolIoError, `The spool could not ${operation === 'acknowledge' ? 'record an acknowledgement' : `be ${operation === 'write' ? 'written' : 'read'}`}: ${cause instanceof Error ? cause.message : String(cause)}`, {cause});
		this.operation = operation;
	}
}
