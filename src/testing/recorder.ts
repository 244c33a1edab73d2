import {compileTopicMatcher, defaultTopicLimits, type TopicLimits} from '../routing/index.js';
import type {BusEvent, DeadLetter, SubscriptionInfo} from '../types.js';

/** One successful delivery, as recorded by a mock bus or a test harness. */
export interface DeliveryRecord<Event extends BusEvent = BusEvent> {
	/** The event as the handler received it (after the subscription's `transform`, if any). */
	readonly event: Event;
	readonly subscription: {readonly id: string; readonly name: string; readonly pattern: string};
	/** Attempts it took: 1 when the first one succeeded. */
	readonly attempts: number;
}

/**
 * What a mock bus and a test harness record, and what the vitest matchers read. Every list is a copy, oldest first.
 * A `pattern` follows the bus's topic grammar (`*`, `**`, globs, and the `$` rule: a pattern starting with a
 * wildcard does not match the bus's own `$bus.*` events); an invalid one throws `InvalidTopicError`.
 */
export interface BusRecording {
	/** Events published through `publish`/`publishSync`/`publishBatch`, in acceptance order (the bus's own `$bus.*` events are not: see `deadLettered()`). */
	published(pattern?: string): BusEvent[];
	/** Successful deliveries, in the order they completed. */
	delivered(pattern?: string): DeliveryRecord[];
	/** Deliveries that failed for good: dead letters with reason `handler-failed` or `filter-failed`. */
	failed(): DeadLetter[];
	/** Every dead letter: failures, and events dropped by an overflow policy or a shutdown. */
	deadLettered(): DeadLetter[];
	/** The bus's active subscriptions, as `bus.subscriptions()` lists them. */
	subscriptions(): SubscriptionInfo[];
}

/**
 * The store behind {@link BusRecording}: append-only lists the buses write to, and queries by pattern. Events are
 * recorded once each, however many times they are noted (a harness notes an event both when it is accepted and
 * when it is first dispatched, whichever comes first).
 */
export class Recorder {
	readonly #limits: TopicLimits;
	#seen = new WeakSet<BusEvent>();
	#published: BusEvent[] = [];
	#delivered: DeliveryRecord[] = [];
	#deadLetters: DeadLetter[] = [];
	readonly #listeners = new Set<(event: BusEvent) => void>();

	constructor(limits: TopicLimits = defaultTopicLimits) {
		this.#limits = limits;
	}

	/** The matcher of `pattern`, with this recorder's topic limits. @throws {InvalidTopicError} for a bad pattern. */
	matcher(pattern: string): (topic: string) => boolean {
		return compileTopicMatcher(pattern, this.#limits);
	}

	/** Records an event published through `publish`/`publishSync`/`publishBatch`; the bus's own `$`-events are left out. */
	notePublished(event: BusEvent): void {
		if (this.#seen.has(event) || event.topic.startsWith('$')) return;
		this.#seen.add(event);
		this.#published.push(event);
		for (const listener of this.#listeners) listener(event);
	}

	noteDelivered(record: DeliveryRecord): void {
		this.#delivered.push(record);
	}

	noteDeadLetter(letter: DeadLetter): void {
		this.#deadLetters.push(letter);
	}

	/** Calls `listener` with each event recorded from now on; returns a function that stops it. */
	onPublished(listener: (event: BusEvent) => void): () => void {
		this.#listeners.add(listener);
		return () => {
			this.#listeners.delete(listener);
		};
	}

	published(pattern?: string): BusEvent[] {
		if (pattern === undefined) return [...this.#published];
		const matches = compileTopicMatcher(pattern, this.#limits);
		return this.#published.filter(event => matches(event.topic));
	}

	delivered(pattern?: string): DeliveryRecord[] {
		if (pattern === undefined) return [...this.#delivered];
		const matches = compileTopicMatcher(pattern, this.#limits);
		return this.#delivered.filter(record => matches(record.event.topic));
	}

	failed(): DeadLetter[] {
		return this.#deadLetters.filter(letter => letter.reason === 'handler-failed' || letter.reason === 'filter-failed');
	}

	deadLettered(): DeadLetter[] {
		return [...this.#deadLetters];
	}

	/** Forgets everything recorded so far (listeners stay). */
	clear(): void {
		this.#seen = new WeakSet();
		this.#published = [];
		this.#delivered = [];
		this.#deadLetters = [];
	}
}
