import {randomInt} from 'node:crypto';

const alphabet = '0123456789abcdefghijklmnopqrstuv';
// Three base-32 digits per lookup: building an id costs a few concatenations instead of a `toString(32)`.
const triplets: string[] = Array.from({length: 4096}, (_, index) => alphabet[index >> 10]! + alphabet[(index >> 5) & 31]! + alphabet[index & 31]!);

function encodeTime(milliseconds: number): string {
	let text = '';
	for (let index = 0; index < 10; index++) {
		text = alphabet[milliseconds % 32]! + text;
		milliseconds = Math.floor(milliseconds / 32);
	}
	return text;
}

/** Where a generator starts; random unless a test pins it. */
export interface EventIdSeed {
	/** Four base-32 digits naming this generator. */
	readonly node: string;
	/** The first counter value, below 2^48. */
	readonly counter: number;
}

/**
 * Makes unique, time-sortable event ids: 26 characters of base-32 (`0-9a-v`), 10 of time in milliseconds, 4 of a
 * random per-generator node, 12 of a counter. Ids sort by time; within one generator they sort in creation order.
 */
export class EventIdGenerator {
	readonly #node: string;
	#counter: number;
	#lastTime = -1;
	#lastBlock = -1;
	/** The first 23 characters, shared by every id of one millisecond and one block of 4,096 counter values. */
	#prefix = '';

	constructor(seed?: EventIdSeed) {
		this.#node = seed?.node ?? alphabet[randomInt(32)]! + alphabet[randomInt(32)]! + alphabet[randomInt(32)]! + alphabet[randomInt(32)]!;
		// A random start keeps two processes that start in the same millisecond from sharing counter values.
		this.#counter = seed?.counter ?? randomInt(2 ** 40);
	}

	/** A new id for an event created at `time` (ms since the epoch; callers pass a non-decreasing clock). */
	next(time: number): string {
		// 48 bits; wrapping would take 2^48 events, and only then within one millisecond could it repeat.
		const counter = this.#counter;
		this.#counter = counter + 1 === 2 ** 48 ? 0 : counter + 1;
		const block = Math.floor(counter / 4096);
		if (time !== this.#lastTime || block !== this.#lastBlock) {
			// Rebuilt once per millisecond or per 4,096 ids, so that a typical id costs one concatenation.
			this.#lastTime = time;
			this.#lastBlock = block;
			const high = Math.floor(counter / 2 ** 24);
			this.#prefix = encodeTime(time) + this.#node + triplets[high >>> 12]! + triplets[high & 4095]! + triplets[block & 4095]!;
		}
		return this.#prefix + triplets[counter & 4095]!;
	}
}
