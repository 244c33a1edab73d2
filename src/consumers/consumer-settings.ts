import {assertOptionalObject, assertString, fail} from '../internal/assert.js';
import type {BusEvent, Consumer} from '../types.js';

/**
 * The subscription settings every built-in consumer passes through to `bus.use()` unchanged (validated there):
 * `priority`, `filter`, `retry` and `timeoutMs`. Not `transform`: a built-in takes any event, and a transform typed
 * for all events could not be handed to a bus with a typed event map.
 */
export type ConsumerSettings<Event extends BusEvent = BusEvent> = Pick<Consumer<Event>, 'priority' | 'filter' | 'retry' | 'timeoutMs'>;

const settingKeys = ['priority', 'filter', 'retry', 'timeoutMs'] as const;

/** The settings of `options` that are set, to `Object.assign` onto a consumer (absent ones stay absent). */
export function pickConsumerSettings(options: ConsumerSettings | undefined): ConsumerSettings {
	const picked: Record<string, unknown> = {};
	if (options === undefined) return picked;
	for (const key of settingKeys) if (options[key] !== undefined) picked[key] = options[key];
	return picked;
}

/** Validates the options object itself and its `name`; returns the name or `fallback`. */
export function resolveConsumerName(options: {readonly name?: string} | undefined, fallback: string): string {
	assertOptionalObject('options', options);
	const name = options?.name ?? fallback;
	assertString('options.name', name);
	if (name === '') fail('options.name', 'a non-empty string', name);
	return name;
}

/** Normalizes a consumer's events argument (one event, or a batch) to an array. */
export function toEventArray<Event>(events: Event | readonly Event[]): readonly Event[] {
	return Array.isArray(events) ? (events as readonly Event[]) : [events as Event];
}
