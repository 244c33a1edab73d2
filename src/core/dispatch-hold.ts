import type {IngressQueue} from '../delivery/ingress-queue.js';
import type {Subscriber} from '../delivery/subscriber.js';
import type {BusEvent} from '../types.js';
import type {DiagnosticsChannel} from './diagnostics-channel.js';

/**
 * Holds dispatch back while a subscriber's buffer is full (`wait` policy), unless an event a handler awaits is
 * queued: the dispatcher must reach it, or that handler (perhaps of the holding subscription) would wait forever.
 */
export class DispatchHold {
	readonly #ingress: Pick<IngressQueue<BusEvent>, 'hold' | 'resume' | 'size'>;
	readonly #diagnostics: DiagnosticsChannel;
	/** Subscribers whose full buffer holds dispatch back. */
	readonly #holders = new Set<Subscriber>();
	/** Events in the queue whose delivery a handler awaits: while there are any, holders do not hold dispatch back. */
	#awaitedByHandlers = 0;

	constructor(ingress: Pick<IngressQueue<BusEvent>, 'hold' | 'resume' | 'size'>, diagnostics: DiagnosticsChannel) {
		this.#ingress = ingress;
		this.#diagnostics = diagnostics;
	}

	/** `subscriber`'s buffer is full: it holds dispatch back until {@link release}. */
	hold(subscriber: Subscriber): void {
		this.#holders.add(subscriber);
		this.update();
		if (this.#diagnostics.hasListeners('held')) {
			const {id, name} = subscriber.settings;
			this.#diagnostics.emit('held', {subscriptionId: id, subscriptionName: name, pending: subscriber.pending, queueSize: this.#ingress.size});
		}
	}

	release(subscriber: Subscriber): void {
		this.#holders.delete(subscriber);
		if (this.#diagnostics.hasListeners('released')) {
			const {id, name} = subscriber.settings;
			this.#diagnostics.emit('released', {subscriptionId: id, subscriptionName: name, heldMs: subscriber.heldMs});
		}
		this.update();
	}

	/** No subscriber holds dispatch back any more (a stop that gave up waiting must reach the abandoned events). */
	releaseAll(): void {
		this.#holders.clear();
		this.update();
	}

	/** A handler awaits the delivery of an event about to be queued. */
	awaitQueued(): void {
		this.#awaitedByHandlers++;
	}

	/** An event a handler awaits left the queue: once the last has, holders hold dispatch back again. */
	awaitDispatched(): void {
		if (--this.#awaitedByHandlers === 0) this.update();
	}

	/** Holds or resumes the dispatcher as the holders and awaited events now require. */
	update(): void {
		if (this.#holders.size > 0 && this.#awaitedByHandlers === 0) this.#ingress.hold();
		else this.#ingress.resume();
	}
}
