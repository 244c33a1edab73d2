/**
 * Public contracts of topicbus: the event envelope, the typed event map, handlers, options and reports.
 * Everything here is types only; the runtime lives in `core/`, `routing/` and `delivery/`.
 */
import type {MatchingTopics} from './topic-types.js';
import type {DropReason} from './errors.js';

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

/** When the ingress queue is full. `wait` makes `publish` wait for space (backpressure). */
export type QueueOverflowPolicy = 'wait' | 'reject' | 'drop-oldest' | 'drop-newest';

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
}

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

/** Why an event became a dead letter. */
export type DeadLetterReason = 'handler-failed' | 'filter-failed' | DropReason;

/**
 * An event that could not be delivered. Emitted as the bus's `deadLetter` diagnostic and published on the topic
 * `$bus.dead-letter` (except for dead letters of `$bus.` events themselves, which would loop).
 */
export interface DeadLetter {
	readonly event: BusEvent;
	readonly error: unknown;
	readonly reason: DeadLetterReason;
	/** The subscription that could not take it; absent when the event was dropped before dispatch. */
	readonly subscription: {readonly id: string; readonly name: string; readonly pattern: string} | undefined;
	readonly attempts: number;
	readonly failedAt: number;
}

/** A dead letter as published on `$bus.dead-letter`: the error as plain data, so that it survives serialization. */
export interface DeadLetterPayload extends Omit<DeadLetter, 'error'> {
	readonly error: {readonly name: string; readonly message: string; readonly code?: string; readonly stack?: string};
}

/** What a subscription to `$bus.dead-letter` receives, on a typed bus as on an untyped one. */
export type DeadLetterEvent = BusEvent<DeadLetterPayload, '$bus.dead-letter'>;

/** A publish the bus refused, from the `rejected` diagnostic. Nothing of it was queued. */
export interface PublishRejection {
	readonly topic: unknown;
	readonly payload: unknown;
	readonly error: unknown;
	readonly rejectedAt: number;
}

/** One successful handler call, from the `delivered` diagnostic. */
export interface DeliveredNotice {
	readonly subscriptionId: string;
	readonly subscriptionName: string;
	/** From the handler call to its settling, in milliseconds. */
	readonly durationMs: number;
	readonly event: BusEvent;
	readonly attempt: number;
}

/** A failed attempt that will be retried, emitted as the bus's `retry` diagnostic. */
export interface RetryNotice {
	readonly event: BusEvent;
	readonly error: unknown;
	readonly subscriptionId: string;
	readonly attempt: number;
	readonly delayMs: number;
}

/** The `held` diagnostic. */
export interface HeldNotice {
	readonly subscriptionId: string;
	readonly subscriptionName: string;
	readonly pending: number;
	readonly queueSize: number;
}

/** The `released` diagnostic. */
export interface ReleasedNotice {
	readonly subscriptionId: string;
	readonly subscriptionName: string;
	readonly heldMs?: number;
}

/** The bus's own lifecycle and diagnostic events (on `bus.on(...)`), separate from published events. */
export interface BusDiagnostics {
	deadLetter: (deadLetter: DeadLetter) => void;
	retry: (notice: RetryNotice) => void;
	/** A handler call succeeded, with how long it took (timed only while someone listens). */
	delivered: (notice: DeliveredNotice) => void;
	/** A `publish` (or batch item) was refused: invalid topic or payload, schema violation, full queue, closed bus. */
	rejected: (rejection: PublishRejection) => void;
	/** A problem that is not an event's fault (a diagnostic listener threw, a schema warning in `warn` mode). */
	warning: (warning: {readonly code: string; readonly message: string; readonly error?: unknown}) => void;
	/** A subscription's full buffer (`overflow: 'wait'`) stopped dispatch; `queueSize` events wait behind it. */
	held: (notice: HeldNotice) => void;
	/** A subscription that held dispatch back has room again; `heldMs` is its total time holding so far. */
	released: (notice: ReleasedNotice) => void;
	drained: () => void;
	stopped: (report: StopReport) => void;
	closed: (report: StopReport) => void;
}

/** The bus's counters, from {@link Bus.getMetrics}. Counters only grow; gauges are read at call time. */
export interface BusMetrics {
	readonly published: number;
	/** Successful handler deliveries (one event to three subscribers counts three). */
	readonly delivered: number;
	/** Failed attempts, including those that were retried. */
	readonly failed: number;
	readonly retried: number;
	/** Events dropped by an overflow policy or a stop timeout (each also dead-lettered). */
	readonly dropped: number;
	readonly deadLettered: number;
	/** Publishes refused: invalid topic or payload, queue full with `reject`, bus closed. */
	readonly rejected: number;
	/** Gauge: events accepted and not yet dispatched. */
	readonly queueSize: number;
	/** Gauge: deliveries started or waiting in subscriber buffers, not yet finished. */
	readonly inFlight: number;
	/** Gauge: producers waiting for queue space (`wait` policy). */
	readonly waitingProducers: number;
	readonly subscriptions: number;
}

/** What `stop()` and `close()` resolve with. */
export interface StopReport {
	/** True when everything accepted was delivered (or dead-lettered) before the timeout. */
	readonly drained: boolean;
	/** Events still queued or in flight at the timeout; each was dead-lettered with reason `shutdown`. */
	readonly abandoned: number;
	readonly metrics: BusMetrics;
}

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

/** One item of {@link Bus.publishBatch}. */
export interface BatchItem<Events extends EventMapLike = EventMap, Topic extends TopicOf<Events> = TopicOf<Events>> {
	readonly topic: Topic;
	readonly payload: Events[Topic];
	readonly options?: Omit<PublishOptions, 'awaitDelivery'>;
}

/** The batch items of an event map: a union, so each item's payload is checked against its own topic. */
export type BatchItemOf<Events extends EventMapLike> = {[Topic in TopicOf<Events>]: BatchItem<Events, Topic>}[TopicOf<Events>];

/**
 * A long-lived subscriber with a name and settings, registered with `bus.use(consumer)`: the shape of the built-in
 * logging, metrics and dead-letter consumers. It gets each event once, however many of its `topics` match.
 */
export interface Consumer<Event extends BusEvent = BusEvent> {
	readonly name: string;
	/** Patterns, as for `subscribe`. */
	readonly topics: string | readonly string[];
	/** @default 0 */
	readonly priority?: number;
	readonly filter?: (event: Event) => boolean;
	readonly transform?: (event: Event) => Event;
	/** @default {attempts: 1} */
	readonly retry?: RetryOptions;
	/** @default no timeout */
	readonly timeoutMs?: number;
	/** Deliver events in arrays of up to this many. Without it, `consume` gets one event at a time. */
	readonly batchSize?: number;
	/** With `batchSize`: deliver a partial batch this long after its first event arrived. @default 1_000 */
	readonly batchTimeoutMs?: number;
	/**
	 * Handles one event, or (with `batchSize`) an array of events. A throw or rejection fails every event of the
	 * call; each is then retried per `retry`, or dead-lettered.
	 */
	consume(events: Event | readonly Event[]): unknown;
	/** Called once when the consumer is removed or the bus closes, after its last `consume`. */
	close?(): unknown;
}

/** What `bus.use(consumer)` returns. */
export interface ConsumerHandle {
	readonly name: string;
	readonly subscription: Subscription;
	/** Flushes a partial batch, removes the consumer and calls its `close()`. Idempotent. */
	close(): Promise<void>;
}

/**
 * The public interface of a bus, implemented by `EventBus` and by the mock bus of `topicbus/testing`, so that code
 * written against it runs on either. The contracts below (ordering, timing, what rejects) hold for both; the mock
 * documents where it differs.
 *
 * `publish` validates the event and puts it in a bounded priority queue; a dispatcher hands queued events to the
 * matching subscriptions in priority order. Each subscription has its own bounded buffer, concurrency, timeout and
 * retry policy, so a slow or failing subscriber cannot hold up the others; an event that cannot be delivered is
 * emitted as a `deadLetter` diagnostic. Handler errors never reach the publisher and never become unhandled
 * rejections.
 */
export interface Bus<Events extends EventMapLike = EventMap> {
	/**
	 * Publishes an event. Resolves with the frozen envelope once the event is accepted (validated and queued), not
	 * when it is delivered; with `awaitDelivery: true`, resolves with a {@link DeliveryReport} once every matching
	 * subscription has handled it (handler errors are reported there, never thrown at the publisher).
	 *
	 * When the queue is full the bus's `overflow` policy applies: `wait` (default) resolves once there is space,
	 * `reject` rejects with `QueueFullError`, `drop-oldest`/`drop-newest` drop an event (counted, dead-lettered).
	 * Called from a handler, the event inherits the handled event's `correlationId` and gets its id as `causationId`,
	 * and is queued, never dispatched re-entrantly.
	 *
	 * Rejects with `InvalidTopicError` (bad or wildcard topic), `InvalidPayloadError` (nested too deep),
	 * `SchemaValidationError` (a payload its schema refuses), `QueueFullError`, `DeliveryCycleError` (a handler
	 * awaiting delivery of an event that would need that same handler to finish), `BusClosedError` (after `stop()`/
	 * `close()`), or `TypeError` (bad options).
	 *
	 * @example
	 * ```ts
	 * const bus = new EventBus<{'order.created': {id: string}}>();
	 * bus.subscribe('order.*', event => console.log(event.topic, event.payload.id));
	 * await bus.publish('order.created', {id: 'o-1'});
	 * await bus.drain();
	 * ```
	 */
	publish<Topic extends TopicOf<Events>>(
		topic: Topic,
		payload: Events[Topic],
		options: PublishOptions & {readonly awaitDelivery: true},
	): Promise<DeliveryReport<BusEvent<Events[Topic], Topic>>>;
	publish<Topic extends TopicOf<Events>>(topic: Topic, payload: Events[Topic], options?: PublishOptions): Promise<BusEvent<Events[Topic], Topic>>;
	/**
	 * Publishes like {@link Bus.publish} but returns the frozen envelope instead of a promise of it: for loops that
	 * publish many events, where a promise per event costs more than the rest of a publish (with AsyncLocalStorage on,
	 * Node runs a hook on every promise). The event is queued, exactly as by `publish`: handlers never run before this
	 * returns, and correlation is inherited the same way.
	 *
	 * It never waits for space. When the queue is full (or producers are already waiting for space), it throws
	 * `QueueFullError` under the `wait` and `reject` policies; `drop-newest` and `drop-oldest` drop an event, counted
	 * and dead-lettered, as they do for `publish`.
	 *
	 * @throws {InvalidTopicError} for a bad, wildcard or `$` topic.
	 * @throws {SchemaValidationError} for a payload its schema refuses (`enforce`, `strict`).
	 * @throws {InvalidPayloadError} for a payload nested deeper than `maxPayloadDepth`.
	 * @throws {QueueFullError} when the queue has no space now (`wait` and `reject` policies).
	 * @throws {BusClosedError} after `stop()` or `close()`.
	 * @throws {TypeError} for bad options, including `awaitDelivery: true` (it needs a promise: use `publish`).
	 */
	publishSync<Topic extends TopicOf<Events>>(topic: Topic, payload: Events[Topic], options?: PublishSyncOptions): BusEvent<Events[Topic], Topic>;
	/**
	 * Publishes several events, all or nothing: every item is validated first, and if any is invalid nothing is
	 * queued and the promise rejects with `BatchValidationError` listing each bad item. With the `reject` policy a
	 * batch larger than the free space rejects with `QueueFullError`, again with nothing queued. Resolves with the
	 * envelopes, in order, once all are accepted. Under `wait`, a batch that has to wait for space can be cut short
	 * (`stop()`, the waiting-producers cap): it then rejects with `BatchInterruptedError`, whose `accepted` lists the
	 * envelopes queued before (they are delivered; the rest were never accepted), or with the plain error when none was.
	 */
	publishBatch(items: readonly BatchItemOf<Events>[]): Promise<BusEvent[]>;
	/**
	 * Subscribes `handler` to every topic `pattern` matches (`*` one segment, `**` zero or more). Returns a handle to
	 * unsubscribe, enable or disable it (also `using`-disposable). The subscription sees events dispatched from now on.
	 *
	 * @throws {InvalidTopicError} when the pattern is invalid.
	 * @throws {BusClosedError} once the bus is closed.
	 * @throws {TypeError} when the handler or an option is invalid.
	 */
	subscribe<Pattern extends string>(
		pattern: Pattern,
		handler: Handler<EventFor<Events, Pattern>>,
		options?: SubscribeOptions<EventFor<Events, Pattern>>,
	): Subscription;
	/** Removes the subscription with this id; false when there is none. */
	unsubscribe(id: string): boolean;
	/** Removes every subscription made with exactly this pattern; returns how many. */
	unsubscribePattern(pattern: string): number;
	/** The active subscriptions, in subscription order. */
	subscriptions(): SubscriptionInfo[];
	/**
	 * Resolves with the next event matching `pattern` (and `filter`) dispatched after the call. Rejects with
	 * `WaitTimeoutError` after `timeoutMs`, with `AbortError` when `signal` aborts, with `InvalidTopicError` for a
	 * bad pattern, and with `BusClosedError` when the bus closes first. Its temporary subscription is removed in every
	 * case.
	 */
	waitFor<Pattern extends string>(pattern: Pattern, options?: WaitForOptions<EventFor<Events, Pattern>>): Promise<EventFor<Events, Pattern>>;
	/**
	 * An async iterator over the events matching `pattern`, with a bounded buffer (`bufferSize`, default 1,000;
	 * beyond it the `overflow` policy applies). Breaking out of the loop unsubscribes; the iterator ends when the bus
	 * closes. Events waiting in the buffer count as in flight, so `drain()` waits for them to be read.
	 */
	stream<Pattern extends string>(pattern: Pattern, options?: StreamOptions): AsyncIterableIterator<EventFor<Events, Pattern>>;
	/** Accepted events from the history ring buffer (oldest first), filtered by `query`. Empty when `historySize` is 0. */
	history(query?: HistoryQuery): BusEvent[];
	/**
	 * Registers a consumer: one subscription over all of its `topics` (each event once), with its batching, retry
	 * and timeout settings. The bus calls its `close()` when it closes, after delivering what it had accepted.
	 *
	 * @throws {InvalidTopicError} when a pattern is invalid.
	 * @throws {BusClosedError} once the bus is closed.
	 * @throws {TypeError} when the consumer is malformed.
	 */
	use(consumer: Consumer<BusEvent<Events[TopicOf<Events>], TopicOf<Events>>>): ConsumerHandle;
	/** Listens to the bus's own diagnostics (see {@link BusDiagnostics}). Returns a function that stops listening. */
	on<Name extends keyof BusDiagnostics>(name: Name, listener: BusDiagnostics[Name]): () => void;
	/** The bus's counters and gauges, as of now. */
	getMetrics(): BusMetrics;
	/**
	 * Resolves when nothing is queued, being dispatched, waiting in a subscriber's buffer, running or awaiting a retry.
	 * Called from inside a handler, which it would wait for, it resolves at once.
	 */
	drain(): Promise<void>;
	/**
	 * Stops accepting events (`publish` then rejects with `BusClosedError`; producers waiting for space are rejected
	 * too), delivers everything already accepted, closes the consumers and releases the bus: subscriptions are
	 * removed, `subscribe` throws `BusClosedError`, pending `waitFor` calls reject with it and streams end.
	 * Idempotent. `timeoutMs` bounds the whole of it, a stop already under way (without a timeout, or a longer one)
	 * and consumers' `close()` included: at the deadline what is still queued or buffered is abandoned (dead-lettered
	 * with reason `shutdown`, counted in `abandoned`), handlers already running are not interrupted, and a consumer
	 * that has not closed is left behind (an `ERR_CONSUMER_CLOSE_TIMEOUT` warning). The report counts what happened
	 * up to the close: `abandoned` by the stop or the close, and the metrics as of the close.
	 */
	close(options?: {readonly timeoutMs?: number}): Promise<StopReport>;
}
