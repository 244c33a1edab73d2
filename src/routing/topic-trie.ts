/**
 * A trie of patterns keyed by segment, so matching a topic visits only the branches that can match it: its cost
 * depends on the topic and the matching patterns, not on how many patterns are stored.
 */
import {assertString} from '../internal/assert.js';
import {isReservedTopic, parsePattern, resolveTopicLimits, type TopicLimits} from './topic.js';

interface GlobEdge<T> {
	readonly match: (segment: string) => boolean;
	readonly node: TrieNode<T>;
}

/** Which positions of the current match a `**` node was visited at, so that each state is visited once. */
class GlobstarMemo {
	/** The match these positions belong to; older ones are stale. */
	match = 0;
	/** Bit `p` set: visited at position `p` (topics of up to 30 segments; longer ones use a `Set` keyed by `id`). */
	positions = 0;

	constructor(readonly id: number) {}
}

class TrieNode<T> {
	literals: Map<string, TrieNode<T>> | undefined = undefined;
	globs: Map<string, GlobEdge<T>> | undefined = undefined;
	star: TrieNode<T> | undefined = undefined;
	globstar: TrieNode<T> | undefined = undefined;
	values: Set<T> | undefined = undefined;

	/** Set on `**` nodes only. */
	constructor(readonly memo: GlobstarMemo | undefined) {}

	get isEmpty(): boolean {
		return this.values === undefined && this.literals === undefined && this.globs === undefined && this.star === undefined && this.globstar === undefined;
	}
}

/**
 * Maps patterns (`order.*`, `**.failed`, `user.{created,updated}`) to values and finds the values whose patterns
 * match a topic.
 *
 * Each node keeps separate children for literal segments (a `Map`), `*`, `**` and glob segments, so a literal
 * segment costs one lookup; glob children of a node are each tested. A value may be stored under several patterns
 * and is still returned once per match.
 *
 * @example
 * const trie = new TopicTrie<string>();
 * trie.add('order.*', 'audit');
 * trie.add('**.created', 'audit');
 * trie.match('order.created'); // ['audit'], once
 */
export class TopicTrie<T> {
	readonly #limits: TopicLimits;
	#root = new TrieNode<T>(undefined);
	#nextGlobstarId = 0;
	#size = 0;
	#nodeCount = 1;
	// Scratch stacks of `match`, reused because matching is synchronous and never re-entered.
	readonly #nodes: TrieNode<T>[] = [];
	readonly #positions: number[] = [];
	/** Numbers the matches, so that a `**` node's memo knows whether its positions are from this one. */
	#matchCount = 0;

	/** `limits` bound the patterns `add` accepts (defaults: `defaultTopicLimits`); a `TypeError` if invalid. */
	constructor(limits?: Partial<TopicLimits>) {
		this.#limits = resolveTopicLimits(limits);
	}

	/** The number of (pattern, value) pairs stored. */
	get size(): number {
		return this.#size;
	}

	/** The number of trie nodes, the root included; it shrinks back as patterns are removed. */
	get nodeCount(): number {
		return this.#nodeCount;
	}

	/**
	 * Stores `value` under `pattern`. Returns `false`, changing nothing, when that pair is already stored.
	 *
	 * Throws a `TypeError` when `pattern` is not a string and an `InvalidTopicError` when it is not a valid pattern.
	 */
	add(pattern: string, value: T): boolean {
		let node = this.#root;
		for (const segment of parsePattern(pattern, this.#limits)) {
			switch (segment.kind) {
				case 'star': {
					node = node.star ??= this.#createNode(false);
					break;
				}
				case 'globstar': {
					node = node.globstar ??= this.#createNode(true);
					break;
				}
				case 'literal': {
					node.literals ??= new Map();
					node = getOrCreate(node.literals, segment.text, () => this.#createNode(false));
					break;
				}
				case 'glob': {
					node.globs ??= new Map();
					// A glob already in the trie keeps its compiled matcher; this one is dropped.
					node = getOrCreate(node.globs, segment.text, () => ({match: segment.match, node: this.#createNode(false)})).node;
					break;
				}
			}
		}
		node.values ??= new Set();
		if (node.values.has(value)) return false;
		node.values.add(value);
		this.#size++;
		return true;
	}

	/**
	 * Removes `value` from `pattern` and prunes the nodes left empty. Returns `false` when the pair was not stored
	 * (an invalid pattern was never stored, so it returns `false` too). Throws a `TypeError` when `pattern` is not
	 * a string.
	 */
	remove(pattern: string, value: T): boolean {
		assertString('pattern', pattern);
		const path: TrieNode<T>[] = [this.#root];
		const keys = pattern.split('.');
		let node: TrieNode<T> | undefined = this.#root;
		for (const key of keys) {
			node = child(node, key);
			if (node === undefined) return false;
			path.push(node);
		}
		if (node.values?.delete(value) !== true) return false;
		this.#size--;
		if (node.values.size === 0) node.values = undefined;
		for (let depth = keys.length; depth > 0 && path[depth]!.isEmpty; depth--) {
			detach(path[depth - 1]!, keys[depth - 1]!);
			this.#nodeCount--;
		}
		return true;
	}

	/**
	 * The values whose patterns match `topic`, each once, in no particular order.
	 *
	 * `topic` must be a valid topic (this does not validate it); `segments`, when given, are its segments (already
	 * split while validating it). A `$`-topic is matched only by patterns whose first
	 * segment is a literal. Work is bounded by (trie nodes under a `**`) x (segments): `(**, position)` states are
	 * visited at most once, so several `**` in a pattern cannot make matching exponential.
	 */
	match(topic: string, segments?: readonly string[]): T[] {
		const parts = segments ?? splitSegments(topic);
		const length = parts.length;
		const root = this.#root;
		const reserved = isReservedTopic(topic);
		const nodes = this.#nodes;
		const positions = this.#positions;
		const matchId = ++this.#matchCount;
		const isShort = length <= 30;
		let longVisited: Set<number> | undefined;
		const found: T[] = [];
		let matchedNodes = 0;
		// Left over only if a previous match threw (a glob matcher, say).
		if (nodes.length > 0) {
			nodes.length = 0;
			positions.length = 0;
		}
		nodes.push(root);
		positions.push(0);
		while (nodes.length > 0) {
			const node = nodes.pop()!;
			const position = positions.pop()!;
			const {memo} = node;
			if (memo !== undefined) {
				// A `**` node: each (node, position) state once, tracked without allocating for topics of up to 30
				// segments. Inside it, one more segment may be swallowed.
				if (isShort) {
					if (memo.match !== matchId) {
						memo.match = matchId;
						memo.positions = 0;
					}
					const bit = 1 << position;
					if ((memo.positions & bit) !== 0) continue;
					memo.positions |= bit;
				} else {
					const state = memo.id * (length + 1) + position;
					longVisited ??= new Set();
					if (longVisited.has(state)) continue;
					longVisited.add(state);
				}
				if (position < length) {
					nodes.push(node);
					positions.push(position + 1);
				}
			}
			// The $ rule: at the root, a reserved topic may only take a literal edge.
			const literalOnly = reserved && node === root;
			if (node.globstar !== undefined && !literalOnly) {
				nodes.push(node.globstar);
				positions.push(position);
			}
			if (position === length) {
				if (node.values !== undefined) {
					matchedNodes++;
					for (const value of node.values) found.push(value);
				}
				continue;
			}
			const part = parts[position]!;
			const next = node.literals?.get(part);
			if (next !== undefined) {
				nodes.push(next);
				positions.push(position + 1);
			}
			if (literalOnly) continue;
			if (node.star !== undefined) {
				nodes.push(node.star);
				positions.push(position + 1);
			}
			if (node.globs !== undefined) {
				for (const edge of node.globs.values()) {
					if (edge.match(part)) {
						nodes.push(edge.node);
						positions.push(position + 1);
					}
				}
			}
		}
		// One node's values are a set; only a value stored under several matching patterns can appear twice.
		return matchedNodes > 1 ? unique(found) : found;
	}

	#createNode(isGlobstar: boolean): TrieNode<T> {
		this.#nodeCount++;
		return new TrieNode<T>(isGlobstar ? new GlobstarMemo(this.#nextGlobstarId++) : undefined);
	}
}

/** `topic.split('.')`, written out: `String#split` costs twice as much for the short topics routed here. */
function splitSegments(topic: string): string[] {
	const segments: string[] = [];
	let start = 0;
	for (;;) {
		const dot = topic.indexOf('.', start);
		if (dot === -1) {
			segments.push(topic.slice(start));
			return segments;
		}
		segments.push(topic.slice(start, dot));
		start = dot + 1;
	}
}

/**
 * `values` without repeats, first occurrences kept in order: the array itself when it has none (the usual case), found
 * by a scan for the few values a topic usually matches.
 */
function unique<T>(values: T[]): T[] {
	if (values.length > 16) return [...new Set(values)];
	for (let index = 1; index < values.length; index++) {
		for (let earlier = 0; earlier < index; earlier++) {
			if (values[earlier] === values[index]) return [...new Set(values)];
		}
	}
	return values;
}

function getOrCreate<K, V>(map: Map<K, V>, key: K, create: () => V): V {
	let value = map.get(key);
	if (value === undefined) {
		value = create();
		map.set(key, value);
	}
	return value;
}

// Literal and glob keys never collide: a glob segment always holds a character a literal cannot.
function child<T>(node: TrieNode<T>, key: string): TrieNode<T> | undefined {
	if (key === '*') return node.star;
	if (key === '**') return node.globstar;
	return node.literals?.get(key) ?? node.globs?.get(key)?.node;
}

function detach<T>(parent: TrieNode<T>, key: string): void {
	if (key === '*') parent.star = undefined;
	else if (key === '**') parent.globstar = undefined;
	else if (parent.literals?.delete(key) === true) {
		if (parent.literals.size === 0) parent.literals = undefined;
	} else if (parent.globs?.delete(key) === true && parent.globs.size === 0) parent.globs = undefined;
}
