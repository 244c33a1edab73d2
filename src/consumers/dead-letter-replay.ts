/** Replaying one stored dead letter onto a bus: a fresh publish, or back to its subscription. */
import type {Bus, BusEvent, PublishOptions} from '../types.js';
import {DeadLetterReplayError} from './dead-letter-replay-error.js';
import type {StoredDeadLetter} from './stored-dead-letter.js';

/**
 * What the dead-letter consumer needs from a bus: `on` for the `deadLetter` diagnostic, `publish` to replay. With
 * `redeliver(subscriptionId, event)` (a proposed core hook: `true` when that subscription took the event, `false`
 * when it no longer exists), letters can be replayed to their original subscription.
 */
export interface DeadLetterBus {
	on: Bus['on'];
	publish(topic: string, payload: unknown, options?: PublishOptions): Promise<unknown>;
	redeliver?(subscriptionId: string, event: BusEvent): boolean;
}

/** Options of {@link DeadLetterConsumer.replay}. */
export interface ReplayOptions {
	/**
	 * `publish`: a fresh publish of the event (same topic, payload, source, priority and correlation; new id;
	 * `metadata.replayOf` = the original id), seen by every matching subscription. `subscription`: back to the one
	 * subscription that failed, through the bus's `redeliver` (letters dropped before dispatch are published fresh).
	 * @default 'publish'
	 */
	readonly target?: 'publish' | 'subscription';
}

/** What {@link DeadLetterConsumer.replay} did: ids replayed (and removed from the store), and failures (kept). */
export interface ReplayResult {
	readonly replayed: readonly string[];
	readonly failed: readonly {readonly id: string; readonly error: unknown}[];
}

/** Replays `letter`; rejects with the publish's error, or `DeadLetterReplayError` when its subscription is gone. */
export async function replayOne(bus: DeadLetterBus, letter: StoredDeadLetter, target: 'publish' | 'subscription'): Promise<void> {
	const {event, subscription} = letter;
	if (target === 'subscription' && subscription !== undefined) {
		if (!bus.redeliver!(subscription.id, event)) throw new DeadLetterReplayError(letter.id, 'subscription-gone', `subscription ${subscription.name} (${subscription.id}) no longer exists`);
		return;
	}
	await bus.publish(event.topic, event.payload, {
		priority: event.priority,
		correlationId: event.correlationId,
		...(event.causationId === undefined ? {} : {causationId: event.causationId}),
		source: event.source,
		metadata: {...event.metadata, replayOf: event.id},
	});
}
