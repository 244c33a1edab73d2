/**
 * The one place where the consumers match topics against patterns (log levels per pattern, dead-letter queries).
 * It reuses the bus's own grammar so that a pattern means the same here as in `subscribe`.
 */
// The seam onto routing: swap this import for a public `compilePattern` export once the API offers one.
import {compilePattern, defaultTopicLimits} from '../routing/topic.js';

/** A predicate over topics, true when `topic` matches the pattern it was compiled from. */
export type TopicMatcher = (topic: string) => boolean;

/**
 * Compiles a subscription pattern (`*`, `**`, segment globs, the `$` rule) into a predicate, with the default
 * topic limits.
 *
 * @throws {InvalidTopicError} when the pattern breaks the grammar.
 */
export function compileTopicPattern(pattern: string): TopicMatcher {
	return compilePattern(pattern, defaultTopicLimits);
}
