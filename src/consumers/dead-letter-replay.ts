/** Replaying one stored dead letter onto a bus: a fresh publish, or back to its subscription. */
import type {Bus, BusEvent, PublishOptions} from '../types.js';
import {matchesTopic} from '../routing/index.js';
import {DeadLetterReplayError} from './dead-letter-replay-error.js';
import type {StoredDeadLetter} from './stored-dead-letter.js';

/**
 * What the dead-letter consumer needs from a bus: `on` for the `deadLetter` diagnostic, `publish` to replay. With
 * `subscriptions()` and `redeliver(subscriptionId, event)` (`true` when that subscription took the event, `false`
 * when it no longer exists), letters can be replayed to their original subscription, found by its name.
 */
export interface DeadLetterBus {
	on: Bus['on'];
	publish(topic: string, payload: unknown, options?: PublishOptions): Promise<unknown>;
	subscriptions?(): readonly {readonly id: string; readonly name: string; readonly pattern?: string}[];
	redeliver?(subscriptionId: string, event: BusEvent): boolean;
}

/** Options of {@link DeadLetterConsumer.replay}. */
export interface ReplayOptions {
	/**
	 * `publish`: a fresh publish of the event (same topic, payload, source, priority and correlation; new id;
	 * `metadata.replayOf` = the original id), seen by every matching subscription. `subscription`: back to the one
	 * subscription that failed, found by its `name` among the bus's current subscriptions (ids are renumbered in
	 * every process, names are not), through the bus's `redeliver`; letters dropped before dispatch are published
	 * fresh. A letter whose subscription had no name of its own, whose name now belongs to none or to several
	 * subscriptions, or to one whose pattern no longer matches the event's topic, fails with `DeadLetterReplayError`
	 * and stays in the store.
	 * @default 'publish'
	 */
	readonly target?: 'publish' | 'subscription';
}

/** What {@link DeadLetterConsumer.replay} did: ids replayed (and removed from the store), and failures (kept). */
export interface ReplayResult {
	readonly replayed: readonly string[];
	readonly failed: readonly {readonly id: string; readonly error: unknown}[];
}

/**
 * Replays `letter`; rejects with the publish's error, or `DeadLetterReplayError` when its subscription cannot be
 * identified (no name of its own, gone, or the name is ambiguous).
 */
export async function replayOne(bus: DeadLetterBus, letter: StoredDeadLetter, target: 'publish' | 'subscription'): Promise<void> {
	const {event, subscription} = letter;
	if (target === 'subscription' && subscription !== undefined) {
		const {name} = subscription;
		// A subscription without a name is named after its id, which another process gives to another subscription.
		if (name === subscription.id) {
			throw new DeadLetterReplayError(letter.id, 'unnamed-subscription', `subscription ${name} had no name of its own, so it cannot be found again reliably; name subscriptions (subscribe(..., {name})) to replay to them, or replay with target 'publish'`);
		}
		const matches = bus.subscriptions!().filter(candidate => candidate.name === name);
		if (matches.length > 1) throw new DeadLetterReplayError(letter.id, 'ambiguous-subscription', `${matches.length} subscriptions are named ${name}`);
		const [found] = matches;
		if (found === undefined) throw new DeadLetterReplayError(letter.id, 'subscription-gone', `no subscription is named ${name} any more`);
		// Same name, other topics: the subscription that failed is not there any more, whatever its name says.
		if (typeof found.pattern === 'string' && !matchesPattern(found.pattern, event.topic)) {
			throw new DeadLetterReplayError(letter.id, 'subscription-gone', `subscription ${name} (\`${found.pattern}\`) no longer subscribes to \`${event.topic}\``);
		}
		if (!bus.redeliver!(found.id, event)) throw new DeadLetterReplayError(letter.id, 'subscription-gone', `no subscription is named ${name} any more`);
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

function matchesPattern(pattern: string, topic: string): boolean {
	try {
		return matchesTopic(pattern, topic);
	} catch {
		// A pattern the default limits refuse came from a bus with wider ones: it is that bus's to judge.
		return true;
	}
}
