import {describe, expect, test} from 'vitest';
import {InvalidTopicError} from '../../src/errors.js';
import {TopicTrie} from '../../src/routing/topic-trie.js';

describe('TopicTrie', () => {
	test('match() - a value under two matching patterns comes back once', () => {
		const trie = new TopicTrie<string>();
		trie.add('order.*', 'consumer');
		trie.add('**.created', 'consumer');
		expect(trie.match('order.created')).toEqual(['consumer']);
	});

	test('match() - a value reached by several paths of one pattern comes back once', () => {
		const trie = new TopicTrie<string>();
		trie.add('**.a.**', 'x');
		expect(trie.match('a.a.a')).toEqual(['x']);
	});

	test('match() - distinct values under one pattern all come back', () => {
		const trie = new TopicTrie<string>();
		trie.add('a.*', 'x');
		trie.add('a.*', 'y');
		expect(trie.match('a.b').sort()).toEqual(['x', 'y']);
	});

	test('match() - nothing stored matches nothing', () => {
		expect(new TopicTrie<string>().match('a.b')).toEqual([]);
	});

	test('add() - the same pair twice is stored once', () => {
		const trie = new TopicTrie<string>();
		expect(trie.add('a.*', 'x')).toBe(true);
		expect(trie.add('a.*', 'x')).toBe(false);
		expect(trie.size).toBe(1);
	});

	test('add() - an invalid pattern throws InvalidTopicError and stores nothing', () => {
		const trie = new TopicTrie<string>();
		expect(() => trie.add('a.b**', 'x')).toThrow(InvalidTopicError);
		expect(trie.size).toBe(0);
		expect(trie.nodeCount).toBe(1);
	});

	test('add() - limits given to the constructor apply', () => {
		const trie = new TopicTrie<string>({maxSegments: 2});
		expect(() => trie.add('a.b.c', 'x')).toThrow(InvalidTopicError);
	});

	test('constructor - invalid limits are a TypeError', () => {
		expect(() => new TopicTrie<string>({maxSegments: -1})).toThrow(TypeError);
	});

	test('size - counts (pattern, value) pairs', () => {
		const trie = new TopicTrie<string>();
		trie.add('a', 'x');
		trie.add('b', 'x');
		trie.add('a', 'y');
		expect(trie.size).toBe(3);
	});

	test('remove() - the value stops matching', () => {
		const trie = new TopicTrie<string>();
		trie.add('a.*', 'x');
		expect(trie.remove('a.*', 'x')).toBe(true);
		expect(trie.match('a.b')).toEqual([]);
		expect(trie.size).toBe(0);
	});

	test('remove() - other values of the pattern stay', () => {
		const trie = new TopicTrie<string>();
		trie.add('a.*', 'x');
		trie.add('a.*', 'y');
		trie.remove('a.*', 'x');
		expect(trie.match('a.b')).toEqual(['y']);
	});

	test('remove() - a value under a second pattern still matches through it', () => {
		const trie = new TopicTrie<string>();
		trie.add('order.*', 'consumer');
		trie.add('**.created', 'consumer');
		trie.remove('order.*', 'consumer');
		expect(trie.match('order.created')).toEqual(['consumer']);
		expect(trie.match('order.updated')).toEqual([]);
	});

	test('remove() - an unknown pair returns false', () => {
		const trie = new TopicTrie<string>();
		trie.add('a.b', 'x');
		expect(trie.remove('a.b', 'y')).toBe(false);
		expect(trie.remove('a.c', 'x')).toBe(false);
		expect(trie.remove('a', 'x')).toBe(false);
		expect(trie.size).toBe(1);
	});

	test('remove() - an invalid pattern returns false', () => {
		expect(new TopicTrie<string>().remove('a..b', 'x')).toBe(false);
	});

	test('remove() - a non-string pattern is a TypeError', () => {
		expect(() => new TopicTrie<string>().remove(1 as unknown as string, 'x')).toThrow(TypeError);
	});

	test('remove() - prunes every node left empty', () => {
		const trie = new TopicTrie<string>();
		const patterns = ['a.b.c', 'a.*.**', 'a.{x,y}.c', 'a.**.d', '$bus.*', 'a.b'];
		for (const pattern of patterns) trie.add(pattern, 'x');
		expect(trie.nodeCount).toBeGreaterThan(1);
		for (const pattern of patterns) trie.remove(pattern, 'x');
		expect(trie.nodeCount).toBe(1);
	});

	test('remove() - keeps nodes that other patterns still use', () => {
		const trie = new TopicTrie<string>();
		trie.add('a.b', 'x');
		trie.add('a.b.c', 'y');
		const nodes = trie.nodeCount;
		trie.remove('a.b', 'x');
		expect(trie.nodeCount).toBe(nodes);
		expect(trie.match('a.b.c')).toEqual(['y']);
	});

	test('add() - patterns sharing a glob segment share its node', () => {
		const trie = new TopicTrie<string>();
		trie.add('{a,b}.x', 'one');
		const nodes = trie.nodeCount;
		trie.add('{a,b}.y', 'two');
		expect(trie.nodeCount).toBe(nodes + 1);
		expect(trie.match('b.y')).toEqual(['two']);
	});

	test('remove() - a glob pattern can be removed', () => {
		const trie = new TopicTrie<string>();
		trie.add('user.*-failed', 'x');
		expect(trie.remove('user.*-failed', 'x')).toBe(true);
		expect(trie.match('user.login-failed')).toEqual([]);
		expect(trie.nodeCount).toBe(1);
	});

	test('match() - literal children match as they go from one to several and back to one', () => {
		const trie = new TopicTrie<string>();
		trie.add('a.b', 'x');
		trie.add('a.c', 'y');
		expect(trie.match('a.b')).toEqual(['x']);
		expect(trie.match('a.c')).toEqual(['y']);
		trie.remove('a.b', 'x');
		expect(trie.match('a.b')).toEqual([]);
		expect(trie.match('a.c')).toEqual(['y']);
		trie.add('a.b', 'x');
		expect(trie.match('a.b')).toEqual(['x']);
	});

	test('match() - a literal child does not match a segment it is a prefix of', () => {
		const trie = new TopicTrie<string>();
		trie.add('**.deleted', 'x');
		expect(trie.match('user.deleted-soon')).toEqual([]);
		expect(trie.match('user.delete')).toEqual([]);
		expect(trie.match('user.deleted')).toEqual(['x']);
	});

	test('match() - `**` patterns match topics longer than 30 segments', () => {
		const trie = new TopicTrie<string>({maxSegments: 40});
		trie.add('**.a.**.b', 'x');
		trie.add('c.**', 'y');
		const topic = ['c', ...Array.from({length: 36}, (_, index) => (index % 2 === 0 ? 'a' : 'z')), 'b'].join('.');
		expect(trie.match(topic).sort()).toEqual(['x', 'y']);
		expect(trie.match(`${topic}.z`)).toEqual(['y']);
	});

	test('match() - `**` nodes reached at several positions each yield their values once', () => {
		const trie = new TopicTrie<string>();
		trie.add('**.a.**', 'x');
		trie.add('**.**', 'y');
		expect(trie.match('a.a.a.a').sort()).toEqual(['x', 'y']);
	});

	test('match() - topics deeper than the recursion limit match through every kind of edge', () => {
		const trie = new TopicTrie<string>({maxSegments: 300, maxLength: 1000});
		const deep = Array.from({length: 200}, () => 'a');
		trie.add(deep.join('.'), 'literal');
		trie.add([...deep.slice(0, 150), '*', ...deep.slice(151)].join('.'), 'star');
		trie.add([...deep.slice(0, 140), '**', 'a'].join('.'), 'globstar');
		trie.add([...deep.slice(0, 199), '{a,b}'].join('.'), 'glob');
		expect(trie.match(deep.join('.')).sort()).toEqual(['glob', 'globstar', 'literal', 'star']);
		expect(trie.match([...deep.slice(0, 199), 'b'].join('.'))).toEqual(['glob']);
	});
});
