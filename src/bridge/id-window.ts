/** A bounded set of recently seen event ids: the oldest id is forgotten when a new one would exceed `capacity`. */
export class IdWindow {
	readonly #capacity: number;
	readonly #ids = new Set<string>();
	// Insertion order as a ring: evicting through the Set's own iterator rescans every deleted slot each time.
	readonly #ring: Array<string | undefined>;
	#next = 0;

	constructor(capacity: number) {
		this.#capacity = capacity;
		this.#ring = Array.from({length: capacity});
	}

	get size(): number {
		return this.#ids.size;
	}

	has(id: string): boolean {
		return this.#ids.has(id);
	}

	/** Remembers `id`; returns false when it was already remembered. */
	add(id: string): boolean {
		if (this.#ids.has(id)) return false;
		if (this.#capacity === 0) return true;
		const evicted = this.#ring[this.#next];
		if (evicted !== undefined) this.#ids.delete(evicted);
		this.#ring[this.#next] = id;
		this.#next = (this.#next + 1) % this.#capacity;
		this.#ids.add(id);
		return true;
	}

	/** Forgets `id` (its ring slot is reused in turn; deleting it from the Set alone is enough). */
	delete(id: string): void {
		this.#ids.delete(id);
	}
}
