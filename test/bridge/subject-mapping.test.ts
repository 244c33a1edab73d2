import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import {InvalidTopicError} from '../../src/errors.js';
import {
	areDisjoint,
	isExactOnNats,
	patternToSubjects,
	reduceSubjects,
	subjectCovers,
	subjectMatches,
	subjectsOverlap,
	subjectToTopic,
	topicToSubject,
} from '../../src/bridge/subject-mapping.js';
import {compileTopicPattern} from '../../src/bridge/topic-grammar.js';

describe('patternToSubjects()', () => {
	it.each([
		['order.created', ['p.order.created']],
		['order.*', ['p.order.*']],
		['*', ['p.*']],
		['order.**', ['p.order', 'p.order.>']],
		['**', ['p.>']],
		['order.**.eu', ['p.order.>']],
		['**.failed', ['p.>']],
		['a.**.b.**', ['p.a.>']],
		['c.b.**.**', ['p.c.b', 'p.c.b.>']],
		['order.{created,updated}', ['p.order.*']],
		['user.*-failed', ['p.user.*']],
		['v?.x', ['p.*.x']],
	])('%s maps to %j', (pattern, subjects) => {
		expect(patternToSubjects(pattern, 'p')).toEqual(subjects);
	});

	it('without a prefix, a trailing ** after one segment maps to both the segment and its > subject', () => {
		expect(patternToSubjects('a.**', '')).toEqual(['a', 'a.>']);
		expect(patternToSubjects('**', '')).toEqual(['>']);
	});

	it('refuses a $ pattern: $ topics never cross a bridge', () => {
		const error = (() => {
			try {
				patternToSubjects('$bus.dead-letter', 'p');
			} catch (caught) {
				return caught;
			}
			return undefined;
		})();
		expect(error).toBeInstanceOf(InvalidTopicError);
		expect(error).toMatchObject({code: 'ERR_INVALID_TOPIC', reason: 'reserved', topic: '$bus.dead-letter'});
	});

	it('refuses a pattern that breaks the grammar', () => {
		expect(() => patternToSubjects('a..b', 'p')).toThrow(InvalidTopicError);
		expect(() => patternToSubjects('a**', 'p')).toThrow(InvalidTopicError);
	});
});

describe('isExactOnNats()', () => {
	it.each([
		['a.b', true],
		['a.*', true],
		['a.**', true],
		['**', true],
		['a.**.b', false],
		['**.b', false],
		['a.{b,c}', false],
	])('%s: %s', (pattern, exact) => {
		expect(isExactOnNats(pattern)).toBe(exact);
	});
});

describe('subjects', () => {
	it('topicToSubject and subjectToTopic are inverse under a prefix', () => {
		expect(topicToSubject('a.b', 'p.q')).toBe('p.q.a.b');
		expect(subjectToTopic('p.q.a.b', 'p.q')).toBe('a.b');
		expect(subjectToTopic('other.a', 'p')).toBeUndefined();
		expect(subjectToTopic('pp.a', 'p')).toBeUndefined();
		expect(subjectToTopic('p', 'p')).toBeUndefined();
		expect(subjectToTopic('a.b', '')).toBe('a.b');
	});

	it.each([
		['a.*', 'a.b', true],
		['a.*', 'a.b.c', false],
		['a.>', 'a', false],
		['a.>', 'a.b.c', true],
		['>', 'a', true],
		['a.b', 'a.b', true],
		['a.b', 'a.c', false],
	])('subjectMatches(%s, %s) is %s', (filter, subject, expected) => {
		expect(subjectMatches(filter, subject)).toBe(expected);
	});

	it.each([
		['a.>', 'a.*', true],
		['a.>', 'a.b.>', true],
		['a.*', 'a.>', false],
		['a.*', 'a.b', true],
		['a.b', 'a.*', false],
		['>', 'a', true],
		['a.>', 'a', false],
	])('subjectCovers(%s, %s) is %s', (wide, narrow, expected) => {
		expect(subjectCovers(wide, narrow)).toBe(expected);
	});

	it.each([
		['a.*.c', 'a.b.*', true],
		['a.b', 'a.c', false],
		['a.>', 'a', false],
		['a.*', 'a.b.c', false],
		['>', 'x.y', true],
	])('subjectsOverlap(%s, %s) is %s', (a, b, expected) => {
		expect(subjectsOverlap(a, b)).toBe(expected);
	});

	it('reduceSubjects drops duplicates and covered subjects', () => {
		expect(reduceSubjects(['p.a', 'p.a.>', 'p.a.*', 'p.a', 'p.b'])).toEqual(['p.a', 'p.a.>', 'p.b']);
		expect(reduceSubjects(['p.a.b', 'p.>'])).toEqual(['p.>']);
	});

	it('areDisjoint is false as soon as two subjects share a subject', () => {
		expect(areDisjoint(['p.a', 'p.a.>', 'p.b.*'])).toBe(true);
		expect(areDisjoint(['p.a.*.c', 'p.a.b.*'])).toBe(false);
	});
});

// A small alphabet so that random patterns and topics often match.
const segment = fc.constantFrom('a', 'b', 'c', 'ab');
const topicArb = fc.array(segment, {minLength: 1, maxLength: 5}).map(parts => parts.join('.'));
const patternArb = fc
	.array(fc.constantFrom('a', 'b', 'c', '*', '**', '{a,b}', 'a?'), {minLength: 1, maxLength: 5})
	.filter(parts => parts.filter(part => part === '**').length <= 4)
	.map(parts => parts.join('.'));

describe('patternToSubjects() against the bus matcher (property)', () => {
	it('every topic the pattern matches is received by one of its subjects (nothing is lost on NATS)', () => {
		fc.assert(
			fc.property(patternArb, topicArb, (pattern, topic) => {
				if (!compileTopicPattern(pattern)(topic)) return;
				const subject = topicToSubject(topic, 'p');
				expect(patternToSubjects(pattern, 'p').some(filter => subjectMatches(filter, subject))).toBe(true);
			}),
			{numRuns: 2_000},
		);
	});

	it('where NATS is exact, its subjects receive only matching topics', () => {
		fc.assert(
			fc.property(patternArb.filter(isExactOnNats), topicArb, (pattern, topic) => {
				const subject = topicToSubject(topic, 'p');
				expect(patternToSubjects(pattern, 'p').some(filter => subjectMatches(filter, subject))).toBe(compileTopicPattern(pattern)(topic));
			}),
			{numRuns: 2_000},
		);
	});
});
