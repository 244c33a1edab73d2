/**
 * The form in which the dead-letter store keeps a dead letter: JSON-safe apart from the event's payload, with its
 * own id, and its encoding as one JSON line.
 */
import {assertPlainObject, fail} from '../internal/assert.js';
import type {BusEvent, DeadLetterReason} from '../types.js';
import {describeThrown, isSmallTree} from '../internal/bounded-json.js';
import {isSerializedError, serializeError, type SerializedError} from '../internal/serialize-error.js';

/** Why an event is in the store: the bus's dead-letter reasons, plus `schema-rejected` for refused publishes. */
export type StoredDeadLetterReason = DeadLetterReason | 'schema-rejected';

/** The subscription that could not take the event. */
export interface DeadLetterSubscription {
	readonly id: string;
	readonly name: string;
	readonly pattern: string;
}

/** What {@link DeadLetterConsumer.record} takes: a bus `DeadLetter`, or one made by hand (e.g. for a schema rejection). */
export interface DeadLetterInput {
	readonly event: BusEvent;
	readonly error: unknown;
	readonly reason: StoredDeadLetterReason;
	readonly subscription?: DeadLetterSubscription | undefined;
	/** @default 0 */
	readonly attempts?: number;
	/** @default now */
	readonly failedAt?: number;
}

/** One stored dead letter. Frozen. */
export interface StoredDeadLetter {
	/** The store's id for this letter, stable across restarts (not the event's id). */
	readonly id: string;
	readonly event: BusEvent;
	readonly reason: StoredDeadLetterReason;
	/** The error as data: name, message, code, stack and cause. */
	readonly error: SerializedError;
	/** Absent when the event was dropped before dispatch (or rejected before it was queued). */
	readonly subscription: DeadLetterSubscription | undefined;
	readonly attempts: number;
	readonly failedAt: number;
}

/** The longest line a letter may take in the file, in characters (4 MiB); bigger payloads are not kept whole. */
export const maxLetterLength = 4 * 1024 * 1024;
/** The most values a letter's payload may have to be written whole, a shared object counted once per reference. */
export const maxLetterValues = 200_000;

const reasons: readonly StoredDeadLetterReason[] = ['handler-failed', 'filter-failed', 'queue-overflow', 'subscriber-overflow', 'shutdown', 'schema-rejected'];

/**
 * Identifies one failure across the paths it may arrive by (the `deadLetter` diagnostic, the `$bus.dead-letter`
 * event, the file): the same event failing for the same subscription at the same time.
 */
export function deadLetterKey(letter: Pick<DeadLetterInput, 'event' | 'reason' | 'subscription' | 'failedAt'>): string {
	return `${letter.event.id}\u0000${letter.subscription?.id ?? ''}\u0000${letter.reason}\u0000${letter.failedAt ?? ''}`;
}

/** True when `value` has the shape of a dead letter (its event an envelope with an id and a topic). */
export function isDeadLetterInput(value: unknown): value is DeadLetterInput {
	if (typeof value !== 'object' || value === null) return false;
	const {event, reason} = value as {event?: unknown; reason?: unknown};
	return isEnvelope(event) && reasons.includes(reason as StoredDeadLetterReason);
}

/**
 * Validates `input` and makes the stored, frozen form.
 *
 * @throws {TypeError} when `input` is not a dead letter (an envelope with `id` and `topic`, a known `reason`).
 */
export function createStoredDeadLetter(id: string, input: DeadLetterInput, now: number): StoredDeadLetter {
	assertPlainObject('letter', input);
	if (!isEnvelope(input.event)) fail('letter.event', 'an event envelope with `id` and `topic`', input.event);
	if (!reasons.includes(input.reason)) fail('letter.reason', `one of ${reasons.map(reason => `\`${reason}\``).join(', ')}`, input.reason);
	const {subscription} = input;
	return Object.freeze({
		id,
		event: input.event,
		reason: input.reason,
		error: serializeError(input.error),
		subscription: subscription === undefined ? undefined : Object.freeze({id: subscription.id, name: subscription.name, pattern: subscription.pattern}),
		attempts: input.attempts ?? 0,
		failedAt: input.failedAt ?? now,
	});
}

/**
 * One JSON line for `letter`, at a cost bounded by its size. A payload or metadata that JSON cannot carry whole (a
 * BigInt, a throwing getter, a cycle, more than {@link maxLetterValues} values counting a shared object once per
 * reference, as a DAG of shared subobjects quickly has, or JSON longer than {@link maxLetterLength}) is replaced by
 * `{"$unserializable": reason}`.
 */
export function encodeDeadLetter(letter: StoredDeadLetter): string {
	const line = stringifyWithin({op: 'add', letter}, maxLetterLength);
	if (line !== undefined) return line;
	const event = {...letter.event, payload: jsonSafe(letter.event.payload), metadata: jsonSafe(letter.event.metadata)};
	return stringifyWithin({op: 'add', letter: {...letter, event}}, maxLetterLength) ?? JSON.stringify({op: 'add', letter: {...letter, event: {...event, metadata: {}}, error: {name: letter.error.name, message: letter.error.message.slice(0, 1024)}}});
}

// The native serializer, only on a value known to be a small tree (a cycle or an exponential DAG never reaches it).
function stringifyWithin(value: unknown, maxLength: number): string | undefined {
	if (!isSmallTree(value, maxLetterValues)) return undefined;
	try {
		const text = JSON.stringify(value);
		return text !== undefined && text.length <= maxLength ? text : undefined;
	} catch {
		return undefined;
	}
}

/** The stored letter a parsed line describes, frozen; `undefined` when it does not describe one. */
export function decodeDeadLetter(value: unknown): StoredDeadLetter | undefined {
	if (typeof value !== 'object' || value === null) return undefined;
	const letter = value as Record<string, unknown>;
	const {event, subscription} = letter;
	if (typeof letter['id'] !== 'string' || !isEnvelope(event) || !reasons.includes(letter['reason'] as StoredDeadLetterReason)) return undefined;
	if (!isSerializedError(letter['error']) || typeof letter['attempts'] !== 'number' || typeof letter['failedAt'] !== 'number') return undefined;
	if (subscription !== undefined && !isSubscription(subscription)) return undefined;
	const envelope = event as unknown as Record<string, unknown>;
	return Object.freeze({
		id: letter['id'],
		event: Object.freeze({
			id: event.id,
			topic: event.topic,
			payload: envelope['payload'],
			timestamp: typeof envelope['timestamp'] === 'number' ? envelope['timestamp'] : letter['failedAt'],
			source: typeof envelope['source'] === 'string' ? envelope['source'] : '',
			correlationId: typeof envelope['correlationId'] === 'string' ? envelope['correlationId'] : event.id,
			causationId: typeof envelope['causationId'] === 'string' ? envelope['causationId'] : undefined,
			priority: typeof envelope['priority'] === 'number' ? envelope['priority'] : 0,
			metadata: Object.freeze(typeof envelope['metadata'] === 'object' && envelope['metadata'] !== null ? {...envelope['metadata']} : {}),
		}),
		reason: letter['reason'] as StoredDeadLetterReason,
		error: letter['error'],
		subscription: subscription === undefined ? undefined : Object.freeze({...subscription}),
		attempts: letter['attempts'],
		failedAt: letter['failedAt'],
	});
}

function isEnvelope(value: unknown): value is BusEvent {
	if (typeof value !== 'object' || value === null) return false;
	const {id, topic} = value as {id?: unknown; topic?: unknown};
	return typeof id === 'string' && typeof topic === 'string';
}

function isSubscription(value: unknown): value is DeadLetterSubscription {
	if (typeof value !== 'object' || value === null) return false;
	const {id, name, pattern} = value as Record<string, unknown>;
	return typeof id === 'string' && typeof name === 'string' && typeof pattern === 'string';
}

function jsonSafe(value: unknown): unknown {
	if (!isSmallTree(value, maxLetterValues)) return {$unserializable: `a cycle, or more than ${maxLetterValues} values (a shared object counted once per reference)`};
	try {
		const text = JSON.stringify(value);
		if (text !== undefined && text.length > maxLetterLength / 2) return {$unserializable: `JSON longer than ${maxLetterLength / 2} characters`};
		return value;
	} catch (error) {
		return {$unserializable: describeThrown(error)};
	}
}
