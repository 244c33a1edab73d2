/** What a publisher passes and gets back: publish options, batch items and delivery reports. */
import type {EventMap, EventMapLike, TopicOf, BusEvent} from './events.js';
import type {Bus} from './bus.js';

/** When the ingress queue is full. `wait` makes `publish` wait for space (backpressure). */
export type QueueOverflowPolicy = 'wait' | 'reject' | 'drop-oldest' | 'drop-newest';

/** Options of {@link Bus.publish}. */
export interface PublishOptions {
	/** Higher is dispatched before lower-priority events still queued. @default 0 */
	readonly priority?: number;
	/** Wins over the inherited one when given. @default inherited from the event being handled, else the new event's id */
	readonly correlationId?: string;
	/** @default the id of the event being handled, if any */
	readonly causationId?: string;
	/** @default the bus's `source` option */
	readonly source?: string;
	readonly metadata?: Readonly<Record<string, unknown>>;
	/** A caller-chosen id (e.g. for idempotency). @default a new time-sortable id */
	readonly id?: string;
	/** Resolve with a {@link DeliveryReport} once every matching subscription has handled the event. @default false */
	readonly awaitDelivery?: boolean;
}

/** Options of {@link Bus.publishSync}: those of `publish` except `awaitDelivery`, which needs a promise. */
export type PublishSyncOptions = Omit<PublishOptions, 'awaitDelivery'>;

/** One item of {@link Bus.publishBatch}. */
export interface BatchItem<Events extends EventMapLike = EventMap, Topic extends TopicOf<Events> = TopicOf<Events>> {
	readonly topic: Topic;
	readonly payload: Events[Topic];
	readonly options?: Omit<PublishOptions, 'awaitDelivery'>;
}

/** The batch items of an event map: a union, so each item's payload is checked against its own topic. */
export type BatchItemOf<Events extends EventMapLike> = {[Topic in TopicOf<Events>]: BatchItem<Events, Topic>}[TopicOf<Events>];

/** One subscription's failure, in a {@link DeliveryReport}. */
export interface DeliveryFailure {
	readonly subscriptionId: string;
	readonly subscriptionName: string;
	readonly error: unknown;
	readonly attempts: number;
}

/** The outcome of one event across the subscriptions it matched, from `publish(..., {awaitDelivery: true})`. */
export interface DeliveryReport<Event extends BusEvent = BusEvent> {
	readonly event: Event;
	/** Subscriptions in the dispatch snapshot. */
	readonly matched: number;
	/** Handled without error (possibly after retries). */
	readonly succeeded: number;
	/** Failed after the last attempt (or the filter threw); each is a dead letter. */
	readonly failed: number;
	/** Dropped because a subscriber's buffer overflowed, or the event itself was dropped from the queue. */
	readonly dropped: number;
	/** Disabled, removed or filtered out when the event reached them. */
	readonly skipped: number;
	/** `failed + dropped`: every one of them was emitted as a `deadLetter`. */
	readonly deadLettered: number;
	readonly failures: readonly DeliveryFailure[];
}
