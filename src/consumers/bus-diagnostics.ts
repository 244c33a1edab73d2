/**
 * Typed access to the bus diagnostics the consumers listen to. `delivered` is typed loosely, so that a `Bus`
 * implementation that emits only part of it, or refuses the name, works too.
 */
import type {Bus, BusDiagnostics, BusEvent} from '../types.js';

/**
 * One successful handler call as a consumer reads the `delivered` diagnostic. Only `subscriptionId` and
 * `durationMs` are required; `event` gives per-topic delivered counts, `subscriptionName` a readable label, and
 * `delivered` (the subscription's running count) the calls between two sampled notices; without it, a notice
 * stands for one call.
 */
export interface DeliveredNotice {
	readonly subscriptionId: string;
	readonly subscriptionName?: string;
	/** How long the successful attempt took, from the handler call to its settling, in ms. */
	readonly durationMs: number;
	readonly event?: BusEvent;
	readonly attempt?: number;
	readonly delivered?: number;
}

/** The diagnostics the consumers use: the bus's own, with `delivered` as {@link DeliveredNotice}. */
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
