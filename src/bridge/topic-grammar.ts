/**
 * The bridge's one seam onto the bus's topic grammar, so that a pattern means the same across the hop as in
 * `subscribe`. Swap these imports for the public matcher once `src/index.ts` exports one.
 */
import {assertTopic, compilePattern, defaultTopicLimits, isReservedTopic, parsePattern, type PatternSegment} from '../routing/topic.js';

export type {PatternSegment};
export {isReservedTopic};

/** Parses a pattern into its segments; throws `InvalidTopicError` when it breaks the grammar. */
export function parseTopicPattern(pattern: string): readonly PatternSegment[] {
	return parsePattern(pattern, defaultTopicLimits);
}

/** A predicate with exactly the bus's matching semantics (including the `$` rule). */
export function compileTopicPattern(pattern: string): (topic: string) => boolean {
	return compilePattern(pattern, defaultTopicLimits);
}

/** Throws `InvalidTopicError` unless `topic` is a valid, non-reserved topic to publish. */
export function assertPublishableTopic(topic: string): void {
	assertTopic(topic, defaultTopicLimits);
}
