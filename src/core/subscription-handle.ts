import type {Subscription} from '../types.js';

/** What a handle reads and switches: the real bus's subscriber, or the mock bus's. */
export interface HandleTarget {
	readonly settings: {readonly id: string; readonly pattern: string; readonly name: string};
	readonly isActive: boolean;
	isEnabled: boolean;
}

/**
 * The public handle of a subscriber: what `subscribe()` returns. Frozen; `unsubscribe` is idempotent.
 * A class with two fields rather than an object of closures: a bus may hold many thousands of these. `unsubscribe`,
 * `enable` and `disable` are getters that bind on access, so that they work detached (`const {unsubscribe} = ...`,
 * `signal.addEventListener('abort', sub.unsubscribe)`) without a bound function stored per handle.
 */
class SubscriptionHandle<Target extends HandleTarget> implements Subscription {
	readonly #target: Target;
	readonly #remove: (subscriber: Target) => void;

	constructor(target: Target, remove: (subscriber: Target) => void) {
		this.#target = target;
		this.#remove = remove;
		Object.freeze(this);
	}

	get id(): string {
		return this.#target.settings.id;
	}

	get pattern(): string {
		return this.#target.settings.pattern;
	}

	get name(): string {
		return this.#target.settings.name;
	}

	get isActive(): boolean {
		return this.#target.isActive;
	}

	get isEnabled(): boolean {
		return this.#target.isEnabled;
	}

	get unsubscribe(): () => void {
		const target = this.#target;
		const remove = this.#remove;
		return () => remove(target);
	}

	get enable(): () => void {
		const target = this.#target;
		return () => {
			target.isEnabled = true;
		};
	}

	get disable(): () => void {
		const target = this.#target;
		return () => {
			target.isEnabled = false;
		};
	}

	[Symbol.dispose](): void {
		this.#remove(this.#target);
	}
}

/** The public handle of a subscriber: what `subscribe()` returns. Frozen; `unsubscribe` is idempotent. */
export function createSubscriptionHandle<Target extends HandleTarget>(subscriber: Target, remove: (subscriber: Target) => void): Subscription {
	return new SubscriptionHandle(subscriber, remove);
}
