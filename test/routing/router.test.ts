import {describe, expect, test} from 'vitest';
import {InvalidTopicError} from '../../src/errors.js';
import {Router, type Routable} from '../../src/routing/router.js';

interface Target extends Routable {
	readonly name: string;
}

let nextSeq = 0;
const target = (name: string, priority = 0): Target => ({name, priority, seq: nextSeq++});
const names = (targets: readonly Target[]): string[] => targets.map(each => each.name);

function reasonOf(run: () => unknown): string | undefined {
	try {
		run();
	} catch (error) {
		if (error instanceof InvalidTopicError) return error.reason;
		throw error;
	}
	return undefined;
}

describe('Router', () => {
	describe('route()', () => {
		test('route() - orders by priority descending, then subscription order', () => {
			const router = new Router<Target>();
			const low = target('low', -1);
			const first = target('first');
			const high = target('high', 10);
			const second = target('second');
			for (const each of [second, low, high, first]) router.add('a.*', each);
			expect(names(router.route('a.b'))).toEqual(['high', 'first', 'second', 'low']);
		});

		test('route() - orders across different patterns', () => {
			const router = new Router<Target>();
			const a = target('a');
			const b = target('b', 5);
			const c = target('c');
			router.add('**', a);
			router.add('order.created', b);
			router.add('order.*', c);
			expect(names(router.route('order.created'))).toEqual(['b', 'a', 'c']);
		});

		test('route() - a value under several matching patterns comes back once', () => {
			const router = new Router<Target>();
			const consumer = target('consumer');
			router.add('order.*', consumer);
			router.add('**.created', consumer);
			expect(router.route('order.created')).toEqual([consumer]);
		});

		test('route() - no match gives an empty array', () => {
			expect(new Router<Target>().route('a')).toEqual([]);
		});

		test('route() - accepts $ topics, which only literal-first patterns match', () => {
			const router = new Router<Target>();
			router.add('**', target('all'));
			router.add('$bus.*', target('bus'));
			expect(names(router.route('$bus.dead-letter'))).toEqual(['bus']);
		});

		test('route() - an invalid topic throws InvalidTopicError', () => {
			expect(reasonOf(() => new Router<Target>().route('a.*'))).toBe('wildcard-in-topic');
		});

		test('route() - a non-string topic is a TypeError', () => {
			expect(() => new Router<Target>().route(undefined as unknown as string)).toThrow(TypeError);
		});

		test.each([3, 16, 17, 40])('route() - %i matches come back by priority descending, then subscription order', count => {
			const router = new Router<Target>();
			const targets = Array.from({length: count}, (_, index) => target(`t${index}`, (index * 7) % 3));
			for (const [index, each] of targets.entries()) router.add(index % 2 === 0 ? 'a.*' : '**', each);
			const expected = [...targets].sort((a, b) => b.priority - a.priority || a.seq - b.seq);
			expect(names(router.route('a.b'))).toEqual(names(expected));
		});
	});

	describe('snapshots', () => {
		test('route() - a later add() does not change an earlier result', () => {
			const router = new Router<Target>();
			router.add('a', target('x'));
			const before = router.route('a');
			router.add('a', target('y'));
			expect(names(before)).toEqual(['x']);
			expect(names(router.route('a'))).toEqual(['x', 'y']);
		});

		test('route() - a later remove() does not change an earlier result', () => {
			const router = new Router<Target>();
			const x = target('x');
			router.add('a', x);
			router.add('a', target('y'));
			const before = router.route('a');
			router.remove('a', x);
			expect(names(before)).toEqual(['x', 'y']);
			expect(names(router.route('a'))).toEqual(['y']);
		});
	});

	describe('cache', () => {
		test('route() - a cache hit returns the same array', () => {
			const router = new Router<Target>();
			router.add('a.*', target('x'));
			expect(router.route('a.b')).toBe(router.route('a.b'));
		});

		test('route() - the cache stays within cacheSize over 50k distinct topics', () => {
			const router = new Router<Target>({cacheSize: 100});
			router.add('user.*.updated', target('x'));
			let largest = 0;
			let routed = 0;
			for (let id = 0; id < 50_000; id++) {
				routed += router.route(`user.${id}.updated`).length;
				largest = Math.max(largest, router.cachedTopics);
			}
			expect(routed).toBe(50_000);
			expect(largest).toBe(100);
		});

		test('route() - the oldest entry is evicted first', () => {
			const router = new Router<Target>({cacheSize: 2});
			router.add('*', target('x'));
			const a = router.route('a');
			const b = router.route('b');
			const c = router.route('c');
			expect(router.cachedTopics).toBe(2);
			expect(router.route('c')).toBe(c);
			expect(router.route('b')).toBe(b);
			// A recomputed route is a new array: `a` was the one evicted.
			expect(router.route('a')).not.toBe(a);
		});

		test('route() - add() invalidates cached routes', () => {
			const router = new Router<Target>();
			expect(router.route('a.b')).toEqual([]);
			router.add('a.*', target('x'));
			expect(names(router.route('a.b'))).toEqual(['x']);
		});

		test('route() - remove() invalidates cached routes', () => {
			const router = new Router<Target>();
			const x = target('x');
			router.add('a.*', x);
			expect(names(router.route('a.b'))).toEqual(['x']);
			router.remove('a.*', x);
			expect(router.route('a.b')).toEqual([]);
		});

		test('route() - a duplicate add() keeps the cache valid', () => {
			const router = new Router<Target>();
			const x = target('x');
			router.add('a.*', x);
			const cached = router.route('a.b');
			expect(router.add('a.*', x)).toBe(false);
			expect(router.route('a.b')).toBe(cached);
		});

		test('validateTopic() and routeValid() - when every event brings a new topic, each is looked up once and one in 64 cached', () => {
			const router = new Router<Target>({cacheSize: 100_000});
			router.add('user.*.updated', target('x'));
			// As the bus does: validated at publish, routed at dispatch (which takes the route validateTopic carried).
			const publish = (id: number): string[] => {
				router.validateTopic(`user.${id}.updated`);
				return names(router.routeValid(`user.${id}.updated`));
			};
			// The first window of 1,024 lookups admits every topic; it missed every time, so the cache steps aside.
			for (let id = 0; id < 1024; id++) publish(id);
			expect(router.cachedTopics).toBe(1024);
			for (let id = 1024; id < 1024 + 6400; id++) expect(publish(id)).toEqual(['x']);
			expect(router.cachedTopics).toBe(1024 + 100);
		});

		test('route() - while most lookups miss, only one lookup in 64 caches its topic', () => {
			const router = new Router<Target>({cacheSize: 100_000});
			router.add('user.*.updated', target('x'));
			// The first window of 1,024 lookups admits every topic; it missed every time, so sampling starts.
			for (let id = 0; id < 1024; id++) router.route(`user.${id}.updated`);
			expect(router.cachedTopics).toBe(1024);
			for (let id = 1024; id < 1024 + 6400; id++) expect(names(router.route(`user.${id}.updated`))).toEqual(['x']);
			expect(router.cachedTopics).toBe(1024 + 100);
		});

		test('route() - while most lookups miss, a topic that repeats is still cached', () => {
			const router = new Router<Target>({cacheSize: 100_000});
			router.add('user.*.updated', target('x'));
			for (let id = 0; id < 1024; id++) router.route(`user.${id}.updated`);
			let sightings = 0;
			let isCached = false;
			for (let id = 1024; !isCached && sightings < 100; id++) {
				router.route(`user.${id}.updated`);
				sightings++;
				isCached = router.route('hot.topic') === router.route('hot.topic');
			}
			expect(isCached).toBe(true);
			expect(sightings).toBeLessThanOrEqual(16);
		});

		test('route() - once most lookups hit again, every new topic is cached', () => {
			const router = new Router<Target>({cacheSize: 100_000});
			router.add('user.*.updated', target('x'));
			for (let id = 0; id < 1024; id++) router.route(`user.${id}.updated`);
			for (let lookup = 0; lookup < 1024; lookup++) router.route('user.0.updated');
			const before = router.cachedTopics;
			for (let id = 5000; id < 5010; id++) router.route(`user.${id}.updated`);
			expect(router.cachedTopics).toBe(before + 10);
		});

		test('routeValid() - routes like route()', () => {
			const router = new Router<Target>();
			router.add('a.*', target('x'));
			router.add('**', target('y'));
			expect(names(router.routeValid('a.b'))).toEqual(['x', 'y']);
			expect(router.routeValid('a.b')).toBe(router.route('a.b'));
		});

		test('route() - cacheSize 0 caches nothing and still routes', () => {
			const router = new Router<Target>({cacheSize: 0});
			router.add('a.*', target('x'));
			expect(names(router.route('a.b'))).toEqual(['x']);
			router.validateTopic('a.b');
			expect(router.cachedTopics).toBe(0);
		});
	});

	describe('routes carried from validateTopic() to routeValid()', () => {
		test.each([0, 10_000])('routeValid() - with cacheSize %i, a subscription added after validateTopic() is in the route', cacheSize => {
			const router = new Router<Target>({cacheSize});
			router.add('a.*', target('x'));
			router.validateTopic('a.b');
			router.add('**', target('y'));
			expect(names(router.routeValid('a.b'))).toEqual(['x', 'y']);
		});

		test.each([0, 10_000])('routeValid() - with cacheSize %i, a subscription removed after validateTopic() is not in the route', cacheSize => {
			const router = new Router<Target>({cacheSize});
			const x = target('x');
			router.add('a.*', x);
			router.add('**', target('y'));
			router.validateTopic('a.b');
			router.remove('a.*', x);
			expect(names(router.routeValid('a.b'))).toEqual(['y']);
		});

		test('routeValid() - topics routed in another order than validated get their own routes', () => {
			const router = new Router<Target>({cacheSize: 0});
			router.add('a.*', target('x'));
			router.add('b.*', target('y'));
			const topics = ['a.1', 'b.1', 'a.2', 'b.2', 'a.3', 'b.3', 'a.4', 'b.4', 'a.5', 'b.5'];
			for (const topic of topics) router.validateTopic(topic);
			for (const topic of [...topics].reverse()) expect(names(router.routeValid(topic))).toEqual([topic.startsWith('a') ? 'x' : 'y']);
		});

		test('routeValid() - topics validated but never routed (rejected events) do not change later routes', () => {
			const router = new Router<Target>({cacheSize: 0});
			router.add('a.*', target('x'));
			for (let index = 0; index < 2000; index++) router.validateTopic(`b.${index}`);
			for (let index = 0; index < 100; index++) {
				router.validateTopic(`a.${index}`);
				expect(names(router.routeValid(`a.${index}`))).toEqual(['x']);
				expect(router.routeValid(`b.${index}`)).toEqual([]);
			}
		});

		test('routeValid() - a cached topic dispatched between carried ones leaves their routes carried', () => {
			// Two values per route, so that computing one sorts them and reads their priorities: a count of computations.
			let reads = 0;
			const counted = (name: string, seq: number): Target => ({
				name,
				seq,
				get priority(): number {
					reads++;
					return 0;
				},
			});
			const router = new Router<Target>();
			router.add('a.*', counted('x', 1));
			router.add('a.*', counted('y', 2));
			router.route('a.cached');
			router.validateTopic('a.new-1');
			router.validateTopic('a.cached');
			router.validateTopic('a.new-2');
			reads = 0;
			expect(names(router.routeValid('a.new-1'))).toEqual(['x', 'y']);
			expect(names(router.routeValid('a.cached'))).toEqual(['x', 'y']);
			expect(names(router.routeValid('a.new-2'))).toEqual(['x', 'y']);
			expect(reads).toBe(0);
		});

		test('route() - a topic looked up several times running still sees a subscription added in between', () => {
			const router = new Router<Target>();
			router.add('a.*', target('x'));
			router.route('a.b');
			router.route('a.b');
			router.add('a.b', target('y'));
			expect(names(router.route('a.b'))).toEqual(['x', 'y']);
		});

		test('route() - a topic looked up several times running and then evicted from the cache is still routed', () => {
			const router = new Router<Target>({cacheSize: 2});
			router.add('a.*', target('x'));
			router.route('a.b');
			router.route('a.b');
			router.route('a.c');
			router.route('a.d');
			expect(router.cachedTopics).toBe(2);
			expect(names(router.route('a.b'))).toEqual(['x']);
			expect(() => router.validateTopic('a.b')).not.toThrow();
		});

		test('routeValid() - a topic routed without being validated is routed as usual', () => {
			const router = new Router<Target>({cacheSize: 0});
			router.add('$bus.*', target('bus'));
			router.validateTopic('a.b');
			expect(names(router.routeValid('$bus.dead-letter'))).toEqual(['bus']);
			expect(router.routeValid('a.b')).toEqual([]);
		});
	});

	describe('validateTopic()', () => {
		test('validateTopic() - accepts a valid topic and caches it', () => {
			const router = new Router<Target>();
			router.validateTopic('order.created');
			router.validateTopic('order.created');
			expect(router.cachedTopics).toBe(1);
		});

		test('validateTopic() - a validated topic still routes correctly', () => {
			const router = new Router<Target>();
			router.add('order.*', target('x'));
			router.validateTopic('order.created');
			expect(names(router.route('order.created'))).toEqual(['x']);
		});

		test('validateTopic() - refuses an invalid topic every time, never caching it', () => {
			const router = new Router<Target>();
			expect(reasonOf(() => router.validateTopic('a..b'))).toBe('empty-segment');
			expect(reasonOf(() => router.validateTopic('a..b'))).toBe('empty-segment');
			expect(router.cachedTopics).toBe(0);
		});

		test('validateTopic() - refuses $ topics', () => {
			expect(reasonOf(() => new Router<Target>().validateTopic('$bus.dead-letter'))).toBe('reserved');
		});

		test('validateTopic() - refuses a $ topic that route() has cached', () => {
			const router = new Router<Target>();
			router.route('$bus.dead-letter');
			expect(reasonOf(() => router.validateTopic('$bus.dead-letter'))).toBe('reserved');
		});

		test('validateTopic() - a non-string is a TypeError', () => {
			expect(() => new Router<Target>().validateTopic(42 as unknown as string)).toThrow(TypeError);
		});

		test('validateTopic() - applies the router limits', () => {
			const router = new Router<Target>({limits: {maxSegments: 2}});
			expect(reasonOf(() => router.validateTopic('a.b.c'))).toBe('too-many-segments');
		});

		test.each([1, 2, 3, 32])('validateTopic() - with maxSegments %i, the shortest topics just within and just over the limit', maxSegments => {
			const router = new Router<Target>({limits: {maxSegments}});
			const topicOf = (segments: number): string => Array.from({length: segments}, () => 'a').join('.');
			expect(() => router.validateTopic(topicOf(maxSegments))).not.toThrow();
			expect(reasonOf(() => router.validateTopic(topicOf(maxSegments + 1)))).toBe('too-many-segments');
		});
	});

	describe('registrations', () => {
		test('add() - an invalid pattern throws InvalidTopicError', () => {
			expect(reasonOf(() => new Router<Target>().add('a**', target('x')))).toBe('invalid-wildcard');
		});

		test('add() - router limits apply to patterns', () => {
			const router = new Router<Target>({limits: {maxGlobstars: 1}});
			expect(reasonOf(() => router.add('**.a.**', target('x')))).toBe('too-many-globstars');
		});

		test('size - counts (pattern, value) registrations', () => {
			const router = new Router<Target>();
			const x = target('x');
			router.add('a', x);
			router.add('b', x);
			router.add('a', target('y'));
			expect(router.size).toBe(3);
			router.remove('a', x);
			expect(router.size).toBe(2);
		});

		test('remove() - an unknown registration returns false', () => {
			expect(new Router<Target>().remove('a', target('x'))).toBe(false);
		});

		test('limits - exposes the resolved limits', () => {
			expect(new Router<Target>({limits: {maxLength: 100}}).limits).toEqual({maxSegments: 32, maxLength: 100, maxGlobstars: 4});
		});
	});

	describe('options', () => {
		test.each<[string, unknown]>([
			['cacheSize -1', {cacheSize: -1}],
			['cacheSize 1.5', {cacheSize: 1.5}],
			['cacheSize as a string', {cacheSize: '10'}],
			['limits.maxSegments 0', {limits: {maxSegments: 0}}],
			['a number', 5],
		])('constructor - %s is a TypeError', (_name, options) => {
			expect(() => new Router<Target>(options as never)).toThrow(TypeError);
		});
	});
});
