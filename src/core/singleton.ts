import type {EventMap, EventMapLike} from '../types.js';
import type {EventBusOptions} from './bus-options.js';
import {EventBus} from './event-bus.js';

let instance: EventBus<EventMap> | undefined;

/**
 * The process-wide bus, created on first call (importing topicbus creates nothing). `options` apply only to that
 * first call; later calls return the same bus and ignore them. Pass the event map to type it:
 * `getEventBus<Events>()` (the map is a compile-time view; the instance is shared).
 */
export function getEventBus<Events extends EventMapLike = EventMap>(options?: EventBusOptions): EventBus<Events> {
	instance ??= new EventBus(options);
	return instance as unknown as EventBus<Events>;
}

/**
 * Closes the process-wide bus (delivering what it had accepted, within `timeoutMs` if given) and forgets it, so
 * that the next `getEventBus()` creates a new one. Meant for tests. Resolves when the old bus is closed.
 */
export async function resetEventBus(options?: {readonly timeoutMs?: number}): Promise<void> {
	const current = instance;
	instance = undefined;
	await current?.close(options);
}
