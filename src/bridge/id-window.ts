/** A bounded set of recently seen event ids: the oldest id is forgotten when a new one would exceed `capacity`. */
export class IdWindow {
	readonly #capacity: number;
	readonly #ids = new Set<string>();

	constructor(capacity: number) {
		this.#capacity = capacity;
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
		if (this.#ids.size >= this.#capacity) {
			// A Set iterates in insertion order, so its first id is the oldest.
			const oldest = this.#ids.values().next().value as string;
			this.#ids.delete(oldest);
		}
		this.#ids.add(id);
		return true;
	}

	delete(id: string): void {
		this.#ids.delete(id);
	}
}
