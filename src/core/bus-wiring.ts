import type {Subscriber, SubscriberHost} from '../delivery/subscriber.js';
import type {DeliveryStats} from '../delivery/subscriber-settings.js';
import {HandlerContext} from '../delivery/handler-context.js';
import {IngressQueue} from '../delivery/ingress-queue.js';
import {Router} from '../routing/router.js';
import type {BusEvent, Handler, SubscribeOptions, Subscription} from '../types.js';
import type {ResolvedBusOptions} from './bus-options.js';
import {ConsumerRegistry} from './consumer-registry.js';
import {DeadLetterPublisher} from './dead-letter-publisher.js';
import type {DiagnosticsChannel} from './diagnostics-channel.js';
import {DispatchHold} from './dispatch-hold.js';
import type {Engine} from './engine.js';
import {EventFactory} from './event-factory.js';
import {History} from './history.js';
import {IdleTracker} from './idle-tracker.js';
import {createSubscriberHost} from './subscriber-host.js';
import {SubscriptionTable} from './subscription-table.js';

/** What the bus itself brings to its parts: its counters, its diagnostics, and the callbacks it handles itself. */
export interface BusWiringHooks {
	readonly diagnostics: DiagnosticsChannel;
	readonly stats: DeliveryStats;
	/** Called for each event the queue accepts (a bound function: the queue calls it per event). */
	readonly accept: (event: BusEvent) => void;
	/** Delivers a dequeued event (a bound function: the dispatcher calls it per event). */
	readonly dispatch: (event: BusEvent) => void;
	readonly dropUndispatched: (event: BusEvent, reason: 'queue-overflow', detail: string) => void;
	readonly subscribe: (patterns: readonly string[], handler: Handler, options: SubscribeOptions) => Subscription;
	readonly isClosed: () => boolean;
}

/** A bus's collaborators, wired to one another and to the bus. */
export interface BusParts {
	readonly router: Router<Subscriber>;
	readonly subscriptions: SubscriptionTable<Subscriber>;
	readonly consumers: ConsumerRegistry;
	readonly history: History;
	readonly context: HandlerContext;
	readonly events: EventFactory;
	readonly ingress: IngressQueue<BusEvent>;
	readonly hold: DispatchHold;
	readonly idle: IdleTracker;
	readonly deadLetters: DeadLetterPublisher;
	readonly host: SubscriberHost;
	/** Stream subscribers whose deliveries idleness ignores (a test engine's `detachedStreams`); else undefined. */
	readonly detachedStreams: Set<Subscriber> | undefined;
}

/** Builds a bus's routing, queue, delivery and bookkeeping parts from its resolved options and engine. */
export function wireBus(options: ResolvedBusOptions, engine: Engine, bus: BusWiringHooks): BusParts {
	const {diagnostics, stats} = bus;
	const router = new Router<Subscriber>({
		...(options.limits === undefined ? {} : {limits: options.limits}),
		cacheSize: options.routeCacheSize,
	});
	const subscriptions = new SubscriptionTable(router);
	// Closing a consumer waits for the bus to go idle, except from inside a handler, which is itself part of "busy":
	// there it cannot wait for itself (the consumer's own events were already flushed to it).
	const consumers = new ConsumerRegistry(bus.subscribe, () => (context.isHandling() ? Promise.resolve() : idle.whenIdle()));
	const history = new History(options.historySize);
	const context = new HandlerContext(options.asyncContext);
	const events = new EventFactory({
		router: router as Router<never>,
		context,
		source: options.source,
		freezePayloads: options.freezePayloads,
		freezeEnvelopes: options.freezeEnvelopes,
		timestamps: options.timestamps,
		maxPayloadDepth: options.maxPayloadDepth,
		schemas: options.schemas,
		validation: options.validation,
		warn: error => diagnostics.warn('ERR_SCHEMA_VALIDATION', error.message, error),
	});
	const ingress = new IngressQueue<BusEvent>({
		capacity: options.maxQueueSize,
		overflow: options.overflow,
		maxWaiting: options.maxWaitingProducers,
		batchSize: options.dispatchBatchSize,
		accept: bus.accept,
		dispatch: bus.dispatch,
		drop: event => bus.dropUndispatched(event, 'queue-overflow', `the queue is full (maxQueueSize ${options.maxQueueSize})`),
		idle: () => idle.check(),
		fault: error => diagnostics.warn('ERR_DISPATCHER_FAULT', 'The dispatcher failed unexpectedly', error),
		detach: fn => context.detached(fn),
		runStarted: () => context.dispatcherStarted(),
		runEnded: () => context.dispatcherEnded(),
		isInHandler: () => context.isHandling(),
		scheduler: engine.scheduler,
	});
	const hold = new DispatchHold(ingress, diagnostics);
	const detachedStreams = engine.detachedStreams ? new Set<Subscriber>() : undefined;
	const idle = new IdleTracker(ingress, stats, diagnostics, {
		ignored: detachedStreams === undefined ? () => 0 : () => streamDeliveries(detachedStreams),
		parked: () => consumers.parked,
	});
	const deadLetters = new DeadLetterPublisher({diagnostics, events, ingress, stats, isClosed: bus.isClosed});
	const host = createSubscriberHost({
		stats,
		context,
		events,
		deadLetters,
		diagnostics,
		idle,
		hold,
		expire: subscriptions.remove,
		retryTimer: engine.retryTimer,
		deliveredSampleInterval: options.deliveredSampleInterval,
	});
	return {router, subscriptions, consumers, history, context, events, ingress, hold, idle, deadLetters, host, detachedStreams};
}

/** Deliveries in flight to detached streams (unread or being read): idleness does not wait for them. */
function streamDeliveries(streams: Set<Subscriber>): number {
	if (streams.size === 0) return 0;
	let count = 0;
	for (const subscriber of streams) {
		const inFlight = subscriber.running + subscriber.pending;
		if (inFlight === 0 && !subscriber.isActive) streams.delete(subscriber);
		count += inFlight;
	}
	return count;
}
