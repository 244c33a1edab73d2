import {describe, expect, test} from 'vitest';
import {compileTopicMatcher, deadLetterTopic, matchesTopic} from '../../src/routing/index.js';
import * as topicbus from '../../src/index.js';
import {InvalidTopicError} from '../../src/index.js';

describe('the public topic matcher', () => {
	test('compileTopicMatcher() follows the subscribe grammar: *, **, globs and the $ rule', () => {
		const matches = compileTopicMatcher('order.**.{failed,rejected}');
		expect(['order.failed', 'order.eu.payment.rejected', 'order.created'].map(matches)).toEqual([true, true, false]);
		expect(compileTopicMatcher('**')(deadLetterTopic)).toBe(false);
		expect(compileTopicMatcher('$bus.*')(deadLetterTopic)).toBe(true);
	});

	test('compileTopicMatcher() takes limits', () => {
		expect(() => compileTopicMatcher('a.b.c', {maxSegments: 2})).toThrow(InvalidTopicError);
	});

	test('matchesTopic() answers for one pattern and topic, with an InvalidTopicError for a bad pattern', () => {
		expect(matchesTopic('user.*.updated', 'user.42.updated')).toBe(true);
		expect(matchesTopic('user.*.updated', 'user.42.deleted')).toBe(false);
		expect(() => matchesTopic('user.#', 'user.a')).toThrow(InvalidTopicError);
	});

	test('the main entry exports the matcher', () => {
		expect(topicbus.compileTopicMatcher).toBe(compileTopicMatcher);
		expect(topicbus.matchesTopic).toBe(matchesTopic);
	});
});
