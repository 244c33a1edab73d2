/**
 * What a subscriber passes and gets back: subscribe, retry and backoff options, the subscription handle, and the
 * options of `waitFor` and `stream`.
 */
import type {BusEvent} from './events.js';
import type {Bus} from './bus.js';

/**
 * When a subscription's own buffer (`maxPending`) is full. `wait` (the default, lossless): the dispatcher stops
 * handing out events until the subscription has room, so the ingress queue fills and `publish` waits: a slow
 * subscriber slows the whole bus once its buffer is full. `drop-oldest`/`drop-newest`: the subscription is isolated
 * from the others and drops events instead (counted and dead-lettered).
 */
export type SubscriberOverflowPolicy = 'wait' | 'drop-oldest' | 'drop-newest';

/** Exponential backoff with full jitter: attempt n waits a random time in [0, min(maxMs, initialMs * factor^(n-1))]. */
export interface BackoffOptions {
	/** @default 100 */
	readonly initialMs?: number;
	/** @default 30_000 */
	readonly maxMs?: number;
	/** @default 2 */
	readonly factor?: number;
	/** `full` draws the delay uniformly from [0, cap]; `none` waits the cap itself. @default 'full' */
	readonly jitter?: 'full' | 'none';
}

/** How often a failed delivery is tried. */
export interface RetryOptions {
	/** Total attempts, the first one included; 1 means no retry. @default 1 */
	readonly attempts?: number;
	readonly backoff?: BackoffOptions;
}

/** Options of {@link Bus.subscribe}. */
export interface SubscribeOptions<Event extends BusEvent = BusEvent> {
	/** Higher runs first among the subscriptions an event matches; ties in subscription order. @default 0 */
	readonly priority?: number;
	/** Only events for which it returns true are delivered. A throw dead-letters the event for this subscription. */
	readonly filter?: (event: Event) => boolean;
	/** Returns the envelope this subscription receives instead (frozen, seen by no other subscription). */
	readonly transform?: (event: Event) => Event;
	/** Unsubscribe after the first delivered event. @default false */
	readonly once?: boolean;
	/** Aborting it unsubscribes. */
	readonly signal?: AbortSignal;
	/** Shown in diagnostics, dead letters and metrics. @default the subscription id */
	readonly name?: string;
	/** Handler calls in flight at once. 1 keeps per-subscription order. @default 1 */
	readonly concurrency?: number;
	/** An attempt whose promise has not settled by then fails with `HandlerTimeoutError`. @default no timeout */
	readonly timeoutMs?: number;
	/** @default {attempts: 1} */
	readonly retry?: RetryOptions;
	/** Events waiting for this subscription (not yet started) at most. @default 10_000 */
	readonly maxPending?: number;
	/** What happens when the buffer is full: hold dispatch back (`wait`) or drop. @default 'wait' */
	readonly overflow?: SubscriberOverflowPolicy;
}

/**
 * What {@link Bus.subscribe} returns. Disposable: `using sub = bus.subscribe(...)` unsubscribes at scope exit.
 */
export interface Subscription {
	readonly id: string;
	readonly pattern: string;
	readonly name: string;
	/** False once unsubscribed (also after `once` fired or the signal aborted). */
	readonly isActive: boolean;
	readonly isEnabled: boolean;
	/**
	 * Removes the subscription; events already waiting in its buffer are still delivered. Idempotent. Works
	 * detached, like `enable` and `disable`: `const {unsubscribe} = bus.subscribe(...)`, `return sub.unsubscribe`
	 * from a React effect, `signal.addEventListener('abort', sub.unsubscribe)`. Each read returns a new function:
	 * keep the one you pass to `addEventListener` if you will remove it again.
	 */
	readonly unsubscribe: () => void;
	/** Resumes delivery of events dispatched from now on. */
	readonly enable: () => void;
	/** Events dispatched while disabled are skipped for this subscription (not buffered, not dead-lettered). */
	readonly disable: () => void;
	[Symbol.dispose](): void;
}

/** Plain data about one subscription, from {@link Bus.subscriptions}. */
export interface SubscriptionInfo {
	readonly id: string;
	readonly name: string;
	readonly pattern: string;
	readonly priority: number;
	readonly isEnabled: boolean;
	readonly concurrency: number;
	readonly pending: number;
	readonly inFlight: number;
	/** True while its full buffer (`overflow: 'wait'`) holds the bus's dispatch back. */
	readonly isHoldingDispatch?: boolean;
	/** Milliseconds it has held dispatch back since it was made, the current hold included. */
	readonly heldMs?: number;
	/** Successful handler calls since it was made. */
	readonly delivered?: number;
}

/** Options of {@link Bus.waitFor}. */
export interface WaitForOptions<Event extends BusEvent = BusEvent> {
	readonly filter?: (event: Event) => boolean;
	/** Rejects with `WaitTimeoutError` after this long. @default no timeout */
	readonly timeoutMs?: number;
	readonly signal?: AbortSignal;
}

/** Options of {@link Bus.stream}. */
export interface StreamOptions {
	/** Events buffered for a slow reader; beyond it the subscription's `overflow` policy applies. @default 1_000 */
	readonly bufferSize?: number;
	/** @default 'wait': a reader that stops reading holds the bus's dispatch back once the buffer is full. */
	readonly overflow?: SubscriberOverflowPolicy;
	readonly signal?: AbortSignal;
}
