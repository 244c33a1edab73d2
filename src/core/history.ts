import {assertFiniteNumber, assertInteger, assertOptionalObject, assertOptionalString} from '../internal/assert.js';
import {compilePattern, type TopicLimits} from '../routing/topic.js';
import type {BusEvent, HistoryQuery} from '../types.js';

/** The filters of a history query, with the pattern already compiled by the caller. */
export interface HistoryFilter {
	readonly matches: ((topic: string) => boolean) | undefined;
	readonly since: number | undefined;
	readonly until: number | undefined;
	readonly correlationId: string | undefined;
	readonly limit: number | undefined;
}

/**
 * A ring buffer of the most recent accepted events. Recording is O(1) and allocation-free; a full buffer
 * overwrites its oldest entry. Capacity 0 records nothing.
 */
export class History {
	readonly capacity: number;
	readonly #events: (BusEvent | undefined)[];
	#next = 0;
	#size = 0;

	constructor(capacity: number) {
		this.capacity = capacity;
		this.#events = new Array<BusEvent | undefined>(capacity);
	}

	get size(): number {
		return this.#size;
	}

	record(event: BusEvent): void {
		if (this.capacity === 0) return;
		this.#events[this.#next] = event;
		this.#next = this.#next + 1 === this.capacity ? 0 : this.#next + 1;
		if (this.#size < this.capacity) this.#size++;
	}

	/** Matching events, oldest first; with `limit`, the most recent `limit` of them. */
	query(filter: HistoryFilter): BusEvent[] {
		const matches: BusEvent[] = [];
		const {limit} = filter;
		if (limit === 0) return matches;
		// Newest first, so that a limit stops the scan early; reversed at the end.
		for (let offset = 1; offset <= this.#size; offset++) {
			const event = this.#events[(this.#next - offset + this.capacity) % this.capacity]!;
			if (filter.since !== undefined && event.timestamp < filter.since) continue;
			if (filter.until !== undefined && event.timestamp > filter.until) continue;
			if (filter.correlationId !== undefined && event.correlationId !== filter.correlationId) continue;
			if (filter.matches !== undefined && !filter.matches(event.topic)) continue;
			matches.push(event);
			if (limit !== undefined && matches.length >= limit) break;
		}
		return matches.reverse();
	}

	clear(): void {
		this.#events.fill(undefined);
		this.#next = 0;
		this.#size = 0;
	}
}

/**
 * Validates a `history()` query into the filter the history applies, its pattern compiled under the bus's `limits`.
 *
 * @throws {TypeError} when the query or one of its fields has the wrong type or range.
 * @throws {InvalidTopicError} when the pattern is invalid.
 */
export function resolveHistoryQuery(query: HistoryQuery | undefined, limits: TopicLimits): HistoryFilter {
	assertOptionalObject('query', query);
	const given = query ?? {};
	assertInteger('query.limit', given.limit, 0);
	assertFiniteNumber('query.since', given.since);
	assertFiniteNumber('query.until', given.until);
	assertOptionalString('query.correlationId', given.correlationId);
	return {
		matches: given.pattern === undefined ? undefined : compilePattern(given.pattern, limits),
		since: given.since,
		until: given.until,
		correlationId: given.correlationId,
		limit: given.limit,
	};
}
