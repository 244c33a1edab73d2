/** The event envelope and the typed event map: what a topic carries, what a handler of a pattern receives. */
import type {MatchingTopics} from '../topic-types.js';
import type {DeadLetterEvent} from './diagnostics.js';

/**
 * Maps each topic to its payload type, e.g. `{'order.created': {id: string}; 'order.paid': {id: string}}`. A bus made
 * without an event map has this one: any topic, `unknown` payloads.
 */
export type EventMap = Record<string, unknown>;

/**
 * What an event map type parameter accepts: a type literal or an interface. (`EventMap` itself would refuse
 * interfaces, which have no implicit index signature; an index signature of `any` is the one that accepts them.)
 */
// `any`, not `unknown`: only an index signature of `any` lets an interface satisfy it.
export type EventMapLike = Record<string, any>;

/** The topics of an event map, as strings; `$`-topics are the bus's own and never publishable. */
export type TopicOf<Events extends EventMapLike> = Exclude<keyof Events & string, `$${string}`>;

/**
 * The envelope every subscriber receives. Frozen: no subscriber can change what another one sees.
 * Maps 1:1 onto CloudEvents 1.0 (`id`, `type` = topic, `source`, `time` = timestamp, `data` = payload, the rest as
 * extensions).
 */
export interface BusEvent<Payload = unknown, Topic extends string = string> {
	/** Unique, and sortable by creation time: later events of one process sort after earlier ones. */
	readonly id: string;
	readonly topic: Topic;
	/** Deep-frozen unless the bus was created with `freezePayloads: false`. */
	readonly payload: Payload;
	/** When the event was accepted, in milliseconds since the epoch. */
	readonly timestamp: number;
	/** Who published it; defaults to the bus's `source` option. */
	readonly source: string;
	/** Shared by every event of one workflow: inherited inside handlers, else the event's own `id`. */
	readonly correlationId: string;
	/** The `id` of the event whose handler published this one, if any. */
	readonly causationId: string | undefined;
	/** Higher is dispatched first among queued events. */
	readonly priority: number;
	readonly metadata: Readonly<Record<string, unknown>>;
}

/**
 * The event type a handler of `Pattern` receives: a union of envelopes, one per topic of `Events` that the pattern
 * can match, discriminated by `topic` (so `if (event.topic === 'order.paid')` narrows the payload).
 */
export type EventFor<Events extends EventMapLike, Pattern extends string> = Pattern extends '$bus.dead-letter'
	? DeadLetterEvent
	: string extends TopicOf<Events>
	? BusEvent<Events[string], string>
	: {[Topic in MatchingTopics<TopicOf<Events>, Pattern>]: BusEvent<Events[Topic], Topic>}[MatchingTopics<TopicOf<Events>, Pattern>];

/** A subscriber. A returned promise is awaited (with the subscription's `timeoutMs`); a throw or rejection is a failed attempt. */
export type Handler<Event extends BusEvent = BusEvent> = (event: Event) => unknown;

/** A query over the history ring buffer. All filters combine with AND. */
export interface HistoryQuery {
	readonly pattern?: string;
	/** Inclusive, milliseconds since the epoch. */
	readonly since?: number;
	/** Inclusive, milliseconds since the epoch. */
	readonly until?: number;
	readonly correlationId?: string;
	/** The most recent `limit` matches. @default all */
	readonly limit?: number;
}
