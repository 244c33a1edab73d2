import {resolveAsyncContextMode, type AsyncContextMode, type AsyncContextSetting} from '../delivery/handler-context.js';
import {assertBoolean, assertInteger, assertOneOf, assertOptionalObject, assertOptionalString, fail} from '../internal/assert.js';
import type {JsonSchema, SchemaRegistry, ValidationMode} from '../schema/schema-registry.js';
import type {QueueOverflowPolicy} from '../types.js';
import type {TimestampMode} from './clock.js';

export type {TimestampMode} from './clock.js';

/** Options of `new EventBus(options)` and `getEventBus(options)`. */
export interface EventBusOptions {
	/** Events accepted and not yet dispatched, at most. @default 10_000 */
	readonly maxQueueSize?: number;
	/** What `publish` does when the queue is full. @default 'wait' */
	readonly overflow?: QueueOverflowPolicy;
	/**
	 * Producers that may wait for queue space at once (`wait` policy); one more is refused with `QueueFullError`, so
	 * that producers that never await their `publish` cannot grow memory without bound. @default 100_000
	 */
	readonly maxWaitingProducers?: number;
	/** Accepted events kept for `history()` and `replay()`; 0 keeps none. @default 1_000 */
	readonly historySize?: number;
	/** The `source` of events published without one. @default 'topicbus' */
	readonly source?: string;
	/** Topic grammar limits. @default {maxSegments: 32, maxLength: 256, maxGlobstars: 4} */
	readonly limits?: {readonly maxSegments?: number; readonly maxLength?: number; readonly maxGlobstars?: number};
	/** Resolved routes kept for repeated topics (bounded; 0 disables the cache). @default 10_000 */
	readonly routeCacheSize?: number;
	/**
	 * How the handled event is carried across a handler's `await`s (AsyncLocalStorage), so that events published
	 * after an `await` still inherit correlation. The synchronous part of every handler is always tracked, at no cost.
	 * - `'auto'`: inside AsyncLocalStorage run the handlers that may go asynchronous: every handler until its first
	 *   call, and every handler that has returned a promise; a handler that has returned only plain values runs
	 *   without it (so the first promise such a handler returns is not followed: after its `await`, correlation is
	 *   not inherited and `awaitDelivery` is not checked for a delivery cycle; write handlers that return a promise
	 *   only sometimes as `async` functions, which always return one). Where the storage is hook-based
	 *   (Node 20, 22) it is enabled only while such a handler is running or awaiting, so that an idle bus leaves the
	 *   host's promises at full speed.
	 * - `true`: every handler, always (on Node 20 and 22 every promise of the process is then slower once a handler
	 *   has run; on every version a delivery costs more).
	 * - `false`: never; an event published after an `await` starts its own workflow.
	 * @default 'auto'
	 */
	readonly asyncContext?: AsyncContextSetting;
	/** Deep-freeze payloads on publish, so that no subscriber can change what another sees. @default true */
	readonly freezePayloads?: boolean;
	/**
	 * Freeze each envelope (the event object: id, topic, timestamp, correlation...) and its metadata, so that no
	 * subscriber can change what another one sees. With `false`, a subscriber that writes to an event changes it for
	 * every subscriber after it and for the history. @default true
	 */
	readonly freezeEnvelopes?: boolean;
	/**
	 * When the clock is read for an event's `timestamp` (and the time part of its id):
	 * - `'per-event'`: at every publish;
	 * - `'per-burst'`: once per synchronous run of code: events published before the next `await` (or callback)
	 *   share the first one's time, however long that code ran between them. Saves a clock read per event.
	 * Timestamps never decrease either way. @default 'per-event'
	 */
	readonly timestamps?: TimestampMode;
	/** Payloads nested deeper than this are refused with `InvalidPayloadError` (checked while freezing). @default 64 */
	readonly maxPayloadDepth?: number;
	/** Events dispatched before the dispatcher yields to the event loop. @default 512 */
	readonly dispatchBatchSize?: number;
	/** The `delivered` diagnostic times one handler call in this many per subscription (1: every call). @default 64 */
	readonly deliveredSampleInterval?: number;
	/** JSON Schemas to validate payloads with: a folder to load (sync, at construction), a list, or a registry. */
	readonly schemas?: string | readonly JsonSchema[] | SchemaRegistry;
	/**
	 * `off`, `warn` (publish, and report a `warning`), `enforce` (reject an invalid payload of a topic that has a
	 * schema) or `strict` (also reject topics with no schema). @default 'enforce'
	 */
	readonly validation?: ValidationMode;
}

/**
 * Options that trade guarantees for speed, for a bus on a hot path whose subscribers are trusted. Use it as it is
 * (`new EventBus(leanProfile)`) or under your own options (`{...leanProfile, maxQueueSize: 50_000}`). It gives up:
 * - `freezePayloads: false`, `freezeEnvelopes: false`: a subscriber can change the event and its payload for the
 *   subscribers after it (and the publisher's object is the payload: changing it later changes the event);
 * - `historySize: 0`: no `history()` and no `replay()`;
 * - `asyncContext: false`: correlation is inherited only in the synchronous part of a handler, not after an `await`;
 * - `timestamps: 'per-burst'`: events published in one synchronous run share one timestamp.
 * Delivery guarantees (ordering, the bounded queue and backpressure, retries, dead letters, counters) are unchanged.
 */
export const leanProfile = Object.freeze({
	historySize: 0,
	asyncContext: false,
	freezePayloads: false,
	freezeEnvelopes: false,
	timestamps: 'per-burst',
} as const satisfies EventBusOptions);

/** Options with every default filled in. */
export interface ResolvedBusOptions {
	readonly maxQueueSize: number;
	readonly overflow: QueueOverflowPolicy;
	readonly maxWaitingProducers: number;
	readonly historySize: number;
	readonly source: string;
	readonly limits: EventBusOptions['limits'];
	readonly routeCacheSize: number;
	/** What `asyncContext` means in this process. */
	readonly asyncContext: AsyncContextMode;
	readonly freezePayloads: boolean;
	readonly freezeEnvelopes: boolean;
	readonly timestamps: TimestampMode;
	readonly maxPayloadDepth: number;
	readonly dispatchBatchSize: number;
	readonly deliveredSampleInterval: number;
	readonly schemas: PayloadValidator | undefined;
	readonly validation: ValidationMode;
}

/**
 * What the bus needs of a schema registry: the check it runs on every publish. Core talks to this interface only,
 * so that it never loads ajv itself; a `SchemaRegistry` is one.
 */
export interface PayloadValidator {
	/** The error to reject (or, in `warn` mode, report) the payload with; `undefined` when it passes. */
	check(topic: string, payload: unknown, mode: ValidationMode): Error | undefined;
}

/** Turns a folder or a list of schemas into a validator (`SchemaRegistry.from`); registered by the schema layer. */
export type SchemaLoader = (source: string | readonly JsonSchema[]) => PayloadValidator;

// Kept here rather than imported from the schema layer, whose module loads ajv.
const validationModes: readonly ValidationMode[] = ['off', 'warn', 'enforce', 'strict'];

let schemaLoader: SchemaLoader | undefined;

/**
 * Lets `schemas: 'folder'` and `schemas: [...]` work: the main entry registers `SchemaRegistry.from`, so that
 * ajv is loaded by whoever uses schemas, never by core itself.
 */
export function registerSchemaLoader(loader: SchemaLoader): void {
	schemaLoader = loader;
}

function resolveSchemas(schemas: EventBusOptions['schemas']): PayloadValidator | undefined {
	if (schemas === undefined) return undefined;
	if (typeof schemas === 'object' && schemas !== null && !Array.isArray(schemas) && typeof (schemas as Partial<PayloadValidator>).check === 'function') {
		return schemas as PayloadValidator;
	}
	if (typeof schemas !== 'string' && !Array.isArray(schemas)) fail('options.schemas', 'a folder, a list of JSON Schemas or a SchemaRegistry', schemas);
	if (schemaLoader === undefined) fail('options.schemas', 'a SchemaRegistry (no schema loader is registered: import topicbus, or pass SchemaRegistry.from(...))', schemas);
	return schemaLoader(schemas as string | readonly JsonSchema[]);
}

/**
 * Validates bus options (`TypeError` on a bad value) and fills in the defaults; loads `schemas` if it names a folder
 * (`SchemaRegistryError` for a broken schema).
 */
export function resolveBusOptions(options: EventBusOptions | undefined): ResolvedBusOptions {
	assertOptionalObject('options', options);
	const given = options ?? {};
	assertInteger('options.maxQueueSize', given.maxQueueSize, 1);
	assertOneOf('options.overflow', given.overflow, ['wait', 'reject', 'drop-oldest', 'drop-newest']);
	assertInteger('options.maxWaitingProducers', given.maxWaitingProducers, 0);
	assertInteger('options.historySize', given.historySize, 0);
	assertOptionalString('options.source', given.source);
	assertOptionalObject('options.limits', given.limits);
	assertInteger('options.routeCacheSize', given.routeCacheSize, 0);
	if (given.asyncContext !== undefined && typeof given.asyncContext !== 'boolean' && given.asyncContext !== 'auto') {
		fail('options.asyncContext', 'a boolean or `auto`', given.asyncContext);
	}
	assertBoolean('options.freezePayloads', given.freezePayloads);
	assertBoolean('options.freezeEnvelopes', given.freezeEnvelopes);
	assertOneOf('options.timestamps', given.timestamps, ['per-event', 'per-burst']);
	assertInteger('options.maxPayloadDepth', given.maxPayloadDepth, 1);
	assertInteger('options.dispatchBatchSize', given.dispatchBatchSize, 1);
	assertInteger('options.deliveredSampleInterval', given.deliveredSampleInterval, 1);
	assertOneOf('options.validation', given.validation, validationModes);
	return {
		maxQueueSize: given.maxQueueSize ?? 10_000,
		overflow: given.overflow ?? 'wait',
		maxWaitingProducers: given.maxWaitingProducers ?? 100_000,
		historySize: given.historySize ?? 1000,
		source: given.source ?? 'topicbus',
		limits: given.limits,
		routeCacheSize: given.routeCacheSize ?? 10_000,
		asyncContext: resolveAsyncContextMode(given.asyncContext ?? 'auto'),
		freezePayloads: given.freezePayloads ?? true,
		freezeEnvelopes: given.freezeEnvelopes ?? true,
		timestamps: given.timestamps ?? 'per-event',
		maxPayloadDepth: given.maxPayloadDepth ?? 64,
		dispatchBatchSize: given.dispatchBatchSize ?? 512,
		deliveredSampleInterval: given.deliveredSampleInterval ?? 64,
		schemas: resolveSchemas(given.schemas),
		validation: given.validation ?? 'enforce',
	};
}
