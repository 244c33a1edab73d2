import type {Subscriber} from '../delivery/subscriber.js';
import type {Subscription} from '../types.js';

/** The public handle of a subscriber: what `subscribe()` returns. Frozen; `unsubscribe` is idempotent. */
export function createSubscriptionHandle(subscriber: Subscriber, remove: (subscriber: Subscriber) => void): Subscription {
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
