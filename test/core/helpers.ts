/**
 * Small helpers shared by the core and delivery tests: deferred promises, a real macrotask tick (immune to fake
 * timers), and collectors for the bus's diagnostics.
 */
import {clearTimeout as realClearTimeout, setImmediate as realSetImmediate, setTimeout as realSetTimeout} from 'node:timers';
import type {BusDiagnostics, DeadLetter, RetryNotice} from '../../src/index.js';

/** A promise with its `resolve` and `reject` exposed, to control exactly when an async handler settles. */
export interface Deferred<T = void> {
	readonly promise: Promise<T>;
	resolve(value: T): void;
	reject(error: unknown): void;
}

export function deferred<T = void>(): Deferred<T> {
	let resolve!: (value: T) => void;
	let reject!: (error: unknown) => void;
	const promise = new Promise<T>((onResolve, onReject) => {
		resolve = onResolve;
		reject = onReject;
	});
	return {promise, resolve, reject};
}

/** Waits one turn of the event loop with the real `setImmediate`, so it works under fake timers too. */
export async function nextMacrotask(): Promise<void> {
	await new Promise<void>(resolve => {
		realSetImmediate(resolve);
	});
}

/** Anything with the bus's `on()`: an `EventBus` of any event map. */
interface Diagnosable {
	on<Name extends keyof BusDiagnostics>(name: Name, listener: BusDiagnostics[Name]): () => void;
}

/** Collects every `deadLetter` diagnostic of `bus` into the returned array. */
export function collectDeadLetters(bus: Diagnosable): DeadLetter[] {
	const letters: DeadLetter[] = [];
	bus.on('deadLetter', letter => {
		letters.push(letter);
	});
	return letters;
}

/** Collects every `retry` diagnostic of `bus` into the returned array. */
export function collectRetries(bus: Diagnosable): RetryNotice[] {
	const notices: RetryNotice[] = [];
	bus.on('retry', notice => {
		notices.push(notice);
	});
	return notices;
}

/** The error `promise` rejects with; fails the test when it resolves instead. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
	try {
		await promise;
	} catch (error) {
		return error;
	}
	throw new Error('Expected the promise to reject, but it resolved');
}

/** The error `run` throws; fails the test when it returns instead. */
export function thrownBy(run: () => unknown): unknown {
	try {
		run();
	} catch (error) {
		return error;
	}
	throw new Error('Expected the call to throw, but it returned');
}

/** Tracks whether `promise` has settled, without handling its outcome for the test. */
export function settledFlag(promise: Promise<unknown>): {readonly isSettled: boolean} {
	const flag = {isSettled: false};
	promise.then(
		() => {
			flag.isSettled = true;
		},
		() => {
			flag.isSettled = true;
		},
	);
	return flag;
}

/** A payload nested `levels` objects deep below the root: `{child: {child: ... {}}}`. */
export function nested(levels: number): Record<string, unknown> {
	let payload: Record<string, unknown> = {};
	for (let level = 0; level < levels; level++) payload = {child: payload};
	return payload;
}

/**
 * Resolves like `promise`, or rejects when it has not settled within `ms` of real time (a deadlock, where a test
 * waits for one not to happen). Real timers, so that fake ones cannot fire the limit early or hold it back.
 */
export async function within<T>(promise: Promise<T>, ms = 5000): Promise<T> {
	let timer: ReturnType<typeof realSetTimeout> | undefined;
	try {
		return await Promise.race([
			promise,
			new Promise<never>((_, reject) => {
				timer = realSetTimeout(() => reject(new Error(`did not settle within ${ms} ms: a deadlock`)), ms);
			}),
		]);
	} finally {
		realClearTimeout(timer);
	}
}

