import {HandlerTimeoutError} from '../errors.js';
import {assertFunction, assertInteger, assertOptionalFunction, assertPlainObject, fail} from '../internal/assert.js';
import type {BusEvent, Consumer, Handler} from '../types.js';
import {maxTimerDelay, rejectAfter} from '../internal/timing.js';

interface Waiting {
	readonly event: BusEvent;
	readonly resolve: () => void;
	readonly reject: (error: unknown) => void;
}

/** A consumer turned into a subscription handler, with its batching state. */
export interface ConsumerAdapter {
	readonly patterns: readonly string[];
	readonly handler: Handler;
	/** Handler calls in flight at once: the batch size, so that a batch can fill while earlier events wait in it. */
	readonly concurrency: number;
	/** Delivers the partial batch now. */
	flush(): void;
	/** From now on every event is delivered at once (the bus is stopping: no batch may wait for its timer). */
	flushEagerly(): void;
	/** While more `eager(true)` than `eager(false)` calls were made, batches do not wait for their timer either. */
	eager(isOn: boolean): void;
	/** Events waiting in the partial batch. */
	readonly parked: number;
}

/** Validates `consumer` (`TypeError` on a bad field) and adapts it to a subscription handler. */
export function adaptConsumer(consumer: Consumer): ConsumerAdapter {
	assertPlainObject('consumer', consumer);
	if (typeof consumer.name !== 'string' || consumer.name === '') fail('consumer.name', 'a non-empty string', consumer.name);
	const patterns = typeof consumer.topics === 'string' ? [consumer.topics] : consumer.topics;
	if (!Array.isArray(patterns) || patterns.length === 0 || !patterns.every(pattern => typeof pattern === 'string')) {
		fail('consumer.topics', 'a pattern or a non-empty array of patterns', consumer.topics);
	}
	assertFunction('consumer.consume', consumer.consume);
	assertOptionalFunction('consumer.close', consumer.close);
	assertInteger('consumer.batchSize', consumer.batchSize, 1);
	assertInteger('consumer.batchTimeoutMs', consumer.batchTimeoutMs, 0);

	const {batchSize} = consumer;
	if (batchSize === undefined) {
		return {patterns, handler: event => consumer.consume(event), concurrency: 1, flush() {}, flushEagerly() {}, eager() {}, parked: 0};
	}
	const batchTimeoutMs = consumer.batchTimeoutMs ?? 1000;
	let batch: Waiting[] = [];
	let timer: ReturnType<typeof setTimeout> | undefined;
	let isEager = false;
	let eagerness = 0;

	const flush = (): void => {
		clearTimeout(timer);
		timer = undefined;
		if (batch.length === 0) return;
		const items = batch;
		batch = [];
		// Called through a promise so that a synchronous throw fails the batch like a rejection does.
		Promise.resolve()
			.then(() => withTimeout(consumer.consume(items.map(item => item.event)), consumer.timeoutMs, consumer.name))
			.then(
				() => {
					for (const item of items) item.resolve();
				},
				(error: unknown) => {
					for (const item of items) item.reject(error);
				},
			);
	};

	const handler = (event: BusEvent): Promise<void> =>
		new Promise((resolve, reject) => {
			batch.push({event, resolve, reject});
			if (batch.length >= batchSize) flush();
			else if (isEager || eagerness > 0) queueMicrotask(flush); // One batch for what a stopping bus still dispatches together.
			else timer ??= setTimeout(flush, Math.min(batchTimeoutMs, maxTimerDelay));
		});

	return {
		patterns,
		handler,
		concurrency: batchSize,
		flush,
		flushEagerly() {
			isEager = true;
			flush();
		},
		eager(isOn) {
			eagerness += isOn ? 1 : -1;
			if (isOn) flush();
		},
		get parked() {
			return batch.length;
		},
	};
}

/** `result`, or a rejection with `HandlerTimeoutError` once `timeoutMs` passes first. */
function withTimeout(result: unknown, timeoutMs: number | undefined, name: string): unknown {
	// Node fires a longer timer at once; a timeout that long means no timeout.
	if (timeoutMs === undefined || timeoutMs > maxTimerDelay || !(result instanceof Promise)) return result;
	return rejectAfter(result, timeoutMs, () => new HandlerTimeoutError(name, timeoutMs));
}
