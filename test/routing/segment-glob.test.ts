import fc from 'fast-check';
import picomatch from 'picomatch';
import {describe, expect, test} from 'vitest';
import {compileSegmentGlob, SegmentGlobSyntaxError} from '../../src/routing/segment-glob.js';
import {compilePattern, defaultTopicLimits} from '../../src/routing/topic.js';
import {EventBus, InvalidTopicError} from '../../src/index.js';

// picomatch, as the bus used it before, is the reference for what a glob means.
const picomatchOptions = {dot: true, posix: true, strictBrackets: true, noextglob: true};
const tokens = ['a', 'b', '-', ':', '_', '*', '?', '[ab]', '[!a]', '[a-b]', '[]a]', '[[:alpha:]]', '[[:digit:]_]', '{a,b}', '{a*,?b}', '{,a}', '{a,{b,-}}'];

describe('compileSegmentGlob()', () => {
	test('property: matches exactly what picomatch matches, for any glob of these tokens and any segment', () => {
		fc.assert(
			fc.property(
				fc.boolean(),
				fc.array(fc.constantFrom(...tokens), {minLength: 1, maxLength: 6}),
				fc.string({unit: fc.constantFrom('a', 'b', 'c', '-', ':', '_', '1', ']'), minLength: 1, maxLength: 10}),
				(isNegated, parts, segment) => {
					const glob = `${isNegated ? '!' : ''}${parts.join('')}`;
					return compileSegmentGlob(glob).matches(segment) === picomatch.makeRe(glob, picomatchOptions).test(segment);
				},
			),
			{numRuns: 2000},
		);
	});

	test.each([
		['*-failed', 'payment-failed', true],
		['*-failed', 'payment-ok', false],
		['v?', 'v2', true],
		['v?', 'v', false],
		['[!a]x', 'bx', true],
		['[!a]x', 'ax', false],
		['{created,updated}', 'updated', true],
		['{created,updated}', 'deleted', false],
		['!tmp*', 'tmp-1', false],
		['!tmp*', 'order', true],
		['[[:upper:]]*', 'Order', true],
		['[[:upper:]]*', 'order', false],
	])('%s matching %s is %s', (glob, segment, expected) => {
		expect(compileSegmentGlob(glob).matches(segment)).toBe(expected);
	});

	test.each(['[ab', 'a*]', '{a,b', 'a}', 'a,b', 'a!b*', '[z-a]', '[[:nope:]]', '{a}'])('refuses %s with a SegmentGlobSyntaxError', glob => {
		expect(() => compileSegmentGlob(glob)).toThrow(SegmentGlobSyntaxError);
	});

	test('star-heavy globs match in steps linear in the segment: at most 2 x (length + 1) x states', () => {
		// A backtracking matcher tries every way to place 9 stars in 63 characters (billions) before failing.
		const glob = '*a*a*a*a*a*a*a*a*b';
		const segment = `${'a'.repeat(63)}c`;
		const compiled = compileSegmentGlob(glob);
		const stats = {steps: 0};
		expect(compiled.matches(segment, stats)).toBe(false);
		expect(stats.steps).toBeLessThanOrEqual(2 * (segment.length + 1) * compiled.states);
		expect(compiled.states).toBeLessThanOrEqual(2 * glob.length + 1);
	});

	test('property: the steps never exceed 2 x (length + 1) x states, for any glob of these tokens', () => {
		fc.assert(
			fc.property(fc.array(fc.constantFrom(...tokens), {minLength: 1, maxLength: 12}), fc.string({unit: fc.constantFrom('a', 'b', '-'), maxLength: 64}), (parts, segment) => {
				const compiled = compileSegmentGlob(parts.join(''));
				const stats = {steps: 0};
				compiled.matches(segment, stats);
				return stats.steps <= 2 * (segment.length + 1) * compiled.states;
			}),
		);
	});
});

describe('hostile globs through the bus', () => {
	const hostile = '*a*a*a*a*a*a*a*a*a*a*a*a*b';
	const topic = (index: number): string => `x.${'a'.repeat(60)}${String(index).padStart(4, '0')}`;

	test('subscribe() with a star-heavy glob: 200 new 64-character topics are routed (a backtracking matcher would not finish)', async () => {
		const bus = new EventBus();
		const seen: string[] = [];
		bus.subscribe(`x.${hostile}`, event => {
			seen.push(event.topic);
		});
		bus.subscribe('x.*', () => {});
		for (let index = 0; index < 200; index++) await bus.publish(topic(index), null);
		await bus.drain();
		expect(seen).toEqual([]);
		expect(bus.history({pattern: `x.${hostile}`})).toEqual([]);
		await bus.close();
	});

	test('compilePattern() shares the compiler (history and dead-letter queries use it)', () => {
		expect(compilePattern(`x.${hostile}`, defaultTopicLimits)(topic(1))).toBe(false);
		expect(compilePattern('x.*a*a*b', defaultTopicLimits)('x.aab')).toBe(true);
	});
});

describe('wildcards of other systems', () => {
	test('a published topic with # is refused without a wildcard hint (topics hold no wildcards)', async () => {
		const bus = new EventBus();
		await expect(bus.publish('order.#', null)).rejects.toMatchObject({code: 'ERR_INVALID_TOPIC', message: expect.not.stringContaining('**')});
		await bus.close();
	});

	test.each([
		['order.#', '`**`'],
		['#', '`**`'],
		['order.>', '`**`'],
	])('%s is refused with an error that suggests %s', (pattern, suggestion) => {
		const bus = new EventBus();
		try {
			bus.subscribe(pattern, () => {});
			expect.unreachable('expected an InvalidTopicError');
		} catch (error) {
			expect(error).toBeInstanceOf(InvalidTopicError);
			expect(error).toMatchObject({code: 'ERR_INVALID_TOPIC', reason: 'invalid-character'});
			expect((error as Error).message).toContain(suggestion);
		}
	});
});
