import type {Routable, Router} from '../routing/router.js';
import type {SubscriptionInfo} from '../types.js';

/** What the table needs of a subscriber (the delivery layer's `Subscriber`), kept narrow for its tests. */
export interface TableSubscriber extends Routable {
	isActive: boolean;
	readonly settings: {readonly id: string; readonly pattern: string; readonly patterns: readonly string[]};
	/** Deliveries waiting in its buffer. */
	readonly pending: number;
	/** Handler calls running (or waiting for a retry). */
	readonly running: number;
	/** Dead-letters what is still waiting; returns how many. */
	abandonPending(): number;
}

/**
 * The bus's subscriptions: each subscriber by id, in subscription order, routed by its patterns, until it is removed
 * (by its handle or `unsubscribe`, its abort signal, `once`, or the closing bus).
 *
 * A subscriber is in the table exactly while the router routes to it: `add` registers every pattern or, when one is
 * invalid, none. Removal is idempotent and takes effect at once (the subscriber is inactive, unrouted, and its abort
 * listener is gone), but what it had buffered or running is still delivered; until that work is done the table
 * keeps it as retired, so that a stop that times out can abandon that work too.
 *
 * Shared by `EventBus` and the mock bus of `topicbus/testing`, so that both keep subscriptions the same way.
 */
export class SubscriptionTable<S extends TableSubscriber> {
	readonly #router: Router<S>;
	// A Map iterates in insertion order, which is subscription order.
	readonly #subscribers = new Map<string, S>();
	readonly #signalCleanups = new Map<S, () => void>();
	/** Removed subscribers that still had events buffered or running when they were removed. */
	readonly #retired = new Set<S>();

	constructor(router: Router<S>) {
		this.#router = router;
	}

	/** Subscriptions in the table (retired ones are not). */
	get size(): number {
		return this.#subscribers.size;
	}

	/** The subscriber with this id, while it is in the table. */
	get(id: string): S | undefined {
		return this.#subscribers.get(id);
	}

	/** The subscribers in the table, in subscription order. */
	values(): IterableIterator<S> {
		return this.#subscribers.values();
	}

	/**
	 * Routes `subscriber` by each of its patterns and removes it when `signal` aborts. With a signal that has already
	 * aborted, it is only marked inactive: never routed, never in the table.
	 *
	 * @throws {InvalidTopicError} when a pattern is invalid; the patterns already registered are removed again.
	 */
	add(subscriber: S, signal: AbortSignal | undefined): void {
		if (signal?.aborted === true) {
			subscriber.isActive = false;
			return;
		}
		const added: string[] = [];
		try {
			for (const pattern of subscriber.settings.patterns) {
				this.#router.add(pattern, subscriber);
				added.push(pattern);
			}
		} catch (error) {
			for (const pattern of added) this.#router.remove(pattern, subscriber);
			throw error;
		}
		this.#subscribers.set(subscriber.settings.id, subscriber);
		if (signal !== undefined) {
			const onAbort = (): void => this.remove(subscriber);
			signal.addEventListener('abort', onAbort, {once: true});
			this.#signalCleanups.set(subscriber, () => signal.removeEventListener('abort', onAbort));
		}
	}

	/** Removes `subscriber`; does nothing when it is not in the table. A bound function, so that handles can hold it. */
	readonly remove = (subscriber: S): void => {
		subscriber.isActive = false;
		if (!this.#subscribers.delete(subscriber.settings.id)) return;
		this.#signalCleanups.get(subscriber)?.();
		this.#signalCleanups.delete(subscriber);
		// Its buffer is still delivered; a stop that times out must be able to abandon it too.
		for (const retired of this.#retired) if (retired.pending === 0 && retired.running === 0) this.#retired.delete(retired);
		if (subscriber.pending > 0 || subscriber.running > 0) this.#retired.add(subscriber);
		for (const pattern of subscriber.settings.patterns) this.#router.remove(pattern, subscriber);
	};

	/** Removes the subscriber with this id; false when there is none in the table. */
	removeById(id: string): boolean {
		const subscriber = this.#subscribers.get(id);
		if (subscriber === undefined) return false;
		this.remove(subscriber);
		return true;
	}

	/** Removes every subscriber made with exactly this pattern (a consumer's is its patterns joined); returns how many. */
	removePattern(pattern: string): number {
		let count = 0;
		for (const subscriber of [...this.#subscribers.values()]) {
			if (subscriber.settings.pattern === pattern) {
				this.remove(subscriber);
				count++;
			}
		}
		return count;
	}

	/** Removes every subscriber, in subscription order. */
	removeAll(): void {
		for (const subscriber of [...this.#subscribers.values()]) this.remove(subscriber);
	}

	/**
	 * Dead-letters every delivery still waiting in a buffer or for a retry, of live and retired subscribers alike
	 * (a stop timed out); returns how many. Handler calls already running are not interrupted.
	 */
	abandonPending(): number {
		let abandoned = 0;
		for (const subscriber of [...this.#subscribers.values(), ...this.#retired]) abandoned += subscriber.abandonPending();
		return abandoned;
	}
}

/** What `subscriptions()` reports of a subscriber. */
export interface DescribableSubscriber {
	readonly settings: {readonly id: string; readonly name: string; readonly pattern: string; readonly priority: number; readonly concurrency: number};
	readonly isEnabled: boolean;
	readonly pending: number;
	readonly running: number;
	readonly delivered: number;
	readonly isHolding: boolean;
	readonly heldMs: number;
}

/** Plain data about each subscriber, in the order given. */
export function describeSubscriptions(subscribers: Iterable<DescribableSubscriber>): SubscriptionInfo[] {
	return [...subscribers].map(({settings, isEnabled, pending, running, delivered, isHolding, heldMs}) => ({
		id: settings.id,
		name: settings.name,
		pattern: settings.pattern,
		priority: settings.priority,
		isEnabled,
		concurrency: settings.concurrency,
		pending,
		inFlight: running,
		isHoldingDispatch: isHolding,
		heldMs,
		delivered,
	}));
}
