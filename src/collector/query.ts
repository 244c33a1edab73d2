/**
 * Query parameters (HTTP, WebSocket, CLI) into an {@link EventQuery}, and the filter as a predicate over records
 * (for the in-memory store and the live stream). Every value is checked here; stores bind them as parameters.
 */
// The seam onto routing: event-type patterns mean exactly what they mean in `subscribe`.
import {compileTopicMatcher} from '../routing/index.js';
import {CollectorQueryError} from './errors.js';
import {severities, type EventFilter, type EventQuery, type EventRecord, type Severity} from './types.js';

/** The most events one page returns. */
export const maxQueryLimit = 1000;
/** The page size when none is given. */
export const defaultQueryLimit = 100;
const maxOffset = 100_000;
const maxParameterLength = 256;
const maxTags = 16;

const severityRank: Readonly<Record<Severity, number>> = {debug: 0, info: 1, warning: 2, error: 3, critical: 4};

/** The rank of a severity, `debug` = 0 to `critical` = 4. */
export function rankOf(severity: Severity): number {
	return severityRank[severity];
}

/** True when `value` is one of the five severities. */
export function isSeverity(value: unknown): value is Severity {
	return typeof value === 'string' && Object.hasOwn(severityRank, value);
}

/** True when an event-type filter is a topic pattern rather than an exact type. */
export function isTypePattern(eventType: string): boolean {
	return /[*?{[]/.test(eventType);
}

const matcherCache = new Map<string, (topic: string) => boolean>();

/**
 * The predicate of an event-type pattern, compiled once (a small bounded cache: filters come from clients).
 *
 * @throws {CollectorQueryError} when the pattern breaks topicbus's pattern grammar.
 */
export function typeMatcher(pattern: string): (topic: string) => boolean {
	let matcher = matcherCache.get(pattern);
	if (matcher === undefined) {
		try {
			matcher = compileTopicMatcher(pattern);
		} catch (error) {
			throw new CollectorQueryError('event_type', error instanceof Error ? error.message : String(error), {cause: error});
		}
		if (matcherCache.size >= 256) matcherCache.delete(matcherCache.keys().next().value!);
		matcherCache.set(pattern, matcher);
	}
	return matcher;
}

type RawParameters = Readonly<Record<string, unknown>>;

function single(parameters: RawParameters, name: string): string | undefined {
	let value = parameters[name];
	if (Array.isArray(value)) value = value.at(-1);
	if (value === undefined || value === '') return undefined;
	if (typeof value !== 'string') throw new CollectorQueryError(name, `expected a string, got ${typeof value}`);
	if (value.length > maxParameterLength) throw new CollectorQueryError(name, `longer than ${maxParameterLength} characters`);
	return value;
}

function severityParameter(parameters: RawParameters, name: string): Severity | undefined {
	const value = single(parameters, name);
	if (value === undefined) return undefined;
	if (!isSeverity(value)) throw new CollectorQueryError(name, `expected one of ${severities.join(', ')}, got \`${value}\``);
	return value;
}

/**
 * Parses a time: ISO 8601 (with a zone, or UTC when it has none) or milliseconds since the epoch.
 *
 * @throws {CollectorQueryError} naming `parameter` when it is neither.
 */
export function parseTime(value: string, parameter: string): number {
	const time = /^\d{1,15}$/.test(value) ? Number(value) : parseIsoTime(value);
	if (!Number.isFinite(time)) throw new CollectorQueryError(parameter, `expected an ISO 8601 time or milliseconds since the epoch, got \`${value}\``);
	return time;
}

/** An ISO 8601 time in ms since the epoch (UTC when it names no zone), or NaN. */
export function parseIsoTime(text: string): number {
	return Date.parse(/T\d\d:\d\d(?::\d\d(?:\.\d+)?)?$/.test(text) ? `${text}Z` : text);
}

function integerParameter(parameters: RawParameters, name: string, min: number, max: number): number | undefined {
	const value = single(parameters, name);
	if (value === undefined) return undefined;
	if (!/^\d{1,9}$/.test(value) || Number(value) < min || Number(value) > max) {
		throw new CollectorQueryError(name, `expected an integer from ${min} to ${max}, got \`${value}\``);
	}
	return Number(value);
}

function tagsParameter(parameters: RawParameters): string[] | undefined {
	const raw = parameters['tags'];
	if (raw === undefined || raw === '') return undefined;
	const values = Array.isArray(raw) ? raw : [raw];
	const tags: string[] = [];
	for (const value of values) {
		if (typeof value !== 'string') throw new CollectorQueryError('tags', `expected a string, got ${typeof value}`);
		for (const tag of value.split(',')) {
			const trimmed = tag.trim();
			if (trimmed === '') continue;
			if (trimmed.length > maxParameterLength) throw new CollectorQueryError('tags', `a tag is longer than ${maxParameterLength} characters`);
			tags.push(trimmed);
		}
	}
	if (tags.length > maxTags) throw new CollectorQueryError('tags', `at most ${maxTags} tags, got ${tags.length}`);
	return tags.length === 0 ? undefined : tags;
}

/**
 * Reads the filter parameters of `GET /events`, `GET /events/stats` and `/events/stream` (reference names:
 * `source_system`, `event_type`, `severity`, `min_severity`, `start_time`, `end_time`, `correlation_id`, `tags`
 * (comma-separated or repeated), `q`).
 *
 * @throws {CollectorQueryError} naming the first bad parameter.
 */
export function parseFilter(parameters: RawParameters): EventFilter {
	const filter: {-readonly [K in keyof EventFilter]: EventFilter[K]} = {};
	const source = single(parameters, 'source_system');
	if (source !== undefined) filter.sourceSystem = source;
	const eventType = single(parameters, 'event_type');
	if (eventType !== undefined) {
		if (isTypePattern(eventType)) typeMatcher(eventType);
		filter.eventType = eventType;
	}
	const severity = severityParameter(parameters, 'severity');
	if (severity !== undefined) filter.severity = severity;
	const minSeverity = severityParameter(parameters, 'min_severity');
	if (minSeverity !== undefined) filter.minSeverity = minSeverity;
	const start = single(parameters, 'start_time');
	if (start !== undefined) filter.startTime = parseTime(start, 'start_time');
	const end = single(parameters, 'end_time');
	if (end !== undefined) filter.endTime = parseTime(end, 'end_time');
	const correlationId = single(parameters, 'correlation_id');
	if (correlationId !== undefined) filter.correlationId = correlationId;
	const tags = tagsParameter(parameters);
	if (tags !== undefined) filter.tags = tags;
	const text = single(parameters, 'q');
	if (text !== undefined) filter.text = text;
	return filter;
}

/**
 * Reads the parameters of `GET /events`: {@link parseFilter} plus `limit` (1-1000), `offset`, `cursor` and `sort`
 * (`asc`|`desc`; the reference's `sort_order` is accepted too).
 *
 * @throws {CollectorQueryError} naming the first bad parameter.
 */
export function parseQuery(parameters: RawParameters): EventQuery {
	const query: {-readonly [K in keyof EventQuery]: EventQuery[K]} = {...parseFilter(parameters)};
	query.limit = integerParameter(parameters, 'limit', 1, maxQueryLimit) ?? defaultQueryLimit;
	const offset = integerParameter(parameters, 'offset', 0, maxOffset);
	if (offset !== undefined) query.offset = offset;
	const cursor = single(parameters, 'cursor');
	if (cursor !== undefined) {
		decodeCursor(cursor);
		query.cursor = cursor;
	}
	const sort = single(parameters, 'sort') ?? single(parameters, 'sort_order');
	if (sort !== undefined) {
		if (sort !== 'asc' && sort !== 'desc') throw new CollectorQueryError('sort', `expected asc or desc, got \`${sort}\``);
		query.sort = sort;
	}
	return query;
}

/** A position in the (timestamp, arrival) order: where the next page starts. */
export interface CursorPosition {
	readonly timestamp: number;
	readonly sequence: number;
}

/** Encodes a page position as an opaque cursor. */
export function encodeCursor(position: CursorPosition): string {
	return Buffer.from(`${position.timestamp}:${position.sequence}`).toString('base64url');
}

/**
 * Decodes a cursor made by {@link encodeCursor}.
 *
 * @throws {CollectorQueryError} when it is not one.
 */
export function decodeCursor(cursor: string): CursorPosition {
	const match = /^(-?\d{1,16}):(\d{1,16})$/.exec(Buffer.from(cursor, 'base64url').toString('latin1'));
	if (match === null) throw new CollectorQueryError('cursor', 'not a cursor returned as `next_cursor`');
	return {timestamp: Number(match[1]), sequence: Number(match[2])};
}

// ASCII-only, like SQLite's lower(), so that both stores agree on what matches.
const asciiLower = (text: string): string => text.replace(/[A-Z]+/g, letters => letters.toLowerCase());

/** True when `needle` (ASCII-lowercased) is a substring of the type, or of the JSON of the data, tags or metadata. */
export function containsText(record: EventRecord, needle: string): boolean {
	return [record.eventType, JSON.stringify(record.data ?? null), JSON.stringify(record.tags), JSON.stringify(record.metadata)].some(field => asciiLower(field).includes(needle));
}

/** Compiles a filter into a predicate over records, with the same meaning as the stores' queries. */
export function compileFilter(filter: EventFilter): (record: EventRecord) => boolean {
	const {sourceSystem, eventType, severity, minSeverity, startTime, endTime, correlationId, tags, text} = filter;
	const typeTest = eventType === undefined ? undefined : isTypePattern(eventType) ? typeMatcher(eventType) : (type: string) => type === eventType;
	const minRank = minSeverity === undefined ? undefined : rankOf(minSeverity);
	const needle = text === undefined ? undefined : asciiLower(text);
	return record =>
		(sourceSystem === undefined || record.sourceSystem === sourceSystem) &&
		(typeTest === undefined || typeTest(record.eventType)) &&
		(severity === undefined || record.severity === severity) &&
		(minRank === undefined || rankOf(record.severity) >= minRank) &&
		(startTime === undefined || record.timestamp >= startTime) &&
		(endTime === undefined || record.timestamp <= endTime) &&
		(correlationId === undefined || record.correlationId === correlationId) &&
		(tags === undefined || tags.every(tag => record.tags.includes(tag))) &&
		(needle === undefined || containsText(record, needle));
}

/** The filter back as reference-style parameters, for the `query` echo of `GET /events`. */
export function describeQuery(query: EventQuery): Record<string, unknown> {
	const described: Record<string, unknown> = {};
	const put = (name: string, value: unknown): void => {
		if (value !== undefined) described[name] = value;
	};
	put('source_system', query.sourceSystem);
	put('event_type', query.eventType);
	put('severity', query.severity);
	put('min_severity', query.minSeverity);
	put('start_time', query.startTime === undefined ? undefined : new Date(query.startTime).toISOString());
	put('end_time', query.endTime === undefined ? undefined : new Date(query.endTime).toISOString());
	put('correlation_id', query.correlationId);
	put('tags', query.tags);
	put('q', query.text);
	put('limit', query.limit);
	put('offset', query.offset ?? 0);
	put('cursor', query.cursor);
	put('sort', query.sort ?? 'desc');
	return described;
}
