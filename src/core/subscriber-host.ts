import type {HandlerContext} from '../delivery/handler-context.js';
import type {Subscriber, SubscriberHost} from '../delivery/subscriber.js';
import type {DeliveryStats, RetryTimer} from '../delivery/subscriber-settings.js';
import {performance} from 'node:perf_hooks';
import type {DeadLetterPublisher} from './dead-letter-publisher.js';
import type {DiagnosticsChannel} from './diagnostics-channel.js';
import type {DispatchHold} from './dispatch-hold.js';
import type {EventFactory} from './event-factory.js';
import type {IdleTracker} from './idle-tracker.js';

/** The bus's collaborators its subscribers report to. */
export interface SubscriberHostParts {
	readonly stats: DeliveryStats;
	readonly context: HandlerContext;
	readonly events: Pick<EventFactory, 'freezeTransformed'>;
	readonly deadLetters: Pick<DeadLetterPublisher, 'publish'>;
	readonly diagnostics: DiagnosticsChannel;
	readonly idle: Pick<IdleTracker, 'check'>;
	readonly hold: Pick<DispatchHold, 'hold' | 'release'>;
	/** Removes a subscription from routing (a bound function). */
	readonly expire: (subscriber: Subscriber) => void;
	readonly retryTimer: RetryTimer;
	/** Handler calls per subscription per timed one, while someone listens to `delivered`. */
	readonly deliveredSampleInterval: number;
}

/** Connects a bus's subscribers to its counters, diagnostics, dead letters, idleness and dispatch hold-back. */
export function createSubscriberHost(parts: SubscriberHostParts): SubscriberHost {
	const {events, deadLetters, diagnostics, idle, hold} = parts;
	return {
		stats: parts.stats,
		context: parts.context,
		freeze: event => events.freezeTransformed(event),
		deadLetter: letter => deadLetters.publish(letter),
		retrying: notice => diagnostics.emit('retry', notice),
		settled: () => idle.check(),
		isTimingDeliveries: () => diagnostics.isObservingDeliveries,
		deliveredSampleInterval: parts.deliveredSampleInterval,
		delivered: notice => diagnostics.emit('delivered', notice),
		expire: parts.expire,
		random: () => Math.random(),
		now: () => performance.now(),
		retryTimer: parts.retryTimer,
		hold: subscriber => hold.hold(subscriber),
		release: subscriber => hold.release(subscriber),
	};
}
