import type {BusEvent, Consumer, ConsumerHandle, Handler, Subscription} from '../types.js';

/** A consumer as the mock bus runs it: a subscription handler, plus its partial batch. */
export interface SyncConsumerAdapter {
	readonly handler: Handler;
	/** Handler calls at once: the batch size, so that a batch can fill while earlier events wait in it. */
	readonly concurrency: number;
	/** Events waiting in the partial batch. */
	readonly parked: number;
	/** Hands the partial batch to `consume` now. */
	flush(): void;
}

interface Waiting {
	readonly event: BusEvent;
	readonly resolve: () => void;
	readonly reject: (error: unknown) => void;
}

/**
 * Adapts an already validated consumer for the mock bus, with the real bus's batching (a batch goes to `consume`
 * when it is full or `batchTimeoutMs` after its first event; a throw fails every event of the call), except that
 * while `isEager()` is true (the mock is draining or closing) every event is handed over at once, so that
 * `drain()` never waits for a batch timer.
 */
export function adaptSyncConsumer(consumer: Consumer, isEager: () => boolean): SyncConsumerAdapter {
	const {batchSize} = consumer;
	if (batchSize === undefined) {
		return {handler: event => consumer.consume(event), concurrency: 1, parked: 0, flush() {}};
	}
	const batchTimeoutMs = consumer.batchTimeoutMs ?? 1000;
	let batch: Waiting[] = [];
	let timer: ReturnType<typeof setTimeout> | undefined;

	const flush = (): void => {
		clearTimeout(timer);
		timer = undefined;
		if (batch.length === 0) return;
		const items = batch;
		batch = [];
		// Through a promise, so that a synchronous throw fails the batch like a rejection does.
		Promise.resolve()
			.then(() => consumer.consume(items.map(item => item.event)))
			.then(
				() => {
					for (const item of items) item.resolve();
				},
				(error: unknown) => {
					for (const item of items) item.reject(error);
				},
			);
	};

	return {
		handler: (event: BusEvent): Promise<void> =>
			new Promise((resolve, reject) => {
				batch.push({event, resolve, reject});
				if (isEager() || batch.length >= batchSize) flush();
				else timer ??= setTimeout(flush, batchTimeoutMs);
			}),
		concurrency: batchSize,
		get parked() {
			return batch.length;
		},
		flush,
	};
}

/**
 * The handle `use()` returns: `close()` (idempotent) unsubscribes, hands the partial batch over, lets `release` wait
 * for the bus to deliver it, then calls the consumer's own `close()`.
 */
export function createConsumerHandle(consumer: Consumer, subscription: Subscription, adapter: SyncConsumerAdapter, release: () => Promise<void>): ConsumerHandle {
	let closing: Promise<void> | undefined;
	return {
		name: consumer.name,
		subscription,
		close: () => {
			closing ??= (async () => {
				subscription.unsubscribe();
				adapter.flush();
				await release();
				await consumer.close?.();
			})();
			return closing;
		},
	};
}
