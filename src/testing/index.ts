/**
 * `topicbus/testing`: test code that uses topicbus, without a running bus or with a real one under control.
 * Nothing here is reachable from the main `topicbus` entry.
 *
 * - `createMockBus()`: a recording bus with synchronous, deterministic delivery (or `{mode: 'queued'}`).
 * - `createTestBus()`: a harness over a real, isolated `EventBus`: `drain()`, `waitFor()`, recorded lists.
 * - `useIsolatedBus()`: resets the process-wide bus around each test, for code that calls `getEventBus()`.
 * - `runBusConformance()`: the contract every `Bus` implementation must meet, as a test suite.
 * - `topicbusMatchers`: the matchers `topicbus/testing/vitest` installs, for `expect.extend` in other runners.
 */
// Test buses accept `schemas` as a folder or a list, and have `producer()`, even when the main entry was never imported.
import '../layers.js';

export {MockBus, createMockBus} from './mock-bus.js';
export {TestBus, createTestBus} from './test-bus.js';
export {useIsolatedBus} from './isolated-bus.js';
export {runBusConformance} from './conformance/run-bus-conformance.js';
export {InjectedFailureError} from './failure-rules.js';
export {topicbusMatchers} from './matchers.js';

export type {MockBusMode, MockBusOptions} from './mock-bus.js';
export type {TestBusOptions, TestWaitOptions} from './test-bus.js';
export type {IsolatedBusOptions} from './isolated-bus.js';
export type {BusFactory, BusFeatures} from './conformance/conformance-context.js';
export type {FailOnOptions, FailTarget} from './failure-rules.js';
export type {BusRecording, DeliveryRecord} from './recorder.js';
export type {MatcherContext, MatcherResult} from './matchers.js';
export type {TestRunner} from './test-runner.js';
