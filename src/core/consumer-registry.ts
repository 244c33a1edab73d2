import type {Consumer, ConsumerHandle, Handler, SubscribeOptions, Subscription} from '../types.js';
import {adaptConsumer, type ConsumerAdapter} from './consumer-adapter.js';

/** How the registry subscribes a consumer: the bus's own subscribe, over all of the consumer's patterns. */
type Subscribe = (patterns: readonly string[], handler: Handler, options: SubscribeOptions) => Subscription;

/**
 * The consumers registered with `use()`: each one's subscription and handle, and their part in the bus's shutdown.
 *
 * A consumer is one subscription over all of its topics, so it sees each event once. Its handle's `close()` is
 * idempotent: it unsubscribes, delivers the partial batch, waits for the bus to drain, then calls the consumer's own
 * `close()`. A stopping bus calls `flushEagerly()`, so that no batch waits for its timer; a closing bus calls
 * `closeAll()` after the drain.
 */
export class ConsumerRegistry {
	readonly #adapters = new Map<ConsumerHandle, ConsumerAdapter>();
	readonly #subscribe: Subscribe;
	readonly #drain: () => Promise<void>;
	/** Open `eager(true)` calls: consumers registered meanwhile start eager too. */
	#eagerness = 0;

	constructor(subscribe: Subscribe, drain: () => Promise<void>) {
		this.#subscribe = subscribe;
		this.#drain = drain;
	}

	/**
	 * Validates and subscribes `consumer`; returns its handle.
	 *
	 * @throws {InvalidTopicError} when a pattern is invalid.
	 * @throws {BusClosedError} once the bus is closed.
	 * @throws {TypeError} when the consumer is malformed.
	 */
	register(consumer: Consumer): ConsumerHandle {
		const adapter = adaptConsumer(consumer);
		const subscription = this.#subscribe(adapter.patterns, adapter.handler, {
			name: consumer.name,
			concurrency: adapter.concurrency,
			// A batched consumer's timeout covers its `consume` call, applied by the adapter: an event's own clock would
			// run while its batch is still filling.
			...pick(consumer, consumer.batchSize === undefined ? ['priority', 'filter', 'transform', 'retry', 'timeoutMs'] : ['priority', 'filter', 'transform', 'retry']),
		} as SubscribeOptions);
		let closing: Promise<void> | undefined;
		const handle: ConsumerHandle = {
			name: consumer.name,
			subscription,
			close: () => {
				closing ??= (async () => {
					this.#adapters.delete(handle);
					subscription.unsubscribe();
					adapter.flushEagerly();
					await this.#drain();
					await consumer.close?.();
				})();
				return closing;
			},
		};
		this.#adapters.set(handle, adapter);
		for (let count = 0; count < this.#eagerness; count++) adapter.eager(true);
		return handle;
	}

	/** Until the matching `eager(false)`, every consumer's partial batch is delivered at once, not after its timer. */
	eager(isOn: boolean): void {
		this.#eagerness += isOn ? 1 : -1;
		for (const adapter of this.#adapters.values()) adapter.eager(isOn);
	}

	/** Events waiting in consumers' partial batches. */
	get parked(): number {
		let parked = 0;
		for (const adapter of this.#adapters.values()) parked += adapter.parked;
		return parked;
	}

	/** From now on, every consumer's events are delivered at once, its partial batch first. */
	flushEagerly(): void {
		for (const adapter of this.#adapters.values()) adapter.flushEagerly();
	}

	/** Closes every consumer still registered; settles when all have, whether or not their `close()` failed. */
	closeAll(): Promise<PromiseSettledResult<void>[]> {
		return Promise.allSettled([...this.#adapters.keys()].map(async handle => handle.close()));
	}
}

function pick<T extends object, K extends keyof T>(object: T, keys: readonly K[]): Partial<Pick<T, K>> {
	const picked: Partial<Pick<T, K>> = {};
	for (const key of keys) if (object[key] !== undefined) picked[key] = object[key];
	return picked;
}
