/**
 * Routes computed while validating topics at publish, carried to dispatch, so that an event whose topic misses the
 * route cache is validated and matched once, not once at publish and again at dispatch.
 */

/** How many of the oldest carried routes `take` looks through: events are dispatched mostly in publish order. */
const lookAhead = 4;

/**
 * A bounded queue of `(topic, router version, route)`, oldest first.
 *
 * `take(topic, version)` finds `topic` among the {@link lookAhead} oldest entries and drops it with every older one;
 * when it is not there, nothing is dropped (the topic may simply not have been carried: a cached one is not).
 * `skip()` drops the entries `take` looks at: the router calls it when a topic it routes afresh should have been
 * carried, which means those entries belong to events rejected after validation, or dispatched out of order, and
 * no dispatch will take them. A route is only handed back while the router is still at the version it was computed
 * at, so a subscription made between publish and dispatch is never missed. Entries hold strings and arrays only,
 * and at most `capacity` of them.
 */
export class CarriedRoutes<T> {
	readonly #mask: number;
	readonly #topics: (string | undefined)[];
	readonly #routes: (readonly T[] | undefined)[];
	readonly #versions: number[];
	#head = 0;
	#size = 0;

	/** `capacity` is rounded up to a power of two. */
	constructor(capacity: number) {
		let size = 1;
		while (size < capacity) size *= 2;
		this.#mask = size - 1;
		this.#topics = Array.from<string | undefined>({length: size}).fill(undefined);
		this.#routes = Array.from<readonly T[] | undefined>({length: size}).fill(undefined);
		this.#versions = Array.from<number>({length: size}).fill(0);
	}

	/** The number of routes carried. */
	get size(): number {
		return this.#size;
	}

	/** Carries `route`, computed at router version `version`, for the next `take(topic)`; drops the oldest when full. */
	put(topic: string, version: number, route: readonly T[]): void {
		if (this.#size > this.#mask) this.#drop(1);
		const slot = (this.#head + this.#size) & this.#mask;
		this.#topics[slot] = topic;
		this.#routes[slot] = route;
		this.#versions[slot] = version;
		this.#size++;
	}

	/**
	 * The route carried for `topic` if one is near the front of the queue: `undefined` when there is none (nothing
	 * dropped), `null` when it was computed at another version (it and the older entries are dropped all the same).
	 */
	take(topic: string, version: number): readonly T[] | null | undefined {
		const reach = this.#size < lookAhead ? this.#size : lookAhead;
		for (let offset = 0; offset < reach; offset++) {
			const slot = (this.#head + offset) & this.#mask;
			if (this.#topics[slot] !== topic) continue;
			const route = this.#versions[slot] === version ? this.#routes[slot]! : null;
			this.#drop(offset + 1);
			return route;
		}
		return undefined;
	}

	/** Drops every entry (their routes are out of date: a subscription changed). */
	clear(): void {
		this.#drop(this.#size);
	}

	/** Drops the entries {@link take} looks at. */
	skip(): void {
		this.#drop(this.#size < lookAhead ? this.#size : lookAhead);
	}

	#drop(count: number): void {
		for (let index = 0; index < count; index++) {
			this.#topics[this.#head] = undefined;
			this.#routes[this.#head] = undefined;
			this.#head = (this.#head + 1) & this.#mask;
		}
		this.#size -= count;
	}
}
