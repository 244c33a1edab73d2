import {DeliveryCycleError} from '../errors.js';
import {DeliveryTracker} from '../delivery/delivery-tracker.js';
import type {HandlerContext} from '../delivery/handler-context.js';
import type {Subscriber} from '../delivery/subscriber.js';
import type {Router} from '../routing/router.js';
import type {BusEvent, DeliveryReport} from '../types.js';
import type {DispatchHold} from './dispatch-hold.js';

/**
 * The deliveries publishers await (`publish(..., {awaitDelivery: true})`): one tracker per queued event, taken when
 * the event is dispatched or dropped. The bus owns the map and reads its size per event, so that events nobody
 * awaits cost one check.
 */
export class AwaitedDeliveries {
	readonly #trackers: Map<BusEvent, DeliveryTracker>;
	readonly #router: Pick<Router<Subscriber>, 'route'>;
	readonly #context: Pick<HandlerContext, 'current' | 'isHandling'>;
	readonly #hold: Pick<DispatchHold, 'awaitQueued' | 'awaitDispatched'>;

	constructor(
		trackers: Map<BusEvent, DeliveryTracker>,
		router: Pick<Router<Subscriber>, 'route'>,
		context: Pick<HandlerContext, 'current' | 'isHandling'>,
		hold: Pick<DispatchHold, 'awaitQueued' | 'awaitDispatched'>,
	) {
		this.#trackers = trackers;
		this.#router = router;
		this.#context = context;
		this.#hold = hold;
	}

	/**
	 * Tracks `event`, about to be queued: the promise resolves with its report once every matching subscription has
	 * handled it. Returns a `DeliveryCycleError` instead (nothing tracked) when the publishing handler's own
	 * subscription, one delivery at a time, would have to handle it: the handler would wait for itself.
	 */
	track(topic: string, event: BusEvent): Promise<DeliveryReport> | DeliveryCycleError {
		const parent = this.#context.current();
		if (parent !== undefined) {
			// `route`, not `routeValid`: the route carried to this event's dispatch must stay for it.
			const cycle = this.#router.route(event.topic).find(subscriber => subscriber.concurrency === 1 && subscriber.isHandling(parent));
			if (cycle !== undefined) return new DeliveryCycleError(topic, cycle.settings.id, cycle.settings.name);
		}
		let tracker!: DeliveryTracker;
		const report = new Promise<DeliveryReport>(resolve => {
			tracker = new DeliveryTracker(resolve);
		});
		// Only a handler of this bus can be what holds this bus's dispatch back; one of another bus just waits.
		if (parent !== undefined && this.#context.isHandling()) {
			tracker.isAwaitedByHandler = true;
			this.#hold.awaitQueued();
		}
		this.#trackers.set(event, tracker);
		return report;
	}

	/** Removes and returns `event`'s tracker, if its delivery is awaited. */
	take(event: BusEvent): DeliveryTracker | undefined {
		const tracker = this.#trackers.get(event);
		if (tracker !== undefined) {
			this.#trackers.delete(event);
			if (tracker.isAwaitedByHandler) this.#hold.awaitDispatched();
		}
		return tracker;
	}
}
