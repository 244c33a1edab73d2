import {BusOptionsConflictError} from '../errors.js';
import type {EventMap, EventMapLike} from '../types.js';
import type {EventBusOptions} from './bus-options.js';
import {EventBus} from './event-bus.js';

let instance: EventBus<EventMap> | undefined;
/** The options the process-wide bus was created with. */
let instanceOptions: EventBusOptions = {};

/**
 * The process-wide bus, created on first call (importing topicbus creates nothing) with `options`. Later calls
 * return the same bus: without options, or with the same ones; with different options they throw
 * `BusOptionsConflictError` rather than ignore them. Pass the event map to type it: `getEventBus<Events>()` (the
 * map is a compile-time view; the instance is shared).
 */
export function getEventBus<Events extends EventMapLike = EventMap>(options?: EventBusOptions): EventBus<Events> {
	if (instance === undefined) {
		instance = new EventBus(options);
		instanceOptions = {...options};
	} else if (options !== undefined) {
		const differing = differingOption(instanceOptions, options);
		if (differing !== undefined) throw new BusOptionsConflictError(differing);
	}
	return instance as unknown as EventBus<Events>;
}

/** The first option that differs (objects such as `limits` compared one level deep), or `undefined`. */
function differingOption(first: EventBusOptions, later: EventBusOptions): string | undefined {
	const keys = new Set([...Object.keys(first), ...Object.keys(later)]) as Set<keyof EventBusOptions>;
	for (const key of keys) {
		const a: unknown = first[key];
		const b: unknown = later[key];
		if (a === b) continue;
		if (isPlainObject(a) && isPlainObject(b)) {
			const inner = new Set([...Object.keys(a), ...Object.keys(b)]);
			if ([...inner].every(name => a[name] === b[name])) continue;
		}
		return key;
	}
	return undefined;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype;
}

/**
 * Closes the process-wide bus (delivering what it had accepted, within `timeoutMs` if given) and forgets it, so
 * that the next `getEventBus()` creates a new one. Meant for tests. Resolves when the old bus is closed.
 */
export async function resetEventBus(options?: {readonly timeoutMs?: number}): Promise<void> {
	const current = instance;
	instance = undefined;
	instanceOptions = {};
	await current?.close(options);
}
