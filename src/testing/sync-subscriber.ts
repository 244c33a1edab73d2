import {EventDroppedError, FilterError, HandlerTimeoutError} from '../errors.js';
import type {DeliveryTracker} from '../delivery/delivery-tracker.js';
import type {HandlerContext} from '../delivery/handler-context.js';
import type {SubscriberSettings} from '../delivery/subscriber.js';
import {performance} from 'node:perf_hooks';
import type {BusEvent, DeadLetter, DeliveredNotice, RetryNotice} from '../types.js';
import type {FailureRules} from './failure-rules.js';
import type {Recorder} from './recorder.js';
import {isThenable} from './thenable.js';

/** The mock bus's counters, with the meaning of `BusMetrics`. */
export interface SyncStats {
	delivered: number;
	failed: number;
	retried: number;
	dropped: number;
	deadLettered: number;
	inFlight: number;
}

/** What a {@link SyncSubscriber} needs from the mock bus. */
export interface SyncSubscriberHost {
	readonly stats: SyncStats;
	readonly context: HandlerContext;
	readonly recorder: Recorder;
	readonly failures: FailureRules;
	freeze(event: BusEvent): BusEvent;
	deadLetter(letter: DeadLetter): void;
	retrying(notice: RetryNotice): void;
	/** True when someone listens for per-delivery timings (the `delivered` diagnostic). */
	isTimingDeliveries(): boolean;
	delivered(notice: DeliveredNotice): void;
	/** A delivery settled after a promise: the bus checks whether it is idle now. */
	settled(): void;
	/** `once` fired: remove the subscription from routing. */
	expire(subscriber: SyncSubscriber): void;
}

interface Pending {
	readonly event: BusEvent;
	readonly tracker: DeliveryTracker;
}

/**
 * The mock bus's delivery side of one subscription, with the real subscriber's rules (skip when disabled or
 * removed, filter then transform, `FilterError` dead letters, `once`, `concurrency`, `maxPending` and its overflow
 * policy, `timeoutMs`, retries then a `handler-failed` dead letter) but no timers: a handler that returns without
 * a promise is handled inside `deliver()`, and a retry is attempted at once, without backoff. Before each attempt
 * the failure rules may fail it instead of calling the handler.
 */
export class SyncSubscriber {
	readonly settings: SubscriberSettings;
	readonly priority: number;
	readonly seq: number;
	isActive = true;
	isEnabled = true;
	readonly #host: SyncSubscriberHost;
	readonly #pending: Pending[] = [];
	#running = 0;
	#isPumping = false;

	constructor(settings: SubscriberSettings, host: SyncSubscriberHost) {
		this.settings = settings;
		this.priority = settings.priority;
		this.seq = settings.seq;
		this.#host = host;
	}

	get pending(): number {
		return this.#pending.length;
	}

	get running(): number {
		return this.#running;
	}

	deliver(event: BusEvent, tracker: DeliveryTracker): void {
		if (!this.isActive || !this.isEnabled) {
			tracker.skipped();
			return;
		}
		const prepared = this.#prepare(event, tracker);
		if (prepared === undefined) return;
		if (this.settings.isOnce) {
			this.isActive = false;
			this.#host.expire(this);
		}
		this.#host.stats.inFlight++;
		if (this.#running < this.settings.concurrency && this.#pending.length === 0) {
			this.#running++;
			this.#attempt(prepared, tracker, 1);
			return;
		}
		// The mock has no queue to hold back: under `wait` (lossless) the buffer takes every event.
		if (this.#pending.length >= this.settings.maxPending && this.settings.overflow !== 'wait') {
			const dropNewest = this.settings.overflow === 'drop-newest' || this.#pending.length === 0;
			const dropped = dropNewest ? {event: prepared, tracker} : this.#pending.shift()!;
			if (!dropNewest) this.#pending.push({event: prepared, tracker});
			this.#drop(dropped, 'subscriber-overflow', `the buffer of subscription ${this.settings.name} is full (maxPending ${this.settings.maxPending})`);
			return;
		}
		this.#pending.push({event: prepared, tracker});
	}

	/** Dead-letters every event still waiting in the buffer (close timed out); returns how many. */
	abandonPending(): number {
		const abandoned = this.#pending.splice(0);
		for (const pending of abandoned) this.#drop(pending, 'shutdown', 'the bus stopped before it was handled');
		return abandoned.length;
	}

	#prepare(event: BusEvent, tracker: DeliveryTracker): BusEvent | undefined {
		const {filter, transform} = this.settings;
		let stage: 'filter' | 'transform' = 'filter';
		try {
			if (filter !== undefined && !filter(event as never)) {
				tracker.skipped();
				return undefined;
			}
			stage = 'transform';
			return transform === undefined ? event : this.#host.freeze(transform(event as never) as BusEvent);
		} catch (error) {
			const failure = new FilterError(this.settings.id, stage, error);
			this.#host.stats.failed++;
			this.#deadLetter(event, failure, 'filter-failed', 0);
			tracker.failed({subscriptionId: this.settings.id, subscriptionName: this.settings.name, error: failure, attempts: 0});
			return undefined;
		}
	}

	#attempt(event: BusEvent, tracker: DeliveryTracker, attempt: number): void {
		const startedAt = this.#host.isTimingDeliveries() ? performance.now() : -1;
		let promise: Promise<unknown> | undefined;
		try {
			const injected = this.#host.failures.check(event, this.settings.name);
			if (injected !== undefined) throw injected.error;
			const result = this.#host.context.run(event, this.settings.handler);
			// Inside the try: reading `then` or the prototype of a hostile return value (a revoked Proxy) throws.
			if (isThenable(result)) promise = result instanceof Promise ? result : Promise.resolve(result);
		} catch (error) {
			this.#failed(event, tracker, attempt, error);
			return;
		}
		if (promise === undefined) {
			this.#succeeded(event, tracker, attempt, startedAt);
			return;
		}
		const {timeoutMs} = this.settings;
		(timeoutMs === undefined ? promise : withTimeout(promise, timeoutMs, this.settings.id)).then(
			() => {
				this.#succeeded(event, tracker, attempt, startedAt);
				this.#host.settled();
			},
			(error: unknown) => {
				this.#failed(event, tracker, attempt, error);
				this.#host.settled();
			},
		);
	}

	#succeeded(event: BusEvent, tracker: DeliveryTracker, attempts: number, startedAt: number): void {
		const {stats, recorder} = this.#host;
		this.#running--;
		stats.delivered++;
		stats.inFlight--;
		const {id, name, pattern} = this.settings;
		recorder.noteDelivered({event, subscription: {id, name, pattern}, attempts});
		if (startedAt >= 0) this.#host.delivered({subscriptionId: id, subscriptionName: name, durationMs: performance.now() - startedAt, event, attempt: attempts});
		tracker.succeeded();
		this.#pump();
	}

	#failed(event: BusEvent, tracker: DeliveryTracker, attempt: number, error: unknown): void {
		const {stats} = this.#host;
		stats.failed++;
		if (attempt < this.settings.retry.attempts) {
			stats.retried++;
			this.#host.retrying({event, error, subscriptionId: this.settings.id, attempt, delayMs: 0});
			this.#attempt(event, tracker, attempt + 1);
			return;
		}
		this.#running--;
		stats.inFlight--;
		this.#deadLetter(event, error, 'handler-failed', attempt);
		tracker.failed({subscriptionId: this.settings.id, subscriptionName: this.settings.name, error, attempts: attempt});
		this.#pump();
	}

	/** A loop guarded against re-entry, so that a long buffer of synchronous handlers cannot overflow the stack. */
	#pump(): void {
		if (this.#isPumping) return;
		this.#isPumping = true;
		try {
			while (this.#running < this.settings.concurrency && this.#pending.length > 0) {
				const {event, tracker} = this.#pending.shift()!;
				this.#running++;
				this.#attempt(event, tracker, 1);
			}
		} finally {
			this.#isPumping = false;
		}
	}

	#drop(pending: Pending, reason: 'subscriber-overflow' | 'shutdown', detail: string): void {
		const {stats} = this.#host;
		stats.inFlight--;
		stats.dropped++;
		this.#deadLetter(pending.event, new EventDroppedError(pending.event.id, reason, detail), reason, 0);
		pending.tracker.dropped();
	}

	#deadLetter(event: BusEvent, error: unknown, reason: DeadLetter['reason'], attempts: number): void {
		this.#host.stats.deadLettered++;
		const {id, name, pattern} = this.settings;
		this.#host.deadLetter({event, error, reason, subscription: {id, name, pattern}, attempts, failedAt: Date.now()});
	}
}

function withTimeout(promise: Promise<unknown>, timeoutMs: number, subscriptionId: string): Promise<unknown> {
	return new Promise((resolve, reject) => {
		const timer = setTimeout(() => reject(new HandlerTimeoutError(subscriptionId, timeoutMs)), timeoutMs);
		promise.then(
			value => {
				clearTimeout(timer);
				resolve(value);
			},
			(error: unknown) => {
				clearTimeout(timer);
				reject(error);
			},
		);
	});
}
