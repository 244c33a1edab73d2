import type {EventBusOptions} from '../core/bus-options.js';
import type {EventBus} from '../core/event-bus.js';
import {WaitTimeoutError} from '../errors.js';
import {assertBoolean, assertInteger, assertOptionalFunction, assertOptionalObject} from '../internal/assert.js';
import type {BusEvent, DeadLetter, EventFor, EventMap, StopReport, SubscriptionInfo, EventMapLike} from '../types.js';
import {settleAdvancingFakeTimers} from './fake-clock.js';
import type {FailOnOptions, FailTarget} from './failure-rules.js';
import type {BusRecording, DeliveryRecord} from './recorder.js';
import {RecordingEventBus} from './recording-event-bus.js';

/** Options of {@link createTestBus}: the options of `new EventBus()`, plus the harness's own. */
export interface TestBusOptions extends EventBusOptions {
	/**
	 * Under fake timers (`vi.useFakeTimers()`), `drain()`, `waitFor()` and `close()` run the pending fake timers one
	 * at a time, earliest first, until they settle, so that retry backoffs, batch timeouts and handler timeouts fire
	 * in simulated time. With `false` they wait, and advancing the clock is up to the test.
	 * @default true
	 */
	readonly advanceFakeTimers?: boolean;
}

/** Options of {@link TestBus.waitFor}. */
export interface TestWaitOptions {
	/** Rejects with `WaitTimeoutError` (listing what was published instead) after this long. @default 2_000 */
	readonly timeoutMs?: number;
}

/**
 * A test harness over a real, isolated `EventBus` (never the process-wide singleton): hand `bus` to the code under
 * test, then `await harness.drain()` and assert on what it recorded. Recording uses only the bus's public API
 * (see `RecordingEventBus`), so the bus behaves exactly as in production: its queue, dispatcher, timers, retries and
 * dead letters are the real ones. Works with vitest's fake timers (see {@link TestBusOptions.advanceFakeTimers}).
 *
 * @example
 * ```ts
 * const harness = createTestBus<Events>();
 * startInvoicing(harness.bus); // the consumer under test subscribes
 * await harness.bus.publish('order.paid', {id: 'o-1'});
 * const invoice = await harness.waitFor('invoice.created', event => event.payload.orderId === 'o-1');
 * ```
 */
export class TestBus<Events extends EventMapLike = EventMap> implements BusRecording {
	/** The real bus under test. */
	readonly bus: EventBus<Events>;
	readonly #bus: RecordingEventBus<Events>;
	readonly #isAdvancing: boolean;

	/** @throws {TypeError} when an option has the wrong type or range. */
	constructor(options?: TestBusOptions) {
		assertOptionalObject('options', options);
		assertBoolean('options.advanceFakeTimers', options?.advanceFakeTimers);
		const {advanceFakeTimers = true, ...busOptions} = options ?? {};
		this.#bus = new RecordingEventBus<Events>(busOptions);
		this.bus = this.#bus;
		this.#isAdvancing = advanceFakeTimers;
	}

	/** Resolves when nothing is queued, in flight or awaiting a retry (advancing fake timers, if any and enabled). */
	drain(): Promise<void> {
		return this.#settle(this.#bus.drain());
	}

	/**
	 * Resolves with the first published event matching `pattern` and `predicate`: one already recorded, or the next
	 * one to be published. Rejects with `WaitTimeoutError` after `timeoutMs` (its message lists what was published
	 * instead), with `InvalidTopicError` for a bad pattern, or with the error `predicate` throws.
	 */
	waitFor<Pattern extends string>(
		pattern: Pattern,
		predicate?: (event: EventFor<Events, Pattern>) => boolean,
		options?: TestWaitOptions,
	): Promise<EventFor<Events, Pattern>> {
		try {
			assertOptionalFunction('predicate', predicate);
			assertOptionalObject('options', options);
			assertInteger('options.timeoutMs', options?.timeoutMs, 1);
		} catch (error) {
			return Promise.reject(error);
		}
		const timeoutMs = options?.timeoutMs ?? 2000;
		const {recorder} = this.#bus;
		const isWanted = (event: BusEvent): boolean => predicate === undefined || predicate(event as EventFor<Events, Pattern>);
		const waiting = new Promise<EventFor<Events, Pattern>>((resolve, reject) => {
			const matches = recorder.matcher(pattern);
			const found = recorder.published().find(event => matches(event.topic) && isWanted(event));
			if (found !== undefined) {
				resolve(found as EventFor<Events, Pattern>);
				return;
			}
			const settle = (): void => {
				clearTimeout(timer);
				stop();
			};
			const stop = recorder.onPublished(event => {
				try {
					if (!matches(event.topic) || !isWanted(event)) return;
					settle();
					resolve(event as EventFor<Events, Pattern>);
				} catch (error) {
					settle();
					reject(error);
				}
			});
			const timer = setTimeout(() => {
				stop();
				const error = new WaitTimeoutError(pattern, timeoutMs);
				error.message += `; published instead: ${describeTopics(recorder.published())}`;
				reject(error);
			}, timeoutMs);
		});
		return this.#settle(waiting);
	}

	/** @see BusRecording.published */
	published<Pattern extends string = '**'>(pattern?: Pattern): EventFor<Events, Pattern>[] {
		return this.#bus.recorder.published(pattern) as EventFor<Events, Pattern>[];
	}

	/** @see BusRecording.delivered */
	delivered<Pattern extends string = '**'>(pattern?: Pattern): DeliveryRecord<EventFor<Events, Pattern>>[] {
		return this.#bus.recorder.delivered(pattern) as DeliveryRecord<EventFor<Events, Pattern>>[];
	}

	/** @see BusRecording.failed */
	failed(): DeadLetter[] {
		return this.#bus.recorder.failed();
	}

	/** @see BusRecording.deadLettered */
	deadLettered(): DeadLetter[] {
		return this.#bus.recorder.deadLettered();
	}

	/** The bus's active subscriptions. */
	subscriptions(): SubscriptionInfo[] {
		return this.#bus.subscriptions();
	}

	/** Makes deliveries fail on demand, as `MockBus.failOn` (applies to handlers subscribed through `bus.subscribe` and `bus.use`). */
	failOn(target: FailTarget, error?: unknown, options?: FailOnOptions): () => void {
		return this.#bus.failures.add(target, error, options);
	}

	/** Forgets what was recorded and removes every `failOn` rule. */
	reset(): void {
		this.#bus.recorder.clear();
		this.#bus.failures.clear();
	}

	/** Closes the bus (delivering what it accepted; advancing fake timers, if any and enabled). */
	close(options?: {readonly timeoutMs?: number}): Promise<StopReport> {
		return this.#settle(this.#bus.close(options));
	}

	#settle<T>(promise: Promise<T>): Promise<T> {
		return this.#isAdvancing ? settleAdvancingFakeTimers(promise) : promise;
	}
}

/**
 * Creates a {@link TestBus}: a harness over a new, isolated `EventBus` with the given options.
 *
 * @throws {TypeError} when an option has the wrong type or range.
 */
export function createTestBus<Events extends EventMapLike = EventMap>(options?: TestBusOptions): TestBus<Events> {
	return new TestBus<Events>(options);
}

function describeTopics(events: readonly BusEvent[]): string {
	if (events.length === 0) return 'nothing';
	const shown = events.slice(-10).map(event => event.topic);
	return (events.length > 10 ? `…${events.length - 10} more, ` : '') + shown.join(', ');
}
