import {BatchValidationError, BusClosedError, EventDroppedError} from '../errors.js';
import {rejectBatch, validateBatch} from '../core/batch-validation.js';
import {adaptConsumer} from '../core/consumer-adapter.js';
import {deadLetterTopic, type BusState} from '../core/event-bus.js';
import {resolveBusOptions, type EventBusOptions, type ResolvedBusOptions} from '../core/bus-options.js';
import {DiagnosticsChannel} from '../core/diagnostics-channel.js';
import {EventFactory} from '../core/event-factory.js';
import {History} from '../core/history.js';
import {resolveHistoryQuery} from '../core/history-query.js';
import {assertNoAwaitDelivery} from '../core/publish-options.js';
import {serializeErrorSafely} from '../core/dead-letter-publisher.js';
import {resolveSubscriberSettings} from '../core/subscribe-options.js';
import {createSubscriptionHandle} from '../core/subscription-handle.js';
import {SubscriptionTable} from '../core/subscription-table.js';
import {describeSubscriptions} from '../core/subscription-info.js';
import {waitForEvent} from '../core/wait-for.js';
import {HandlerContext} from '../delivery/handler-context.js';
import {assertInteger, assertOptionalObject, fail} from '../internal/assert.js';
import {Router} from '../routing/router.js';
import type {
	BatchItemOf,
	Bus,
	BusDiagnostics,
	BusEvent,
	BusMetrics,
	Consumer,
	ConsumerHandle,
	DeadLetter,
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
import {FailureRules} from './failure-rules.js';
import {IdleWaiters, settlesWithin} from './idle-waiters.js';
import {Recorder} from './recorder.js';
import {adaptSyncConsumer, createConsumerHandle, type SyncConsumerAdapter} from './sync-consumer.js';
import {SyncDispatchQueue} from './sync-dispatch-queue.js';
import {createSyncStream} from './sync-stream.js';
import {SyncSubscriber, type SyncStats, type SyncSubscriberHost} from './sync-subscriber.js';

const ignoreReport = (): void => {};

/**
 * The deterministic engine of the mock bus: the real bus's validation, envelopes, routing (the same `Router`),
 * subscription rules, reports, dead letters and diagnostics, with no queue between `publish` and the handlers.
 * `publish` and `publishSync` dispatch at once, in the caller's call stack; an event published by a handler waits
 * until the current event has been handed to every subscription (never re-entrant), then is dispatched in the same
 * run. Everything it accepts, delivers and dead-letters goes to its {@link Recorder}.
 */
export class SyncBus<Events extends EventMapLike = EventMap> implements Bus<Events> {
	readonly recorder: Recorder;
	readonly failures: FailureRules;
	readonly #options: ResolvedBusOptions;
	readonly #router: Router<SyncSubscriber>;
	readonly #subscriptions: SubscriptionTable<SyncSubscriber>;
	readonly #queue: SyncDispatchQueue;
	readonly #history: History;
	readonly #context: HandlerContext;
	readonly #events: EventFactory;
	readonly #diagnostics = new DiagnosticsChannel();
	readonly #consumers = new Map<ConsumerHandle, SyncConsumerAdapter>();
	readonly #stats: SyncStats = {delivered: 0, failed: 0, retried: 0, dropped: 0, deadLettered: 0, inFlight: 0};
	readonly #host: SyncSubscriberHost;
	readonly #idle = new IdleWaiters(isStrict => this.#isIdle(isStrict));
	#eager = 0;
	#published = 0;
	#rejected = 0;
	#seq = 0;
	#state: BusState = 'running';
	#closing: Promise<StopReport> | undefined;

	/** @throws {TypeError} when an option has the wrong type or range (the options of `new EventBus()`). */
	constructor(options?: EventBusOptions) {
		this.#options = resolveBusOptions(options);
		this.#router = new Router<SyncSubscriber>({
			...(this.#options.limits === undefined ? {} : {limits: this.#options.limits}),
			cacheSize: this.#options.routeCacheSize,
		});
		this.recorder = new Recorder(this.#router.limits);
		this.failures = new FailureRules(this.#router.limits);
		this.#history = new History(this.#options.historySize);
		this.#context = new HandlerContext(this.#options.asyncContext);
		this.#events = new EventFactory({
			router: this.#router as Router<never>,
			context: this.#context,
			source: this.#options.source,
			freezePayloads: this.#options.freezePayloads,
			maxPayloadDepth: this.#options.maxPayloadDepth,
			schemas: this.#options.schemas,
			validation: this.#options.validation,
			warn: error => this.#diagnostics.warn('ERR_SCHEMA_VALIDATION', error.message, error),
		});
		this.#subscriptions = new SubscriptionTable(this.#router);
		this.#queue = new SyncDispatchQueue(topic => this.#router.route(topic));
		this.#host = {
			stats: this.#stats,
			context: this.#context,
			recorder: this.recorder,
			failures: this.failures,
			freeze: event => this.#events.freezeTransformed(event),
			deadLetter: letter => this.#deadLetter(letter),
			retrying: notice => this.#diagnostics.emit('retry', notice),
			isTimingDeliveries: () => this.#diagnostics.isObservingDeliveries,
			delivered: notice => this.#diagnostics.emit('delivered', notice),
			settled: () => this.#dispatchQueued(),
			expire: this.#subscriptions.remove,
		};
	}

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
		const isNested = this.#context.current() !== undefined;
		let resolveReport: (report: DeliveryReport) => void = ignoreReport;
		const report = options?.awaitDelivery === true ? new Promise<DeliveryReport>(resolve => (resolveReport = resolve)) : undefined;
		this.#accept(event, resolveReport);
		this.#dispatchQueued();
		if (report !== undefined) return report;
		// From inside a handler, resolve on acceptance as the real bus does: waiting for delivery there could deadlock.
		return isNested ? Promise.resolve(event) : this.#idle.whenIdle(false).then(() => event);
	}

	/**
	 * `publish` without the promise: validates, records and dispatches the event before it returns (synchronous
	 * handlers have run, async ones have started; `drain()` waits for them), then returns the frozen envelope. From a
	 * handler, the event is only queued, and dispatched once the current event has been handed to every subscription.
	 * There is no queue to fill, so it never throws `QueueFullError`; it throws what `publish` rejects with, and
	 * `TypeError` for `awaitDelivery: true` (it needs a promise: use `publish`).
	 */
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
		this.#accept(event, ignoreReport);
		this.#dispatchQueued();
		return event;
	}

	async publishBatch(items: readonly BatchItemOf<Events>[]): Promise<BusEvent[]> {
		if (!Array.isArray(items)) fail('items', 'an array', items);
		try {
			this.#assertAccepting('publishBatch');
		} catch (error) {
			rejectBatch(items, error, [], this.#reject);
			throw error;
		}
		// The real bus's validation and reporting, so that a refused batch counts and emits the same rejections.
		const {events, errors} = validateBatch(items, this.#events);
		if (errors.length > 0) {
			const failure = new BatchValidationError(errors);
			rejectBatch(items, failure, errors, this.#reject);
			throw failure;
		}
		const isNested = this.#context.current() !== undefined;
		for (const event of events) this.#accept(event, ignoreReport);
		this.#dispatchQueued();
		if (!isNested) await this.#idle.whenIdle(false);
		return events;
	}

	subscribe<Pattern extends string>(
		pattern: Pattern,
		handler: Handler<EventFor<Events, Pattern>>,
		options?: SubscribeOptions<EventFor<Events, Pattern>>,
	): Subscription {
		return this.#subscribe([pattern], handler as Handler, options as SubscribeOptions | undefined);
	}

	use(consumer: Consumer<BusEvent<Events[TopicOf<Events>], TopicOf<Events>>>): ConsumerHandle {
		const given = consumer as unknown as Consumer;
		// The real adapter validates, so that a malformed consumer fails with the real bus's TypeError.
		const {patterns} = adaptConsumer(given);
		const adapter = adaptSyncConsumer(given, () => this.#eager > 0);
		const options: Record<string, unknown> = {name: given.name, concurrency: adapter.concurrency};
		for (const key of ['priority', 'filter', 'transform', 'retry', 'timeoutMs'] as const) if (given[key] !== undefined) options[key] = given[key];
		const subscription = this.#subscribe(patterns, adapter.handler, options as SubscribeOptions);
		const handle = createConsumerHandle(given, subscription, adapter, async () => {
			this.#consumers.delete(handle);
			await this.drain();
		});
		this.#consumers.set(handle, adapter);
		return handle;
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
		return waitForEvent(this.#subscribeOne, listener => this.#diagnostics.on('closed', listener), pattern, options);
	}

	stream<Pattern extends string>(pattern: Pattern, options?: StreamOptions): AsyncIterableIterator<EventFor<Events, Pattern>> {
		return createSyncStream(this.#subscribeOne, this.#dropFromStream, pattern, options);
	}

	history(query?: HistoryQuery): BusEvent[] {
		return this.#history.query(resolveHistoryQuery(query, this.#router.limits));
	}

	on<Name extends keyof BusDiagnostics>(name: Name, listener: BusDiagnostics[Name]): () => void {
		return this.#diagnostics.on(name, listener);
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
			queueSize: this.#queue.size,
			inFlight: stats.inFlight,
			waitingProducers: 0,
			subscriptions: this.#subscriptions.size,
		};
	}

	/** Hands partial consumer batches over at once (not after their timer), then resolves when nothing is in flight. */
	async drain(): Promise<void> {
		this.#eager++;
		try {
			for (const adapter of this.#consumers.values()) adapter.flush();
			await this.#idle.whenIdle(true);
		} finally {
			this.#eager--;
		}
	}

	close(options?: {readonly timeoutMs?: number}): Promise<StopReport> {
		if (this.#closing !== undefined) return this.#closing;
		assertOptionalObject('options', options);
		assertInteger('options.timeoutMs', options?.timeoutMs, 0);
		this.#closing = this.#close(options?.timeoutMs);
		return this.#closing;
	}

	async #close(timeoutMs: number | undefined): Promise<StopReport> {
		this.#state = 'stopping';
		this.#eager++; // Never decremented: a closing bus hands every batch over at once.
		const isDrained = await settlesWithin(this.drain(), timeoutMs);
		let abandoned = 0;
		if (!isDrained) {
			abandoned = this.#subscriptions.abandonPending();
			this.#dispatchQueued(); // Their dead letters.
		}
		this.#state = 'stopped';
		const report: StopReport = {drained: isDrained, abandoned, metrics: this.getMetrics()};
		this.#diagnostics.emit('stopped', report);
		await Promise.allSettled([...this.#consumers.keys()].map(async handle => handle.close()));
		this.#state = 'closed';
		this.#subscriptions.removeAll();
		this.#diagnostics.emit('closed', report);
		return report;
	}

	#subscribe(patterns: readonly string[], handler: Handler, options: SubscribeOptions | undefined): Subscription {
		if (this.#state === 'closed') throw new BusClosedError('closed', 'subscribe');
		const settings = resolveSubscriberSettings(++this.#seq, patterns, handler, options as SubscribeOptions<never> | undefined);
		const subscriber = new SyncSubscriber(settings, this.#host);
		const handle = createSubscriptionHandle(subscriber, this.#subscriptions.remove);
		this.#subscriptions.add(subscriber, options?.signal);
		return handle;
	}

	readonly #subscribeOne = (pattern: string, handler: Handler, options: SubscribeOptions): Subscription => this.#subscribe([pattern], handler, options);

	/** Counts a refused publish and emits it as the `rejected` diagnostic, as the real bus does. */
	// A bound function, so that a batch can report each of its items through it.
	readonly #reject = (topic: unknown, payload: unknown, error: unknown): void => {
		this.#rejected++;
		if (this.#diagnostics.hasListeners('rejected')) this.#diagnostics.emit('rejected', {topic, payload, error, rejectedAt: Date.now()});
	};

	/** Counts, records and queues an accepted event, ahead of lower-priority events still queued. */
	#accept(event: BusEvent, onReport: (report: DeliveryReport) => void): void {
		this.#published++;
		this.#history.record(event);
		this.recorder.notePublished(event);
		this.#queue.enqueue(event, onReport);
	}

	/** Dispatches everything queued (unless a dispatch is already running below us), then checks for idleness. */
	#dispatchQueued(): void {
		this.#queue.dispatch();
		this.#checkIdle();
	}

	#deadLetter(letter: DeadLetter): void {
		this.recorder.noteDeadLetter(letter);
		this.#diagnostics.emit('deadLetter', letter);
		if (letter.event.topic.startsWith('$bus.') || this.#state === 'closed') return;
		// Queued only: whoever reported the failure dispatches it once its own bookkeeping is done. The error goes as
		// plain data, as on the real bus.
		this.#accept(this.#events.createInternal(deadLetterTopic, {...letter, error: serializeErrorSafely(letter.error)}, letter.event), ignoreReport);
	}

	readonly #dropFromStream = (event: BusEvent, subscription: Subscription, detail: string): void => {
		this.#stats.dropped++;
		this.#stats.deadLettered++;
		const error = new EventDroppedError(event.id, 'subscriber-overflow', detail);
		const {id, name, pattern} = subscription;
		this.#deadLetter({event, error, reason: 'subscriber-overflow', subscription: {id, name, pattern}, attempts: 0, failedAt: Date.now()});
	};

	#assertAccepting(operation: string): void {
		if (this.#state !== 'running') throw new BusClosedError(this.#state, operation);
	}

	#isIdle(isStrict: boolean): boolean {
		if (this.#queue.isBusy) return false;
		let parked = 0;
		if (!isStrict) for (const adapter of this.#consumers.values()) parked += adapter.parked;
		return this.#stats.inFlight === parked;
	}

	#checkIdle(): void {
		this.#idle.check();
		if (this.#diagnostics.hasListeners('drained') && this.#isIdle(true)) this.#diagnostics.emit('drained');
	}
}
