/** Filters over stored dead letters, shared by `list`, `replay` and `purge`. */
import {assertFiniteNumber, assertInteger, assertOptionalObject, assertOptionalString} from '../internal/assert.js';
import type {StoredDeadLetter, StoredDeadLetterReason} from './stored-dead-letter.js';
import {compileTopicMatcher} from '../routing/index.js';

/** Which dead letters to select. All filters combine with AND; an empty query selects every letter. */
export interface DeadLetterQuery {
	readonly reason?: StoredDeadLetterReason | readonly StoredDeadLetterReason[];
	/** A topic pattern, as for `subscribe` (`order.**`). */
	readonly topic?: string;
	/** A subscription's id or name. */
	readonly subscription?: string;
	readonly correlationId?: string;
	/** Inclusive, on `failedAt` (ms since the epoch). */
	readonly since?: number;
	/** Inclusive, on `failedAt`. */
	readonly until?: number;
	/** The most recent `limit` matches. @default all */
	readonly limit?: number;
}

/**
 * Compiles `query` into a predicate.
 *
 * @throws {TypeError} when a field has the wrong type.
 * @throws {InvalidTopicError} when `topic` is not a valid pattern.
 */
export function compileDeadLetterQuery(query: DeadLetterQuery | undefined): (letter: StoredDeadLetter) => boolean {
	assertOptionalObject('query', query);
	if (query === undefined) return () => true;
	assertOptionalString('query.topic', query.topic);
	assertOptionalString('query.subscription', query.subscription);
	assertOptionalString('query.correlationId', query.correlationId);
	assertFiniteNumber('query.since', query.since);
	assertFiniteNumber('query.until', query.until);
	assertInteger('query.limit', query.limit, 0);
	const {subscription, correlationId, since, until} = query;
	const reasons = query.reason === undefined ? undefined : new Set<string>(typeof query.reason === 'string' ? [query.reason] : query.reason);
	const matchesTopic = query.topic === undefined ? undefined : compileTopicMatcher(query.topic);
	return letter =>
		(reasons === undefined || reasons.has(letter.reason)) &&
		(matchesTopic === undefined || matchesTopic(letter.event.topic)) &&
		(subscription === undefined || letter.subscription?.id === subscription || letter.subscription?.name === subscription) &&
		(correlationId === undefined || letter.event.correlationId === correlationId) &&
		(since === undefined || letter.failedAt >= since) &&
		(until === undefined || letter.failedAt <= until);
}
