import type {EventBusOptions} from '../core/bus-options.js';
import type {EventBus} from '../core/event-bus.js';
import {getEventBus, resetEventBus} from '../core/singleton.js';
import {assertInteger, assertOptionalObject} from '../internal/assert.js';
import type {EventMap, EventMapLike} from '../types.js';
import {settleAdvancingFakeTimers} from './fake-clock.js';
import {resolveTestRunner, type TestRunner} from './test-runner.js';

/** Options of {@link useIsolatedBus}: the options the fresh singleton is created with, plus the kit's own. */
export interface IsolatedBusOptions extends EventBusOptions {
	/**
	 * How long the reset after each test waits for the old bus to deliver what it accepted; what is left is
	 * dead-lettered (`shutdown`) so that a hanging handler cannot hang the suite. Fake timers are advanced.
	 * @default 1_000
	 */
	readonly resetTimeoutMs?: number;
	/** The runner to register the hooks with. @default vitest when installed, else the globals */
	readonly runner?: Partial<TestRunner>;
}

/**
 * For code that calls `getEventBus()` itself: registers a `beforeEach` that resets the process-wide bus and creates a
 * fresh one with `options`, and an `afterEach` that closes and forgets it (`resetEventBus()`), so no subscription or
 * event leaks from one test into the next. Call it at the top of a test file or `describe`. Returns a function
 * giving the current test's bus.
 *
 * @throws {TypeError} when an option is malformed or no test runner is found.
 * @example
 * ```ts
 * const bus = useIsolatedBus();
 * test('the mailer subscribes on start', () => {
 *   startMailer(); // calls getEventBus() internally
 *   expect(bus().subscriptions()).toHaveLength(1);
 * });
 * ```
 */
export function useIsolatedBus<Events extends EventMapLike = EventMap>(options?: IsolatedBusOptions): () => EventBus<Events> {
	assertOptionalObject('options', options);
	assertInteger('options.resetTimeoutMs', options?.resetTimeoutMs, 0);
	const {resetTimeoutMs = 1000, runner, ...busOptions} = options ?? {};
	const {beforeEach, afterEach} = resolveTestRunner(runner);
	const reset = async (): Promise<void> => settleAdvancingFakeTimers(resetEventBus({timeoutMs: resetTimeoutMs}));
	beforeEach(async () => {
		await reset();
		getEventBus(busOptions);
	});
	afterEach(reset);
	return () => getEventBus<Events>();
}
