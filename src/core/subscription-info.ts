import type {SubscriptionInfo} from '../types.js';

/** What `subscriptions()` reports of a subscriber: the real bus's, or the mock bus's. */
export interface DescribableSubscriber {
	readonly settings: {readonly id: string; readonly name: string; readonly pattern: string; readonly priority: number; readonly concurrency: number};
	readonly isEnabled: boolean;
	readonly pending: number;
	readonly running: number;
	readonly isHolding?: boolean;
	readonly heldMs?: number;
}

/** Plain data about each subscriber, in the order given. */
export function describeSubscriptions(subscribers: Iterable<DescribableSubscriber>): SubscriptionInfo[] {
	return [...subscribers].map(({settings, isEnabled, pending, running, isHolding, heldMs}) => ({
		id: settings.id,
		name: settings.name,
		pattern: settings.pattern,
		priority: settings.priority,
		isEnabled,
		concurrency: settings.concurrency,
		pending,
		inFlight: running,
		isHoldingDispatch: isHolding ?? false,
		heldMs: heldMs ?? 0,
	}));
}
