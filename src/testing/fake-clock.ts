import {setImmediate as realSetImmediate} from 'node:timers';

/** The part of a @sinonjs/fake-timers clock (what `vi.useFakeTimers()` installs) that the testing kit uses. */
interface FakeClock {
	countTimers(): number;
	/** Runs the next timer, yielding to the real event loop before and after. */
	nextAsync(): Promise<number>;
}

/** How many fake timers {@link settleAdvancingFakeTimers} runs before it gives up (vitest's own loop limit). */
export const fakeTimerLimit = 10_000;

/** The fake clock installed on `setTimeout` by `vi.useFakeTimers()` (or sinon), if there is one. */
export function findFakeClock(): FakeClock | undefined {
	const clock = (globalThis.setTimeout as {clock?: Partial<FakeClock>}).clock;
	return typeof clock?.countTimers === 'function' && typeof clock.nextAsync === 'function' ? (clock as FakeClock) : undefined;
}

/**
 * Resolves or rejects like `promise`. When timers are faked, it runs fake timers one at a time, earliest first,
 * while `promise` is pending, so that retries, batch timeouts and `timeoutMs` fire in simulated time; with real
 * timers it simply awaits `promise`. Throws after {@link fakeTimerLimit} timers (an interval that never lets the
 * bus settle) instead of looping forever.
 */
export async function settleAdvancingFakeTimers<T>(promise: Promise<T>): Promise<T> {
	if (findFakeClock() === undefined) return promise;
	let isSettled = false;
	const done = (): void => {
		isSettled = true;
	};
	promise.then(done, done);
	let timersRun = 0;
	while (!isSettled) {
		const clock = findFakeClock();
		if (clock === undefined) break; // Real timers again: nothing left to advance.
		if (clock.countTimers() === 0) {
			// Waiting on something other than a timer (I/O, a deferred): let the real event loop run.
			await new Promise<void>(resolve => {
				realSetImmediate(resolve);
			});
			continue;
		}
		if (++timersRun > fakeTimerLimit) {
			throw new Error(`Ran ${fakeTimerLimit} fake timers and the bus is still busy: is an interval keeping it from settling?`);
		}
		await clock.nextAsync();
	}
	return promise;
}
