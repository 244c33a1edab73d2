/**
 * The wire formats the collector speaks, as JSON Schemas (validated by the HTTP framework) and as conversions to
 * and from stored records:
 * - the reference format (`source_system`, `event_type`, `severity`, `timestamp`, `correlation_id`, `data`,
 *   `tags`, plus `id`, `causation_id`, `metadata`);
 * - CloudEvents 1.0 (structured, binary after the HTTP layer turned headers into attributes, batched), with the
 *   `correlationid`/`causationid` extensions, and optional `severity` and `tags` (comma-separated) extensions.
 */
import {randomUUID} from 'node:crypto';
import type {BusEvent} from '../types.js';
import {isSeverity, parseIsoTime} from './query.js';
import {severities, type CollectedEvent, type EventRecord} from './types.js';

/** Limits on one event, checked on every ingest path. */
export interface EventLimits {
	/**
	 * The most bytes of JSON one event's `data` and `metadata` may take together.
	 * @default 65536
	 */
	readonly maxEventBytes: number;
	/**
	 * The deepest nesting of `data` and `metadata`.
	 * @default 32
	 */
	readonly maxDepth: number;
}

/** The default {@link EventLimits}. */
export const defaultEventLimits: EventLimits = Object.freeze({maxEventBytes: 65_536, maxDepth: 32});

// No control characters: they have no business in names, and NUL would break composite keys.
const name = (maxLength: number) => ({type: 'string', minLength: 1, maxLength, pattern: '^[^\\u0000-\\u001f\\u007f]+$'}) as const;
const optionalId = {anyOf: [{type: 'null'}, name(256)]} as const;
const time = {anyOf: [{type: 'string', maxLength: 64}, {type: 'number', minimum: 0, maximum: 8.64e15}]} as const;

/** JSON Schema of one event in the reference format. */
export const referenceEventSchema = {
	type: 'object',
	required: ['source_system', 'event_type'],
	properties: {
		id: name(256),
		event_id: name(256),
		source_system: name(256),
		event_type: name(256),
		severity: {enum: severities},
		timestamp: time,
		correlation_id: optionalId,
		causation_id: optionalId,
		data: {},
		tags: {type: 'array', maxItems: 64, items: name(128)},
		metadata: {type: 'object'},
		priority: {type: 'number'},
	},
} as const;

/** JSON Schema of one CloudEvent (structured mode; binary mode is turned into this shape first). */
export const cloudEventSchema = {
	type: 'object',
	required: ['specversion', 'id', 'source', 'type'],
	propertyNames: {pattern: '^[a-z0-9_]{1,32}$'},
	properties: {
		specversion: {const: '1.0'},
		id: name(256),
		source: name(256),
		type: name(256),
		time: {type: 'string', maxLength: 64},
		datacontenttype: {type: 'string', maxLength: 256},
		dataschema: {type: 'string', maxLength: 1024},
		subject: {type: 'string', maxLength: 1024},
		data: {},
		data_base64: {type: 'string'},
		correlationid: name(256),
		causationid: name(256),
		severity: {enum: severities},
		tags: {type: 'string', maxLength: 8192},
	},
	additionalProperties: {anyOf: [{type: 'string'}, {type: 'number'}, {type: 'boolean'}]},
} as const;

/** An event in either format: a body with `specversion` is a CloudEvent. */
export const anyEventSchema = {
	if: {type: 'object', required: ['specversion']},
	then: cloudEventSchema,
	else: referenceEventSchema,
} as const;

/** One problem with one event of a request. `index` is the event's position in a batch (0 for a single event). */
export interface EventProblem {
	readonly index: number;
	readonly field: string;
	readonly message: string;
}

/** Where an ingest request came from: used for defaults and derived ids. */
export interface IngestContext {
	readonly receivedAt: number;
	/** The Standard Webhooks `webhook-id` of a signed request: events without an id get one derived from it. */
	readonly webhookId?: string | undefined;
	readonly limits: EventLimits;
}

type Json = Readonly<Record<string, unknown>>;

function parseTime(value: unknown, fallback: number): number | undefined {
	if (value === undefined || value === null) return fallback;
	if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? Math.trunc(value) : undefined;
	if (typeof value !== 'string') return undefined;
	const time = parseIsoTime(value);
	return Number.isFinite(time) && time >= 0 ? time : undefined;
}

// Recursion stops at `remaining` = 0, so it is at most `maxDepth` + 1 frames deep whatever the input.
function isDeeperThan(value: unknown, remaining: number): boolean {
	if (value === null || typeof value !== 'object') return false;
	if (remaining === 0) return true;
	if (Array.isArray(value)) {
		for (const item of value) if (isDeeperThan(item, remaining - 1)) return true;
		return false;
	}
	for (const key in value) if (isDeeperThan((value as Record<string, unknown>)[key], remaining - 1)) return true;
	return false;
}

/** `value` as JSON, or undefined when it is nested deeper than `maxDepth`. */
function boundedJson(value: unknown, maxDepth: number): string | undefined {
	let json: string;
	try {
		json = JSON.stringify(value);
	} catch {
		// Only a nesting deep enough to exhaust the stack gets here: parsed JSON has no cycles, BigInts or toJSON.
		return undefined;
	}
	// Nesting deeper than maxDepth takes at least 2 * (maxDepth + 1) brackets: shorter JSON needs no walk.
	return json.length >= 2 * (maxDepth + 1) && isDeeperThan(value, maxDepth) ? undefined : json;
}

/** Checks depth and size; returns the JSON of `data` and `metadata` (serialised once, reused by the store). */
function checkSize(index: number, data: unknown, metadata: unknown, limits: EventLimits): EventProblem | {data: string; metadata: string} {
	const dataJson = boundedJson(data ?? null, limits.maxDepth);
	if (dataJson === undefined) return {index, field: 'data', message: `nested deeper than ${limits.maxDepth} levels`};
	const metadataJson = boundedJson(metadata ?? {}, limits.maxDepth);
	if (metadataJson === undefined) return {index, field: 'metadata', message: `nested deeper than ${limits.maxDepth} levels`};
	// UTF-16 length bounds UTF-8 bytes from below and 3x from above, so most events skip the exact count.
	const bytes = dataJson.length + metadataJson.length <= limits.maxEventBytes / 3 ? 0 : Buffer.byteLength(dataJson) + Buffer.byteLength(metadataJson);
	if (bytes > limits.maxEventBytes) return {index, field: 'data', message: `data and metadata take ${bytes} bytes, more than the limit of ${limits.maxEventBytes}`};
	return {data: dataJson, metadata: metadataJson};
}

function fallbackId(context: IngestContext, index: number, batch: boolean): string {
	if (context.webhookId === undefined) return randomUUID();
	return batch ? `${context.webhookId}.${index}` : context.webhookId;
}

const consumedCloudEventAttributes = new Set(['specversion', 'id', 'source', 'type', 'time', 'data', 'data_base64', 'correlationid', 'causationid', 'severity', 'tags']);

function fromCloudEvent(event: Json, index: number, context: IngestContext): EventRecord | EventProblem {
	const timestamp = parseTime(event['time'], context.receivedAt);
	if (timestamp === undefined) return {index, field: 'time', message: 'not an RFC 3339 time'};
	const metadata: Record<string, unknown> = {};
	for (const [key, value] of Object.entries(event)) if (!consumedCloudEventAttributes.has(key)) metadata[key] = value;
	const data = event['data'] !== undefined ? event['data'] : event['data_base64'] !== undefined ? {data_base64: event['data_base64']} : null;
	const json = checkSize(index, data, metadata, context.limits);
	if ('field' in json) return json;
	const tags = typeof event['tags'] === 'string' ? event['tags'].split(',').map(tag => tag.trim()).filter(tag => tag !== '') : [];
	return {
		eventId: event['id'] as string,
		timestamp,
		sourceSystem: event['source'] as string,
		eventType: event['type'] as string,
		severity: isSeverity(event['severity']) ? event['severity'] : 'info',
		correlationId: (event['correlationid'] as string | undefined) ?? null,
		causationId: (event['causationid'] as string | undefined) ?? null,
		data,
		tags,
		metadata,
		receivedAt: context.receivedAt,
		json,
	};
}

function fromReference(event: Json, index: number, batch: boolean, context: IngestContext): EventRecord | EventProblem {
	const timestamp = parseTime(event['timestamp'], context.receivedAt);
	if (timestamp === undefined) return {index, field: 'timestamp', message: 'not an ISO 8601 time or milliseconds since the epoch'};
	const data = event['data'] === undefined ? {} : event['data'];
	let metadata = (event['metadata'] as Record<string, unknown> | undefined) ?? {};
	// A topicbus envelope's priority travels beside the reference fields; it is kept with the metadata.
	if (typeof event['priority'] === 'number' && !Object.hasOwn(metadata, 'priority')) metadata = {...metadata, priority: event['priority']};
	const json = checkSize(index, data, metadata, context.limits);
	if ('field' in json) return json;
	return {
		eventId: (event['id'] as string | undefined) ?? (event['event_id'] as string | undefined) ?? fallbackId(context, index, batch),
		timestamp,
		sourceSystem: event['source_system'] as string,
		eventType: event['event_type'] as string,
		severity: (event['severity'] as EventRecord['severity'] | undefined) ?? 'info',
		correlationId: (event['correlation_id'] as string | null | undefined) ?? null,
		causationId: (event['causation_id'] as string | null | undefined) ?? null,
		data,
		tags: [...new Set((event['tags'] as string[] | undefined) ?? [])],
		metadata,
		receivedAt: context.receivedAt,
		json,
	};
}

/**
 * Converts schema-valid events (reference format or CloudEvents, told apart by `specversion`) into records.
 * Resolves every event; when any has a problem (a time that does not parse, too large, too deep) the result
 * lists every problem and no records: a request is stored whole or not at all.
 */
export function toRecords(events: readonly unknown[], batch: boolean, context: IngestContext): {records: EventRecord[]; problems: EventProblem[]} {
	const records: EventRecord[] = [];
	const problems: EventProblem[] = [];
	for (const [index, event] of events.entries()) {
		// Fastify validates only the content types it has schemas for; anything else is refused here.
		if (event === null || typeof event !== 'object' || Array.isArray(event)) {
			problems.push({index, field: 'event', message: 'must be a JSON object'});
			continue;
		}
		const body = event as Json;
		const result = Object.hasOwn(body, 'specversion') ? fromCloudEvent(body, index, context) : fromReference(body, index, batch, context);
		if ('eventId' in result) records.push(result);
		else problems.push(result);
	}
	return problems.length > 0 ? {records: [], problems} : {records, problems};
}

/** A stored record as the JSON the collector returns everywhere. */
export function toCollectedEvent(record: EventRecord): CollectedEvent {
	return {
		event_id: record.eventId,
		timestamp: new Date(record.timestamp).toISOString(),
		source_system: record.sourceSystem,
		event_type: record.eventType,
		severity: record.severity,
		correlation_id: record.correlationId,
		causation_id: record.causationId,
		data: record.data,
		tags: record.tags,
		metadata: record.metadata,
		received_at: new Date(record.receivedAt).toISOString(),
	};
}

/**
 * Maps a topicbus envelope onto the reference format: `id` → `id`, `topic` → `event_type`, `source` →
 * `source_system`, `timestamp` (ms) → `timestamp` (ISO), `payload` → `data`, `correlationId` → `correlation_id`,
 * `causationId` → `causation_id`, `metadata` → `metadata` (plus `priority`). `severity` comes from
 * `metadata.severity` when it is one of the five levels, else it is `error` for topics ending in `.failed` and
 * `$bus.dead-letter`, else `info`; `tags` from `metadata.tags` when it is an array of strings.
 */
export function fromBusEvent(event: BusEvent): Record<string, unknown> {
	const {severity: declared, tags: declaredTags} = event.metadata as {severity?: unknown; tags?: unknown};
	const severity = isSeverity(declared) ? declared : /(^\$bus\.dead-letter$|\.failed$)/.test(event.topic) ? 'error' : 'info';
	const tags = Array.isArray(declaredTags) && declaredTags.every(tag => typeof tag === 'string') ? declaredTags : [];
	return {
		id: event.id,
		source_system: event.source,
		event_type: event.topic,
		severity,
		timestamp: new Date(event.timestamp).toISOString(),
		correlation_id: event.correlationId,
		causation_id: event.causationId ?? null,
		data: event.payload,
		tags,
		metadata: {...event.metadata, priority: event.priority},
	};
}
