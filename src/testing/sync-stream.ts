import {assertAbortSignal, assertInteger, assertOneOf, assertOptionalObject} from '../internal/assert.js';
import type {BusEvent, Handler, StreamOptions, SubscribeOptions, Subscription} from '../types.js';

type Subscribe = (pattern: string, handler: Handler, options: SubscribeOptions) => Subscription;

/** Called when the stream's buffer overflows: the mock bus dead-letters `event` with reason `subscriber-overflow`. */
export type StreamDrop = (event: BusEvent, subscription: Subscription, detail: string) => void;

/**
 * The mock bus's `stream()`: the real stream's options, validation, bound and overflow policy (one event being
 * read plus `bufferSize` waiting; beyond that `overflow` drops one, dead-lettered), but its handler never holds a
 * delivery open, so a publish is never kept waiting by an unread stream and `drain()` does not wait for readers.
 */
export function createSyncStream<Event extends BusEvent>(
	subscribe: Subscribe,
	drop: StreamDrop,
	pattern: string,
	options: StreamOptions | undefined,
): AsyncIterableIterator<Event> {
	assertOptionalObject('options', options);
	assertInteger('options.bufferSize', options?.bufferSize, 0);
	assertOneOf('options.overflow', options?.overflow, ['wait', 'drop-oldest', 'drop-newest']);
	assertAbortSignal('options.signal', options?.signal);
	const bufferSize = options?.bufferSize ?? 1000;
	const overflow = options?.overflow ?? 'wait';

	const buffer: Event[] = [];
	let isDone = false;
	let reader: ((result: IteratorResult<Event>) => void) | undefined;

	const handler = (event: BusEvent): void => {
		if (isDone) return;
		if (reader !== undefined) {
			const read = reader;
			reader = undefined;
			read({value: event as Event, done: false});
			return;
		}
		// buffer[0] is the event a reader gets next (the real stream's "held" event); the rest wait behind it.
		const waiting = buffer.length - 1;
		// The mock has no queue to hold back: under `wait` (lossless) the buffer takes every event.
		if (waiting < bufferSize || overflow === 'wait') {
			buffer.push(event as Event);
			return;
		}
		const dropNewest = overflow === 'drop-newest' || waiting === 0;
		const dropped = dropNewest ? event : buffer.splice(1, 1)[0]!;
		if (!dropNewest) buffer.push(event as Event);
		drop(dropped, subscription, `the buffer of subscription ${subscription.name} is full (maxPending ${bufferSize})`);
	};

	const subscription = subscribe(pattern, handler, {
		name: `stream(${pattern})`,
		...(options?.signal === undefined ? {} : {signal: options.signal}),
	});

	const finish = (): IteratorResult<Event> => {
		isDone = true;
		subscription.unsubscribe();
		buffer.length = 0;
		const read = reader;
		reader = undefined;
		read?.({value: undefined, done: true});
		return {value: undefined, done: true};
	};
	options?.signal?.addEventListener('abort', finish, {once: true});

	const iterator: AsyncIterableIterator<Event> = {
		next(): Promise<IteratorResult<Event>> {
			const event = buffer.shift();
			if (event !== undefined) return Promise.resolve({value: event, done: false});
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
