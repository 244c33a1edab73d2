import {setImmediate as yieldToEventLoop} from 'node:timers';
import PQueue from 'p-queue';
import type {QueueOverflowPolicy} from '../types.js';
import {PriorityBuffer} from './priority-buffer.js';

/** What the ingress queue calls back into; the bus provides it. */
export interface IngressQueueOptions<T> {
	readonly capacity: number;
	readonly overflow: QueueOverflowPolicy;
	/** Producers that may wait for space at once (`wait`); beyond it `offer` gives 'full'. */
	readonly maxWaiting: number;
	/** Items dispatched before the dispatcher yields to the event loop. */
	readonly batchSize: number;
	/** An item entered the queue (at once, or when a waiting producer got a slot). */
	readonly accept: (item: T) => void;
	/** Hands one item to the subscribers. Must not throw. */
	readonly dispatch: (item: T) => void;
	/** An item was dropped by `drop-oldest` or `drop-newest`. */
	readonly drop: (item: T) => void;
	/** The dispatcher ran out of items. */
	readonly idle: () => void;
	/** The dispatcher itself failed (a bug, since `dispatch` must not throw); reported, never thrown. */
	readonly fault: (error: unknown) => void;
	/** Runs the dispatcher outside the caller's async context. */
	readonly detach: (fn: () => void) => void;
	/** A dispatcher run (microtask scheduler) starts and, later, ends: called in pairs. */
	readonly runStarted?: () => void;
	readonly runEnded?: () => void;
	/** True when the caller is a handler of this bus (asked only when the queue is full under `wait`). */
	readonly isInHandler: () => boolean;
	/**
	 * Dispatch in the offering call stack (`inline`) instead of on a microtask: for test buses. Never re-entrant: an
	 * item offered while the dispatcher runs (a handler publishing) waits until the current item is handed out.
	 * @default 'microtask'
	 */
	readonly scheduler?: 'microtask' | 'inline';
}

/**
 * Microtasks the dispatcher waits, once its buffer is empty, before it ends its run. A run costs a p-queue task,
 * several promises and an idle check; an awaited `publish()` offers the next event three microtasks after the
 * previous one was accepted (the awaited promise, its `then`, the continuation).
 */
const lingerTicks = 4;

/** The result of {@link IngressQueue.offer}. */
export type OfferResult = 'queued' | 'dropped' | 'full' | Promise<void>;


interface Waiter<T> {
	readonly item: T;
	readonly resolve: () => void;
	readonly reject: (error: unknown) => void;
}

/**
 * The bounded ingress queue: accepted items wait here, highest priority first, until the dispatcher hands them to
 * the subscribers. p-queue runs the dispatcher, one task per busy period rather than one per item, which keeps
 * dispatch strictly sequential (never re-entrant: an item offered from a handler waits its turn) without paying for
 * a task, a closure and a promise on every event.
 *
 * The bound is on items, and it holds however many producers wait: a freed slot goes straight to the oldest waiting
 * producer's item, so no producer can overtake the waiters, and none wakes up to find the slot taken.
 */
export class IngressQueue<T extends {readonly priority: number}> {
	readonly #options: IngressQueueOptions<T>;
	readonly #buffer = new PriorityBuffer<T>();
	readonly #waiters: Waiter<T>[] = [];
	#waiterHead = 0;
	readonly #scheduler = new PQueue({concurrency: 1});
	#isScheduled = false;
	/** {@link hold} was called: the dispatcher stops before its next item. */
	#isHoldRequested = false;
	/** The dispatcher stopped because of a hold; {@link resume} starts it again. */
	#isHeld = false;

	constructor(options: IngressQueueOptions<T>) {
		this.#options = options;
	}

	/** Items accepted and not yet dispatched. Never above `capacity`. */
	get size(): number {
		return this.#buffer.length;
	}

	/** Producers waiting for space (`wait` policy). */
	get waiting(): number {
		return this.#waiters.length - this.#waiterHead;
	}

	/** True while the dispatcher is scheduled or running. */
	get isBusy(): boolean {
		return this.#isScheduled;
	}

	/** True while the dispatcher is stopped by a subscriber that holds it back, with items waiting. */
	get isHeld(): boolean {
		return this.#isHeld;
	}

	/**
	 * Accepts `item` if there is space. When full, per the policy: `wait` returns a promise that resolves once the item
	 * is queued (from a handler, it queues at once in a reserve of another `capacity` items, else gives 'full'; with
	 * `maxWaiting` producers already waiting, it gives 'full'); `reject` returns 'full' (nothing queued); `drop-newest` returns 'dropped' (the item was dropped);
	 * `drop-oldest` drops the oldest item of the lowest priority and queues this one, or, when this one's priority is
	 * lower than every queued item's, drops this one ('dropped').
	 */
	offer(item: T): OfferResult {
		if (this.#buffer.length < this.#options.capacity && this.waiting === 0) {
			this.#enqueue(item);
			return 'queued';
		}
		switch (this.#options.overflow) {
			case 'wait': {
				// A handler's publish never waits: the handler would wait for the dispatcher, and the dispatcher, held
				// back by that handler's subscription, for the handler. It may use a second `capacity` of room instead.
				if (this.#options.isInHandler()) {
					if (this.#buffer.length >= this.#options.capacity * 2) return 'full';
					this.#enqueue(item);
					return 'queued';
				}
				// The list of waiting producers is bounded too: a producer that never awaits would otherwise grow it forever.
				if (this.waiting >= this.#options.maxWaiting) return 'full';
				return new Promise<void>((resolve, reject) => {
					this.#waiters.push({item, resolve, reject});
				});
			}
			case 'reject': {
				return 'full';
			}
			case 'drop-newest': {
				this.#options.drop(item);
				return 'dropped';
			}
			case 'drop-oldest': {
				// The least important event goes: the oldest of the lowest queued priority, unless the new one ranks
				// below everything queued, in which case dropping an older, more important event would be wrong.
				const lowest = this.#buffer.lowestPriority;
				if (lowest !== undefined && item.priority < lowest) {
					this.#options.drop(item);
					return 'dropped';
				}
				const oldest = this.#buffer.shiftLowest();
				this.#enqueue(item);
				if (oldest !== undefined) this.#options.drop(oldest);
				return 'queued';
			}
		}
	}

	/**
	 * As {@link offer}, but never waits: under `wait` a full queue (or one with producers already waiting, who keep
	 * their turn) gives 'full', as under `reject`.
	 */
	offerNow(item: T): Exclude<OfferResult, Promise<void>> {
		if (this.#options.overflow === 'wait') return this.tryOffer(item) ? 'queued' : 'full';
		return this.offer(item) as Exclude<OfferResult, Promise<void>>;
	}

	/** Queues `item` only if there is space now, whatever the policy; false when it was not queued. */
	tryOffer(item: T): boolean {
		if (this.#buffer.length >= this.#options.capacity || this.waiting > 0) return false;
		this.#enqueue(item);
		return true;
	}

	/** Stops the dispatcher before its next item (a subscriber's buffer is full) until {@link resume}. */
	hold(): void {
		this.#isHoldRequested = true;
	}

	/** Lifts a hold and starts the dispatcher again, if it has items. */
	resume(): void {
		this.#isHoldRequested = false;
		if (!this.#isHeld) return;
		this.#isHeld = false;
		if (!this.#isScheduled && this.#buffer.length > 0) {
			this.#isScheduled = true;
			queueMicrotask(this.#schedule);
		}
	}

	/** Rejects every waiting producer with `error`; their items were never accepted. */
	rejectWaiters(error: unknown): void {
		while (this.waiting > 0) this.#nextWaiter()!.reject(error);
	}

	/** Removes and returns every item not yet dispatched (for a shutdown that timed out). */
	takeAll(): T[] {
		return this.#buffer.clear();
	}

	#enqueue(item: T): void {
		this.#buffer.push(item);
		this.#options.accept(item);
		if (!this.#isScheduled && !this.#isHeld) {
			this.#isScheduled = true;
			// Inline, a handler's own publish waits until its synchronous part has returned: never re-entrant.
			if (this.#options.scheduler === 'inline' && !this.#options.isInHandler()) this.#schedule();
			// A microtask, so that publish() returns before any handler runs and a synchronous burst becomes one batch.
			else queueMicrotask(this.#schedule);
		}
	}

	readonly #schedule = (): void => {
		this.#options.detach(this.#options.scheduler === 'inline' ? this.#runInline : this.#enqueueRun);
	};

	readonly #enqueueRun = (): void => {
		this.#scheduler.add(this.#run).catch(this.#options.fault);
	};

	/** The inline dispatcher: every item, in this call stack, with no batches and no yielding to the event loop. */
	readonly #runInline = (): void => {
		const {dispatch, fault} = this.#options;
		const buffer = this.#buffer;
		try {
			while (buffer.length > 0) {
				if (this.#isHoldRequested) {
					this.#isHeld = true;
					return;
				}
				const item = buffer.shift()!;
				if (this.waiting > 0 && buffer.length < this.#options.capacity) this.#admitWaiter();
				try {
					dispatch(item);
				} catch (error) {
					fault(error);
				}
			}
		} finally {
			this.#isScheduled = false;
			if (!this.#isHeld) this.#options.idle();
		}
	};

	readonly #run = async (): Promise<void> => {
		const {dispatch, batchSize} = this.#options;
		const buffer = this.#buffer;
		this.#options.runStarted?.();
		try {
			for (;;) {
				for (let count = 0; count < batchSize && buffer.length > 0; count++) {
					if (this.#isHoldRequested) {
						this.#isHeld = true;
						return;
					}
					const item = buffer.shift()!;
					// Over capacity, the queue holds handlers' events from the reserve: they go first, so that the
					// reserve empties instead of filling up while producers keep taking the freed slots.
					if (this.waiting > 0 && buffer.length < this.#options.capacity) this.#admitWaiter();
					dispatch(item);
				}
				if (buffer.length === 0) {
					// A producer that awaits each publish offers its next event a few microtasks after the last one was
					// dispatched: waiting for it here keeps one run going instead of paying for a new one per event.
					for (let tick = 0; tick < lingerTicks && buffer.length === 0; tick++) await undefined;
					if (buffer.length === 0) break;
					continue;
				}
				// Let timers and I/O run between batches; the node:timers import is immune to fake timers in tests.
				await new Promise<void>(resolve => {
					yieldToEventLoop(resolve);
				});
			}
		} finally {
			this.#options.runEnded?.();
			this.#isScheduled = false;
			// After a fault (a throwing dispatch) items may remain: run again rather than strand them until the next offer.
			if (this.#isHeld) {
				// resume() schedules the next run.
			} else if (buffer.length > 0) {
				this.#isScheduled = true;
				queueMicrotask(this.#schedule);
			} else {
				this.#options.idle();
			}
		}
	};

	#admitWaiter(): void {
		const waiter = this.#nextWaiter()!;
		this.#buffer.push(waiter.item);
		this.#options.accept(waiter.item);
		waiter.resolve();
	}

	#nextWaiter(): Waiter<T> | undefined {
		const waiter = this.#waiters[this.#waiterHead];
		if (waiter === undefined) return undefined;
		this.#waiters[this.#waiterHead++] = undefined as never;
		// Compact now and then instead of an O(n) Array#shift per wake-up.
		if (this.#waiterHead > 1024 && this.#waiterHead * 2 > this.#waiters.length) {
			this.#waiters.splice(0, this.#waiterHead);
			this.#waiterHead = 0;
		}
		return waiter;
	}
}
