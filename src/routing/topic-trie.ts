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

class TrieNode<T> {
	literals: Map<string, TrieNode<T>> | undefined = undefined;
	/**
	 * While `literals` holds one entry: its key and node. Most nodes have a single literal child, and comparing the
	 * segment with one key is cheaper than hashing a segment never seen before into the map.
	 */
	soleLiteral: string | undefined = undefined;
	soleChild: TrieNode<T> | undefined = undefined;
	globs: Map<string, GlobEdge<T>> | undefined = undefined;
	star: TrieNode<T> | undefined = undefined;
	globstar: TrieNode<T> | undefined = undefined;
	values: Set<T> | undefined = undefined;
	/** `values` as an array, built when a match first needs it (a set iterates more slowly); dropped on every change. */
	valueList: T[] | undefined = undefined;
	/**
	 * On `**` nodes: the match (numbered) that last visited this node, and the lowest position it visited there.
	 * Visiting at a position walks on to the end of the topic, so the positions visited are always those from
	 * `visitedFrom` on: each `(node, position)` state is visited once without a set.
	 */
	visitedIn = 0;
	visitedFrom = 0;

	get isEmpty(): boolean {
		return this.values === undefined && this.literals === undefined && this.globs === undefined && this.star === undefined && this.globstar === undefined;
	}

	/** Keeps `soleLiteral` and `soleChild` in step with `literals`. */
	literalsChanged(): void {
		const only = this.literals?.size === 1 ? this.literals.entries().next().value : undefined;
		this.soleLiteral = only?.[0];
		this.soleChild = only?.[1];
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
	#root = new TrieNode<T>();
	#size = 0;
	#nodeCount = 1;
	// The state of the match under way (matching is synchronous and never re-entered): its stack of `(node, position)`
	// states still to expand past `recursionDepth` segments, the topic's segments, and what it found.
	readonly #nodes: TrieNode<T>[] = [];
	readonly #positions: number[] = [];
	#topic = '';
	#ends: readonly number[] = [];
	#count = 0;
	/** Where each segment of a topic ends, when the caller did not find them. */
	readonly #ownEnds: number[] = [];
	/** The segments sliced so far, by position: only those a `Map` lookup or a glob needs become strings. */
	readonly #segments: (string | undefined)[] = [];
	#found: T[] = [];
	#matchedStates = 0;
	/** Numbers the matches, so that a `**` node knows whether its `visitedFrom` is from this one. */
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
					node = node.star ??= this.#createNode();
					break;
				}
				case 'globstar': {
					node = node.globstar ??= this.#createNode();
					break;
				}
				case 'literal': {
					node.literals ??= new Map();
					const parent = node;
					node = getOrCreate(node.literals, segment.text, () => this.#createNode());
					parent.literalsChanged();
					break;
				}
				case 'glob': {
					node.globs ??= new Map();
					// A glob already in the trie keeps its compiled matcher; this one is dropped.
					node = getOrCreate(node.globs, segment.text, () => ({match: segment.match, node: this.#createNode()})).node;
					break;
				}
			}
		}
		node.values ??= new Set();
		if (node.values.has(value)) return false;
		node.values.add(value);
		node.valueList = undefined;
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
		node.valueList = undefined;
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
	 * `topic` must be a valid topic (this does not validate it); `ends` and `count`, when given, are where its
	 * segments end and how many there are (as `scanTopic` finds them while validating it). A `$`-topic is matched
	 * only by patterns whose first segment is a literal. Work is bounded by (trie nodes under a `**`) x (segments):
	 * `(**, position)` states are visited at most once, so several `**` in a pattern cannot make matching exponential.
	 */
	match(topic: string, ends?: readonly number[], count?: number): T[] {
		const nodes = this.#nodes;
		const positions = this.#positions;
		// Left over only if a previous match threw (a glob matcher, say).
		if (nodes.length > 0) {
			nodes.length = 0;
			positions.length = 0;
		}
		this.#topic = topic;
		if (ends === undefined || count === undefined) {
			this.#ends = this.#ownEnds;
			this.#count = findEnds(topic, this.#ownEnds);
		} else {
			this.#ends = ends;
			this.#count = count;
		}
		const segments = this.#segments;
		for (let index = 0; index < this.#count; index++) segments[index] = undefined;
		this.#found = [];
		this.#matchedStates = 0;
		this.#matchCount++;
		const root = this.#root;
		if (isReservedTopic(topic)) {
			// The $ rule: at the root, a reserved topic may only take a literal edge.
			const next = this.#literalChild(root, 0);
			if (next !== undefined) this.#expand(next, 1);
		} else {
			this.#expand(root, 0);
		}
		while (nodes.length > 0) this.#expand(nodes.pop()!, positions.pop()!);
		const found = this.#found;
		this.#topic = '';
		this.#found = idle;
		// One state's values are a set, and each state is visited once: only a value stored under several matching
		// patterns (or reached at several states) can appear twice.
		return this.#matchedStates > 1 ? unique(found) : found;
	}

	/**
	 * Visits state `(node, position)`: collects its values at the end of the topic, else visits the children the
	 * segment at `position` leads to.
	 */
	#expand(node: TrieNode<T>, position: number): void {
		if (node.globstar !== undefined) this.#walkGlobstar(node.globstar, position);
		if (position === this.#count) {
			if (node.values !== undefined) {
				this.#matchedStates++;
				const values = (node.valueList ??= [...node.values]);
				const found = this.#found;
				for (let index = 0; index < values.length; index++) found.push(values[index]!);
			}
			return;
		}
		const next = position + 1;
		const literal = this.#literalChild(node, position);
		if (literal !== undefined) this.#visit(literal, next);
		if (node.star !== undefined) this.#visit(node.star, next);
		if (node.globs !== undefined) {
			const segment = this.#segment(position);
			for (const edge of node.globs.values()) {
				if (edge.match(segment)) this.#visit(edge.node, next);
			}
		}
	}

	/** Expands a state at once (recursion is cheaper than a stack), or on the stack past `recursionDepth` segments. */
	#visit(node: TrieNode<T>, position: number): void {
		if (position < recursionDepth) {
			this.#expand(node, position);
		} else {
			this.#nodes.push(node);
			this.#positions.push(position);
		}
	}

	#literalChild(node: TrieNode<T>, position: number): TrieNode<T> | undefined {
		const sole = node.soleLiteral;
		if (sole === undefined) return node.literals?.get(this.#segment(position));
		const start = position === 0 ? 0 : this.#ends[position - 1]! + 1;
		if (this.#ends[position]! - start !== sole.length) return undefined;
		const segment = this.#segments[position];
		const isSame = segment === undefined ? this.#topic.startsWith(sole, start) : segment === sole;
		return isSame ? node.soleChild : undefined;
	}

	/** The segment at `position` as a string, sliced once per match. */
	#segment(position: number): string {
		let segment = this.#segments[position];
		if (segment === undefined) {
			segment = this.#topic.slice(position === 0 ? 0 : this.#ends[position - 1]! + 1, this.#ends[position]);
			this.#segments[position] = segment;
		}
		return segment;
	}

	/**
	 * Visits a `**` node reached at `position`: it may swallow any number of the segments left, so it is visited at
	 * every position from there to the end, in one loop rather than one queued state each; positions an earlier
	 * visit in this match covered are skipped.
	 */
	#walkGlobstar(node: TrieNode<T>, position: number): void {
		let end = this.#count + 1;
		if (node.visitedIn === this.#matchCount) {
			end = node.visitedFrom;
			if (position >= end) return;
		} else {
			node.visitedIn = this.#matchCount;
		}
		node.visitedFrom = position;
		for (let at = position; at < end; at++) this.#expand(node, at);
	}

	#createNode(): TrieNode<T> {
		this.#nodeCount++;
		return new TrieNode<T>();
	}
}

/**
 * How deep `match` recurses: each level consumes a segment (or, in a chain of `**`, a pattern segment), so the stack
 * stays shallow whatever the limits a router was given; the states past it wait on an explicit stack.
 */
const recursionDepth = 128;

/** What `match` holds between matches instead of a result array. */
const idle: never[] = [];

/** Writes where each segment of `topic` ends into `ends`; returns the number of segments. */
function findEnds(topic: string, ends: number[]): number {
	let count = 0;
	for (let dot = topic.indexOf('.'); dot !== -1; dot = topic.indexOf('.', dot + 1)) ends[count++] = dot;
	ends[count++] = topic.length;
	return count;
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
		parent.literalsChanged();
	} else if (parent.globs?.delete(key) === true && parent.globs.size === 0) parent.globs = undefined;
}
