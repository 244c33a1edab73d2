import {BusClosedError, DeliveryCycleError, QueueFullError} from '../errors.js';
import type {DeliveryTracker} from '../delivery/delivery-tracker.js';
import type {HandlerContext} from '../delivery/handler-context.js';
import type {IngressQueue} from '../delivery/ingress-queue.js';
import {Subscriber, type SubscriberHost} from '../delivery/subscriber.js';
import type {DeliveryStats} from '../delivery/subscriber-settings.js';
import {assertFunction} from '../internal/assert.js';
import type {Router} from '../routing/router.js';
import type {
	BatchItemOf,
	Bus,
	BusDiagnostics,
	Consumer,
	ConsumerHandle,
	BusEvent,
	BusMetrics,
	DeliveryReport,
	EventFor,
	EventMap,
	EventMapLike,
	Handler,
	HistoryQuery,
	PublishOptions,
	PublishSyncOptions,
	StopReport,
	StreamOptions,
	SubscribeOptions,
	Subscription,
	SubscriptionInfo,
	TopicOf,
	WaitForOptions,
} from '../types.js';
import {AcceptedEvent} from './accepted.js';
import {AwaitedDeliveries} from './awaited-deliveries.js';
import {resolveBusOptions, type EventBusOptions, type ResolvedBusOptions} from './bus-options.js';
import {wireBus} from './bus-wiring.js';
import type {ConsumerRegistry} from './consumer-registry.js';
import type {DeadLetterPublisher} from './dead-letter-publisher.js';
import {DiagnosticsChannel} from './diagnostics-channel.js';
import type {DispatchHold} from './dispatch-hold.js';
import {takeEngine} from './engine.js';
import type {EventFactory} from './event-factory.js';
import {createEventStream} from './event-stream.js';
import {resolveHistoryQuery, type History} from './history.js';
import type {IdleTracker} from './idle-tracker.js';
import {createRegisteredProducer} from './producer-factory.js';
import {publishBatch, type BatchPublisher} from './publish-batch.js';
import {assertNoAwaitDelivery} from './publish-options.js';
import {Shutdown, type BusState} from './shutdown.js';
import {resolveSubscriberSettings} from './subscribe-options.js';
import {createSubscriptionHandle} from './subscription-handle.js';
import {describeSubscriptions, type SubscriptionTable} from './subscription-table.js';
import {waitForEvent} from './wait-for.js';
import type {Producer, ProducerOptions} from '../producers/producer.js';

export {registerProducerFactory} from './producer-factory.js';
export {deadLetterTopic} from './dead-letter-publisher.js';

export type {BusState} from './shutdown.js';

/**
 * An in-process event bus: publish events to topics, subscribe with patterns. Its public contracts are those of
 * {@link Bus}; what is documented here is specific to this class.
 *
 * @example
 * ```ts
 * const bus = new EventBus<{'order.created': {id: string}}>();
 * bus.subscribe('order.*', event => console.log(event.topic, event.payload.id));
 * await bus.publish('order.created', {id: 'o-1'});
 * await bus.drain();
 * ```
 */
export class EventBus<Events extends EventMapLike = EventMap> implements Bus<Events> {
	readonly #options: ResolvedBusOptions;
	readonly #router: Router<Subscriber>;
	readonly #subscriptions: SubscriptionTable<Subscriber>;
	readonly #ingress: IngressQueue<BusEvent>;
	readonly #history: History;
	readonly #context: HandlerContext;
	readonly #events: EventFactory;
	readonly #diagnostics = new DiagnosticsChannel();
	readonly #trackers = new Map<BusEvent, DeliveryTracker>();
	readonly #consumers: ConsumerRegistry;
	readonly #idle: IdleTracker;
	readonly #deadLetters: DeadLetterPublisher;
	readonly #stats: DeliveryStats = {delivered: 0, failed: 0, retried: 0, dropped: 0, deadLettered: 0, inFlight: 0};
	readonly #hold: DispatchHold;
	readonly #awaited: AwaitedDeliveries;
	#published = 0;
	#rejected = 0;
	#seq = 0;
	#state: BusState = 'running';
	readonly #shutdown: Shutdown;
	readonly #batches: BatchPublisher;
	readonly #host: SubscriberHost;
	/** Stream subscribers whose deliveries idleness ignores (a test engine's `detachedStreams`); else undefined. */
	readonly #detachedStreams: Set<Subscriber> | undefined;

	/** @throws {TypeError} when an option has the wrong type or range. */
	constructor(options?: EventBusOptions) {
		// Taken first, so that a constructor that throws on bad options cannot leave the engine for the next bus.
		const engine = takeEngine();
		this.#options = resolveBusOptions(options);
		const parts = wireBus(this.#options, engine, {
			diagnostics: this.#diagnostics,
			stats: this.#stats,
			accept: this.#accept,
			dispatch: this.#dispatch,
			dropUndispatched: (event, reason, detail) => this.#dropUndispatched(event, reason, detail),
			subscribe: (patterns, handler, subscribeOptions) => this.#subscribe(patterns, handler, subscribeOptions),
			isClosed: () => this.#state === 'closed',
		});
		this.#router = parts.router;
		this.#subscriptions = parts.subscriptions;
		this.#consumers = parts.consumers;
		this.#history = parts.history;
		this.#context = parts.context;
		this.#events = parts.events;
		this.#ingress = parts.ingress;
		this.#hold = parts.hold;
		this.#idle = parts.idle;
		this.#deadLetters = parts.deadLetters;
		this.#host = parts.host;
		this.#detachedStreams = parts.detachedStreams;
		this.#awaited = new AwaitedDeliveries(this.#trackers, this.#router, this.#context, this.#hold);
		this.#batches = {
			assertAccepting: () => this.#assertAccepting('publishBatch'),
			events: this.#events,
			ingress: this.#ingress,
			overflow: this.#options.overflow,
			maxQueueSize: this.#options.maxQueueSize,
			reject: this.#reject,
		};
		this.#shutdown = new Shutdown({
			ingress: this.#ingress,
			consumers: this.#consumers,
			idle: this.#idle,
			subscriptions: this.#subscriptions,
			diagnostics: this.#diagnostics,
			context: this.#context,
			enter: state => {
				this.#state = state;
			},
			dropUndispatched: (event, reason, detail) => this.#dropUndispatched(event, reason, detail),
			releaseHolders: () => this.#hold.releaseAll(),
			metrics: () => this.getMetrics(),
		});
		engine.attach?.({
			isInHandler: () => this.#context.isHandling(),
			whenSettled: () => this.#idle.whenSettled(),
			drainEagerly: async () => {
				this.#consumers.eager(true);
				try {
					await this.drain();
				} finally {
					this.#consumers.eager(false);
				}
			},
		});
	}

	/** `running` until `stop()` or `close()`. */
	get state(): BusState {
		return this.#state;
	}

	publish<Topic extends TopicOf<Events>>(
		topic: Topic,
		payload: Events[Topic],
		options: PublishOptions & {readonly awaitDelivery: true},
	): Promise<DeliveryReport<BusEvent<Events[Topic], Topic>>>;
	publish<Topic extends TopicOf<Events>>(topic: Topic, payload: Events[Topic], options?: PublishOptions): Promise<BusEvent<Events[Topic], Topic>>;
	publish(topic: string, payload: unknown, options?: PublishOptions): Promise<BusEvent | DeliveryReport> {
		let event: BusEvent;
		try {
			this.#assertAccepting('publish');
			event = this.#events.create(topic, payload, options);
		} catch (error) {
			this.#reject(topic, payload, error);
			return Promise.reject(error);
		}
		let report: Promise<DeliveryReport> | undefined;
		if (options?.awaitDelivery === true) {
			const tracked = this.#awaited.track(topic, event);
			if (tracked instanceof DeliveryCycleError) {
				this.#reject(topic, payload, tracked);
				return Promise.reject(tracked);
			}
			report = tracked;
		}
		const offered = this.#ingress.offer(event);
		if (offered === 'full') {
			this.#awaited.take(event);
			const error = new QueueFullError(topic, this.#options.maxQueueSize);
			this.#reject(topic, payload, error);
			return Promise.reject(error);
		}
		if (offered === 'queued' || offered === 'dropped') {
			if (report === undefined) return new AcceptedEvent(event);
			// A handler awaits this delivery: a subscriber holding dispatch back (perhaps the handler's own) must let
			// the dispatcher reach it, or the handler, and so the holder, would never finish.
			this.#hold.update();
			return report;
		}
		return offered.then<BusEvent | DeliveryReport>(
			() => report ?? event,
			(error: unknown) => {
				this.#awaited.take(event);
				this.#reject(topic, payload, error);
				throw error;
			},
		);
	}

	publishSync<Topic extends TopicOf<Events>>(topic: Topic, payload: Events[Topic], options?: PublishSyncOptions): BusEvent<Events[Topic], Topic>;
	publishSync(topic: string, payload: unknown, options?: PublishSyncOptions): BusEvent {
		let event: BusEvent;
		try {
			this.#assertAccepting('publishSync');
			assertNoAwaitDelivery(options);
			event = this.#events.create(topic, payload, options);
		} catch (error) {
			this.#reject(topic, payload, error);
			throw error;
		}
		if (this.#ingress.offerNow(event) === 'full') {
			const error = new QueueFullError(topic, this.#options.maxQueueSize);
			this.#reject(topic, payload, error);
			throw error;
		}
		return event;
	}

	publishBatch(items: readonly BatchItemOf<Events>[]): Promise<BusEvent[]> {
		return publishBatch(items, this.#batches);
	}

	subscribe<Pattern extends string>(
		pattern: Pattern,
		handler: Handler<EventFor<Events, Pattern>>,
		options?: SubscribeOptions<EventFor<Events, Pattern>>,
	): Subscription {
		return this.#subscribe([pattern], handler as Handler, options as SubscribeOptions | undefined);
	}

	use(consumer: Consumer<BusEvent<Events[TopicOf<Events>], TopicOf<Events>>>): ConsumerHandle {
		return this.#consumers.register(consumer as unknown as Consumer);
	}

	#subscribe(patterns: readonly string[], handler: Handler, options: SubscribeOptions | undefined, isStream = false): Subscription {
		if (this.#state === 'closed') throw new BusClosedError('closed', 'subscribe');
		const settings = resolveSubscriberSettings(++this.#seq, patterns, handler, options as SubscribeOptions<never> | undefined);
		const subscriber = new Subscriber(settings, this.#host);
		if (isStream) this.#detachedStreams?.add(subscriber);
		const handle = createSubscriptionHandle(subscriber, this.#subscriptions.remove);
		this.#subscriptions.add(subscriber, options?.signal);
		return handle;
	}

	/**
	 * A scoped publisher: its events carry `source` and `metadata`, and its topics get `topicPrefix`. Publishing
	 * through it behaves exactly like `publish` (same validation, same rejections).
	 */
	producer<const Prefix extends string = ''>(options?: ProducerOptions<Prefix>): Producer<Events, Prefix> {
		return createRegisteredProducer(this, options);
	}

	/**
	 * Hands `event` to one subscription only, as if dispatched to it now (its filter, buffer, retry and dead letters
	 * apply), bypassing the ingress queue: for replaying a dead letter to the subscription that failed it. Returns
	 * false when no active subscription has this id.
	 */
	redeliver(subscriptionId: string, event: BusEvent): boolean {
		const subscriber = this.#subscriptions.get(subscriptionId);
		if (subscriber === undefined) return false;
		subscriber.deliver(event, undefined);
		return true;
	}

	unsubscribe(id: string): boolean {
		return this.#subscriptions.removeById(id);
	}

	unsubscribePattern(pattern: string): number {
		return this.#subscriptions.removePattern(pattern);
	}

	subscriptions(): SubscriptionInfo[] {
		return describeSubscriptions(this.#subscriptions.values());
	}

	waitFor<Pattern extends string>(pattern: Pattern, options?: WaitForOptions<EventFor<Events, Pattern>>): Promise<EventFor<Events, Pattern>> {
		return waitForEvent(this.#subscribeOne, this.#onClose, pattern, options);
	}

	stream<Pattern extends string>(pattern: Pattern, options?: StreamOptions): AsyncIterableIterator<EventFor<Events, Pattern>> {
		return createEventStream(this.#subscribeStream, this.#onClose, pattern, options);
	}

	history(query?: HistoryQuery): BusEvent[] {
		return this.#history.query(resolveHistoryQuery(query, this.#router.limits));
	}

	/**
	 * Re-delivers past events from the history to one handler, oldest first, awaiting each. Resolves with the number
	 * of events replayed; rejects with the handler's error, if it throws, and stops there.
	 */
	async replay<Pattern extends string>(pattern: Pattern, handler: Handler<EventFor<Events, Pattern>>, query?: Omit<HistoryQuery, 'pattern'>): Promise<number> {
		assertFunction('handler', handler);
		const events = this.history({...query, pattern});
		for (const event of events) await this.#context.run(event, handler);
		return events.length;
	}

	drain(): Promise<void> {
		if (this.#context.isHandling()) return Promise.resolve();
		return this.#idle.whenIdle();
	}

	/**
	 * Stops accepting events (`publish` then rejects with `BusClosedError`; producers waiting for space are rejected
	 * too), delivers everything already accepted, and resolves with a report. With `timeoutMs`, whatever is still
	 * queued or buffered at the timeout is dead-lettered with reason `shutdown` and counted in `abandoned`; handlers
	 * already running are not interrupted. Idempotent.
	 */
	stop(options?: {readonly timeoutMs?: number}): Promise<StopReport> {
		return this.#shutdown.stop(options);
	}

	close(options?: {readonly timeoutMs?: number}): Promise<StopReport> {
		return this.#shutdown.close(options);
	}

	/** Closes the bus: `await using bus = new EventBus()`. */
	async [Symbol.asyncDispose](): Promise<void> {
		await this.close();
	}

	getMetrics(): BusMetrics {
		const stats = this.#stats;
		return {
			published: this.#published,
			delivered: stats.delivered,
			failed: stats.failed,
			retried: stats.retried,
			dropped: stats.dropped,
			deadLettered: stats.deadLettered,
			rejected: this.#rejected,
			queueSize: this.#ingress.size,
			inFlight: stats.inFlight,
			waitingProducers: this.#ingress.waiting,
			subscriptions: this.#subscriptions.size,
		};
	}

	on<Name extends keyof BusDiagnostics>(name: Name, listener: BusDiagnostics[Name]): () => void {
		return this.#diagnostics.on(name, listener);
	}

	// A bound function, so that a batch can report each of its items through it.
	readonly #reject = (topic: unknown, payload: unknown, error: unknown): void => {
		this.#rejected++;
		if (this.#diagnostics.hasListeners('rejected')) this.#diagnostics.emit('rejected', {topic, payload, error, rejectedAt: Date.now()});
	};

	readonly #accept = (event: BusEvent): void => {
		this.#published++;
		this.#history.record(event);
	};

	readonly #dispatch = (event: BusEvent): void => {
		// A snapshot: subscriptions added while it is delivered miss this event; removed or disabled ones are skipped.
		const route = this.#router.routeValid(event.topic);
		// The event's context is set up once for all of its deliveries, not once per handler call, and with
		// AsyncLocalStorage only when one of them may need it: that setup costs more than the rest of a delivery.
		this.#context.runDetached(event, this.#deliverToAll, anyMayGoAsync(route), route);
	};

	readonly #deliverToAll = (event: BusEvent, route: readonly Subscriber[]): void => {
		const tracker = this.#trackers.size === 0 ? undefined : this.#awaited.take(event);
		tracker?.dispatched(event, route.length);
		for (let index = 0; index < route.length; index++) route[index]!.deliver(event, tracker);
	};

	#dropUndispatched(event: BusEvent, reason: 'queue-overflow' | 'shutdown', detail: string): void {
		this.#deadLetters.dropUndispatched(event, reason, detail);
		this.#awaited.take(event)?.droppedBeforeDispatch(event);
	}

	readonly #subscribeOne = (pattern: string, handler: Handler, options: SubscribeOptions): Subscription => this.#subscribe([pattern], handler, options);

	readonly #subscribeStream = (pattern: string, handler: Handler, options: SubscribeOptions): Subscription => this.#subscribe([pattern], handler, options, true);

	readonly #onClose = (listener: () => void): (() => void) => this.#diagnostics.on('closed', listener);

	#assertAccepting(operation: string): void {
		if (this.#state !== 'running') throw new BusClosedError(this.#state, operation);
	}
}

function anyMayGoAsync(route: readonly Subscriber[]): boolean {
	for (let index = 0; index < route.length; index++) if (route[index]!.mayGoAsync) return true;
	return false;
}
