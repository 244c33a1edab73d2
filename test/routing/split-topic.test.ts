import fc from 'fast-check';
import {describe, expect, test} from 'vitest';
import {Router} from '../../src/routing/router.js';
import {assertTopic, defaultTopicLimits, resolveTopicLimits, splitTopic} from '../../src/routing/topic.js';

const units = ['a', 'B', '7', '_', '-', ':', '.', '$', '#', ' ', 'é', '*', 'x'.repeat(30)];

function isValid(topic: string, allowReserved: boolean, limits = defaultTopicLimits): boolean {
	try {
		assertTopic(topic, limits, {allowReserved});
		return true;
	} catch {
		return false;
	}
}

describe('splitTopic()', () => {
	test('property: accepts exactly the topics assertTopic accepts, and splits them as split(".") does', () => {
		const limits = resolveTopicLimits({maxSegments: 4, maxLength: 80});
		fc.assert(
			fc.property(fc.array(fc.constantFrom(...units), {maxLength: 12}), fc.boolean(), (parts, allowReserved) => {
				const topic = parts.join('');
				const segments = splitTopic(topic, limits, allowReserved);
				const valid = isValid(topic, allowReserved, limits);
				return valid ? JSON.stringify(segments) === JSON.stringify(topic.split('.')) : segments === undefined;
			}),
			{numRuns: 5000},
		);
	});

	test.each(['$', '$bus.dead-letter', 'a.b', `${'x'.repeat(64)}.y`])('splits the valid topic %s', topic => {
		expect(splitTopic(topic, defaultTopicLimits, true)).toEqual(topic.split('.'));
	});

	test.each(['', '.a', 'a.', 'a..b', `${'x'.repeat(65)}`, 'a.$b', 'a b', 'a.#'])('refuses %j', topic => {
		expect(splitTopic(topic, defaultTopicLimits, true)).toBeUndefined();
	});
});

describe('Router - while most lookups miss', () => {
	const target = (seq: number): {priority: number; seq: number} => ({priority: 0, seq});

	test('routes stay correct when the cache steps aside, and after add/remove', () => {
		const router = new Router<{priority: number; seq: number}>({cacheSize: 100});
		const all = target(1);
		router.add('user.*.updated', all);
		for (let index = 0; index < 5000; index++) expect(router.route(`user.${index}.updated`)).toEqual([all]);
		const late = target(2);
		router.add('user.**', late);
		for (let index = 5000; index < 5100; index++) expect(router.route(`user.${index}.updated`)).toEqual([all, late]);
		router.remove('user.*.updated', all);
		expect(router.route('user.1.updated')).toEqual([late]);
	});

	test('invalid topics are refused the same way whether the cache is probed or not', () => {
		const router = new Router<{priority: number; seq: number}>();
		router.add('**', target(1));
		for (let index = 0; index < 3000; index++) router.route(`t.${index}`);
		for (let index = 0; index < 40; index++) expect(() => router.route(`bad topic ${index}`)).toThrow(expect.objectContaining({code: 'ERR_INVALID_TOPIC', reason: 'invalid-character'}));
	});

	test('a topic that starts repeating is cached again once most lookups hit', () => {
		const router = new Router<{priority: number; seq: number}>();
		router.add('user.*.updated', target(1));
		for (let index = 0; index < 4096; index++) router.route(`user.${index}.updated`);
		const cachedWhileMissing = router.cachedTopics;
		for (let round = 0; round < 4096; round++) router.route(`user.${round % 8}.updated`);
		expect(router.cachedTopics).toBeGreaterThan(0);
		// The first window of 1,024 lookups admits every topic; after it, one lookup in 16 probes (and admits) at most.
		expect(cachedWhileMissing).toBeLessThanOrEqual(1024 + 3072 / 16);
		const stats = router.cachedTopics;
		for (let round = 0; round < 64; round++) router.route('user.hot.updated');
		expect(router.cachedTopics).toBe(stats + 1);
	});
});
