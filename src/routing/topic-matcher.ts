/**
 * The public topic matcher: one pattern (the grammar of `subscribe`) compiled into a predicate over topics. What
 * consumers, history and dead-letter queries, the collector and the bridges use instead of routing internals.
 */
import {compilePattern, defaultTopicLimits, resolveTopicLimits, type TopicLimits} from './topic.js';

/** A predicate over topics, true when `topic` matches the pattern it was compiled from. */
export type TopicMatcher = (topic: string) => boolean;

/** The topic on which the bus publishes dead letters: the one `$`-topic it owns. */
export const deadLetterTopic = '$bus.dead-letter';

// Patterns repeat (a dashboard filter, a query per request): compiled ones are kept, up to this many, then cleared.
const cacheSize = 256;
const cache = new Map<string, TopicMatcher>();

/**
 * Compiles a subscription pattern (`*`, `**`, segment globs, the `$` rule: a pattern whose first segment is not a
 * literal never matches a `$`-topic) into a predicate, with exactly the semantics of `subscribe`. Matching costs
 * time linear in the topic's length whatever the pattern (segment globs run on a linear-time matcher). The predicate
 * expects a valid topic and does not validate its argument.
 *
 * @throws {InvalidTopicError} when the pattern breaks the grammar (or `limits`).
 * @throws {TypeError} when `pattern` is not a string, or `limits` is not valid.
 * @example
 * const isOrderFailure = compileTopicMatcher('order.**.failed');
 * isOrderFailure('order.eu.payment.failed'); // true
 */
export function compileTopicMatcher(pattern: string, limits?: Partial<TopicLimits>): TopicMatcher {
	return compilePattern(pattern, limits === undefined ? defaultTopicLimits : resolveTopicLimits(limits));
}

/**
 * True when `topic` matches `pattern` (default limits). Compiled patterns are cached, so calling it in a loop is
 * cheap; see {@link compileTopicMatcher}.
 *
 * @throws {InvalidTopicError} when the pattern breaks the grammar.
 */
export function matchesTopic(pattern: string, topic: string): boolean {
	let matcher = cache.get(pattern);
	if (matcher === undefined) {
		matcher = compileTopicMatcher(pattern);
		if (cache.size >= cacheSize) cache.clear();
		cache.set(pattern, matcher);
	}
	return matcher(topic);
}
