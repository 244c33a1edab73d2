import {AbortError, BusClosedError, WaitTimeoutError} from '../errors.js';
import {assertAbortSignal, assertInteger, assertOptionalFunction, assertOptionalObject} from '../internal/assert.js';
import type {BusEvent, Handler, SubscribeOptions, Subscription, WaitForOptions} from '../types.js';
import {maxTimerDelay} from '../internal/timing.js';

type Subscribe = (pattern: string, handler: Handler, options: SubscribeOptions) => Subscription;

/** Calls `listener` once the bus has closed; returns a function that stops listening. */
export type OnClose = (listener: () => void) => () => void;

/**
 * Resolves with the next event matching `pattern` (and `filter`), through a temporary `once` subscription that is
 * removed however the wait ends: the event, `WaitTimeoutError` after `timeoutMs`, or `AbortError` from `signal`.
 */
export function waitForEvent<Event extends BusEvent>(subscribe: Subscribe, onClose: OnClose, pattern: string, options: WaitForOptions<Event> | undefined): Promise<Event> {
	return new Promise((resolve, reject) => {
		assertOptionalObject('options', options);
		assertInteger('options.timeoutMs', options?.timeoutMs, 1);
		assertOptionalFunction('options.filter', options?.filter);
		assertAbortSignal('options.signal', options?.signal);
		const signal = options?.signal;
		if (signal?.aborted === true) {
			reject(new AbortError('waitFor', signal.reason));
			return;
		}
		let timer: ReturnType<typeof setTimeout> | undefined;
		const filter = options?.filter as ((event: BusEvent) => boolean) | undefined;
		// A throwing filter ends the wait with its error, instead of leaving it pending forever.
		const guardedFilter = (event: BusEvent): boolean => {
			try {
				return filter!(event);
			} catch (error) {
				settle();
				reject(error);
				return false;
			}
		};
		const settle = (): void => {
			clearTimeout(timer);
			signal?.removeEventListener('abort', onAbort);
			stopListening();
			subscription.unsubscribe();
		};
		const onAbort = (): void => {
			settle();
			reject(new AbortError('waitFor', signal?.reason));
		};
		const subscription = subscribe(
			pattern,
			event => {
				settle();
				resolve(event as Event);
			},
			{once: true, name: `waitFor(${pattern})`, ...(filter === undefined ? {} : {filter: guardedFilter})},
		);
		signal?.addEventListener('abort', onAbort, {once: true});
		// Nothing can arrive on a closed bus: the wait ends with BusClosedError instead of hanging forever.
		const stopListening = onClose(() => {
			settle();
			reject(new BusClosedError('closed', 'waitFor'));
		});
		if (options?.timeoutMs !== undefined && options.timeoutMs <= maxTimerDelay) {
			const {timeoutMs} = options;
			timer = setTimeout(() => {
				settle();
				reject(new WaitTimeoutError(pattern, timeoutMs));
			}, timeoutMs);
		}
	});
}
