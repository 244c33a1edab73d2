import {backoffRetryTimer, type RetryTimer} from '../delivery/subscriber-settings.js';

/**
 * How an `EventBus` runs its delivery: when the dispatcher runs and how retries wait. Internal: the test kit builds
 * its mock bus as an `EventBus` with another engine; the public options never expose it.
 */
export interface Engine {
	/** `microtask`: dispatch after `publish` returns; `inline`: in the publisher's call stack, never re-entrantly. */
	readonly scheduler: 'microtask' | 'inline';
	readonly retryTimer: RetryTimer;
	/** Events waiting in a `stream()` count as in flight but never keep `drain()` or a stop waiting for a reader. */
	readonly detachedStreams: boolean;
	/** Called once by the bus's constructor with the hooks the test kit drives it through. */
	readonly attach?: (hooks: EngineHooks) => void;
}

/** What a test bus may ask of the `EventBus` it is built on, beyond its public API. */
export interface EngineHooks {
	/** True when called from one of the bus's handlers. */
	isInHandler(): boolean;
	/** Resolves when the bus is idle but for events parked in consumers' partial batches. */
	whenSettled(): Promise<void>;
	/** `drain()`, with consumers' partial batches handed over at once (not after their timer) while it waits. */
	drainEagerly(): Promise<void>;
}

/** The engine of every bus made with `new EventBus()`. */
export const defaultEngine: Engine = {scheduler: 'microtask', retryTimer: backoffRetryTimer, detachedStreams: false};

/** Retries on the next microtask, without the backoff delay: deterministic tests that need no timers. */
export const immediateRetryTimer: RetryTimer = {
	set: callback => {
		const handle = {isCleared: false};
		queueMicrotask(() => {
			if (!handle.isCleared) callback();
		});
		return handle;
	},
	clear: handle => {
		(handle as {isCleared: boolean}).isCleared = true;
	},
};

let nextEngine: Engine | undefined;

/**
 * Calls `construct` (which must construct exactly one `EventBus`, synchronously) so that the bus runs on `engine`.
 * A construction hook rather than a constructor parameter keeps the engine off the public type.
 */
export function constructWithEngine<T>(engine: Engine, construct: () => T): T {
	nextEngine = engine;
	try {
		return construct();
	} finally {
		nextEngine = undefined;
	}
}

/** The engine for the bus being constructed now (the default unless {@link constructWithEngine} chose one). */
export function takeEngine(): Engine {
	const engine = nextEngine ?? defaultEngine;
	nextEngine = undefined;
	return engine;
}
