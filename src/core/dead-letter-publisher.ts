import {EventDroppedError} from '../errors.js';
import type {IngressQueue} from '../delivery/ingress-queue.js';
import type {DeliveryStats} from '../delivery/subscriber-settings.js';
import type {BusEvent, DeadLetter} from '../types.js';
import type {DiagnosticsChannel} from './diagnostics-channel.js';
import type {EventFactory} from './event-factory.js';
import {serializeError} from '../internal/serialize-error.js';

/** `serializeError`, guarded: whatever a handler threw, a dead letter is never lost to a failure to describe it. */
function serializeErrorSafely(error: unknown): ReturnType<typeof serializeError> {
	try {
		return serializeError(error);
	} catch {
		return {name: 'Error', message: '[a thrown value that cannot be serialized]'};
	}
}

/** The topic on which the bus publishes every dead letter. */
export const deadLetterTopic = '$bus.dead-letter';

/** What the publisher needs from its bus. */
export interface DeadLetterPublisherOptions {
	readonly diagnostics: DiagnosticsChannel;
	readonly events: Pick<EventFactory, 'createInternal'>;
	readonly ingress: Pick<IngressQueue<BusEvent>, 'tryOffer'>;
	readonly stats: DeliveryStats;
	/** True once the bus is closed: its dead letters are then emitted only, no longer published. */
	readonly isClosed: () => boolean;
}

/**
 * Reports the events a bus could not deliver: each dead letter is emitted as a `deadLetter` diagnostic, then
 * published on {@link deadLetterTopic} as an ordinary event, unless it is about a `$bus.` event (no dead letters of
 * dead letters) or the bus is closed. Publishing never waits and never drops another event: a dead
 * letter that finds the queue full is reported as an `ERR_DEAD_LETTER_NOT_PUBLISHED` warning instead.
 */
export class DeadLetterPublisher {
	readonly #options: DeadLetterPublisherOptions;

	constructor(options: DeadLetterPublisherOptions) {
		this.#options = options;
	}

	publish(letter: DeadLetter): void {
		const {diagnostics, events, ingress, isClosed} = this.#options;
		diagnostics.emit('deadLetter', letter);
		if (letter.event.topic.startsWith('$bus.') || isClosed()) return;
		// Published like any event, so that a dead-letter store is an ordinary consumer of `$bus.dead-letter`.
		// The error is sent as plain data: an Error instance would serialize to `{}` on the way to a log or a collector.
		const event = events.createInternal(deadLetterTopic, {...letter, error: serializeErrorSafely(letter.error)}, letter.event);
		// Never through the overflow policy: with drop-oldest, each dead letter would drop another event in a cascade.
		if (!ingress.tryOffer(event)) {
			diagnostics.warn('ERR_DEAD_LETTER_NOT_PUBLISHED', `The queue is full: the dead letter of event ${letter.event.id} was emitted but not published on ${deadLetterTopic}`);
		}
	}

	/** Counts `event`, which never reached a subscription (queue overflow, or a stop timed out), as dropped and dead-letters it. */
	dropUndispatched(event: BusEvent, reason: 'queue-overflow' | 'shutdown', detail: string): void {
		const {stats} = this.#options;
		stats.dropped++;
		stats.deadLettered++;
		const error = new EventDroppedError(event.id, reason, detail);
		this.publish({event, error, reason, subscription: undefined, attempts: 0, failedAt: Date.now()});
	}
}
