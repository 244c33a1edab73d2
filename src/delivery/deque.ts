/**
 * A growable ring buffer: O(1) push and shift at both ends without the O(n) `Array#shift` of a plain array.
 */
export class Deque<T> {
	#items: (T | undefined)[];
	/** `capacity - 1`; capacities are powers of two so that wrapping around is a mask, not a division. */
	#mask: number;
	#head = 0;
	#length = 0;

	/** `initialCapacity` is rounded up to a power of two; 0 allocates nothing until the first push. */
	constructor(initialCapacity = 16) {
		const capacity = initialCapacity <= 0 ? 0 : 2 ** Math.ceil(Math.log2(initialCapacity));
		this.#items = new Array<T | undefined>(capacity);
		this.#mask = capacity - 1;
	}

	get length(): number {
		return this.#length;
	}

	push(item: T): void {
		if (this.#length === this.#items.length) this.#grow();
		this.#items[(this.#head + this.#length) & this.#mask] = item;
		this.#length++;
	}

	/** Removes and returns the oldest item; `undefined` when empty. */
	shift(): T | undefined {
		if (this.#length === 0) return undefined;
		const head = this.#head;
		const item = this.#items[head];
		this.#items[head] = undefined; // Let the item be collected.
		this.#head = (head + 1) & this.#mask;
		this.#length--;
		return item;
	}

	/** Removes and returns the newest item; `undefined` when empty. */
	pop(): T | undefined {
		if (this.#length === 0) return undefined;
		const index = (this.#head + this.#length - 1) & this.#mask;
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
		for (let offset = 0; offset < this.#length; offset++) yield this.#items[(this.#head + offset) & this.#mask]!;
	}

	#grow(): void {
		const capacity = Math.max(16, this.#items.length * 2);
		const items = new Array<T | undefined>(capacity);
		for (let offset = 0; offset < this.#length; offset++) items[offset] = this.#items[(this.#head + offset) & this.#mask];
		this.#items = items;
		this.#mask = capacity - 1;
		this.#head = 0;
	}
}
