import {assertFiniteNumber, assertInteger, assertOptionalObject, assertOptionalString} from '../internal/assert.js';
import {compilePattern, type TopicLimits} from '../routing/topic.js';
import type {HistoryQuery} from '../types.js';
import type {HistoryFilter} from './history.js';

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
