import type {EventBusOptions} from '../core/bus-options.js';
import type {BusState} from '../core/event-bus.js';
import {assertOneOf, assertOptionalObject} from '../internal/assert.js';
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
import type {FailOnOptions, FailTarget} from './failure-rules.js';
import type {BusRecording, DeliveryRecord} from './recorder.js';
import {constructWithEngine, immediateRetryTimer, type EngineHooks} from '../core/engine.js';
import {RecordingEventBus} from './recording-event-bus.js';

/**
 * How a mock bus delivers. `sync`: at once, in the publisher's call stack, deterministically (an `EventBus` whose
 * dispatcher runs inline). `queued`: as a plain `EventBus` (its microtask dispatcher, timers and backoff), recorded
 * the same way.
 */
export type MockBusMode = 'sync' | 'queued';

/** Options of {@link createMockBus}: the options of `new EventBus()`, plus `mode`. */
export interface MockBusOptions extends EventBusOptions {
	/** @default 'sync' */
	readonly mode?: MockBusMode;
}

type AnyPublish = (topic: string, payload: unknown, options?: PublishOptions) => Promise<BusEvent | DeliveryReport>;

/**
 * A bus for unit tests: implements the same {@link Bus} interface as `EventBus` (so code written against `Bus` runs
 * on it unchanged), validates topics, patterns, payloads and options exactly as the real bus does (same routing code,
 * same errors), and records every publish, delivery and dead letter for assertions and the vitest matchers.
 *
 * It is an `EventBus` (the same queue, dispatcher, subscribers, retries and dead letters) with a recording wrapper
 * around each handler and consumer. In `sync` mode (the default) its dispatcher runs inline: `publish` hands the
 * event to the matching handlers before it returns, and resolves once every handler it started (and anything those
 * published) has settled; `publishSync` hands it over the same way and returns without waiting for async handlers.
 * An event a handler publishes is dispatched right after the current one, never re-entrantly, and its `publish`
 * resolves at once (as on the real bus) so that a handler awaiting it cannot deadlock. Retries happen on the next
 * microtask, without backoff delays; `drain()` hands partial consumer batches over without waiting for their timer;
 * events waiting in a `stream()` never keep `publish` or `drain()` waiting for a reader. Everything else behaves as
 * on `EventBus`, because it is `EventBus`; the shared conformance suite (`runBusConformance`) holds both to that.
 *
 * @example
 * ```ts
 * const bus = createMockBus<{'order.created': {id: string}}>();
 * await placeOrder(bus, {id: 'o-1'}); // the code under test publishes
 * expect(bus.published('order.created')).toHaveLength(1);
 * expect(bus).toHavePublished('order.created', {id: 'o-1'}); // with `import 'topicbus/testing/vitest'`
 * ```
 */
export class MockBus<Events extends EventMapLike = EventMap> implements Bus<Events>, BusRecording {
	/** How this mock delivers. */
	readonly mode: MockBusMode;
	readonly #bus: RecordingEventBus<Events>;
	/** The sync engine's hooks into the bus; undefined in `queued` mode. */
	readonly #sync: EngineHooks | undefined;

	/** @throws {TypeError} when an option has the wrong type or range. */
	constructor(options?: MockBusOptions) {
		assertOptionalObject('options', options);
		assertOneOf('options.mode', options?.mode, ['sync', 'queued']);
		const {mode = 'sync', ...busOptions} = options ?? {};
		this.mode = mode;
		if (mode === 'queued') {
			this.#bus = new RecordingEventBus<Events>(busOptions);
			this.#sync = undefined;
			return;
		}
		let hooks: EngineHooks | undefined;
		const engine = {
			scheduler: 'inline',
			retryTimer: immediateRetryTimer,
			detachedStreams: true,
			attach: (given: EngineHooks) => {
				hooks = given;
			},
		} as const;
		this.#bus = constructWithEngine(engine, () => new RecordingEventBus<Events>(busOptions));
		this.#sync = hooks;
	}

	/** In `sync` mode, a publisher outside the handlers waits until what it started has settled. */
	#settled<T>(result: Promise<T>): Promise<T> {
		const sync = this.#sync;
		if (sync === undefined || sync.isInHandler()) return result;
		return result.then(async value => {
			await sync.whenSettled();
			return value;
		});
	}

	/** `running` until `close()`; then `stopping`, `stopped` and `closed`, as on `EventBus`. */
	get state(): BusState {
		return this.#bus.state;
	}

	/**
	 * As {@link Bus.publish}, and recorded. In `sync` mode it resolves once the handlers it started have settled
	 * (at once when called from a handler).
	 */
	publish<Topic extends TopicOf<Events>>(
		topic: Topic,
		payload: Events[Topic],
		options: PublishOptions & {readonly awaitDelivery: true},
	): Promise<DeliveryReport<BusEvent<Events[Topic], Topic>>>;
	publish<Topic extends TopicOf<Events>>(topic: Topic, payload: Events[Topic], options?: PublishOptions): Promise<BusEvent<Events[Topic], Topic>>;
	publish(topic: string, payload: unknown, options?: PublishOptions): Promise<BusEvent | DeliveryReport> {
		const result = (this.#bus.publish as AnyPublish).call(this.#bus, topic, payload, options);
		// A report already waits for every delivery; a publisher's own wait must not also wait for unrelated work.
		return options?.awaitDelivery === true ? result : this.#settled(result);
	}

	/**
	 * As {@link Bus.publishSync}, and recorded. In `sync` mode it returns once the event has been handed to
	 * every matching subscription (synchronous handlers have run, async ones have started: `drain()` waits for them),
	 * or, from a handler, once it is queued behind the current event. In `queued` mode handlers never run before it
	 * returns. In both, a full queue throws `QueueFullError` (`wait` and `reject` policies); in `sync` mode the queue
	 * only fills while a full subscription buffer holds dispatch back.
	 */
	publishSync<Topic extends TopicOf<Events>>(topic: Topic, payload: Events[Topic], options?: PublishSyncOptions): BusEvent<Events[Topic], Topic> {
		return this.#bus.publishSync(topic, payload, options);
	}

	/** As {@link Bus.publishBatch}, and recorded; in `sync` mode it resolves once the handlers it started have settled. */
	publishBatch(items: readonly BatchItemOf<Events>[]): Promise<BusEvent[]> {
		return this.#settled(this.#bus.publishBatch(items));
	}

	/** As {@link Bus.subscribe}; each successful call of `handler` is recorded in `delivered()`. */
	subscribe<Pattern extends string>(
		pattern: Pattern,
		handler: Handler<EventFor<Events, Pattern>>,
		options?: SubscribeOptions<EventFor<Events, Pattern>>,
	): Subscription {
		return this.#bus.subscribe(pattern, handler, options);
	}

	unsubscribe(id: string): boolean {
		return this.#bus.unsubscribe(id);
	}

	unsubscribePattern(pattern: string): number {
		return this.#bus.unsubscribePattern(pattern);
	}

	subscriptions(): SubscriptionInfo[] {
		return this.#bus.subscriptions();
	}

	waitFor<Pattern extends string>(pattern: Pattern, options?: WaitForOptions<EventFor<Events, Pattern>>): Promise<EventFor<Events, Pattern>> {
		return this.#bus.waitFor(pattern, options);
	}

	/** As {@link Bus.stream}, except that in `sync` mode unread events do not keep `publish` or `drain()` waiting. */
	stream<Pattern extends string>(pattern: Pattern, options?: StreamOptions): AsyncIterableIterator<EventFor<Events, Pattern>> {
		return this.#bus.stream(pattern, options);
	}

	history(query?: HistoryQuery): BusEvent[] {
		return this.#bus.history(query);
	}

	/** As {@link Bus.use}; the consumer's successful `consume` calls are recorded per event. */
	use(consumer: Consumer<BusEvent<Events[TopicOf<Events>], TopicOf<Events>>>): ConsumerHandle {
		return this.#bus.use(consumer);
	}

	on<Name extends keyof BusDiagnostics>(name: Name, listener: BusDiagnostics[Name]): () => void {
		return this.#bus.on(name, listener);
	}

	getMetrics(): BusMetrics {
		return this.#bus.getMetrics();
	}

	/** As {@link Bus.drain}, except that in `sync` mode partial consumer batches are handed over at once. */
	drain(): Promise<void> {
		if (this.#sync === undefined || this.#sync.isInHandler()) return this.#bus.drain();
		return this.#sync.drainEagerly();
	}

	close(options?: {readonly timeoutMs?: number}): Promise<StopReport> {
		return this.#bus.close(options);
	}

	/**
	 * Events published through `publish`/`publishSync`/`publishBatch` (not the bus's own `$bus.*` events), in
	 * acceptance order, optionally only those whose topic matches `pattern` (the bus's grammar; `InvalidTopicError`
	 * when invalid).
	 */
	published<Pattern extends string = '**'>(pattern?: Pattern): EventFor<Events, Pattern>[] {
		return this.#bus.recorder.published(pattern) as EventFor<Events, Pattern>[];
	}

	/** Successful deliveries (event as the handler got it, subscription, attempts), in completion order. */
	delivered<Pattern extends string = '**'>(pattern?: Pattern): DeliveryRecord<EventFor<Events, Pattern>>[] {
		return this.#bus.recorder.delivered(pattern) as DeliveryRecord<EventFor<Events, Pattern>>[];
	}

	/** Deliveries that failed for good (after their last attempt, or in their filter/transform), as dead letters. */
	failed(): DeadLetter[] {
		return this.#bus.recorder.failed();
	}

	/** Every dead letter: failed deliveries and dropped events. */
	deadLettered(): DeadLetter[] {
		return this.#bus.recorder.deadLettered();
	}

	/**
	 * Makes deliveries fail on demand: every attempt to deliver to a subscription named `target` (or a consumer of
	 * that name), or of an event whose topic matches `target` as a pattern, fails with `error` (default: a new
	 * {@link InjectedFailureError}) instead of calling the handler; retries and dead letters follow the
	 * subscription's policy. With `{times: n}` only the next n matching attempts fail. Returns a function that
	 * removes the rule; `reset()` removes them all. To make `publish` itself reject, stub it (`vi.spyOn`).
	 *
	 * @throws {TypeError} when `target` or `options` is malformed.
	 * @throws {InvalidTopicError} when `{topic}` is not a valid pattern.
	 */
	failOn(target: FailTarget, error?: unknown, options?: FailOnOptions): () => void {
		return this.#bus.failures.add(target, error, options);
	}

	/** Forgets what was recorded and removes every `failOn` rule; subscriptions, history and metrics stay. */
	reset(): void {
		this.#bus.recorder.clear();
		this.#bus.failures.clear();
	}
}

/**
 * Creates a {@link MockBus}: an isolated bus (never the singleton) that records everything and, by default, delivers
 * synchronously. Takes the options of `new EventBus()` plus `mode` (`'sync'` or `'queued'`).
 *
 * @throws {TypeError} when an option has the wrong type or range.
 */
export function createMockBus<Events extends EventMapLike = EventMap>(options?: MockBusOptions): MockBus<Events> {
	return new MockBus<Events>(options);
}
