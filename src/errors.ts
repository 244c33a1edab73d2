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
	DeadLetterFileError: 'ERR_DEAD_LETTER_FILE',
	DeliveryCycleError: 'ERR_DELIVERY_CYCLE',
	BusOptionsConflictError: 'ERR_BUS_OPTIONS_CONFLICT',
	BatchInterruptedError: 'ERR_BATCH_INTERRUPTED',
} as const;

/**
 * Every stable warning code, with what it means. Warnings are reported, never thrown: on the bus's `warning`
 * diagnostic, or (consumers with no bus listener to report to) through their `onWarning` or `process.emitWarning`.
 * docs/errors.md has a table of every code; a test keeps that table, this list and the code in step.
 */
export const WarningCodes = Object.freeze({
	ERR_LISTENER_FAILED: 'a diagnostic listener threw (the bus carried on)',
	ERR_DISPATCHER_FAULT: 'the dispatcher failed unexpectedly (a bug); the events behind it were still dispatched',
	ERR_DEAD_LETTER_NOT_PUBLISHED: 'a dead letter was emitted but not published on $bus.dead-letter: the queue was full',
	ERR_SCHEMA_VALIDATION: "a payload failed its schema under `validation: 'warn'` and was published anyway",
	ERR_CONSUMER_CLOSE_TIMEOUT: 'a consumer did not close within the timeout of `close({timeoutMs})`; the bus closed without it',
	ERR_DEAD_LETTER_WRITE_FAILED: 'the dead-letter consumer could not write to its file',
	ERR_DEAD_LETTER_LINE_SKIPPED: 'the dead-letter consumer skipped an unreadable line of its file',
	ERR_TRACK_PUBLISH_FAILED: 'tracked() could not publish a tracking event (the tracked call was not affected)',
} as const);

/** A stable warning code. */
export type WarningCode = keyof typeof WarningCodes;

/** A stable error code. */
export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

/**
 * Base class of every operational error topicbus raises. Branch on `code`, not on the message. `Code` is the union
 * of the codes a family of errors may carry: the bus's own ({@link ErrorCode}) by default; the collector, the
 * forwarder and the bridge declare theirs beside their classes.
 */
export class EventBusError<Code extends string = ErrorCode> extends Error {
	/** A stable identifier of the condition, e.g. `ERR_QUEUE_FULL`. */
	readonly code: Code;

	constructor(code: Code, message: string, options?: {cause?: unknown}) {
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

/**
 * A payload the bus cannot carry safely: nested deeper than `maxPayloadDepth` (`too-deep`), or throwing when read
 * (`unreadable`: a throwing getter, a revoked or hostile Proxy; the thrown value is the `cause`).
 */
export class InvalidPayloadError extends EventBusError {
	readonly topic: string;
	readonly reason: 'too-deep' | 'unreadable';

	constructor(topic: string, reason: 'too-deep' | 'unreadable', detail: string, cause?: unknown) {
		super(ErrorCodes.InvalidPayloadError, `Invalid payload for \`${truncate(topic)}\`: ${detail}`, cause === undefined ? undefined : {cause});
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

/**
 * A handler published with `awaitDelivery: true` to a topic its own subscription (concurrency 1) matches: the event
 * would wait in that subscription's buffer behind the very handler waiting for it, forever. Nothing was queued.
 */
export class DeliveryCycleError extends EventBusError {
	readonly topic: string;
	readonly subscriptionId: string;

	constructor(topic: string, subscriptionId: string, subscriptionName: string) {
		super(
			ErrorCodes.DeliveryCycleError,
			`Cannot await delivery of \`${truncate(topic)}\` from a handler of subscription ${subscriptionName}, which it matches: the event would wait for this very handler; publish without awaitDelivery`,
		);
		this.topic = topic;
		this.subscriptionId = subscriptionId;
	}
}

/**
 * A `publishBatch` that waited for queue space was cut short (`stop()`, the waiting-producers cap) after some of its
 * events were accepted: those are in `accepted`, in order, and will be delivered; the others were not accepted.
 */
export class BatchInterruptedError extends EventBusError {
	readonly accepted: readonly {readonly id: string; readonly topic: string}[];

	constructor(accepted: readonly {readonly id: string; readonly topic: string}[], total: number, cause: unknown) {
		super(ErrorCodes.BatchInterruptedError, `publishBatch was interrupted after ${accepted.length} of ${total} events were accepted: ${describe(cause)}`, {cause});
		this.accepted = accepted;
	}
}

/** `getEventBus(options)` was called with options that differ from those the process-wide bus was created with. */
export class BusOptionsConflictError extends EventBusError {
	/** The first option that differs. */
	readonly option: string;

	constructor(option: string) {
		super(
			ErrorCodes.BusOptionsConflictError,
			`getEventBus() was called with a different \`${option}\` than the process-wide bus was created with; call it without options to get that bus, or resetEventBus() first`,
		);
		this.option = option;
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

/** Text for any thrown value, whatever it is: a revoked Proxy, an object without a prototype or whose `toString` throws. */
function describe(value: unknown): string {
	try {
		return value instanceof Error ? String(value.message) : String(value);
	} catch {
		try {
			return Object.prototype.toString.call(value);
		} catch {
			return '[a value that cannot be described]';
		}
	}
}
