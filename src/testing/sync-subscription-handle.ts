import type {Subscription} from '../types.js';
import type {SyncSubscriber} from './sync-subscriber.js';

/** The public handle of a mock subscription, as the real bus makes it: frozen; `unsubscribe` is idempotent. */
export function createSyncSubscriptionHandle(subscriber: SyncSubscriber, remove: (subscriber: SyncSubscriber) => void): Subscription {
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
