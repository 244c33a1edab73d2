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

/**
 * Makes unique, time-sortable event ids: 26 characters of base-32 (`0-9a-v`), 10 of time in milliseconds, 4 of a
 * random per-generator node, 12 of a counter. Ids sort by time; within one generator they sort in creation order.
 */
export class EventIdGenerator {
	readonly #node: string;
	#counter: number;
	#lastTime = -1;
	#timePrefix = '';

	constructor() {
		this.#node = alphabet[randomInt(32)]! + alphabet[randomInt(32)]! + alphabet[randomInt(32)]! + alphabet[randomInt(32)]!;
		// A random start keeps two processes that start in the same millisecond from sharing counter values.
		this.#counter = randomInt(2 ** 40);
	}

	/** A new id for an event created at `time` (ms since the epoch; callers pass a non-decreasing clock). */
	next(time: number): string {
		if (time !== this.#lastTime) {
			this.#lastTime = time;
			this.#timePrefix = encodeTime(time) + this.#node;
		}
		const counter = this.#counter++;
		// 48 bits; wrapping would take 2^48 events, and only then within one millisecond could it repeat.
		const high = Math.floor(counter / 2 ** 24) % 2 ** 24;
		return this.#timePrefix + triplets[high >>> 12]! + triplets[high & 4095]! + triplets[(counter >>> 12) & 4095]! + triplets[counter & 4095]!;
	}
}
