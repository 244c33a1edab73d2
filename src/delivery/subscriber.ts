import {performance} from 'node:perf_hooks';
import {EventDroppedError, FilterError, HandlerTimeoutError} from '../errors.js';
import type {BusEvent, DeadLetter, DeliveredNotice, RetryNotice} from '../types.js';
import {backoffDelay} from './backoff.js';
import type {DeliveryTracker} from './delivery-tracker.js';
import {Deque} from './deque.js';
import type {HandlerContext} from './handler-context.js';
import type {DeliveryStats, RetryTimer, RetryTimerHandle, SubscriberSettings} from './subscriber-settings.js';
import {isThenable, maxTimerDelay, rejectAfter} from '../internal/timing.js';

/** What a subscriber needs from its bus, kept narrow so that delivery never depends on the bus class. */
export interface SubscriberHost {
	readonly stats: DeliveryStats;
	readonly context: HandlerContext;
	/** Freezes an envelope a `transform` returned. */
	freeze(event: BusEvent): BusEvent;
	deadLetter(letter: DeadLetter): void;
	retrying(notice: RetryNotice): void;
	/** A delivery finished outside the dispatch loop: the bus checks whether it is now idle. */
	settled(): void;
	/** True when someone listens for per-delivery timings; checked per attempt so that timing costs nothing otherwise. */
	isTimingDeliveries(): boolean;
	/** While timing: handler calls per subscription for each one timed and reported to {@link delivered}. */
	readonly deliveredSampleInterval: number;
	delivered(notice: DeliveredNotice): void;
	/** The subscription ended by itself (`once` fired, its signal aborted): remove it from routing. */
	expire(subscriber: Subscriber): void;
	random(): number;
	/** A `wait` subscriber's buffer is full: the dispatcher must stop handing out events until {@link release}. */
	hold(subscriber: Subscriber): void;
	/** A subscriber that held dispatch back has room again. */
	release(subscriber: Subscriber): void;
	/** The time in milliseconds, for how long a subscriber has held dispatch back. */
	now(): number;
	/** Runs a retry after its backoff delay. */
	readonly retryTimer: RetryTimer;
}

const active = 1;
const enabled = 2;
/** Inside `#pump`: a handler that settles synchronously must not start a second pump loop. */
const pumping = 4;
/** Its full buffer holds the bus's dispatch back. */
const holding = 8;
/** Inside the synchronous part of a handler call. */
const calling = 16;
/** Its handler has returned a promise (or thenable): under `asyncContext: 'auto'` it runs inside AsyncLocalStorage. */
const returnedPromise = 32;
/** Its handler has returned something that is not a promise; without `returnedPromise`, it is taken as synchronous. */
const returnedValue = 64;

interface HoldTimes {
	/** When the current hold began (host time). */
	since: number;
	/** Milliseconds of the holds that ended. */
	totalMs: number;
}

interface PendingDelivery {
	readonly event: BusEvent;
	readonly tracker: DeliveryTracker | undefined;
}

interface RetryingDelivery extends PendingDelivery {
	/** Attempts made so far. */
	readonly attempts: number;
}

/**
 * The delivery side of one subscription: a bounded buffer of pending events, at most `concurrency` handler calls
 * at once, timeouts, retries with backoff, and dead letters. With concurrency 1 events are handled strictly in the
 * order they were dispatched, retries included (a retried event holds back the ones behind it).
 */
export class Subscriber {
	readonly settings: SubscriberSettings;
	readonly priority: number;
	readonly seq: number;
	/** `active`, `enabled`, `pumping` and `holding` as bits of one field: a bus may hold many thousands of subscribers. */
	#flags = active | enabled;
	readonly #host: SubscriberHost;
	// The settings read on every delivery, copied here so that a delivery touches one object less (with many
	// subscribers per event, those memory loads are most of what a delivery costs).
	readonly #stats: DeliveryStats;
	readonly #handler: (event: never) => unknown;
	readonly #concurrency: number;
	/** A filter, a transform or `once`: the delivery takes the slower path. */
	readonly #isPrepared: boolean;
	/** Created on first use: most subscribers never buffer. */
	#pending: Deque<PendingDelivery> | undefined;
	/** Deliveries waiting for their retry timer, so that a shutdown can abandon them instead of running them later. */
	// Created on the first retry: most subscriptions never retry, and an empty Map costs about 100 bytes each.
	#retrying: Map<RetryTimerHandle, RetryingDelivery> | undefined;
	#running = 0;
	/** Set on its first hold: most subscriptions never hold dispatch back, and one field costs less than two. */
	#hold: HoldTimes | undefined;
	/** The event its async handler (concurrency 1) is handling: to refuse a handler awaiting its own delivery. */
	#handling: BusEvent | undefined;
	#delivered = 0;
	/** While the host times deliveries: handler calls still to make before the next timed one. */
	#untilTimed = 0;

	constructor(settings: SubscriberSettings, host: SubscriberHost) {
		this.settings = settings;
		this.priority = settings.priority;
		this.seq = settings.seq;
		this.#host = host;
		this.#stats = host.stats;
		this.#handler = settings.handler;
		this.#concurrency = settings.concurrency;
		this.#isPrepared = settings.filter !== undefined || settings.transform !== undefined || settings.isOnce;
	}

	/** False once removed (unsubscribed, `once` fired, signal aborted, bus closed): it gets no more events. */
	get isActive(): boolean {
		return (this.#flags & active) !== 0;
	}

	set isActive(value: boolean) {
		this.#flags = value ? this.#flags | active : this.#flags & ~active;
		// A removed subscriber gets no new events, so its buffer cannot overflow: it has no reason to hold dispatch.
		if (!value && (this.#flags & holding) !== 0) this.#releaseIfRoom();
	}

	/** False while disabled: dispatched events are skipped for it. */
	get isEnabled(): boolean {
		return (this.#flags & enabled) !== 0;
	}

	set isEnabled(value: boolean) {
		this.#flags = value ? this.#flags | enabled : this.#flags & ~enabled;
	}

	get pending(): number {
		return this.#pending === undefined ? 0 : this.#pending.length;
	}

	get running(): number {
		return this.#running;
	}

	/** Successful handler calls so far. */
	get delivered(): number {
		return this.#delivered;
	}

	/** True while its full buffer (`wait` policy) holds the bus's dispatch back. */
	get isHolding(): boolean {
		return (this.#flags & holding) !== 0;
	}

	/** Milliseconds this subscriber has held dispatch back, in total, the current hold included. */
	get heldMs(): number {
		const hold = this.#hold;
		if (hold === undefined) return 0;
		return hold.totalMs + ((this.#flags & holding) === 0 ? 0 : this.#host.now() - hold.since);
	}

	/**
	 * True while its handler is running synchronously now, or (concurrency 1) has returned a promise for `event` that
	 * has not settled: a delivery to this subscription awaited from there would wait behind that very call.
	 */
	isHandling(event: BusEvent): boolean {
		return (this.#flags & calling) !== 0 || this.#handling === event;
	}

	/**
	 * Whether its handler may go asynchronous, so that an event published after an `await` in it can inherit
	 * correlation: until its first call, and once it has returned a promise. A handler that has returned only
	 * plain values is taken as synchronous.
	 */
	get mayGoAsync(): boolean {
		return (this.#flags & (returnedPromise | returnedValue)) !== returnedValue;
	}

	/** Handler calls at once. */
	get concurrency(): number {
		return this.#concurrency;
	}

	/**
	 * Takes one dispatched event: skipped when inactive, disabled or filtered out; otherwise handled now when a
	 * slot is free, else buffered (the overflow policy applies when the buffer is full).
	 */
	deliver(event: BusEvent, tracker: DeliveryTracker | undefined): void {
		if ((this.#flags & (active | enabled)) !== (active | enabled)) {
			tracker?.skipped();
			return;
		}
		if (this.#isPrepared) {
			const {filter, transform} = this.settings;
			if (filter !== undefined || transform !== undefined) {
				const prepared = this.#prepare(event, tracker);
				if (prepared === undefined) return;
				event = prepared;
			}
			if (this.settings.isOnce) {
				this.isActive = false;
				this.#host.expire(this);
			}
		}
		this.#stats.inFlight++;
		const pending = this.#pending;
		if (this.#running < this.#concurrency && (pending === undefined || pending.length === 0)) {
			this.#attempt(event, tracker, 1);
		} else {
			this.#buffer(event, tracker);
		}
		if (this.#running >= this.#concurrency) this.#holdIfFull();
	}

	/**
	 * Full: no free slot and no room in the buffer. Under `wait` the next event could only be dropped, so the
	 * dispatcher stops handing out events instead (and the ingress queue, then the producers, wait). A method of its
	 * own, so that `deliver` stays small enough to be inlined into the dispatch loop.
	 */
	#holdIfFull(): void {
		if ((this.#flags & (active | holding)) !== active || this.settings.overflow !== 'wait' || this.pending < this.settings.maxPending) return;
		this.#flags |= holding;
		const hold = (this.#hold ??= {since: 0, totalMs: 0});
		hold.since = this.#host.now();
		this.#host.hold(this);
	}

	#buffer(event: BusEvent, tracker: DeliveryTracker | undefined): void {
		const pending = (this.#pending ??= new Deque<PendingDelivery>(0));
		// Under `wait` the dispatcher stops before the buffer overflows; only `redeliver` (which bypasses the queue)
		// can find it full, and that one event is kept rather than dropped.
		if (pending.length >= this.settings.maxPending && this.settings.overflow !== 'wait') {
			// With maxPending 0 there is no older event to give up, so drop-oldest drops this one too.
			const dropNewest = this.settings.overflow === 'drop-newest' || pending.length === 0;
			const dropped = dropNewest ? {event, tracker} : pending.shift()!;
			if (!dropNewest) pending.push({event, tracker});
			this.#drop(dropped, 'subscriber-overflow', `the buffer of subscription ${this.settings.name} is full (maxPending ${this.settings.maxPending})`);
			return;
		}
		pending.push({event, tracker});
	}

	/**
	 * Dead-letters every event still waiting, in its buffer or for a retry (shutdown timed out); returns how many.
	 * Handler calls already running are not interrupted.
	 */
	abandonPending(): number {
		const retrying = this.#retrying === undefined ? [] : [...this.#retrying];
		this.#retrying?.clear();
		for (const [timer, delivery] of retrying) {
			this.#host.retryTimer.clear(timer);
			this.#running--;
			this.#drop(delivery, 'shutdown', 'the bus stopped before it was retried', delivery.attempts);
		}
		const abandoned = this.#pending?.clear() ?? [];
		for (const delivery of abandoned) this.#drop(delivery, 'shutdown', 'the bus stopped before it was handled');
		if ((this.#flags & holding) !== 0) this.#releaseIfRoom();
		return retrying.length + abandoned.length;
	}

	/** Runs the filter and transform; `undefined` means the event does not go on to the handler. */
	#prepare(event: BusEvent, tracker: DeliveryTracker | undefined): BusEvent | undefined {
		const {filter, transform} = this.settings;
		let stage: 'filter' | 'transform' = 'filter';
		try {
			if (filter !== undefined && !filter(event as never)) {
				tracker?.skipped();
				return undefined;
			}
			stage = 'transform';
			return transform === undefined ? event : this.#host.freeze(transform(event as never) as BusEvent);
		} catch (error) {
			// A filter or transform is deterministic: retrying it would fail the same way, so it is dead-lettered now.
			const failure = new FilterError(this.settings.id, stage, error);
			this.#host.stats.failed++;
			this.#deadLetter(event, failure, 'filter-failed', 0);
			tracker?.failed({subscriptionId: this.settings.id, subscriptionName: this.settings.name, error: failure, attempts: 0});
			return undefined;
		}
	}

	#attempt(event: BusEvent, tracker: DeliveryTracker | undefined, attempt: number): void {
		this.#running++;
		const startedAt = this.#host.isTimingDeliveries() ? this.#startTiming() : -1;
		// Marks the synchronous part of the call: one handler runs synchronously at a time, so a publish that finds
		// this bit set comes from this subscription's handler (`isHandling` covers the part after an await).
		this.#flags |= calling;
		let result: unknown;
		try {
			result = this.#host.context.run(event, this.#handler, this.mayGoAsync);
		} catch (error) {
			this.#flags &= ~calling;
			this.#failed(event, tracker, attempt, error);
			return;
		}
		this.#flags &= ~calling;
		if (typeof result !== 'object' || result === null) {
			this.#flags |= returnedValue;
			this.#succeeded(tracker, event, attempt, startedAt);
			return;
		}
		this.#settleLater(event, tracker, attempt, result, startedAt);
	}

	/** A handler returned an object: a promise (or thenable) to wait for, or a plain value (a success). */
	#settleLater(event: BusEvent, tracker: DeliveryTracker | undefined, attempt: number, result: object, startedAt: number): void {
		let promise: Promise<unknown> | undefined;
		try {
			// Reading `then` or the prototype of a hostile return value (a revoked Proxy) throws: a failed attempt.
			// Promise.resolve turns a foreign thenable whose `then` throws later into a rejection.
			if (isThenable(result)) promise = result instanceof Promise ? result : Promise.resolve(result);
		} catch (error) {
			this.#failed(event, tracker, attempt, error);
			return;
		}
		if (promise === undefined) {
			this.#flags |= returnedValue;
			this.#succeeded(tracker, event, attempt, startedAt);
			return;
		}
		this.#flags |= returnedPromise;
		// Set here, on the async path only (a store per delivery would cost the synchronous fast path).
		if (this.#concurrency === 1) this.#handling = event;
		const {timeoutMs} = this.settings;
		// Node fires a longer timer at once; a timeout that long means no timeout.
		const settled = timeoutMs === undefined || timeoutMs > maxTimerDelay ? promise : rejectAfter(promise, timeoutMs, () => new HandlerTimeoutError(this.settings.id, timeoutMs));
		settled.then(
			() => {
				this.#handling = undefined;
				this.#succeeded(tracker, event, attempt, startedAt);
				this.#host.settled();
			},
			(error: unknown) => {
				this.#handling = undefined;
				this.#failed(event, tracker, attempt, error);
				this.#host.settled();
			},
		);
	}

	/** The time a sampled call starts (one in the host's `deliveredSampleInterval`), or -1: this call is not timed. */
	#startTiming(): number {
		if (this.#untilTimed > 0) {
			this.#untilTimed--;
			return -1;
		}
		this.#untilTimed = this.#host.deliveredSampleInterval - 1;
		return performance.now();
	}

	#reportTiming(event: BusEvent, attempt: number, startedAt: number): void {
		const {id, name} = this.settings;
		this.#host.delivered({subscriptionId: id, subscriptionName: name, durationMs: performance.now() - startedAt, event, attempt, delivered: this.#delivered});
	}

	/** A handler call succeeded; `startedAt` >= 0 when it was timed, reported before buffered events start. */
	#succeeded(tracker: DeliveryTracker | undefined, event: BusEvent, attempt: number, startedAt: number): void {
		this.#running--;
		this.#delivered++;
		const stats = this.#stats;
		stats.delivered++;
		stats.inFlight--;
		tracker?.succeeded();
		// Before pumping: a pumped call that succeeds at once would otherwise raise the count this notice carries.
		if (startedAt >= 0) this.#reportTiming(event, attempt, startedAt);
		if (this.#pending !== undefined && this.#pending.length > 0) this.#pump();
		if ((this.#flags & holding) !== 0) this.#releaseIfRoom();
	}

	/**
	 * Lets dispatch go on once the buffer is down to three quarters of `maxPending` (or empty, for small buffers), so
	 * that a subscriber running at its limit releases the dispatcher for a batch at a time, not for every event.
	 */
	#releaseIfRoom(): void {
		const {maxPending} = this.settings;
		const lowWater = maxPending === 0 ? 0 : Math.min(maxPending - 1, Math.floor((maxPending * 3) / 4));
		if ((this.#flags & active) !== 0 && (this.pending > lowWater || (this.pending >= maxPending && this.#running >= this.#concurrency))) return;
		const hold = this.#hold!;
		hold.totalMs += this.#host.now() - hold.since;
		this.#flags &= ~holding;
		this.#host.release(this);
	}

	#failed(event: BusEvent, tracker: DeliveryTracker | undefined, attempt: number, error: unknown): void {
		const {stats} = this.#host;
		stats.failed++;
		if (attempt < this.settings.retry.attempts) {
			// The slot stays taken while waiting, so that later events cannot overtake the one being retried.
			const delayMs = Math.min(maxTimerDelay, backoffDelay(this.settings.retry, attempt, () => this.#host.random()));
			stats.retried++;
			this.#host.retrying({event, error, subscriptionId: this.settings.id, attempt, delayMs});
			const timer = this.#host.retryTimer.set(() => {
				this.#retrying?.delete(timer);
				this.#running--;
				this.#attempt(event, tracker, attempt + 1);
				this.#host.settled();
			}, delayMs);
			this.#retrying ??= new Map();
			this.#retrying.set(timer, {event, tracker, attempts: attempt});
			return;
		}
		this.#running--;
		stats.inFlight--;
		this.#deadLetter(event, error, 'handler-failed', attempt);
		tracker?.failed({subscriptionId: this.settings.id, subscriptionName: this.settings.name, error, attempts: attempt});
		if (this.#pending !== undefined && this.#pending.length > 0) this.#pump();
		if ((this.#flags & holding) !== 0) this.#releaseIfRoom();
	}

	/** Starts buffered events while slots are free; a loop, not recursion, so a long buffer cannot overflow the stack. */
	#pump(): void {
		if ((this.#flags & pumping) !== 0) return;
		this.#flags |= pumping;
		try {
			const pending = this.#pending!;
			while (this.#running < this.#concurrency && pending.length > 0) {
				const {event, tracker} = pending.shift()!;
				this.#attempt(event, tracker, 1);
			}
		} finally {
			this.#flags &= ~pumping;
		}
	}

	#drop(delivery: PendingDelivery, reason: 'subscriber-overflow' | 'shutdown', detail: string, attempts = 0): void {
		const {stats} = this.#host;
		stats.inFlight--;
		stats.dropped++;
		this.#deadLetter(delivery.event, new EventDroppedError(delivery.event.id, reason, detail), reason, attempts);
		delivery.tracker?.dropped();
	}

	#deadLetter(event: BusEvent, error: unknown, reason: DeadLetter['reason'], attempts: number): void {
		this.#host.stats.deadLettered++;
		const {id, name, pattern} = this.settings;
		this.#host.deadLetter({event, error, reason, subscription: {id, name, pattern}, attempts, failedAt: Date.now()});
	}
}
