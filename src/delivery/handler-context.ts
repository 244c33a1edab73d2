import {AsyncLocalStorage} from 'node:async_hooks';
import type {BusEvent} from '../types.js';

// One store for the process, created on first use: correlation follows a workflow even across two buses.
let storage: AsyncLocalStorage<BusEvent> | undefined;

/**
 * Knows which event is being handled, so that an event published from a handler inherits its correlation id and
 * gets it as causation id. The synchronous part of a handler is tracked by a plain variable; AsyncLocalStorage
 * (when enabled) carries the event across the handler's awaits.
 */
export class HandlerContext {
	readonly #storage: AsyncLocalStorage<BusEvent> | undefined;
	#current: BusEvent | undefined;

	constructor(isAsyncContextEnabled: boolean) {
		this.#storage = isAsyncContextEnabled ? (storage ??= new AsyncLocalStorage<BusEvent>()) : undefined;
	}

	/**
	 * Calls `handler(event)` with `event` as the current event; returns (or throws) what the handler does. Inside a
	 * `run` for the same event (the dispatcher sets it up once for all of an event's deliveries) it is a plain call.
	 */
	run(event: BusEvent, handler: (event: never) => unknown): unknown {
		// `#current` and the storage are set and restored together, so `event` is already the storage's value too.
		if (event === this.#current) return handler(event as never);
		const previous = this.#current;
		this.#current = event;
		try {
			return this.#storage === undefined ? handler(event as never) : this.#storage.run(event, handler, event as never);
		} finally {
			this.#current = previous;
		}
	}

	/** Calls `fn` outside any handler's context (the dispatcher must not inherit the context of whoever woke it). */
	detached(fn: () => void): void {
		if (this.#storage === undefined) fn();
		else this.#storage.exit(fn);
	}

	/** The event whose handler is running now, if any. */
	current(): BusEvent | undefined {
		return this.#current ?? this.#storage?.getStore();
	}
}

/**
 * Turns the process-wide AsyncLocalStorage off until the next handler runs, which removes the promise hooks Node
 * installs while one is on (they make every promise in the process slower, not only the bus's). For benchmarks
 * that measure other libraries in the same process; call it only while no handler is running or awaiting.
 */
export function releaseAsyncContext(): void {
	storage?.disable();
}
