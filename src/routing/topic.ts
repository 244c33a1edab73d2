/**
 * The topic grammar (SPEC section 1): validation of published topics, parsing of subscription patterns, and a
 * standalone matcher for one pattern. The trie in `topic-trie.ts` shares these parsed segments, so both matchers
 * follow one grammar.
 */
import {InvalidTopicError, type InvalidTopicReason} from '../errors.js';
import {assertInteger, assertOptionalObject, assertString} from '../internal/assert.js';
import {compileSegmentGlob, type SegmentGlob} from './segment-glob.js';

/** Limits that keep topics and patterns cheap to validate and match. Segments are always 1-64 characters. */
export interface TopicLimits {
	/**
	 * Most segments in a topic or pattern.
	 * @default 32
	 */
	readonly maxSegments: number;
	/**
	 * Most characters in a topic or pattern.
	 * @default 256
	 */
	readonly maxLength: number;
	/**
	 * Most `**` segments in one pattern; each one multiplies the states a match may visit.
	 * @default 4
	 */
	readonly maxGlobstars: number;
}

/** The limits used when none are given. */
export const defaultTopicLimits: TopicLimits = Object.freeze({maxSegments: 32, maxLength: 256, maxGlobstars: 4});

/** The longest segment, in characters (fixed by the grammar, not configurable). */
export const maxSegmentLength = 64;

/**
 * Fills in `defaultTopicLimits` for missing fields and returns a frozen copy.
 *
 * Throws a `TypeError` when `limits` is not an object, or when `maxSegments` or `maxLength` is not an integer >= 1,
 * or `maxGlobstars` not an integer >= 0.
 */
export function resolveTopicLimits(limits?: Partial<TopicLimits>): TopicLimits {
	assertOptionalObject('limits', limits);
	if (limits === undefined) return defaultTopicLimits;
	assertInteger('limits.maxSegments', limits.maxSegments, 1);
	assertInteger('limits.maxLength', limits.maxLength, 1);
	assertInteger('limits.maxGlobstars', limits.maxGlobstars, 0);
	return Object.freeze({
		maxSegments: limits.maxSegments ?? defaultTopicLimits.maxSegments,
		maxLength: limits.maxLength ?? defaultTopicLimits.maxLength,
		maxGlobstars: limits.maxGlobstars ?? defaultTopicLimits.maxGlobstars,
	});
}

/** One segment of a parsed pattern. `match` tests a single topic segment; `**` spans are handled by the matchers. */
export type PatternSegment =
	| {readonly kind: 'literal'; readonly text: string; readonly match: (segment: string) => boolean}
	| {readonly kind: 'star'; readonly text: '*'; readonly match: (segment: string) => boolean}
	| {readonly kind: 'globstar'; readonly text: '**'; readonly match: (segment: string) => boolean}
	| {readonly kind: 'glob'; readonly text: string; readonly match: (segment: string) => boolean};

/** Options of {@link assertTopic}. */
export interface AssertTopicOptions {
	/**
	 * Accept `$`-topics (the bus's own, such as `$bus.dead-letter`). User publishes leave this off.
	 * @default false
	 */
	readonly allowReserved?: boolean;
}

// The whole grammar of a valid topic in one regex, so the common case costs one test; reasons are found only on failure.
const topicRegex = /^(?:\$[\w:-]{0,63}|[\w:-]{1,64})(?:\.[\w:-]{1,64})*$/;
const literalRegex = /^[\w:-]+$/;
const globRegex = /^[\w:\-*?{},[\]!]+$/;
const wildcardRegex = /[*?[{]/;
// Any character that no topic may hold (a `$` may start one, with `allowReserved`).
const invalidCharacterRegex = /[^\w.:-]/;

/** True when `topic` is one of the bus's own topics: its first segment starts with `$`. */
export function isReservedTopic(topic: string): boolean {
	return topic.charCodeAt(0) === 36;
}

/**
 * Throws unless `topic` is a valid topic to publish: no wildcards, within `limits`, and not a `$`-topic unless
 * `allowReserved`.
 *
 * Throws a `TypeError` when `topic` is not a string and an `InvalidTopicError` (with `topic` and `reason`) when it
 * breaks the grammar.
 */
export function assertTopic(topic: string, limits: TopicLimits, options?: AssertTopicOptions): void {
	assertString('topic', topic);
	// A topic of n characters has at most (n + 1) / 2 segments, so only a long one needs its segments counted.
	if (topic.length <= limits.maxLength && topicRegex.test(topic) && (topic.length < 2 * limits.maxSegments || countSegments(topic) <= limits.maxSegments)) {
		if (options?.allowReserved !== true && isReservedTopic(topic)) {
			throw new InvalidTopicError(topic, 'reserved', 'topics starting with `$` are reserved for the bus');
		}
		return;
	}
	const segments = splitChecked(topic, limits);
	segments.forEach((segment, index) => {
		const body = index === 0 && segment.startsWith('$') ? segment.slice(1) : segment;
		if (body === '' || literalRegex.test(body)) return;
		if (globRegex.test(body) && wildcardRegex.test(body)) {
			throw invalid(topic, 'wildcard-in-topic', `segment ${index + 1} (\`${segment}\`) has a wildcard; only patterns may`);
		}
		throw invalidCharacter(topic, index, segment, literalRegex);
	});
	// Unreachable while topicRegex and the checks above agree; kept so a drift fails loudly rather than silently.
	throw invalid(topic, 'invalid-character', 'does not follow the topic grammar');
}

/**
 * Validates `topic` while splitting it into segments: the segments of a valid topic (`$`-topics only
 * with `allowReserved`), or `undefined` for an invalid one (then {@link assertTopic} says why).
 */
export function splitTopic(topic: string, limits: TopicLimits, allowReserved: boolean): string[] | undefined {
	const ends: number[] = [];
	const count = scanTopic(topic, limits, allowReserved, ends);
	if (count === 0) return undefined;
	const segments: string[] = [];
	for (let index = 0, start = 0; index < count; index++) {
		segments.push(topic.slice(start, ends[index]));
		start = ends[index]! + 1;
	}
	return segments;
}

/**
 * Validates `topic` while finding its segments, without allocating: writes where each segment ends (the index of the
 * dot after it, or the topic's length) into `ends` and returns the number of segments, or `0` for an invalid topic
 * (then {@link assertTopic} says why). What the router does on a cache miss, where validating and splitting separately
 * cost twice, and where most segments are only compared, never needed as strings.
 */
export function scanTopic(topic: string, limits: TopicLimits, allowReserved: boolean, ends: number[]): number {
	const {length} = topic;
	if (length === 0 || length > limits.maxLength) return 0;
	let count = 0;
	for (let start = 0; ; ) {
		const dot = topic.indexOf('.', start);
		const end = dot === -1 ? length : dot;
		// A leading `$` counts towards its segment, which may be `$` alone (as the grammar allows).
		const size = end - start;
		if (size === 0 || size > maxSegmentLength || count === limits.maxSegments) return 0;
		ends[count++] = end;
		if (dot === -1) break;
		start = dot + 1;
	}
	// Characters are checked by a native regex search after `indexOf` found the dots: a loop over `charCodeAt` costs
	// twice as much on the strings that topics usually are (concatenations, which V8 keeps as trees of parts until
	// `indexOf` flattens them; a regex given such a tree takes a slow path).
	if (invalidCharacterRegex.test(topic) && !(allowReserved && isReservedTopic(topic) && !invalidCharacterRegex.test(topic.slice(1)))) return 0;
	return count;
}

/**
 * Parses and validates a subscription pattern into its segments, compiling each glob segment once.
 *
 * Throws a `TypeError` when `pattern` is not a string and an `InvalidTopicError` when it breaks the grammar:
 * wildcards glued to text (`a**`), more `**` than `limits.maxGlobstars`, a segment glob that is not valid, ...
 */
export function parsePattern(pattern: string, limits: TopicLimits): readonly PatternSegment[] {
	assertString('pattern', pattern);
	const parsed = splitChecked(pattern, limits).map((segment, index) => parseSegment(pattern, segment, index));
	const globstars = parsed.filter(segment => segment.kind === 'globstar').length;
	if (globstars > limits.maxGlobstars) {
		throw invalid(pattern, 'too-many-globstars', `has ${globstars} \`**\` segments, more than the limit of ${limits.maxGlobstars}`);
	}
	return Object.freeze(parsed);
}

/**
 * Compiles one pattern into a predicate over valid topics, with exactly the trie's semantics (including the `$`
 * rule: a pattern whose first segment is not a literal never matches a `$`-topic).
 *
 * Throws like {@link parsePattern}. The predicate expects a valid topic; it does not validate its argument.
 *
 * @example
 * const isOrderFailure = compilePattern('order.**.failed', defaultTopicLimits);
 * isOrderFailure('order.eu.payment.failed'); // true
 */
export function compilePattern(pattern: string, limits: TopicLimits): (topic: string) => boolean {
	const segments = parsePattern(pattern, limits);
	const guardsReserved = segments[0]?.kind !== 'literal';
	if (!segments.some(segment => segment.kind === 'globstar')) {
		return topic => {
			if (guardsReserved && isReservedTopic(topic)) return false;
			const parts = topic.split('.');
			return parts.length === segments.length && segments.every((segment, index) => segment.match(parts[index]!));
		};
	}
	return topic => !(guardsReserved && isReservedTopic(topic)) && matchWithGlobstars(segments, topic.split('.'));
}

// An NFA over pattern positions: linear in segments x pattern length, where naive backtracking is exponential.
function matchWithGlobstars(segments: readonly PatternSegment[], parts: readonly string[]): boolean {
	const size = segments.length;
	let current = new Uint8Array(size + 1);
	let next = new Uint8Array(size + 1);
	current[0] = 1;
	closeOverGlobstars(segments, current);
	for (const part of parts) {
		next.fill(0);
		let alive = false;
		for (let index = 0; index < size; index++) {
			if (current[index] === 0) continue;
			const segment = segments[index]!;
			if (segment.kind === 'globstar') {
				next[index] = 1;
				alive = true;
			} else if (segment.match(part)) {
				next[index + 1] = 1;
				alive = true;
			}
		}
		if (!alive) return false;
		closeOverGlobstars(segments, next);
		[current, next] = [next, current];
	}
	return current[size] === 1;
}

// A reachable `**` may match zero segments, so the position after it is reachable too.
function closeOverGlobstars(segments: readonly PatternSegment[], states: Uint8Array): void {
	for (let index = 0; index < segments.length; index++) {
		if (states[index] === 1 && segments[index]!.kind === 'globstar') states[index + 1] = 1;
	}
}

const matchAny = (): boolean => true;
const starSegment: PatternSegment = Object.freeze({kind: 'star', text: '*', match: matchAny});
const globstarSegment: PatternSegment = Object.freeze({kind: 'globstar', text: '**', match: matchAny});

function parseSegment(pattern: string, segment: string, index: number): PatternSegment {
	if (segment === '*') return starSegment;
	if (segment === '**') return globstarSegment;
	if (segment.includes('**')) {
		throw invalid(pattern, 'invalid-wildcard', `segment ${index + 1} (\`${segment}\`) glues \`**\` to text; \`**\` must be a whole segment`);
	}
	if (index === 0 && segment.startsWith('$')) {
		const body = segment.slice(1);
		if (body === '' || literalRegex.test(body)) return literal(segment);
		throw invalid(pattern, 'invalid-character', '`$` may start only a literal first segment, never a glob');
	}
	if (literalRegex.test(segment)) return literal(segment);
	if (!globRegex.test(segment)) throw invalidCharacter(pattern, index, segment, globRegex);
	checkGlobShape(pattern, segment, index);
	let glob: SegmentGlob;
	try {
		glob = compileSegmentGlob(segment);
	} catch (error) {
		throw invalid(pattern, 'invalid-glob', `segment ${index + 1} (\`${segment}\`) is not a valid glob: ${describe(error)}`, error);
	}
	return Object.freeze({kind: 'glob', text: segment, match: (part: string) => glob.matches(part)});
}

function literal(text: string): PatternSegment {
	return Object.freeze({kind: 'literal', text, match: (part: string) => part === text});
}

// Misplaced glob punctuation would read as literal text that no topic can contain, so such a glob would
// silently match nothing; refuse it instead.
function checkGlobShape(pattern: string, segment: string, index: number): void {
	const fail = (why: string): never => {
		throw invalid(pattern, 'invalid-glob', `segment ${index + 1} (\`${segment}\`) ${why}`);
	};
	if (segment === '!') fail('negates nothing');
	const alternatives: number[] = [];
	let inBracket = false;
	for (let at = 0; at < segment.length; at++) {
		const char = segment[at];
		if (inBracket) {
			// A `]` right after `[` or `[!` is a member, not the end (POSIX).
			if (char === ']' && segment[at - 1] !== '[' && !(segment[at - 1] === '!' && segment[at - 2] === '[')) inBracket = false;
			continue;
		}
		if (char === '[') inBracket = true;
		else if (char === '!' && at !== 0) fail('has `!` away from the start (negation) or a bracket (`[!a]`)');
		else if (char === '{') alternatives.push(0);
		else if (char === ',') {
			if (alternatives.length === 0) fail('has `,` outside braces');
			alternatives[alternatives.length - 1]!++;
		} else if (char === '}') {
			const commas = alternatives.pop();
			if (commas === undefined) fail('has `}` without `{`');
			if (commas === 0) fail('has braces with a single alternative; use `{a,b}`');
		}
	}
	if (alternatives.length > 0) fail('has `{` without `}`');
	if (!wildcardRegex.test(segment) && !segment.startsWith('!')) fail('has glob punctuation but no wildcard');
}

// Checks what every topic and pattern shares: not empty, within limits, no empty or over-long segment.
function splitChecked(input: string, limits: TopicLimits): string[] {
	if (input.length === 0) throw invalid(input, 'empty', 'is empty');
	if (input.length > limits.maxLength) {
		throw invalid(input, 'too-long', `has ${input.length} characters, more than the limit of ${limits.maxLength}`);
	}
	const segments = input.split('.');
	if (segments.length > limits.maxSegments) {
		throw invalid(input, 'too-many-segments', `has ${segments.length} segments, more than the limit of ${limits.maxSegments}`);
	}
	segments.forEach((segment, index) => {
		if (segment === '') throw invalid(input, 'empty-segment', `segment ${index + 1} is empty`);
		if (segment.length > maxSegmentLength) {
			throw invalid(input, 'segment-too-long', `segment ${index + 1} has ${segment.length} characters, more than ${maxSegmentLength}`);
		}
	});
	return segments;
}

function countSegments(topic: string): number {
	let count = 1;
	for (let at = topic.indexOf('.'); at !== -1; at = topic.indexOf('.', at + 1)) count++;
	return count;
}

function invalidCharacter(input: string, index: number, segment: string, allowed: RegExp): InvalidTopicError {
	if (segment.includes('$')) {
		return invalid(input, 'invalid-character', `segment ${index + 1} (\`${segment}\`) has \`$\`, allowed only as the first character of the first segment`);
	}
	const bad = [...segment].find(char => !allowed.test(char)) ?? segment;
	// Only a pattern can hold a wildcard: a topic with `#` just has a bad character.
	const hint = allowed === globRegex ? (wildcardHints[bad] ?? '') : '';
	return invalid(input, 'invalid-character', `segment ${index + 1} (\`${segment}\`) has \`${bad}\`; segments use A-Z a-z 0-9 _ - :${hint}`);
}

// Wildcards of other systems, which users bring along: say what ours are.
const wildcardHints: Readonly<Record<string, string>> = {
	'#': '. `#` is not a wildcard here (as in MQTT or AMQP): use `**` for any number of segments, `*` for one',
	'>': '. `>` is not a wildcard here (as in NATS): use `**` for any number of segments (`*.**` for one or more)',
};

function invalid(input: string, reason: InvalidTopicReason, detail: string, cause?: unknown): InvalidTopicError {
	return new InvalidTopicError(input, reason, detail, cause === undefined ? undefined : {cause});
}

function describe(error: unknown): string {
	return error instanceof Error ? error.message : String(error);
}
