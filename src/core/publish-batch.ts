import {BatchInterruptedError, BatchValidationError, QueueFullError, type BatchItemError} from '../errors.js';
import type {IngressQueue} from '../delivery/ingress-queue.js';
import {assertPlainObject, fail} from '../internal/assert.js';
import type {BusEvent, PublishOptions, QueueOverflowPolicy} from '../types.js';
import type {EventFactory} from './event-factory.js';

/** What `publishBatch` needs of its bus. */
export interface BatchPublisher {
	/** Throws `BusClosedError` when the bus no longer accepts events. */
	readonly assertAccepting: () => void;
	readonly events: Pick<EventFactory, 'create'>;
	readonly ingress: Pick<IngressQueue<BusEvent>, 'offer' | 'size'>;
	readonly overflow: QueueOverflowPolicy;
	readonly maxQueueSize: number;
	/** Counts and reports one refused item (a bound function). */
	readonly reject: (topic: unknown, payload: unknown, error: unknown) => void;
}

/**
 * Publishes `items` all or nothing (its contract is on `EventBus.publishBatch`): validates every item first, refuses the
 * batch if any is invalid or, under `reject`, if it does not fit; then queues the envelopes in order, waiting for
 * space under `wait`, and names the accepted ones if that wait is cut short.
 */
export async function publishBatch(items: readonly {readonly topic: string; readonly payload: unknown}[], bus: BatchPublisher): Promise<BusEvent[]> {
	if (!Array.isArray(items)) fail('items', 'an array', items);
	try {
		bus.assertAccepting();
	} catch (error) {
		rejectBatch(items, error, [], bus.reject);
		throw error;
	}
	const {events, errors} = validateBatch(items, bus.events);
	let failure: Error | undefined;
	if (errors.length > 0) failure = new BatchValidationError(errors);
	else if (bus.overflow === 'reject' && bus.maxQueueSize - bus.ingress.size < events.length) {
		failure = new QueueFullError(events[0]?.topic ?? '', bus.maxQueueSize);
	}
	if (failure !== undefined) {
		rejectBatch(items, failure, errors, bus.reject);
		throw failure;
	}
	for (let index = 0; index < events.length; index++) {
		const event = events[index]!;
		let interruption: unknown;
		const offered = bus.ingress.offer(event);
		if (offered === 'full') {
			interruption = new QueueFullError(event.topic, bus.maxQueueSize);
		} else if (typeof offered === 'object') {
			try {
				await offered;
			} catch (error) {
				interruption = error;
			}
		}
		if (interruption !== undefined) {
			// Accepted events may already be delivered: they cannot be taken back, so the error names them.
			for (const item of items.slice(index)) bus.reject(item.topic, item.payload, interruption);
			if (index === 0) throw interruption;
			throw new BatchInterruptedError(events.slice(0, index), events.length, interruption);
		}
	}
	return events;
}

/** The outcome of validating a batch: the envelopes of its valid items, in order, and the error of each invalid one. */
export interface ValidatedBatch {
	readonly events: BusEvent[];
	readonly errors: BatchItemError[];
}

/**
 * Creates an envelope for each item of a `publishBatch` call with the bus's event factory (its own validation). Every item is
 * tried, so that one `BatchValidationError` can list all the invalid ones; the caller queues nothing unless `errors`
 * is empty. Never throws: an item that is not an object is listed with a `TypeError`.
 */
export function validateBatch(items: readonly unknown[], factory: Pick<EventFactory, 'create'>): ValidatedBatch {
	const events: BusEvent[] = [];
	const errors: BatchItemError[] = [];
	for (const [index, item] of items.entries()) {
		try {
			assertPlainObject(`items[${index}]`, item);
			events.push(factory.create(item.topic as string, item.payload, item.options as PublishOptions | undefined));
		} catch (error) {
			errors.push({index, topic: topicOf(item), error: error as Error});
		}
	}
	return {events, errors};
}

/** Reports every item of a refused batch to `reject`, in order: with its own error from `errors` if it has one, else with `error`. */
export function rejectBatch(items: readonly unknown[], error: unknown, errors: readonly BatchItemError[], reject: (topic: unknown, payload: unknown, error: unknown) => void): void {
	for (const [index, item] of items.entries()) {
		const own = errors.find(itemError => itemError.index === index)?.error ?? error;
		reject(topicOf(item), (item as {payload?: unknown} | undefined)?.payload, own);
	}
}

// Items are whatever the caller passed: reading their topic must not throw on `null` or a primitive.
function topicOf(item: unknown): unknown {
	return (item as {topic?: unknown} | undefined)?.topic;
}
