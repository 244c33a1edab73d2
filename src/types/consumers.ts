/** Long-lived, named subscribers registered with `bus.use(consumer)`. */
import type {BusEvent} from './events.js';
import type {RetryOptions, Subscription} from './subscriptions.js';

/**
 * A long-lived subscriber with a name and settings, registered with `bus.use(consumer)`: the shape of the built-in
 * logging, metrics and dead-letter consumers. It gets each event once, however many of its `topics` match.
 */
export interface Consumer<Event extends BusEvent = BusEvent> {
	readonly name: string;
	/** Patterns, as for `subscribe`. */
	readonly topics: string | readonly string[];
	/** @default 0 */
	readonly priority?: number;
	readonly filter?: (event: Event) => boolean;
	readonly transform?: (event: Event) => Event;
	/** @default {attempts: 1} */
	readonly retry?: RetryOptions;
	/** @default no timeout */
	readonly timeoutMs?: number;
	/** Deliver events in arrays of up to this many. Without it, `consume` gets one event at a time. */
	readonly batchSize?: number;
	/** With `batchSize`: deliver a partial batch this long after its first event arrived. @default 1_000 */
	readonly batchTimeoutMs?: number;
	/**
	 * Handles one event, or (with `batchSize`) an array of events. A throw or rejection fails every event of the
	 * call; each is then retried per `retry`, or dead-lettered.
	 */
	consume(events: Event | readonly Event[]): unknown;
	/** Called once when the consumer is removed or the bus closes, after its last `consume`. */
	close?(): unknown;
}

/** What `bus.use(consumer)` returns. */
export interface ConsumerHandle {
	readonly name: string;
	readonly subscription: Subscription;
	/** Flushes a partial batch, removes the consumer and calls its `close()`. Idempotent. */
	close(): Promise<void>;
}
