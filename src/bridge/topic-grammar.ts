/**
 * The bridge's one seam onto the bus's topic grammar (routing's public surface), so that a pattern means the same
 * across the hop as in `subscribe`.
 */
import {assertTopic, compileTopicMatcher, defaultTopicLimits, isReservedTopic, parsePattern, type PatternSegment} from '../routing/index.js';

export type {PatternSegment};
export {isReservedTopic};

/** Parses a pattern into its segments; throws `InvalidTopicError` when it breaks the grammar. */
export function parseTopicPattern(pattern: string): readonly PatternSegment[] {
	return parsePattern(pattern, defaultTopicLimits);
}

/** A predicate with exactly the bus's matching semantics (including the `$` rule). */
export function compileTopicPattern(pattern: string): (topic: string) => boolean {
	return compileTopicMatcher(pattern);
}

/** Throws `InvalidTopicError` unless `topic` is a valid, non-reserved topic to publish. */
export function assertPublishableTopic(topic: string): void {
	assertTopic(topic, defaultTopicLimits);
}
