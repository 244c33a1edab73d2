/**
 * The envelope on the wire: the payload is the message body (JSON by default, or a codec), everything else is a
 * header. Text headers are percent-encoded (`encodeURIComponent`), so no value can break the header block.
 */
import type {BusEvent} from '../types.js';
import {BridgeMessageError} from './errors.js';
import type {LinkMessage} from './nats-link.js';
import {subjectToTopic} from './subject-mapping.js';
import {assertPublishableTopic} from './topic-grammar.js';

/** The header names the bridge writes and reads. */
export const wireHeaders = Object.freeze({
	id: 'topicbus-id',
	topic: 'topicbus-topic',
	source: 'topicbus-source',
	correlationId: 'topicbus-correlation-id',
	causationId: 'topicbus-causation-id',
	priority: 'topicbus-priority',
	origin: 'topicbus-origin',
	metadata: 'topicbus-metadata',
});

/** Turns payloads into message bodies and back. `decode` throws on a body it cannot read. */
export interface BridgeCodec {
	encode(payload: unknown): Uint8Array;
	decode(data: Uint8Array): unknown;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', {fatal: true});

/** JSON in UTF-8; an `undefined` payload is an empty body, and an empty body is `undefined`. */
export const jsonCodec: BridgeCodec = Object.freeze({
	encode: (payload: unknown) => (payload === undefined ? new Uint8Array(0) : encoder.encode(JSON.stringify(payload))),
	decode: (data: Uint8Array) => (data.length === 0 ? undefined : JSON.parse(decoder.decode(data)) as unknown),
});

/** An event ready to publish: the headers and the body. */
export interface WireMessage {
	readonly headers: Readonly<Record<string, string>>;
	readonly data: Uint8Array;
}

/** Encodes `event`; throws what the codec or `JSON.stringify` (metadata) throws. */
export function encodeEvent(event: BusEvent, origin: string, codec: BridgeCodec): WireMessage {
	const headers: Record<string, string> = {
		[wireHeaders.id]: encodeText(event.id),
		[wireHeaders.topic]: event.topic,
		[wireHeaders.source]: encodeText(event.source),
		[wireHeaders.origin]: encodeText(origin),
	};
	// Defaults stay off the wire (every header costs on both sides): correlation = own id, priority 0, no causation.
	if (event.correlationId !== event.id) headers[wireHeaders.correlationId] = encodeText(event.correlationId);
	if (event.priority !== 0) headers[wireHeaders.priority] = String(event.priority);
	if (event.causationId !== undefined) headers[wireHeaders.causationId] = encodeText(event.causationId);
	for (const _key in event.metadata) {
		headers[wireHeaders.metadata] = encodeURIComponent(JSON.stringify(event.metadata));
		break;
	}
	return {headers, data: codec.encode(event.payload)};
}

// Characters encodeURIComponent leaves alone: ids, sources and names are usually made of them only.
const unreservedRegex = /^[\w.!~*'()-]*$/;

function encodeText(value: string): string {
	return unreservedRegex.test(value) ? value : encodeURIComponent(value);
}

/** What a received message becomes: the arguments of a local `publish`. */
export interface DecodedEvent {
	readonly topic: string;
	readonly payload: unknown;
	readonly id: string | undefined;
	readonly source: string;
	readonly correlationId: string | undefined;
	readonly causationId: string | undefined;
	readonly priority: number;
	readonly metadata: Readonly<Record<string, unknown>> | undefined;
	/** The exporting bridge; `undefined` for a message from a plain NATS client. */
	readonly origin: string | undefined;
}

/** How {@link decodeMessage} reads a message. */
export interface DecodeSettings {
	readonly prefix: string;
	readonly codec: BridgeCodec;
	readonly maxBodyBytes: number;
	/** The source given to messages of plain NATS clients. */
	readonly plainSource: string;
	/** The id given to a plain message (e.g. from its stream sequence), else the bus makes one. */
	readonly plainId: string | undefined;
}

const maxHeaderChars = 1024;
const maxMetadataChars = 65_536;
const numberRegex = /^-?\d+(?:\.\d+)?(?:e[+-]?\d+)?$/i;

/**
 * Reads a received message into a local event: a topicbus envelope (it has `topicbus-id`), or a plain message
 * with a generated envelope.
 *
 * @throws {BridgeMessageError} for a subject that is not a valid topic, a bad header, a body over `maxBodyBytes`
 * or one the codec cannot decode.
 */
export function decodeMessage(message: LinkMessage, settings: DecodeSettings): DecodedEvent {
	const {subject} = message;
	const topic = subjectToTopic(subject, settings.prefix);
	if (topic === undefined) throw new BridgeMessageError(subject, 'invalid-subject', `outside the prefix \`${settings.prefix}\``);
	try {
		assertPublishableTopic(topic);
	} catch (error) {
		throw new BridgeMessageError(subject, 'invalid-subject', `\`${topic}\` is not a valid topic`, {cause: error});
	}
	if (message.data.length > settings.maxBodyBytes) {
		throw new BridgeMessageError(subject, 'too-large', `the body has ${message.data.length} bytes, more than the limit of ${settings.maxBodyBytes}`);
	}
	const headers = readHeaders(message);
	let payload: unknown;
	try {
		payload = settings.codec.decode(message.data);
	} catch (error) {
		throw new BridgeMessageError(subject, 'invalid-body', `the codec cannot decode it: ${error instanceof Error ? error.message : String(error)}`, {cause: error});
	}
	if (headers.id === undefined) {
		return {topic, payload, id: settings.plainId, source: settings.plainSource, correlationId: undefined, causationId: undefined, priority: 0, metadata: undefined, origin: undefined};
	}
	if (headers.topic !== undefined && headers.topic !== topic) {
		throw new BridgeMessageError(subject, 'invalid-header', `\`${wireHeaders.topic}\` is \`${headers.topic}\` but the subject carries \`${topic}\``);
	}
	let priority = 0;
	if (headers.priority !== undefined) {
		priority = Number(headers.priority);
		if (!numberRegex.test(headers.priority) || !Number.isFinite(priority)) {
			throw badHeader(subject, wireHeaders.priority, `is \`${headers.priority.slice(0, 40)}\`, not a finite number`);
		}
	}
	return {
		topic,
		payload,
		id: headers.id,
		source: headers.source ?? settings.plainSource,
		correlationId: headers.correlationId,
		causationId: headers.causationId,
		priority,
		metadata: headers.metadata === undefined ? undefined : parseMetadata(subject, headers.metadata),
		origin: headers.origin,
	};
}

type HeaderKey = keyof typeof wireHeaders;

function readHeaders(message: LinkMessage): Partial<Record<HeaderKey, string>> {
	const result: Partial<Record<HeaderKey, string>> = {};
	let sawOwn = false;
	for (const key of Object.keys(wireHeaders) as HeaderKey[]) {
		const name = wireHeaders[key];
		const raw = message.header(name);
		if (raw === undefined) continue;
		sawOwn = true;
		const limit = key === 'metadata' ? maxMetadataChars : maxHeaderChars;
		if (raw.length > limit) throw new BridgeMessageError(message.subject, 'invalid-header', `\`${name}\` has ${raw.length} characters, more than ${limit}`);
		let value: string;
		try {
			value = key === 'topic' || key === 'priority' || !raw.includes('%') ? raw : decodeURIComponent(raw);
		} catch (error) {
			throw new BridgeMessageError(message.subject, 'invalid-header', `\`${name}\` is not percent-encoded text`, {cause: error});
		}
		if (value === '' && key !== 'metadata') throw new BridgeMessageError(message.subject, 'invalid-header', `\`${name}\` is empty`);
		result[key] = value;
	}
	if (sawOwn && result.id === undefined) {
		throw new BridgeMessageError(message.subject, 'invalid-header', `has topicbus headers but no \`${wireHeaders.id}\``);
	}
	return result;
}

function badHeader(subject: string, name: string, why: string): BridgeMessageError {
	return new BridgeMessageError(subject, 'invalid-header', `\`${name}\` ${why}`);
}

function parseMetadata(subject: string, text: string): Readonly<Record<string, unknown>> {
	let value: unknown;
	try {
		value = JSON.parse(text);
	} catch {
		throw badHeader(subject, wireHeaders.metadata, 'is not JSON');
	}
	if (typeof value !== 'object' || value === null || Array.isArray(value)) throw badHeader(subject, wireHeaders.metadata, 'is not a JSON object');
	return value as Record<string, unknown>;
}
