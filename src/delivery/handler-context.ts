import {AsyncLocalStorage} from 'node:async_hooks';
import type {BusEvent} from '../types.js';

/** The `asyncContext` option: `true` (always), `false` (never) or `'auto'` (see {@link HandlerContext}). */
export type AsyncContextSetting = boolean | 'auto';

/**
 * How a context carries the event across awaits: `always` runs every handler inside AsyncLocalStorage, `never`
 * tracks only synchronous sections, and `auto` runs inside it only the handlers that may go asynchronous (see
 * {@link HandlerContext.run}) and, where the storage is hook-based (Node 20, 22), keeps it enabled only while such a
 * handler is running or its promise is pending, anywhere in the process.
 */
export type AsyncContextMode = 'always' | 'never' | 'auto';

/** What the storage carries: the event being handled, and the context (one per bus) whose handler handles it. */
interface Handling {
	readonly context: HandlerContext;
	readonly event: BusEvent;
}

// One store for the process, created on first use: correlation follows a workflow even across two buses.
let storage: AsyncLocalStorage<Handling> | undefined;
// Handler calls running, or whose promise is pending, under `while-handling`, across every bus of the process: the
// storage may be disabled only when there are none, because disabling it loses the event of those in flight.
let handlersInFlight = 0;
let isDisableScheduled = false;
// A context in `always` mode shares the storage and does not count its handlers: once one has run a handler, the
// storage stays enabled (until `releaseAsyncContext`).
let isAlwaysOn = false;

/**
 * Whether AsyncLocalStorage is built on AsyncContextFrame (Node 24 by default), where it installs no promise hook
 * and costs the rest of the process nothing. The hook-based implementation (Node 20 and 22, or Node 24 with
 * `--no-async-context-frame`) propagates the store through `_propagate`; the frame-based one has no such method.
 */
export function hasAsyncContextFrame(): boolean {
	return typeof (AsyncLocalStorage.prototype as {_propagate?: unknown})._propagate !== 'function';
}

/** The mode an `asyncContext` setting means. */
export function resolveAsyncContextMode(setting: AsyncContextSetting): AsyncContextMode {
	if (setting === true) return 'always';
	if (setting === false) return 'never';
	return 'auto';
}

/** Hook-based storage (Node 20, 22) slows every promise of the process while enabled: `auto` turns it off when idle. */
const isHookBased = !hasAsyncContextFrame();

function disableIfIdle(): void {
	isDisableScheduled = false;
	// The hook-based storage slows every promise of the process while it is enabled; no handler needs it now.
	if (handlersInFlight === 0 && !isAlwaysOn) storage?.disable();
}

function releaseHandler(): void {
	// Turning the hook off and on again costs about a microsecond on Node 20: wait for the end of the synchronous
	// burst (a dispatch batch runs many handlers back to back) before deciding.
	if (--handlersInFlight === 0 && !isDisableScheduled && isHookBased) {
		isDisableScheduled = true;
		queueMicrotask(disableIfIdle);
	}
}

/**
 * Knows which event is being handled, so that an event published from a handler inherits its correlation id and
 * gets it as causation id. The synchronous part of a handler is tracked by a plain variable; AsyncLocalStorage
 * carries the event across the handler's awaits, always (`always`), for handlers that may go asynchronous (`auto`),
 * or never (`never`).
 */
export class HandlerContext {
	readonly #mode: AsyncContextMode;
	readonly #storage: AsyncLocalStorage<Handling> | undefined;
	#current: BusEvent | undefined;

	constructor(mode: AsyncContextMode) {
		this.#mode = mode;
		this.#storage = mode === 'never' ? undefined : (storage ??= new AsyncLocalStorage<Handling>());
	}

	/**
	 * Calls `handler(event, argument)` with `event` as the current event; returns (or throws) what the handler does.
	 * Inside a `run` for the same event (the dispatcher sets it up once for all of an event's deliveries) it is a
	 * plain call. Under `auto`, `mayGoAsync` false (a handler known to return no promise) tracks the synchronous part
	 * only: setting up AsyncLocalStorage costs more than the rest of a delivery (about 150 ns on Node 24, and on
	 * Node 20 it turns on a hook that slows every promise of the process).
	 */
	run<Argument>(event: BusEvent, handler: (event: never, argument: Argument) => unknown, mayGoAsync = true, argument?: Argument): unknown {
		return this.#runCounted(event, handler, mayGoAsync, argument, false);
	}

	/**
	 * As {@link run}, for the dispatcher, which runs {@link detached}: no other event's context can be around it, so a
	 * run without the storage need not step out of one.
	 */
	runDetached<Argument>(event: BusEvent, handler: (event: never, argument: Argument) => unknown, mayGoAsync: boolean, argument: Argument): unknown {
		return this.#runCounted(event, handler, mayGoAsync, argument, true);
	}

	#runCounted<Argument>(event: BusEvent, handler: (event: never, argument: Argument) => unknown, mayGoAsync: boolean, argument: Argument | undefined, isDetached: boolean): unknown {
		if (this.#mode !== 'auto') return this.#run(event, handler, this.#mode === 'always', argument, isDetached);
		if (!mayGoAsync) return this.#run(event, handler, false, argument, isDetached);
		// Counted in flight from the call until its promise (a native one; other thenables are not followed) settles.
		handlersInFlight++;
		let result: unknown;
		try {
			result = this.#run(event, handler, true, argument, isDetached);
		} catch (error) {
			releaseHandler();
			throw error;
		}
		if (!(result instanceof Promise)) {
			releaseHandler();
			return result;
		}
		try {
			result.then(releaseHandler, releaseHandler);
		} catch (error) {
			// A Promise subclass whose `then` throws: no longer in flight, and the caller sees the throw.
			releaseHandler();
			throw error;
		}
		return result;
	}

	/**
	 * A dispatcher of this context's bus started a run. Under `auto` the storage stays enabled until the
	 * matching {@link dispatcherEnded}, as if a handler were in flight: a producer that awaits each publish would
	 * otherwise turn it off and on again for every event, which costs more than the promise hook it saves.
	 */
	dispatcherStarted(): void {
		if (this.#mode === 'auto') handlersInFlight++;
	}

	/** The run announced by {@link dispatcherStarted} ended. */
	dispatcherEnded(): void {
		if (this.#mode === 'auto') releaseHandler();
	}

	/** Calls `fn` outside any handler's context (the dispatcher must not inherit the context of whoever woke it). */
	detached(fn: () => void): void {
		if (this.#storage === undefined) fn();
		else this.#storage.exit(fn);
	}

	/** The event whose handler is running now, if any, on this bus or (across awaits) on another one: what correlation inherits. */
	current(): BusEvent | undefined {
		return this.#current ?? this.#stored()?.event;
	}

	/** Whether a handler of this context's own bus is running now (another bus's handler does not count). */
	isHandling(): boolean {
		return this.#current !== undefined || this.#stored()?.context === this;
	}

	#stored(): Handling | undefined {
		// With no handler in flight and no context in `always` mode, only work that a settled handler left running can
		// see a store, and the correlation rules leave that work unspecified: skip the lookup (on Node 20 it walks to
		// the current async resource), which every publish from outside a handler would pay.
		if (this.#mode === 'auto' && handlersInFlight === 0 && !isAlwaysOn) return undefined;
		return this.#storage?.getStore();
	}

	#run<Argument>(event: BusEvent, handler: (event: never, argument: Argument) => unknown, withStorage: boolean, argument: Argument | undefined, isDetached: boolean): unknown {
		// `#current` and the storage are set and restored together, so `event` is already the storage's value too.
		if (event === this.#current) return handler(event as never, argument as Argument);
		const previous = this.#current;
		this.#current = event;
		try {
			if (!withStorage) {
				// Without the storage, but not inside another event's: work the handler leaves running would carry that
				// event's context (a retry or a buffered delivery started from another handler's callback, say).
				// (Where the storage is hook-based, a store can be around only while a handler is in flight.)
				if (!isDetached && (!isHookBased || handlersInFlight > 0 || isAlwaysOn) && this.#storage?.getStore() !== undefined) {
					return this.#storage.exit(handler, event as never, argument as Argument);
				}
				return handler(event as never, argument as Argument);
			}
			if (this.#mode === 'always') isAlwaysOn = true;
			return this.#storage!.run({context: this, event}, handler, event as never, argument as Argument);
		} finally {
			this.#current = previous;
		}
	}
}

/**
 * Turns the process-wide AsyncLocalStorage off until the next handler runs, which removes the promise hooks Node
 * installs while one is on (they make every promise in the process slower, not only the bus's). For benchmarks
 * that measure other libraries in the same process; call it only while no handler is running or awaiting.
 */
export function releaseAsyncContext(): void {
	isAlwaysOn = false;
	storage?.disable();
}
