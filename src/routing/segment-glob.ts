/**
 * Segment globs (`*-failed`, `v?`, `[a-c]x`, `{created,updated}`, `!tmp*`) compiled to a small NFA and matched by
 * simulating every state at once: the work is at most 2 x (segment length + 1) x (states), with states linear in the
 * glob's length, whatever the glob. A backtracking matcher (a regex with `.*?` per star) takes exponential time on
 * globs like `*a*a*a*a*a*a*b`; this one cannot.
 */

/** A compiled segment glob. */
export interface SegmentGlob {
	/** The NFA's size: the match costs at most `2 * (segment.length + 1) * states` steps. */
	readonly states: number;
	/** True when `segment` (one topic segment, no dots) matches. `stats.steps` counts the states visited. */
	matches(segment: string, stats?: {steps: number}): boolean;
}

/** A glob the grammar does not allow; `detail` says what is wrong, for the caller's error message. */
export class SegmentGlobSyntaxError extends Error {
	override readonly name = 'SegmentGlobSyntaxError';
}

type Node =
	| {readonly kind: 'char'; readonly test: (code: number) => boolean}
	| {readonly kind: 'star'}
	| {readonly kind: 'alternation'; readonly alternatives: readonly (readonly Node[])[]};

type State =
	| {kind: 'char'; test: (code: number) => boolean; out: number}
	| {kind: 'split'; outs: number[]}
	| {kind: 'match'};

const anyChar = (): boolean => true;

const posixClasses: Readonly<Record<string, (code: number) => boolean>> = {
	alpha: code => isUpper(code) || isLower(code),
	digit: code => isDigit(code),
	alnum: code => isUpper(code) || isLower(code) || isDigit(code),
	upper: code => isUpper(code),
	lower: code => isLower(code),
	xdigit: code => isDigit(code) || (code >= 65 && code <= 70) || (code >= 97 && code <= 102),
	word: code => isUpper(code) || isLower(code) || isDigit(code) || code === 95,
};

/**
 * Compiles one segment glob: `*` (any run of characters), `?` (one character), `[...]` (one character of a set:
 * members, ranges `a-z`, POSIX classes `[:alpha:]`, `!` first to negate, `]` first as a member), `{a,b}` (any
 * alternative, each itself a glob, nestable, empty ones allowed), `!` first (the segment must not match the rest);
 * any other character is itself.
 *
 * @throws {SegmentGlobSyntaxError} for an unclosed `[` or `{`, a stray `}`, a `!` anywhere but first, an empty or
 * reversed range, or an unknown POSIX class.
 */
export function compileSegmentGlob(glob: string): SegmentGlob {
	const isNegated = glob.startsWith('!');
	const parser = new Parser(isNegated ? glob.slice(1) : glob);
	const nodes = parser.parseSequence(false);
	if (!parser.isAtEnd()) throw new SegmentGlobSyntaxError(`has \`${parser.peek()}\` outside braces`);
	const states: State[] = [{kind: 'match'}];
	const start = build(nodes, 0, states);
	return {
		states: states.length,
		matches: (segment, stats) => simulate(states, start, segment, stats) !== isNegated,
	};
}

class Parser {
	readonly #text: string;
	#at = 0;

	constructor(text: string) {
		this.#text = text;
	}

	isAtEnd(): boolean {
		return this.#at >= this.#text.length;
	}

	peek(): string {
		return this.#text[this.#at] ?? '';
	}

	/** Reads up to the end, or (inside braces) up to the `,` or `}` that ends this alternative. */
	parseSequence(isInBraces: boolean): Node[] {
		const nodes: Node[] = [];
		while (!this.isAtEnd()) {
			const char = this.#text[this.#at]!;
			if (isInBraces && (char === ',' || char === '}')) return nodes;
			this.#at++;
			switch (char) {
				case '*':
					// Consecutive stars mean one star; collapsing keeps the NFA small.
					if (nodes.at(-1)?.kind !== 'star') nodes.push({kind: 'star'});
					break;
				case '?':
					nodes.push({kind: 'char', test: anyChar});
					break;
				case '[':
					nodes.push({kind: 'char', test: this.#parseBracket()});
					break;
				case '{':
					nodes.push(this.#parseBraces());
					break;
				case '}':
					throw new SegmentGlobSyntaxError('has `}` without `{`');
				case ']':
					throw new SegmentGlobSyntaxError('has `]` without `[`');
				case ',':
					throw new SegmentGlobSyntaxError('has `,` outside braces');
				case '!':
					throw new SegmentGlobSyntaxError('has `!` away from the start (negation) or a bracket (`[!a]`)');
				default: {
					const code = char.charCodeAt(0);
					nodes.push({kind: 'char', test: candidate => candidate === code});
				}
			}
		}
		if (isInBraces) throw new SegmentGlobSyntaxError('has `{` without `}`');
		return nodes;
	}

	#parseBraces(): Node {
		const alternatives: Node[][] = [];
		for (;;) {
			alternatives.push(this.parseSequence(true));
			const char = this.#text[this.#at++];
			if (char === '}') break;
		}
		if (alternatives.length < 2) throw new SegmentGlobSyntaxError('has braces with a single alternative; use `{a,b}`');
		return {kind: 'alternation', alternatives};
	}

	#parseBracket(): (code: number) => boolean {
		const tests: ((code: number) => boolean)[] = [];
		let isNegated = false;
		if (this.#text[this.#at] === '!') {
			isNegated = true;
			this.#at++;
		}
		let isFirst = true;
		for (;;) {
			if (this.isAtEnd()) throw new SegmentGlobSyntaxError('has `[` without `]`');
			const char = this.#text[this.#at]!;
			if (char === ']' && !isFirst) {
				this.#at++;
				break;
			}
			isFirst = false;
			if (char === '[' && this.#text[this.#at + 1] === ':') {
				const end = this.#text.indexOf(':]', this.#at + 2);
				if (end !== -1) {
					const name = this.#text.slice(this.#at + 2, end);
					const test = posixClasses[name];
					if (test === undefined || !Object.hasOwn(posixClasses, name)) throw new SegmentGlobSyntaxError(`has an unknown class \`[:${name}:]\`; use one of ${Object.keys(posixClasses).join(', ')}`);
					tests.push(test);
					this.#at = end + 2;
					continue;
				}
			}
			const low = char.charCodeAt(0);
			this.#at++;
			if (this.#text[this.#at] === '-' && this.#text[this.#at + 1] !== undefined && this.#text[this.#at + 1] !== ']') {
				const high = this.#text.charCodeAt(this.#at + 1);
				if (high < low) throw new SegmentGlobSyntaxError(`has a reversed range \`${char}-${this.#text[this.#at + 1]}\``);
				this.#at += 2;
				tests.push(code => code >= low && code <= high);
			} else {
				tests.push(code => code === low);
			}
		}
		const isMember = (code: number): boolean => tests.some(test => test(code));
		return isNegated ? code => !isMember(code) : isMember;
	}
}

/** Builds the states for `nodes` that continue to `next`, back to front; returns the first state. */
function build(nodes: readonly Node[], next: number, states: State[]): number {
	let current = next;
	for (let index = nodes.length - 1; index >= 0; index--) {
		const node = nodes[index]!;
		if (node.kind === 'char') {
			states.push({kind: 'char', test: node.test, out: current});
			current = states.length - 1;
		} else if (node.kind === 'star') {
			const split: State = {kind: 'split', outs: []};
			states.push(split);
			const splitIndex = states.length - 1;
			states.push({kind: 'char', test: anyChar, out: splitIndex});
			split.outs = [states.length - 1, current];
			current = splitIndex;
		} else {
			const outs = node.alternatives.map(alternative => build(alternative, current, states));
			states.push({kind: 'split', outs});
			current = states.length - 1;
		}
	}
	return current;
}

// Every live state advances together, each visited at most once per character: no backtracking.
function simulate(states: readonly State[], start: number, text: string, stats: {steps: number} | undefined): boolean {
	const marks = new Uint32Array(states.length);
	let generation = 1;
	let current: number[] = [];
	let next: number[] = [];
	let steps = 0;
	const add = (list: number[], index: number): void => {
		if (marks[index] === generation) return;
		marks[index] = generation;
		steps++;
		const state = states[index]!;
		if (state.kind === 'split') for (const out of state.outs) add(list, out);
		else list.push(index);
	};
	add(current, start);
	for (let at = 0; at < text.length && current.length > 0; at++) {
		const code = text.charCodeAt(at);
		generation++;
		next.length = 0;
		for (const index of current) {
			const state = states[index]!;
			steps++;
			if (state.kind === 'char' && state.test(code)) add(next, state.out);
		}
		[current, next] = [next, current];
	}
	if (stats !== undefined) stats.steps += steps;
	return current.includes(0);
}

function isUpper(code: number): boolean {
	return code >= 65 && code <= 90;
}

function isLower(code: number): boolean {
	return code >= 97 && code <= 122;
}

function isDigit(code: number): boolean {
	return code >= 48 && code <= 57;
}
