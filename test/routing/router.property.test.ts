import fc from 'fast-check';
import {describe, expect, test} from 'vitest';
import {Router, type Routable} from '../../src/routing/router.js';
import {compilePattern, defaultTopicLimits} from '../../src/routing/topic.js';

// A deliberately naive reference: recursion over segment arrays, with globs spelled out by hand rather than
// through picomatch, so neither the trie nor picomatch wiring is trusted.
const topicSegments = ['a', 'b', 'ab', 'c'] as const;
const globs: Readonly<Record<string, (segment: string) => boolean>> = {
	'{a,b}': segment => segment === 'a' || segment === 'b',
	'a*': segment => segment.startsWith('a'),
	'?': segment => segment.length === 1,
	'[!a]': segment => segment.length === 1 && segment !== 'a',
	'!b': segment => segment !== 'b',
};
const patternSegments = ['a', 'b', 'c', '*', '**', ...Object.keys(globs)];
const reserved = '$s';

function isLiteral(segment: string): boolean {
	return segment !== '*' && segment !== '**' && !(segment in globs);
}

function segmentMatches(pattern: string, segment: string): boolean {
	if (pattern === '*') return true;
	const glob = globs[pattern];
	return glob === undefined ? pattern === segment : glob(segment);
}

function matchesFrom(pattern: readonly string[], topic: readonly string[]): boolean {
	const [head, ...rest] = pattern;
	if (head === undefined) return topic.length === 0;
	if (head === '**') return matchesFrom(rest, topic) || (topic.length > 0 && matchesFrom(pattern, topic.slice(1)));
	const [first, ...others] = topic;
	return first !== undefined && segmentMatches(head, first) && matchesFrom(rest, others);
}

function referenceMatches(pattern: string, topic: string): boolean {
	const patternParts = pattern.split('.');
	if (topic.startsWith('$') && !isLiteral(patternParts[0]!)) return false;
	return matchesFrom(patternParts, topic.split('.'));
}

const topicArbitrary = fc
	.tuple(fc.boolean(), fc.array(fc.constantFrom(...topicSegments), {minLength: 1, maxLength: 6}))
	.map(([isReserved, parts]) => (isReserved ? [reserved, ...parts] : parts).join('.'));

const patternArbitrary = fc
	.tuple(fc.boolean(), fc.array(fc.constantFrom(...patternSegments), {minLength: 1, maxLength: 6}))
	.map(([isReserved, parts]) => (isReserved ? [reserved, ...parts] : parts).join('.'))
	.filter(pattern => pattern.split('.').filter(segment => segment === '**').length <= defaultTopicLimits.maxGlobstars);

interface Target extends Routable {
	readonly id: number;
}

type Operation =
	| {readonly kind: 'add'; readonly pattern: string; readonly target: number}
	| {readonly kind: 'remove'; readonly pattern: string; readonly target: number}
	| {readonly kind: 'route'; readonly topic: string};

const targetCount = 6;
const operationArbitrary = (patterns: readonly string[]): fc.Arbitrary<Operation> =>
	fc.oneof(
		fc.record({kind: fc.constant('add' as const), pattern: fc.constantFrom(...patterns), target: fc.nat(targetCount - 1)}),
		fc.record({kind: fc.constant('remove' as const), pattern: fc.constantFrom(...patterns), target: fc.nat(targetCount - 1)}),
		fc.record({kind: fc.constant('route' as const), topic: topicArbitrary}),
	);

// A small pattern pool per run, so removes often hit registered pairs and routes often match.
const scenarioArbitrary = fc
	.tuple(
		fc.uniqueArray(patternArbitrary, {minLength: 1, maxLength: 6}),
		fc.array(fc.constantFrom(-1, 0, 0, 3), {minLength: targetCount, maxLength: targetCount}),
		fc.constantFrom(0, 1, 3, 10_000),
	)
	.chain(([patterns, priorities, cacheSize]) =>
		fc.record({
			priorities: fc.constant(priorities),
			cacheSize: fc.constant(cacheSize),
			operations: fc.array(operationArbitrary(patterns), {minLength: 1, maxLength: 60}),
		}),
	);

function expectedRoute(registered: ReadonlySet<string>, targets: readonly Target[], topic: string): number[] {
	const matched = targets.filter(target =>
		[...registered].some(key => {
			const [id, pattern] = splitKey(key);
			return id === target.id && referenceMatches(pattern, topic);
		}),
	);
	return matched.sort((a, b) => b.priority - a.priority || a.seq - b.seq).map(target => target.id);
}

function splitKey(key: string): [number, string] {
	const at = key.indexOf(' ');
	return [Number(key.slice(0, at)), key.slice(at + 1)];
}

describe('property: Router.route() against a naive matcher', () => {
	test('route() - equals the reference after any sequence of add/remove/route', () => {
		fc.assert(
			fc.property(scenarioArbitrary, ({priorities, cacheSize, operations}) => {
				const targets: Target[] = priorities.map((priority, id) => ({id, priority, seq: id}));
				const router = new Router<Target>({cacheSize});
				const registered = new Set<string>();
				for (const operation of operations) {
					if (operation.kind === 'route') {
						const routed = router.route(operation.topic).map(target => target.id);
						expect(routed).toEqual(expectedRoute(registered, targets, operation.topic));
						continue;
					}
					const key = `${operation.target} ${operation.pattern}`;
					const target = targets[operation.target]!;
					if (operation.kind === 'add') {
						expect(router.add(operation.pattern, target)).toBe(!registered.has(key));
						registered.add(key);
					} else {
						expect(router.remove(operation.pattern, target)).toBe(registered.delete(key));
					}
					expect(router.size).toBe(registered.size);
				}
				expect(router.cachedTopics).toBeLessThanOrEqual(cacheSize);
			}),
			{numRuns: 300},
		);
	});

	test('route() - a snapshot keeps its contents through later churn', () => {
		fc.assert(
			fc.property(scenarioArbitrary, topicArbitrary, ({priorities, operations}, topic) => {
				const targets: Target[] = priorities.map((priority, id) => ({id, priority, seq: id}));
				const router = new Router<Target>();
				for (const target of targets) router.add('**', target);
				const snapshot = router.route(topic);
				const copy = [...snapshot];
				for (const operation of operations) {
					if (operation.kind === 'add') router.add(operation.pattern, targets[operation.target]!);
					else if (operation.kind === 'remove') router.remove(operation.pattern, targets[operation.target]!);
					else router.route(operation.topic);
				}
				expect(snapshot).toEqual(copy);
			}),
			{numRuns: 100},
		);
	});
});

describe('property: compilePattern() against a naive matcher', () => {
	test('compilePattern() - agrees with the reference on random patterns and topics', () => {
		fc.assert(
			fc.property(patternArbitrary, fc.array(topicArbitrary, {minLength: 1, maxLength: 20}), (pattern, topics) => {
				const matches = compilePattern(pattern, defaultTopicLimits);
				for (const topic of topics) expect(matches(topic)).toBe(referenceMatches(pattern, topic));
			}),
			{numRuns: 1000},
		);
	});

	test('compilePattern() - agrees with a one-pattern Router', () => {
		fc.assert(
			fc.property(patternArbitrary, topicArbitrary, (pattern, topic) => {
				const router = new Router<Target>();
				router.add(pattern, {id: 0, priority: 0, seq: 0});
				expect(router.route(topic).length === 1).toBe(compilePattern(pattern, defaultTopicLimits)(topic));
			}),
			{numRuns: 1000},
		);
	});
});
