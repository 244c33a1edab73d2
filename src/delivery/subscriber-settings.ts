import type {SubscriberOverflowPolicy} from '../types.js';
import type {RetryPolicy} from './backoff.js';

/** Counters shared by every subscriber of one bus; plain fields, because they are bumped on the hot path. */
export interface DeliveryStats {
	delivered: number;
	failed: number;
	retried: number;
	dropped: number;
	deadLettered: number;
	/** Deliveries accepted by a subscriber (waiting in its buffer or running) and not yet finished. */
	inFlight: number;
}

/** Schedules retries: `setTimeout` on a real bus; a test bus may retry at once. */
export interface RetryTimer {
	set(callback: () => void, delayMs: number): RetryTimerHandle;
	clear(handle: RetryTimerHandle): void;
}

/** What {@link RetryTimer.set} returns, for {@link RetryTimer.clear}. */
export type RetryTimerHandle = object | number;

/** Retries after their backoff delay, with the global timers (so fake timers control them). */
export const backoffRetryTimer: RetryTimer = {
	set: (callback, delayMs) => setTimeout(callback, delayMs),
	clear: handle => {
		clearTimeout(handle as ReturnType<typeof setTimeout>);
	},
};

/** A subscription's validated settings. */
export interface SubscriberSettings {
	readonly id: string;
	readonly seq: number;
	/** The pattern as given, or a consumer's patterns joined with `, `. */
	readonly pattern: string;
	/** Every pattern it is routed by; an event matching several is still delivered once. */
	readonly patterns: readonly string[];
	readonly name: string;
	readonly handler: (event: never) => unknown;
	readonly priority: number;
	readonly filter: ((event: never) => boolean) | undefined;
	readonly transform: ((event: never) => unknown) | undefined;
	readonly isOnce: boolean;
	readonly concurrency: number;
	readonly timeoutMs: number | undefined;
	readonly retry: RetryPolicy;
	readonly maxPending: number;
	readonly overflow: SubscriberOverflowPolicy;
}
