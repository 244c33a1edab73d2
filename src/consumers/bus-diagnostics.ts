/**
 * Typed access to the bus diagnostics the consumers listen to, including `delivered`, which the core does not emit
 * yet: listening to it is harmless on a bus that never emits it, and starts working once the bus does.
 */
import type {Bus, BusDiagnostics, BusEvent} from '../types.js';

/**
 * One successful handler call, as the proposed `delivered` diagnostic would report it. Only `subscriptionId` and
 * `durationMs` are required; `event` gives per-topic delivered counts, `subscriptionName` a readable label.
 */
export interface DeliveredNotice {
	readonly subscriptionId: string;
	readonly subscriptionName?: string;
	/** How long the successful attempt took, from the handler call to its settling, in ms. */
	readonly durationMs: number;
	readonly event?: BusEvent;
	readonly attempt?: number;
}

/** The diagnostics the consumers use: the bus's own plus the proposed `delivered`. */
export type ConsumerDiagnostics = BusDiagnostics & {delivered: (notice: DeliveredNotice) => void};

interface DiagnosticsSource {
	on<Name extends keyof ConsumerDiagnostics>(name: Name, listener: ConsumerDiagnostics[Name]): () => void;
}

/** Adds a diagnostic listener; returns the function that removes it. */
export function listenTo<Name extends keyof ConsumerDiagnostics>(bus: Pick<Bus, 'on'>, name: Name, listener: ConsumerDiagnostics[Name]): () => void {
	if (name !== 'delivered') return (bus as unknown as DiagnosticsSource).on(name, listener);
	try {
		return (bus as unknown as DiagnosticsSource).on(name, listener);
	} catch {
		// A bus that validates names (a mock) refuses one it does not know: then there is no handler latency to read.
		return () => {};
	}
}
