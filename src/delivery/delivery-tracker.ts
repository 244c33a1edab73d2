import type {BusEvent, DeliveryFailure, DeliveryReport} from '../types.js';

/**
 * Collects the outcome of one event across the subscriptions of its dispatch snapshot, for
 * `publish(..., {awaitDelivery: true})`. Each subscription reports exactly once; the report resolves when all have.
 */
export class DeliveryTracker {
	/** Published from inside a handler, which awaits this report: dispatch must reach the event even when held. */
	isAwaitedByHandler = false;
	readonly #resolve: (report: DeliveryReport) => void;
	#event: BusEvent | undefined;
	#matched = 0;
	#outstanding = 0;
	#succeeded = 0;
	#failed = 0;
	#dropped = 0;
	#skipped = 0;
	readonly #failures: DeliveryFailure[] = [];

	constructor(resolve: (report: DeliveryReport) => void) {
		this.#resolve = resolve;
	}

	/** Called once by the dispatcher with the size of the snapshot; resolves at once when nothing matched. */
	dispatched(event: BusEvent, matched: number): void {
		this.#event = event;
		this.#matched = matched;
		this.#outstanding += matched;
		if (this.#outstanding === 0) this.#finish();
	}

	/** The event never reached dispatch (dropped from the queue or at shutdown). */
	droppedBeforeDispatch(event: BusEvent): void {
		this.#event = event;
		this.#dropped = 1;
		this.#finish();
	}

	succeeded(): void {
		this.#succeeded++;
		this.#settle();
	}

	skipped(): void {
		this.#skipped++;
		this.#settle();
	}

	dropped(): void {
		this.#dropped++;
		this.#settle();
	}

	failed(failure: DeliveryFailure): void {
		this.#failed++;
		this.#failures.push(failure);
		this.#settle();
	}

	#settle(): void {
		if (--this.#outstanding === 0) this.#finish();
	}

	#finish(): void {
		this.#resolve(
			Object.freeze({
				event: this.#event!,
				matched: this.#matched,
				succeeded: this.#succeeded,
				failed: this.#failed,
				dropped: this.#dropped,
				skipped: this.#skipped,
				deadLettered: this.#failed + this.#dropped,
				failures: Object.freeze(this.#failures),
			}),
		);
	}
}
