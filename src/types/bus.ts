/** The public interface of a bus: each public contract (ordering, timing, what rejects) is written here, once. */
import type {EventMap, EventMapLike, TopicOf, BusEvent, EventFor, Handler, HistoryQuery} from './events.js';
import type {PublishOptions, PublishSyncOptions, DeliveryReport, BatchItemOf} from './publishing.js';
import type {SubscribeOptions, Subscription, SubscriptionInfo, WaitForOptions, StreamOptions} from './subscriptions.js';
import type {BusDiagnostics, BusMetrics, StopReport} from './diagnostics.js';
import type {Consumer, ConsumerHandle} from './consumers.js';

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
	 * An event accepted at once comes back as a promise-compatible object that creates its native promise only when
	 * awaited (`then`, `catch`, `finally`), so that a loop that does not await each publish allocates no promise per
	 * event: `await`, `.then`, `Promise.all` and `Promise<T>`-typed code work as with a promise, but
	 * `instanceof Promise` and `util.types.isPromise` are false for it. Rejections are native promises.
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
