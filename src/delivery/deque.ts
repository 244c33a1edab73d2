/**
 * A growable ring buffer: O(1) push and shift at both ends without the O(n) `Array#shift` of a plain array.
 */
export class Deque<T> {
	#items: (T | undefined)[];
	#head = 0;
	#length = 0;

	constructor(initialCapacity = 16) {
		this.#items = new Array<T | undefined>(initialCapacity);
	}

	get length(): number {
		return this.#length;
	}

	push(item: T): void {
		if (this.#length === this.#items.length) this.#grow();
		this.#items[(this.#head + this.#length) % this.#items.length] = item;
		this.#length++;
	}

	/** Removes and returns the oldest item; `undefined` when empty. */
	shift(): T | undefined {
		if (this.#length === 0) return undefined;
		const item = this.#items[this.#head];
		this.#items[this.#head] = undefined; // Let the item be collected.
		this.#head = (this.#head + 1) % this.#items.length;
		this.#length--;
		return item;
	}

	/** Removes and returns the newest item; `undefined` when empty. */
	pop(): T | undefined {
		if (this.#length === 0) return undefined;
		const index = (this.#head + this.#length - 1) % this.#items.length;
		const item = this.#items[index];
		this.#items[index] = undefined;
		this.#length--;
		return item;
	}

	/** Removes every item and returns them oldest first. */
	clear(): T[] {
		const items: T[] = [];
		while (this.#length > 0) items.push(this.shift()!);
		return items;
	}

	*[Symbol.iterator](): IterableIterator<T> {
		for (let offset = 0; offset < this.#length; offset++) yield this.#items[(this.#head + offset) % this.#items.length]!;
	}

	#grow(): void {
		const items = new Array<T | undefined>(Math.max(16, this.#items.length * 2));
		for (let offset = 0; offset < this.#length; offset++) items[offset] = this.#items[(this.#head + offset) % this.#items.length];
		this.#items = items;
		this.#head = 0;
	}
}
