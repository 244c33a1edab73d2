/** The routing layer's public surface: the topic grammar's limits and the pattern matcher. */
export {compileTopicMatcher, deadLetterTopic, matchesTopic, type TopicMatcher} from './topic-matcher.js';
export {defaultTopicLimits, type TopicLimits} from './topic.js';
