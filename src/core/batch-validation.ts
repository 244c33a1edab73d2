import type {BatchItemError} from '../errors.js';
import {assertPlainObject} from '../internal/assert.js';
import type {BusEvent, PublishOptions} from '../types.js';
import type {EventFactory} from './event-factory.js';

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
