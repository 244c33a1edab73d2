import type {Router} from '../routing/router.js';
import type {SyncSubscriber} from './sync-subscriber.js';

/**
 * The mock bus's subscriptions: each subscriber by id, in subscription order, routed by its patterns, until its
 * handle, its abort signal, `once` or the closing bus removes it.
 *
 * A subscriber is in the table exactly while the router routes to it: `add` registers every pattern or, when one is
 * invalid, none. Removal is idempotent and takes effect at once (the subscriber is inactive and unrouted, so an event
 * already routed to it skips it); what it had buffered or running is still delivered. The same contract as the real
 * bus's table, without its bookkeeping of removed subscribers' unfinished work and of abort listeners.
 */
export class SyncSubscriptionTable {
	readonly #router: Router<SyncSubscriber>;
	// A Map iterates in insertion order, which is subscription order.
	readonly #subscribers = new Map<string, SyncSubscriber>();

	constructor(router: Router<SyncSubscriber>) {
		this.#router = router;
	}

	/** Subscriptions in the table. */
	get size(): number {
		return this.#subscribers.size;
	}

	/** The subscriber with this id, while it is in the table. */
	get(id: string): SyncSubscriber | undefined {
		return this.#subscribers.get(id);
	}

	/** The subscribers in the table, in subscription order. */
	values(): IterableIterator<SyncSubscriber> {
		return this.#subscribers.values();
	}

	/**
	 * Routes `subscriber` by each of its patterns and removes it when `signal` aborts. With a signal that has already
	 * aborted, it is only marked inactive: never routed, never in the table.
	 *
	 * @throws {InvalidTopicError} when a pattern is invalid; the patterns already registered are removed again.
	 */
	add(subscriber: SyncSubscriber, signal: AbortSignal | undefined): void {
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
		signal?.addEventListener('abort', () => this.remove(subscriber), {once: true});
	}

	/** Removes `subscriber`; does nothing when it is not in the table. A bound function, so that handles can hold it. */
	readonly remove = (subscriber: SyncSubscriber): void => {
		subscriber.isActive = false;
		if (!this.#subscribers.delete(subscriber.settings.id)) return;
		for (const pattern of subscriber.settings.patterns) this.#router.remove(pattern, subscriber);
	};

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

	/** Dead-letters every event waiting in the buffer of a subscriber in the table (a close timed out); returns how many. */
	abandonPending(): number {
		let abandoned = 0;
		for (const subscriber of this.#subscribers.values()) abandoned += subscriber.abandonPending();
		return abandoned;
	}
}
