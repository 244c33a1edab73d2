import {EventBus} from '../core/event-bus.js';
import type {EventBusOptions} from '../core/bus-options.js';
import {resolveTopicLimits} from '../routing/index.js';
import type {
	BatchItemOf,
	BusEvent,
	Consumer,
	ConsumerHandle,
	DeliveryReport,
	EventFor,
	EventMap,
	EventMapLike,
	Handler,
	PublishOptions,
	PublishSyncOptions,
	SubscribeOptions,
	Subscription,
	TopicOf,
} from '../types.js';
import {FailureRules} from './failure-rules.js';
import {composeMiddleware, failureMiddleware, recordingMiddleware, type DeliveryMiddleware} from './middleware.js';
import {Recorder} from './recorder.js';

type AnyPublish = (topic: string, payload: unknown, options?: PublishOptions) => Promise<BusEvent | DeliveryReport>;
type AnyPublishSync = (topic: string, payload: unknown, options?: PublishSyncOptions) => BusEvent;

const ignore = (): void => {};

/** A publish in call order, which is acceptance order: its events, once known (`publish` learns them a microtask late). */
interface PendingRecord {
	events: readonly BusEvent[];
	isSettled: boolean;
}

/**
 * A real `EventBus` that records what happens on it, through its public API only: publishes (when accepted, or when
 * first dispatched if that comes first; in call order, which is acceptance order, so a `publishSync` is recorded
 * before it returns unless an earlier `publish` still awaits its promise), successful deliveries (through
 * {@link recordingMiddleware} around each handler and consumer), and dead letters (from the `deadLetter` diagnostic).
 * Each call first goes through {@link failureMiddleware}, whose `failOn` rules may fail it. Subscriptions made by `waitFor` and `stream` are internal to the bus and not
 * wrapped.
 */
export class RecordingEventBus<Events extends EventMapLike = EventMap> extends EventBus<Events> {
	readonly recorder: Recorder;
	readonly failures: FailureRules;
	readonly #pending: PendingRecord[] = [];
	/** Around every handler and consumer: record what succeeds, fail what a `failOn` rule says. */
	readonly #middleware: DeliveryMiddleware;

	/** @throws {TypeError} when an option has the wrong type or range. */
	constructor(options?: EventBusOptions) {
		super(options);
		const limits = resolveTopicLimits(options?.limits);
		this.recorder = new Recorder(limits);
		this.failures = new FailureRules(limits);
		this.#middleware = composeMiddleware(recordingMiddleware(this.recorder), failureMiddleware(this.failures));
		this.on('deadLetter', letter => {
			this.recorder.noteDeadLetter(letter);
		});
	}

	override publish<Topic extends TopicOf<Events>>(
		topic: Topic,
		payload: Events[Topic],
		options: PublishOptions & {readonly awaitDelivery: true},
	): Promise<DeliveryReport<BusEvent<Events[Topic], Topic>>>;
	override publish<Topic extends TopicOf<Events>>(topic: Topic, payload: Events[Topic], options?: PublishOptions): Promise<BusEvent<Events[Topic], Topic>>;
	override publish(topic: string, payload: unknown, options?: PublishOptions): Promise<BusEvent | DeliveryReport> {
		const result = (super.publish as AnyPublish).call(this, topic, payload, options);
		if (options?.awaitDelivery === true) {
			// Its report comes after delivery, too late to hold the others back: the filter records it on dispatch.
			result.then(value => {
				this.recorder.notePublished((value as DeliveryReport).event);
			}, ignore);
			return result;
		}
		const record = this.#expectRecord();
		result.then(
			value => this.#settleRecord(record, [value as BusEvent]),
			() => this.#settleRecord(record, []),
		);
		return result;
	}

	/** As `EventBus.publishSync`; the event is recorded before it returns (after any earlier publish still settling). */
	override publishSync<Topic extends TopicOf<Events>>(topic: Topic, payload: Events[Topic], options?: PublishSyncOptions): BusEvent<Events[Topic], Topic>;
	override publishSync(topic: string, payload: unknown, options?: PublishSyncOptions): BusEvent {
		const event = (super.publishSync as AnyPublishSync).call(this, topic, payload, options);
		this.#settleRecord(this.#expectRecord(), [event]);
		return event;
	}

	override publishBatch(items: readonly BatchItemOf<Events>[]): Promise<BusEvent[]> {
		const result = super.publishBatch(items);
		const record = this.#expectRecord();
		result.then(
			events => this.#settleRecord(record, events),
			() => this.#settleRecord(record, []),
		);
		return result;
	}

	#expectRecord(): PendingRecord {
		const record: PendingRecord = {events: [], isSettled: false};
		this.#pending.push(record);
		return record;
	}

	/** Records `events`, after those of every earlier publish still waiting for its promise to settle. */
	#settleRecord(record: PendingRecord, events: readonly BusEvent[]): void {
		record.events = events;
		record.isSettled = true;
		while (this.#pending[0]?.isSettled === true) {
			for (const event of this.#pending.shift()!.events) this.recorder.notePublished(event);
		}
	}

	override subscribe<Pattern extends string>(
		pattern: Pattern,
		handler: Handler<EventFor<Events, Pattern>>,
		options?: SubscribeOptions<EventFor<Events, Pattern>>,
	): Subscription {
		const noting = this.#notingOptions(options as SubscribeOptions | undefined);
		// Malformed arguments go through untouched, so that they fail exactly as on a plain EventBus.
		if (typeof handler !== 'function' || noting === undefined) return super.subscribe(pattern, handler, options);
		let subscription: Subscription | undefined;
		const wrapped = this.#middleware((event: BusEvent) => handler(event as EventFor<Events, Pattern>), () => subscription!);
		subscription = super.subscribe(pattern, wrapped, noting as unknown as SubscribeOptions<EventFor<Events, Pattern>>);
		return subscription;
	}

	override use(consumer: Consumer<BusEvent<Events[TopicOf<Events>], TopicOf<Events>>>): ConsumerHandle {
		const given = consumer as unknown as Consumer;
		if (typeof given !== 'object' || given === null || typeof given.consume !== 'function') return super.use(consumer);
		let handle: ConsumerHandle | undefined;
		const consume = this.#middleware((events: BusEvent | readonly BusEvent[]) => given.consume(events), () => handle!.subscription);
		// A plain copy, so that consumers written as classes (methods on the prototype, #private state) keep `this`.
		const copy: Record<string, unknown> = {name: given.name, topics: given.topics, consume};
		for (const key of ['priority', 'retry', 'timeoutMs', 'batchSize', 'batchTimeoutMs'] as const) if (given[key] !== undefined) copy[key] = given[key];
		for (const key of ['filter', 'transform', 'close'] as const) {
			const value: unknown = given[key];
			if (value !== undefined) copy[key] = typeof value === 'function' ? value.bind(given) : value;
		}
		const noting = this.#notingOptions(copy['filter'] === undefined ? {} : {filter: copy['filter'] as (event: BusEvent) => boolean});
		if (noting?.filter !== undefined) copy['filter'] = noting.filter;
		handle = super.use(copy as unknown as Consumer<BusEvent<Events[TopicOf<Events>], TopicOf<Events>>>);
		return handle;
	}

	/**
	 * The options with a filter that notes each event when it is first dispatched (before any transform), so that an
	 * event published with `awaitDelivery` is recorded in dispatch order rather than when its report resolves.
	 * `undefined` when the options are malformed.
	 */
	#notingOptions(options: SubscribeOptions | undefined): SubscribeOptions | undefined {
		if (options !== undefined && (typeof options !== 'object' || options === null || Array.isArray(options))) return undefined;
		const filter = options?.filter;
		if (filter !== undefined && typeof filter !== 'function') return undefined;
		return {
			...options,
			filter: event => {
				this.recorder.notePublished(event);
				return filter === undefined || filter(event);
			},
		};
	}
}

