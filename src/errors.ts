/**
 * Operational errors of topicbus.
 *
 * Every error the bus raises on purpose is an {@link EventBusError} with a stable `code` (never reworded, safe to
 * branch on), the data a caller needs to react, and the underlying `cause` where there is one. Programmer errors
 * (a wrong argument type) are plain `TypeError`s instead, because no caller should handle them at run time.
 *
 * docs/errors.md has a table of every code; a test keeps that table and this file in step.
 */

/** Every stable error code, by error class. */
export const ErrorCodes = {
	InvalidTopicError: 'ERR_INVALID_TOPIC',
	InvalidPayloadError: 'ERR_INVALID_PAYLOAD',
	QueueFullError: 'ERR_QUEUE_FULL',
	BusClosedError: 'ERR_BUS_CLOSED',
	BatchValidationError: 'ERR_INVALID_BATCH',
	HandlerTimeoutError: 'ERR_HANDLER_TIMEOUT',
	WaitTimeoutError: 'ERR_WAIT_TIMEOUT',
	AbortError: 'ERR_ABORTED',
	EventDroppedError: 'ERR_EVENT_DROPPED',
	FilterError: 'ERR_FILTER_FAILED',
	SchemaValidationError: 'ERR_SCHEMA_VALIDATION',
	SchemaRegistryError: 'ERR_SCHEMA_REGISTRY',
	DeadLetterReplayError: 'ERR_DEAD_LETTER_REPLAY',
} as const;

/** A stable error code. */
export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

/** Base class of every operational error topicbus raises. Branch on `code`, not on the message. */
export class EventBusError extends Error {
	/** A stable identifier of the condition, e.g. `ERR_QUEUE_FULL`. */
	readonly code: ErrorCode;

	constructor(code: ErrorCode, message: string, options?: {cause?: unknown}) {
		super(message, options);
		this.code = code;
	}

	override get name(): string {
		return this.constructor.name;
	}
}

/** Why a topic or pattern was refused. */
export type InvalidTopicReason =
	| 'not-a-string'
	| 'empty'
	| 'empty-segment'
	| 'too-long'
	| 'too-many-segments'
	| 'segment-too-long'
	| 'invalid-character'
	| 'wildcard-in-topic'
	| 'reserved'
	| 'invalid-wildcard'
	| 'too-many-globstars'
	| 'invalid-glob';

/** A topic or pattern does not follow the grammar (SPEC section 1). `topic` is the input, `reason` says why. */
export class InvalidTopicError extends EventBusError {
	readonly topic: string;
	readonly reason: InvalidTopicReason;

	constructor(topic: string, reason: InvalidTopicReason, detail: string, options?: {cause?: unknown}) {
		super(ErrorCodes.InvalidTopicError, `Invalid topic \`${truncate(topic)}\`: ${detail}`, options);
		this.topic = topic;
		this.reason = reason;
	}
}

/** A payload the bus cannot carry safely (nested deeper than `maxPayloadDepth`, or not cloneable data). */
export class InvalidPayloadError extends EventBusError {
	readonly topic: string;
	readonly reason: 'too-deep';

	constructor(topic: string, reason: 'too-deep', detail: string) {
		super(ErrorCodes.InvalidPayloadError, `Invalid payload for \`${truncate(topic)}\`: ${detail}`);
		this.topic = topic;
		this.reason = reason;
	}
}

/** The ingress queue is full and its overflow policy is `reject`. Nothing was queued. */
export class QueueFullError extends EventBusError {
	readonly topic: string;
	readonly capacity: number;

	constructor(topic: string, capacity: number) {
		super(ErrorCodes.QueueFullError, `Queue is full (capacity ${capacity}); \`${truncate(topic)}\` was not queued`);
		this.topic = topic;
		this.capacity = capacity;
	}
}

/** The bus was stopped or closed; it accepts no more events (or subscriptions, once closed). */
export class BusClosedError extends EventBusError {
	readonly state: 'stopping' | 'stopped' | 'closed';

	constructor(state: 'stopping' | 'stopped' | 'closed', operation: string) {
		super(ErrorCodes.BusClosedError, `Cannot ${operation}: the bus is ${state}`);
		this.state = state;
	}
}

/** One invalid item of a batch: its index and the error it would have raised alone. */
export interface BatchItemError {
	readonly index: number;
	readonly topic: unknown;
	readonly error: Error;
}

/** `publishBatch` found invalid items; nothing of the batch was queued. `items` lists every bad item. */
export class BatchValidationError extends EventBusError {
	readonly items: readonly BatchItemError[];

	constructor(items: readonly BatchItemError[]) {
		const summary = items
			.slice(0, 5)
			.map(item => `#${item.index}: ${item.error.message}`)
			.join('; ');
		const more = items.length > 5 ? `; and ${items.length - 5} more` : '';
		super(ErrorCodes.BatchValidationError, `${items.length} invalid item(s), nothing was queued: ${summary}${more}`, {
			cause: items[0]?.error,
		});
		this.items = items;
	}
}

/** A handler did not settle within its subscription's `timeoutMs`. The attempt counts as failed. */
export class HandlerTimeoutError extends EventBusError {
	readonly timeoutMs: number;
	readonly subscriptionId: string;

	constructor(subscriptionId: string, timeoutMs: number) {
		super(ErrorCodes.HandlerTimeoutError, `Handler of subscription ${subscriptionId} did not settle within ${timeoutMs} ms`);
		this.timeoutMs = timeoutMs;
		this.subscriptionId = subscriptionId;
	}
}

/** `waitFor` saw no matching event within `timeoutMs`. */
export class WaitTimeoutError extends EventBusError {
	readonly pattern: string;
	readonly timeoutMs: number;

	constructor(pattern: string, timeoutMs: number) {
		super(ErrorCodes.WaitTimeoutError, `No event matching \`${truncate(pattern)}\` within ${timeoutMs} ms`);
		this.pattern = pattern;
		this.timeoutMs = timeoutMs;
	}
}

/** An operation was cancelled through its `AbortSignal`; `cause` is the signal's reason. */
export class AbortError extends EventBusError {
	constructor(operation: string, reason: unknown) {
		super(ErrorCodes.AbortError, `${operation} was aborted`, {cause: reason});
	}
}

/** Why the bus dropped an event instead of delivering it. */
export type DropReason = 'queue-overflow' | 'subscriber-overflow' | 'shutdown';

/**
 * The error carried by a dead letter for an event the bus dropped: the ingress queue or a subscriber's buffer
 * overflowed (per its policy), or `stop()` timed out before the event was delivered.
 */
export class EventDroppedError extends EventBusError {
	readonly reason: DropReason;
	readonly eventId: string;

	constructor(eventId: string, reason: DropReason, detail: string) {
		super(ErrorCodes.EventDroppedError, `Event ${eventId} was dropped: ${detail}`);
		this.reason = reason;
		this.eventId = eventId;
	}
}

/** A subscription's `filter` or `transform` threw; the event is dead-lettered for that subscription (no retry). */
export class FilterError extends EventBusError {
	readonly subscriptionId: string;
	readonly stage: 'filter' | 'transform';

	constructor(subscriptionId: string, stage: 'filter' | 'transform', cause: unknown) {
		super(ErrorCodes.FilterError, `The ${stage} of subscription ${subscriptionId} threw: ${describe(cause)}`, {cause});
		this.subscriptionId = subscriptionId;
		this.stage = stage;
	}
}

/** One validation error in ajv's shape (`instancePath`, `keyword`, `message`, `params`, ...). */
export interface SchemaErrorObject {
	readonly instancePath: string;
	readonly schemaPath: string;
	readonly keyword: string;
	readonly params: Record<string, unknown>;
	readonly message?: string;
}

/** A payload does not match its topic's JSON Schema (or, in `strict` mode, the topic has none). Nothing was queued. */
export class SchemaValidationError extends EventBusError {
	readonly topic: string;
	readonly errors: readonly SchemaErrorObject[];
	/** One readable line, e.g. `/amount must be >= 0; /currency is required`. */
	readonly summary: string;

	constructor(topic: string, errors: readonly SchemaErrorObject[], summary: string) {
		super(ErrorCodes.SchemaValidationError, `Invalid payload for \`${truncate(topic)}\`: ${summary}`);
		this.topic = topic;
		this.errors = errors;
		this.summary = summary;
	}
}

/** A schema could not be registered or loaded (broken file, remote `$ref`, duplicate or invalid `$id`). */
export class SchemaRegistryError extends EventBusError {
	/** The file the schema came from, where it came from one. */
	readonly path: string | undefined;

	constructor(message: string, options?: {path?: string | undefined; cause?: unknown}) {
		super(ErrorCodes.SchemaRegistryError, options?.path === undefined ? message : `${options.path}: ${message}`, {
			cause: options?.cause,
		});
		this.path = options?.path;
	}
}

function truncate(text: string, max = 120): string {
	return text.length > max ? `${text.slice(0, max)}…` : text;
}

function describe(value: unknown): string {
	return value instanceof Error ? value.message : String(value);
}
