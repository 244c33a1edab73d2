import assert from 'node:assert/strict';
import type {Bus, EventMap} from '../../types.js';
import type {TestRunner} from '../test-runner.js';

/** What an implementation declares it supports; a suite whose feature is not `true` is not registered. */
export interface BusFeatures {
	/** Per subscription, events arrive in publish order, also with async handlers. */
	readonly ordering?: boolean;
	/** Subscriptions with a higher `priority` run first; ties in subscription order. */
	readonly priorities?: boolean;
	/** Queued events are dispatched highest `priority` first (needs a queue between publish and dispatch). */
	readonly eventPriority?: boolean;
	/** `history()` keeps accepted events. */
	readonly history?: boolean;
	/**
	 * `true`: handlers never run inside `publish()` (the real bus). `false`: they have run when `publish()` resolves
	 * (the sync mock). Leave it out to test neither.
	 */
	readonly asyncDelivery?: boolean;
	/** `retry` re-attempts failed deliveries and emits `retry` diagnostics. */
	readonly retry?: boolean;
	/** Failed deliveries become `deadLetter` diagnostics and `$bus.dead-letter` events. */
	readonly deadLetters?: boolean;
	/** `use(consumer)`, with batching. */
	readonly consumers?: boolean;
	/** `stream(pattern)`. */
	readonly streams?: boolean;
	/** Events published from a handler inherit its correlation id and get its id as causation id. */
	readonly correlation?: boolean;
}

/** Makes a fresh bus for one test; the suite closes it afterwards. */
export type BusFactory = () => Bus<EventMap> | Promise<Bus<EventMap>>;

/** What each part of the suite gets. */
export interface ConformanceContext {
	readonly features: BusFeatures;
	readonly describe: TestRunner['describe'];
	/** Registers a test that runs `body` with a fresh bus, and closes the bus however the test ends. */
	busTest(name: string, body: (bus: Bus<EventMap>) => Promise<void>): void;
}

/** Creates the context: `busTest` wraps the factory and the cleanup. */
export function createConformanceContext(factory: BusFactory, features: BusFeatures, runner: TestRunner): ConformanceContext {
	return {
		features,
		describe: runner.describe,
		busTest(name, body) {
			runner.test(name, async () => {
				const bus = await factory();
				try {
					await body(bus);
				} finally {
					await bus.close({timeoutMs: 1000});
				}
			});
		},
	};
}

/** Asserts that `error` is an instance of `type` with these field values (`code`, `reason`, ...). */
export function assertError(error: unknown, type: abstract new (...args: never[]) => Error, fields: Record<string, unknown> = {}): void {
	assert.ok(error instanceof type, `expected a ${type.name}, got ${String(error)}`);
	for (const [key, value] of Object.entries(fields)) {
		assert.deepEqual((error as unknown as Record<string, unknown>)[key], value, `${type.name}.${key}`);
	}
}

/** The error `promise` rejects with; fails when it resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
	try {
		await promise;
	} catch (error) {
		return error;
	}
	assert.fail('expected the promise to reject, but it resolved');
}

/** The error `run` throws; fails when it returns. */
export function thrownBy(run: () => unknown): unknown {
	try {
		run();
	} catch (error) {
		return error;
	}
	assert.fail('expected the call to throw, but it returned');
}

/** A promise with its `resolve` exposed, to decide when an async handler settles. */
export function deferred(): {readonly promise: Promise<void>; resolve(): void} {
	let resolve!: () => void;
	const promise = new Promise<void>(onResolve => {
		resolve = onResolve;
	});
	return {promise, resolve};
}
