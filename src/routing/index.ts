/**
 * The routing layer's public surface: the topic grammar (limits, validation, parsed patterns, for adapters that map
 * it onto another grammar, such as the NATS bridge) and the pattern matcher.
 */
export {compileTopicMatcher, deadLetterTopic, matchesTopic, type TopicMatcher} from './topic-matcher.js';
export {assertTopic, defaultTopicLimits, isReservedTopic, parsePattern, resolveTopicLimits, type PatternSegment, type TopicLimits} from './topic.js';
