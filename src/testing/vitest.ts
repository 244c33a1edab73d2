/**
 * `topicbus/testing/vitest`: importing it (in a test file or a `setupFiles` entry) installs the topicbus matchers on
 * vitest's `expect` and declares them on its types:
 *
 * ```ts
 * import 'topicbus/testing/vitest';
 * expect(bus).toHavePublished('order.created', {id: expect.any(String)});
 * ```
 *
 * They work on a `MockBus` (`createMockBus()`) and on a `TestBus` harness (`createTestBus()`).
 */
import {expect} from 'vitest';
import {topicbusMatchers} from './matchers.js';

expect.extend(topicbusMatchers);

/** The topicbus matchers, as declared on vitest's `Assertion`. */
export interface TopicbusMatchers<R = unknown> {
	/**
	 * Passes when the bus published an event on `topic` (a topic or a pattern) whose payload matches `payload` with
	 * `expect.objectContaining` semantics (asymmetric matchers allowed); without `payload`, any event on the topic.
	 */
	toHavePublished(topic: string, payload?: unknown): R;
	/** Passes when the bus published exactly `count` events on `topic` (a topic or a pattern). */
	toHavePublishedTimes(topic: string, count: number): R;
	/** Passes when the bus published events on these topics (or patterns) in this order; others may come between. */
	toHavePublishedInOrder(topics: readonly string[]): R;
	/** Passes when the bus has an active subscription made with exactly this pattern. */
	toHaveSubscriber(pattern: string): R;
}

declare module 'vitest' {
	// The type parameter must repeat vitest's own declaration (`any` included) for the interfaces to merge.
	interface Assertion<T = any> extends TopicbusMatchers<void> {}
	interface AsymmetricMatchersContaining extends TopicbusMatchers<unknown> {}
}

export {topicbusMatchers} from './matchers.js';
export type {MatcherContext, MatcherResult} from './matchers.js';
