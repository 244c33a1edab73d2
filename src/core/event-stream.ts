import {assertAbortSignal, assertInteger, assertOneOf, assertOptionalObject} from '../internal/assert.js';
import type {BusEvent, Handler, StreamOptions, SubscribeOptions, Subscription} from '../types.js';

type Subscribe = (pattern: string, handler: Handler, options: SubscribeOptions) => Subscription;

/**
 * An async iterator over the events matching a pattern, built on an ordinary subscription: the event being read
 * is that subscription's one in-flight delivery, and up to `bufferSize` more wait in its bounded buffer, where its
 * overflow policy applies (dropped events are counted and dead-lettered like any subscriber's).
 * `return()` (a `break` out of `for await`) unsubscribes; aborting `signal` ends the iteration.
 */
export function createEventStream<Event extends BusEvent>(
	subscribe: Subscribe,
	onClose: (listener: () => void) => () => void,
	pattern: string,
	options: StreamOptions | undefined,
): AsyncIterableIterator<Event> {
	assertOptionalObject('options', options);
	assertInteger('options.bufferSize', options?.bufferSize, 0);
	assertOneOf('options.overflow', options?.overflow, ['wait', 'drop-oldest', 'drop-newest']);
	assertAbortSignal('options.signal', options?.signal);

	let isDone = false;
	let held: {event: Event; taken: () => void} | undefined;
	let reader: ((result: IteratorResult<Event>) => void) | undefined;

	const handler = (event: BusEvent): Promise<void> | undefined => {
		if (isDone) return undefined;
		return new Promise<void>(taken => {
			if (reader === undefined) {
				held = {event: event as Event, taken};
				return;
			}
			const read = reader;
			reader = undefined;
			taken();
			read({value: event as Event, done: false});
		});
	};

	const subscription = subscribe(pattern, handler, {
		name: `stream(${pattern})`,
		maxPending: options?.bufferSize ?? 1000,
		overflow: options?.overflow ?? 'wait',
		...(options?.signal === undefined ? {} : {signal: options.signal}),
	});

	const finish = (): IteratorResult<Event> => {
		isDone = true;
		options?.signal?.removeEventListener('abort', finish);
		stopListening();
		subscription.unsubscribe();
		held?.taken(); // Release the subscription; nobody will read the event it was holding.
		held = undefined;
		const read = reader;
		reader = undefined;
		read?.({value: undefined, done: true});
		return {value: undefined, done: true};
	};
	options?.signal?.addEventListener('abort', finish, {once: true});
	// A closed bus delivers nothing more: the iteration ends rather than waiting forever.
	const stopListening = onClose(finish);

	const iterator: AsyncIterableIterator<Event> = {
		next(): Promise<IteratorResult<Event>> {
			if (held !== undefined) {
				const {event, taken} = held;
				held = undefined;
				taken();
				return Promise.resolve({value: event, done: false});
			}
			if (isDone || !subscription.isActive) return Promise.resolve(finish());
			return new Promise(resolve => {
				reader = resolve;
			});
		},
		return(): Promise<IteratorResult<Event>> {
			return Promise.resolve(finish());
		},
		[Symbol.asyncIterator]() {
			return iterator;
		},
	};
	return iterator;
}
