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
 * when it is not there, the entries it looked at are dropped. Those belong to events rejected after validation, or
 * dispatched out of order, which are then routed afresh: so entries that no dispatch will take never stay in the way.
 * A route is only handed back while the router is still at the version it was computed at, so a subscription made
 * between publish and dispatch is never missed. Entries hold strings and arrays only, and at most `capacity` of them.
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

	/** The route carried for `topic` if one is near the front of the queue and was computed at `version`; see the class. */
	take(topic: string, version: number): readonly T[] | undefined {
		const reach = this.#size < lookAhead ? this.#size : lookAhead;
		for (let offset = 0; offset < reach; offset++) {
			const slot = (this.#head + offset) & this.#mask;
			if (this.#topics[slot] !== topic) continue;
			const route = this.#versions[slot] === version ? this.#routes[slot] : undefined;
			this.#drop(offset + 1);
			return route;
		}
		this.#drop(reach);
		return undefined;
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
