import {EventEmitter} from 'eventemitter3';
import {assertFunction} from '../internal/assert.js';
import type {BusDiagnostics} from '../types.js';

/**
 * The bus's own lifecycle and diagnostic events (eventemitter3), apart from published events. Emitting never
 * throws: a listener that throws is reported as a `warning`, so no diagnostic can break delivery.
 */
export class DiagnosticsChannel {
	readonly #emitter = new EventEmitter();

	/** Adds a listener; returns a function that removes it. */
	on<Name extends keyof BusDiagnostics>(name: Name, listener: BusDiagnostics[Name]): () => void {
		assertFunction('listener', listener);
		this.#emitter.on(name, listener);
		return () => {
			this.#emitter.off(name, listener);
		};
	}

	hasListeners(name: keyof BusDiagnostics): boolean {
		return this.#emitter.listenerCount(name) > 0;
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
