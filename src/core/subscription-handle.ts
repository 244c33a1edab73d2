import type {Subscription} from '../types.js';

/** What a handle reads and switches: the real bus's subscriber, or the mock bus's. */
export interface HandleTarget {
	readonly settings: {readonly id: string; readonly pattern: string; readonly name: string};
	readonly isActive: boolean;
	isEnabled: boolean;
}

/** The public handle of a subscriber: what `subscribe()` returns. Frozen; `unsubscribe` is idempotent. */
export function createSubscriptionHandle<Target extends HandleTarget>(subscriber: Target, remove: (subscriber: Target) => void): Subscription {
	const {id, pattern, name} = subscriber.settings;
	const unsubscribe = (): void => {
		remove(subscriber);
	};
	return Object.freeze({
		id,
		pattern,
		name,
		get isActive() {
			return subscriber.isActive;
		},
		get isEnabled() {
			return subscriber.isEnabled;
		},
		unsubscribe,
		enable() {
			subscriber.isEnabled = true;
		},
		disable() {
			subscriber.isEnabled = false;
		},
		[Symbol.dispose]: unsubscribe,
	});
}
