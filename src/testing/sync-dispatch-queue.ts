import {DeliveryTracker} from '../delivery/delivery-tracker.js';
import {PriorityBuffer} from '../delivery/priority-buffer.js';
import type {BusEvent, DeliveryReport} from '../types.js';
import type {SyncSubscriber} from './sync-subscriber.js';

interface Queued {
	readonly priority: number;
	readonly event: BusEvent;
	readonly tracker: DeliveryTracker;
}

/**
 * The mock bus's events between acceptance and delivery, and the loop that delivers them. Events wait highest
 * priority first, in acceptance order within a priority (the real ingress queue's `PriorityBuffer`), unbounded.
 * `dispatch()` hands each one to a snapshot of its route, in the caller's call stack, until none is left. It is
 * never re-entrant: called while a dispatch is running further down the stack (a handler publishing, a subscriber
 * dead-lettering), it returns at once, and the running loop takes the new event once the current one has been
 * handed to every subscription.
 */
export class SyncDispatchQueue {
	readonly #route: (topic: string) => readonly SyncSubscriber[];
	readonly #queued = new PriorityBuffer<Queued>();
	#isDispatching = false;

	/** `route(topic)` gives the subscriptions an event goes to, in delivery order. */
	constructor(route: (topic: string) => readonly SyncSubscriber[]) {
		this.#route = route;
	}

	/** Events queued and not yet dispatched. */
	get size(): number {
		return this.#queued.length;
	}

	/** True while events are queued or a dispatch is running. */
	get isBusy(): boolean {
		return this.#queued.length > 0 || this.#isDispatching;
	}

	/** Queues `event` behind every queued event of its priority or higher; `onReport` gets its delivery report. */
	enqueue(event: BusEvent, onReport: (report: DeliveryReport) => void): void {
		this.#queued.push({priority: event.priority, event, tracker: new DeliveryTracker(onReport)});
	}

	/** Dispatches everything queued, in this call stack; a no-op when a dispatch is already running below us. */
	dispatch(): void {
		if (this.#isDispatching) return;
		this.#isDispatching = true;
		try {
			for (let next = this.#queued.shift(); next !== undefined; next = this.#queued.shift()) {
				// A snapshot: subscriptions added while it is delivered miss this event; removed or disabled ones are skipped.
				const route = this.#route(next.event.topic);
				next.tracker.dispatched(next.event, route.length);
				for (const subscriber of route) subscriber.deliver(next.event, next.tracker);
			}
		} finally {
			this.#isDispatching = false;
		}
	}
}
