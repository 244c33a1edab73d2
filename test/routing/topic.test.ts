import {describe, expect, test} from 'vitest';
import {InvalidTopicError, type InvalidTopicReason} from '../../src/errors.js';
import {
	assertTopic,
	compilePattern,
	defaultTopicLimits,
	isReservedTopic,
	parsePattern,
	resolveTopicLimits,
	type TopicLimits,
} from '../../src/routing/topic.js';

const seg64 = 'a'.repeat(64);
const seg65 = 'a'.repeat(65);
const segments = (count: number, text = 'a'): string => Array.from({length: count}, () => text).join('.');
// 64 * 3 + 61 + 3 dots = exactly 256 characters.
const length256 = `${'a'.repeat(64)}.${'b'.repeat(64)}.${'c'.repeat(64)}.${'d'.repeat(61)}`;

const validTopics: readonly string[] = [
	'a',
	'order.created.eu',
	'AZ-az_09:x',
	'user.42.updated',
	seg64,
	`$${'a'.repeat(63)}`,
	segments(32),
	length256,
];

const invalidTopics: ReadonlyArray<readonly [topic: string, reason: InvalidTopicReason]> = [
	['', 'empty'],
	['a..b', 'empty-segment'],
	['.a', 'empty-segment'],
	['a.', 'empty-segment'],
	['.', 'empty-segment'],
	[seg65, 'segment-too-long'],
	[`$${'a'.repeat(64)}`, 'segment-too-long'],
	[segments(33), 'too-many-segments'],
	[`${length256}x`, 'too-long'],
	['a b', 'invalid-character'],
	['a/b', 'invalid-character'],
	['caf\u00e9', 'invalid-character'],
	['a,b', 'invalid-character'],
	['a!', 'invalid-character'],
	['a.$b', 'invalid-character'],
	['$$a', 'invalid-character'],
	['a$', 'invalid-character'],
	['a.*', 'wildcard-in-topic'],
	['**', 'wildcard-in-topic'],
	['order.**.eu', 'wildcard-in-topic'],
	['v?', 'wildcard-in-topic'],
	['order.{created,updated}', 'wildcard-in-topic'],
	['[ab]x', 'wildcard-in-topic'],
	['$bus.dead-letter', 'reserved'],
	['$', 'reserved'],
];

const validPatterns: readonly string[] = [
	'a',
	'*',
	'**',
	'a.*',
	'a.**',
	'**.failed',
	'order.**.eu',
	'a.**.b.**',
	'**.**',
	'a.**.b.**.c.**.d.**',
	'{created,updated}',
	'order.{created,updated}.*',
	'*-failed',
	'v?',
	'a*',
	'[ab]x',
	'[!a]x',
	'!a',
	'{a,{b,c}}',
	'$bus.dead-letter',
	'$bus.*',
	'$bus.**',
	seg64,
	segments(32, '*'),
];

const invalidPatterns: ReadonlyArray<readonly [pattern: string, reason: InvalidTopicReason]> = [
	['', 'empty'],
	['a..*', 'empty-segment'],
	['.**', 'empty-segment'],
	['*.', 'empty-segment'],
	[seg65, 'segment-too-long'],
	[segments(33, '*'), 'too-many-segments'],
	[`${length256}*`, 'too-long'],
	['a**', 'invalid-wildcard'],
	['***', 'invalid-wildcard'],
	['**b', 'invalid-wildcard'],
	['order.**x.eu', 'invalid-wildcard'],
	['{a,**}', 'invalid-wildcard'],
	['**.**.**.**.**', 'too-many-globstars'],
	['a.**.b.**.c.**.d.**.e.**', 'too-many-globstars'],
	['[', 'invalid-glob'],
	['[ab', 'invalid-glob'],
	['a*]', 'invalid-glob'],
	['{a,b', 'invalid-glob'],
	['a}', 'invalid-glob'],
	['{a}', 'invalid-glob'],
	['a,b', 'invalid-glob'],
	['a!b*', 'invalid-glob'],
	['!', 'invalid-glob'],
	['a b', 'invalid-character'],
	['a/*', 'invalid-character'],
	['a(b)*', 'invalid-character'],
	['a^*', 'invalid-character'],
	['$b*', 'invalid-character'],
	['a.$b', 'invalid-character'],
	['*.$b', 'invalid-character'],
];

function expectInvalid(run: () => unknown, input: string, reason: InvalidTopicReason): void {
	let caught: unknown;
	try {
		run();
	} catch (error) {
		caught = error;
	}
	expect(caught).toBeInstanceOf(InvalidTopicError);
	const error = caught as InvalidTopicError;
	expect(error.code).toBe('ERR_INVALID_TOPIC');
	expect(error.topic).toBe(input);
	expect(error.reason).toBe(reason);
	expect(error.message).toContain('Invalid topic');
}

describe('assertTopic()', () => {
	test.each(validTopics.map(topic => [topic]))('accepts %j', topic => {
		expect(() => assertTopic(topic, defaultTopicLimits, {allowReserved: true})).not.toThrow();
	});

	test.each(invalidTopics)('refuses %j with reason %s', (topic, reason) => {
		expectInvalid(() => assertTopic(topic, defaultTopicLimits), topic, reason);
	});

	test('assertTopic() - $ topics pass with allowReserved', () => {
		expect(() => assertTopic('$bus.dead-letter', defaultTopicLimits, {allowReserved: true})).not.toThrow();
	});

	test('assertTopic() - a grammar error wins over reserved', () => {
		expectInvalid(() => assertTopic('$bus.*', defaultTopicLimits), '$bus.*', 'wildcard-in-topic');
	});

	test.each([[undefined], [null], [42], [{}], [['a']]])('assertTopic() - %j is a TypeError', value => {
		expect(() => assertTopic(value as unknown as string, defaultTopicLimits)).toThrow(TypeError);
	});

	test('assertTopic() - custom limits apply', () => {
		const limits = resolveTopicLimits({maxSegments: 2, maxLength: 5});
		expect(() => assertTopic('a.b', limits)).not.toThrow();
		expectInvalid(() => assertTopic('a.b.c', limits), 'a.b.c', 'too-many-segments');
		expectInvalid(() => assertTopic('abcdef', limits), 'abcdef', 'too-long');
	});
});

describe('parsePattern()', () => {
	test.each(validPatterns.map(pattern => [pattern]))('accepts %j', pattern => {
		expect(parsePattern(pattern, defaultTopicLimits).length).toBe(pattern.split('.').length);
	});

	test.each(invalidPatterns)('refuses %j with reason %s', (pattern, reason) => {
		expectInvalid(() => parsePattern(pattern, defaultTopicLimits), pattern, reason);
	});

	test('parsePattern() - classifies each segment', () => {
		const kinds = parsePattern('order.*.**.{created,updated}', defaultTopicLimits).map(segment => segment.kind);
		expect(kinds).toEqual(['literal', 'star', 'globstar', 'glob']);
	});

	test('parsePattern() - a glob matches within its one segment', () => {
		const [glob] = parsePattern('*-failed', defaultTopicLimits);
		expect(glob?.match('payment-failed')).toBe(true);
		expect(glob?.match('payment-ok')).toBe(false);
	});

	test('parsePattern() - [!a] negates the class (picomatch needs posix mode for this)', () => {
		const [glob] = parsePattern('[!a]x', defaultTopicLimits);
		expect(glob?.match('bx')).toBe(true);
		expect(glob?.match('ax')).toBe(false);
	});

	test('parsePattern() - an uncompilable glob keeps picomatch error as cause', () => {
		try {
			parsePattern('[ab', defaultTopicLimits);
			expect.unreachable();
		} catch (error) {
			expect((error as InvalidTopicError).cause).toBeInstanceOf(Error);
		}
	});

	test('parsePattern() - maxGlobstars is configurable', () => {
		expectInvalid(() => parsePattern('**', resolveTopicLimits({maxGlobstars: 0})), '**', 'too-many-globstars');
		expect(parsePattern('**.**.**.**.**', resolveTopicLimits({maxGlobstars: 5}))).toHaveLength(5);
	});

	test('parsePattern() - a non-string is a TypeError', () => {
		expect(() => parsePattern(7 as unknown as string, defaultTopicLimits)).toThrow(TypeError);
	});

	test('compilePattern() - refuses invalid patterns like parsePattern', () => {
		expectInvalid(() => compilePattern('a**', defaultTopicLimits), 'a**', 'invalid-wildcard');
	});
});

describe('resolveTopicLimits()', () => {
	test('resolveTopicLimits() - no argument gives the defaults', () => {
		expect(resolveTopicLimits()).toEqual({maxSegments: 32, maxLength: 256, maxGlobstars: 4});
	});

	test('resolveTopicLimits() - fills missing fields from the defaults', () => {
		expect(resolveTopicLimits({maxGlobstars: 1})).toEqual({maxSegments: 32, maxLength: 256, maxGlobstars: 1});
	});

	test('resolveTopicLimits() - the result is frozen', () => {
		expect(Object.isFrozen(resolveTopicLimits({maxLength: 10}))).toBe(true);
	});

	test.each<[string, unknown]>([
		['maxSegments 0', {maxSegments: 0}],
		['maxLength 1.5', {maxLength: 1.5}],
		['maxGlobstars -1', {maxGlobstars: -1}],
		['maxSegments as a string', {maxSegments: '32'}],
		['a string', 'limits'],
		['null', null],
	])('resolveTopicLimits() - %s is a TypeError', (_name, limits) => {
		expect(() => resolveTopicLimits(limits as Partial<TopicLimits>)).toThrow(TypeError);
	});
});

describe('isReservedTopic()', () => {
	test.each([
		['$bus.dead-letter', true],
		['$', true],
		['bus.$x', false],
		['bus', false],
	])('isReservedTopic(%j) is %s', (topic, expected) => {
		expect(isReservedTopic(topic)).toBe(expected);
	});
});
