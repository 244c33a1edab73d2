import {describe, expect, test} from 'vitest';
import {Router} from '../../src/routing/router.js';
import {compilePattern, defaultTopicLimits} from '../../src/routing/topic.js';
import {TopicTrie} from '../../src/routing/topic-trie.js';

// [pattern, topic, matches]: one table shared by the three matchers, so they cannot drift apart.
const vectors: ReadonlyArray<readonly [pattern: string, topic: string, matches: boolean]> = [
	// Literals.
	['order.created', 'order.created', true],
	['order.created', 'order.updated', false],
	['order.created', 'order', false],
	['order', 'order.created', false],
	// `*` is exactly one segment.
	['*', 'a', true],
	['*', 'a.b', false],
	['a.*', 'a.b', true],
	['a.*', 'a', false],
	['a.*', 'a.b.c', false],
	['*.created', 'order.created', true],
	['*.*', 'a.b', true],
	// `**` is zero or more segments (AMQP `#`).
	['**', 'a', true],
	['**', 'a.b.c.d', true],
	['a.**', 'a', true],
	['a.**', 'a.b', true],
	['a.**', 'a.b.c', true],
	['a.**', 'b.a', false],
	['a.**.b', 'a.b', true],
	['a.**.b', 'a.x.b', true],
	['a.**.b', 'a.x.y.z.b', true],
	['a.**.b', 'a.b.c', false],
	['**.failed', 'failed', true],
	['**.failed', 'payment.charge.failed', true],
	['**.failed', 'payment.failed.retry', false],
	['order.**.eu', 'order.eu', true],
	['order.**.eu', 'order.created.eu', true],
	['order.**.eu', 'order.created.us', false],
	['a.**.b.**', 'a.b', true],
	['a.**.b.**', 'a.x.b.y.z', true],
	['a.**.b.**', 'a.x.y', false],
	['**.**', 'a', true],
	['**.*', 'a', true],
	['**.*.*', 'a', false],
	['*.**.*', 'a.b', true],
	// Glob segments match within their one segment.
	['order.{created,updated}', 'order.created', true],
	['order.{created,updated}', 'order.deleted', false],
	['user.*-failed', 'user.login-failed', true],
	['user.*-failed', 'user.login-failed.x', false],
	['user.*-failed', 'user.login.x-failed', false],
	['v?', 'v1', true],
	['v?', 'v10', false],
	['a*', 'a', true],
	['a*', 'abc', true],
	['a*', 'a.b', false],
	['[ab]x', 'bx', true],
	['[ab]x', 'cx', false],
	['[!a]x', 'ax', false],
	['[!a]x', 'bx', true],
	['!a', 'b', true],
	['!a', 'a', false],
	['**.{a,b}*', 'x.y.bee', true],
	// The $ rule: only a pattern starting with a literal may match a `$`-topic.
	['$bus.dead-letter', '$bus.dead-letter', true],
	['$bus.*', '$bus.dead-letter', true],
	['$bus.**', '$bus', true],
	['$bus.**', '$bus.a.b', true],
	['**', '$bus.dead-letter', false],
	['**.dead-letter', '$bus.dead-letter', false],
	['*.dead-letter', '$bus.dead-letter', false],
	['*', '$bus', false],
	['!a', '$bus', false],
	['bus.**', '$bus.x', false],
	['$bus.*', 'bus.x', false],
];

function trieMatches(pattern: string, topic: string): boolean {
	const trie = new TopicTrie<string>();
	trie.add(pattern, 'value');
	return trie.match(topic).includes('value');
}

function routerMatches(pattern: string, topic: string): boolean {
	const router = new Router<{priority: number; seq: number}>();
	router.add(pattern, {priority: 0, seq: 0});
	return router.route(topic).length === 1;
}

describe('matching vectors', () => {
	test.each(vectors)('compilePattern() - %j vs %j is %s', (pattern, topic, matches) => {
		expect(compilePattern(pattern, defaultTopicLimits)(topic)).toBe(matches);
	});

	test.each(vectors)('TopicTrie.match() - %j vs %j is %s', (pattern, topic, matches) => {
		expect(trieMatches(pattern, topic)).toBe(matches);
	});

	test.each(vectors)('Router.route() - %j vs %j is %s', (pattern, topic, matches) => {
		expect(routerMatches(pattern, topic)).toBe(matches);
	});

	test('match() - every pattern of the table stored in one trie gives the same answers', () => {
		const trie = new TopicTrie<string>();
		for (const [pattern] of vectors) trie.add(pattern, pattern);
		for (const [pattern, topic, matches] of vectors) expect(trie.match(topic).includes(pattern)).toBe(matches);
	});
});

describe('pathological patterns', () => {
	const topic32 = Array.from({length: 32}, (_, index) => `s${index}`).join('.');
	const topicAs = Array.from({length: 32}, () => 'a').join('.');

	test('match() - a pattern with 4 ** against a 32-segment topic matches', () => {
		const trie = new TopicTrie<string>();
		trie.add('s0.**.s10.**.s20.**.s30.**', 'x');
		expect(trie.match(topic32)).toEqual(['x']);
	});

	test('match() - 4 ** that almost match a 32-segment topic do not match', () => {
		// Naive backtracking tries every split of 32 segments over 4 globstars before failing.
		const trie = new TopicTrie<string>();
		trie.add('**.a.**.a.**.a.**.b', 'x');
		expect(trie.match(topicAs)).toEqual([]);
	});

	test('compilePattern() - 4 ** that almost match a 32-segment topic do not match', () => {
		expect(compilePattern('**.a.**.a.**.a.**.b', defaultTopicLimits)(topicAs)).toBe(false);
		expect(compilePattern('**.a.**.a.**.a.**.a', defaultTopicLimits)(topicAs)).toBe(true);
	});

	test('match() - many overlapping ** patterns in one trie each match once', () => {
		const trie = new TopicTrie<number>();
		const patterns = ['**.a.**.a.**.a.**', '**.a.**.a.**', '**.a.**', 'a.**.a.**.a.**.a', '**.**.**.**'];
		patterns.forEach((pattern, index) => trie.add(pattern, index));
		expect(trie.match(topicAs).sort()).toEqual([0, 1, 2, 3, 4]);
	});
});
