import {EventEmitter} from 'eventemitter3';
import {assertFunction, fail} from '../internal/assert.js';
import type {BusDiagnostics} from '../types.js';

/** Every diagnostic a bus emits: `on()` refuses other names (an EventEmitter habit would otherwise never fire). */
const diagnosticNames: ReadonlySet<string> = new Set<keyof BusDiagnostics>([
	'deadLetter',
	'retry',
	'delivered',
	'rejected',
	'warning',
	'held',
	'released',
	'drained',
	'stopped',
	'closed',
]);

/**
 * The bus's own lifecycle and diagnostic events (eventemitter3), apart from published events. Emitting never
 * throws: a listener that throws is reported as a `warning`, so no diagnostic can break delivery.
 */
export class DiagnosticsChannel {
	readonly #emitter = new EventEmitter();
	// Counted here because `hasListeners` is asked on the hot path (per delivery, for `delivered`): a property read
	// with a constant name, where `Map#get` cost 6% of a 100-subscriber fan-out.
	readonly #counts: Partial<Record<keyof BusDiagnostics, number>> = {};
	/**
	 * `hasListeners('delivered')` as a plain field: it is read on every handler call, where even a keyed property
	 * load (the name varies across callers) cost a fifth of a 100-subscriber fan-out.
	 */
	isObservingDeliveries = false;

	/** Adds a listener; returns a function that removes it (calling it again does nothing). */
	on<Name extends keyof BusDiagnostics>(name: Name, listener: BusDiagnostics[Name]): () => void {
		if (!diagnosticNames.has(name)) {
			const hint = typeof name === 'string' && !name.startsWith('$') ? `; to receive published events, use bus.subscribe(${JSON.stringify(name)}, handler)` : '';
			fail('name', `one of the bus's diagnostics (${[...diagnosticNames].join(', ')})${hint}`, name);
		}
		assertFunction('listener', listener);
		// A context of its own, so that removing this registration leaves any other of the same function in place
		// (eventemitter3's `off(name, fn)` alone would remove them all).
		const registration = {};
		this.#emitter.on(name, listener, registration);
		this.#counts[name] = (this.#counts[name] ?? 0) + 1;
		if (name === 'delivered') this.isObservingDeliveries = true;
		let isListening = true;
		return () => {
			if (!isListening) return;
			isListening = false;
			this.#emitter.off(name, listener, registration);
			this.#counts[name] = this.#counts[name]! - 1;
			if (name === 'delivered') this.isObservingDeliveries = this.#counts[name]! > 0;
		};
	}

	hasListeners(name: keyof BusDiagnostics): boolean {
		return (this.#counts[name] ?? 0) > 0;
	}

	emit<Name extends keyof BusDiagnostics>(name: Name, ...args: Parameters<BusDiagnostics[Name]>): void {
		try {
			this.#emitter.emit(name, ...args);
		} catch (error) {
			if (name === 'warning') return; // A warning listener that throws has nowhere left to report to.
			this.warn('ERR_LISTENER_FAILED', `A \`${name}\` listener threw`, error);
		}
	}

	warn(code: string, message: string, error?: unknown): void {
		this.emit('warning', error === undefined ? {code, message} : {code, message, error});
	}
}
