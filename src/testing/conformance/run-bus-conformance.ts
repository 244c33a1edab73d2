import {assertFunction, assertPlainObject, fail} from '../../internal/assert.js';
import {resolveTestRunner, type TestRunner} from '../test-runner.js';
import {createConformanceContext, type BusFactory, type BusFeatures} from './conformance-context.js';
import {deliverySuite} from './delivery-suite.js';
import {errorSuite} from './error-suite.js';
import {featureSuite} from './feature-suite.js';
import {subscriptionSuite} from './subscription-suite.js';
import {topicSuite} from './topic-suite.js';

/**
 * Registers the shared conformance suite for one `Bus` implementation, so that every implementation (the real
 * `EventBus`, the mock bus, a bridge-backed bus) is held to the same contract: topic matching with the decided cases
 * and the `$` rule, invalid topics and patterns, `publish` and `publishSync` (envelopes, refusals), priorities,
 * filters, transforms, `once`, unsubscribe semantics, dispatch snapshots, delivery reports, and the error classes and
 * codes. Parts that not every implementation has (see {@link BusFeatures}) are registered only when declared `true`.
 *
 * Call it at the top level of a test file. `factory` makes a fresh bus for each test (the suite closes it). Tests are
 * registered with vitest when it is installed, else with the runner's globals, or with `runner`.
 *
 * @throws {TypeError} when `name`, `factory` or `features` is malformed, or no test runner is found.
 * @example
 * ```ts
 * runBusConformance('EventBus', () => new EventBus(), {ordering: true, priorities: true, history: true, asyncDelivery: true});
 * ```
 */
export function runBusConformance(name: string, factory: BusFactory, features: BusFeatures, runner?: Partial<TestRunner>): void {
	if (typeof name !== 'string' || name === '') fail('name', 'a non-empty string', name);
	assertFunction('factory', factory);
	assertPlainObject('features', features);
	const resolved = resolveTestRunner(runner);
	const declared = Object.entries(features)
		.filter(([, isOn]) => isOn === true)
		.map(([feature]) => feature);
	resolved.describe(`${name} conformance${declared.length > 0 ? ` (${declared.join(', ')})` : ''}`, () => {
		const context = createConformanceContext(factory, features, resolved);
		topicSuite(context);
		deliverySuite(context);
		subscriptionSuite(context);
		errorSuite(context);
		featureSuite(context);
	});
}
