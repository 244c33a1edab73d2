/**
 * The export half: local events to NATS. Core mode writes to the connection while connected and holds exports in a
 * bounded buffer while not; JetStream mode publishes with the event id as `Nats-Msg-Id` and retries each publish
 * until the stream acknowledges it.
 */
import type {BusEvent} from '../types.js';
import {messageDeadLetter, type BridgeContext} from './bridge-context.js';
import {BridgeBufferFullError, BridgeClosedError} from './errors.js';
import {topicToSubject} from './subject-mapping.js';
import {isPermanentPublishError} from './nats-link.js';
import {encodeEvent, type WireMessage} from './wire.js';

interface Outgoing {
	readonly id: string;
	readonly subject: string;
	readonly wire: WireMessage;
}

export class Exporter {
	readonly #context: BridgeContext;
	// Core mode: exports held while disconnected, oldest first.
	#buffer: Outgoing[] = [];
	#spaceWaiters: Array<() => void> = [];
	// Core mode: exports written, and how many of them the server confirmed (a flush round trip).
	#written = 0;
	#confirmed = 0;
	#confirmTimer: ReturnType<typeof setInterval> | undefined;
	// JetStream mode: publishes awaiting acknowledgement.
	readonly #inFlight = new Set<Promise<void>>();
	readonly #slotWaiters: Array<() => void> = [];
	readonly #abandon = new AbortController();
	#isClosed = false;
	#unexportedCount = 0;

	constructor(context: BridgeContext) {
		this.#context = context;
		if (context.options.mode === 'core') {
			this.#confirmTimer = setInterval(() => this.#confirm(), context.options.confirmIntervalMs);
			this.#confirmTimer.unref();
		}
	}

	get buffered(): number {
		return this.#buffer.length;
	}

	get inFlight(): number {
		return this.#inFlight.size;
	}

	/**
	 * Exports one event. Resolves once it is written (core) or its publish has started (JetStream); throws or
	 * rejects when it cannot be taken, so that the bus dead-letters it.
	 */
	export(event: BusEvent): void | Promise<void> {
		if (this.#isClosed) throw new BridgeClosedError(event.id, 'the bridge is closed');
		const {options, imported} = this.#context;
		// An event that came from NATS is already there: exporting it again would reflect it to every other importer.
		if (imported.has(event.id)) return;
		const outgoing: Outgoing = {id: event.id, subject: topicToSubject(event.topic, options.prefix), wire: encodeEvent(event, this.#context.origin, options.codec)};
		return options.mode === 'core' ? this.#exportCore(outgoing) : this.#exportDurable(outgoing);
	}

	/** Counts what was written but not confirmed as possibly lost. */
	onDisconnected(): void {
		this.#context.counters.unconfirmed += this.#written - this.#confirmed;
		this.#confirmed = this.#written;
	}

	onReconnected(): void {
		this.#flushBuffer();
	}

	/** Resolves once every export accepted so far is written and confirmed (core) or acknowledged (JetStream). */
	async flush(): Promise<void> {
		if (this.#context.options.mode === 'jetstream') {
			while (this.#inFlight.size > 0) await Promise.all([...this.#inFlight]);
			return;
		}
		while (this.#buffer.length > 0) await new Promise<void>(resolve => this.#spaceWaiters.push(resolve));
		const mark = this.#written;
		await this.#context.link.flush();
		this.#confirmed = Math.max(this.#confirmed, mark);
	}

	/** Flushes until `deadline`, then dead-letters what is left; returns how many exports were abandoned. */
	async close(deadline: number): Promise<number> {
		clearInterval(this.#confirmTimer);
		const before = this.#unexportedCount;
		const flushed = await settlesBy(this.flush(), deadline);
		this.#isClosed = true;
		if (!flushed) {
			for (const outgoing of this.#buffer) this.#unexported(outgoing, new BridgeClosedError(outgoing.id, 'the bridge closed while disconnected'));
			this.#buffer = [];
			this.#abandon.abort();
			await Promise.all([...this.#inFlight]);
		}
		for (const wake of this.#spaceWaiters.splice(0)) wake();
		for (const wake of this.#slotWaiters.splice(0)) wake();
		// Counted as they are dead-lettered: a publish in flight at the deadline may still be acknowledged.
		return this.#unexportedCount - before;
	}

	#exportCore(outgoing: Outgoing): void | Promise<void> {
		if (this.#context.isConnected()) {
			if (this.#buffer.length > 0) this.#flushBuffer();
			if (this.#buffer.length === 0 && this.#write(outgoing)) return;
		}
		const {options, counters} = this.#context;
		if (this.#buffer.length < options.bufferSize) {
			this.#buffer.push(outgoing);
			return;
		}
		if (options.overflow === 'wait') {
			return new Promise<void>(resolve => this.#spaceWaiters.push(resolve)).then(() => this.#exportCore(outgoing));
		}
		counters.dropped++;
		if (options.overflow === 'drop-oldest' && options.bufferSize > 0) {
			const oldest = this.#buffer.shift()!;
			this.#unexported(oldest, new BridgeBufferFullError(oldest.id, options.bufferSize));
			this.#buffer.push(outgoing);
			return;
		}
		// drop-newest (or no buffer): the bus dead-letters this event.
		throw new BridgeBufferFullError(outgoing.id, options.bufferSize);
	}

	/** False when the connection cannot take it now (keep it buffered); throws when no connection ever could. */
	#write(outgoing: Outgoing): boolean {
		try {
			this.#context.link.publish(outgoing.subject, outgoing.wire.data, outgoing.wire.headers);
		} catch (error) {
			if (isPermanentPublishError(error)) throw error;
			return false;
		}
		this.#written++;
		this.#context.counters.exported++;
		return true;
	}

	#flushBuffer(): void {
		let index = 0;
		while (index < this.#buffer.length && this.#context.isConnected()) {
			const outgoing = this.#buffer[index]!;
			try {
				if (!this.#write(outgoing)) break;
			} catch (error) {
				this.#unexported(outgoing, error as Error);
			}
			index++;
		}
		if (index > 0) this.#buffer.splice(0, index);
		if (this.#buffer.length === 0 || index > 0) for (const wake of this.#spaceWaiters.splice(0)) wake();
	}

	#confirm(): void {
		if (this.#written === this.#confirmed || !this.#context.isConnected()) return;
		const mark = this.#written;
		this.#context.link.flush().then(
			() => {
				this.#confirmed = Math.max(this.#confirmed, mark);
			},
			() => {},
		);
	}

	#exportDurable(outgoing: Outgoing): void | Promise<void> {
		if (this.#inFlight.size >= this.#context.options.jetstream.maxInFlight) {
			// A waiter per blocked export, woken one at a time (Promise.race over the window would cost O(window) per export).
			return new Promise<void>(resolve => this.#slotWaiters.push(resolve)).then(() => this.#exportDurable(outgoing));
		}
		const task: Promise<void> = this.#publishUntilAcknowledged(outgoing).finally(() => {
			this.#inFlight.delete(task);
			this.#slotWaiters.shift()?.();
		});
		this.#inFlight.add(task);
	}

	async #publishUntilAcknowledged(outgoing: Outgoing): Promise<void> {
		const {link, counters, options} = this.#context;
		const {publishTimeoutMs, retryBackoff} = options.jetstream;
		for (let attempt = 1; ; attempt++) {
			try {
				const ack = await link.publishDurable(outgoing.subject, outgoing.wire.data, outgoing.wire.headers, outgoing.id, publishTimeoutMs);
				counters.exported++;
				if (ack.duplicate) counters.exportDuplicates++;
				return;
			} catch (error) {
				if (isPermanentPublishError(error)) {
					this.#unexported(outgoing, error as Error);
					return;
				}
				if (this.#abandon.signal.aborted) {
					this.#unexported(outgoing, new BridgeClosedError(outgoing.id, `the bridge closed before the stream acknowledged it (${describe(error)})`));
					return;
				}
				counters.exportRetries++;
				// Full jitter spreads the retries of many exports apart after a shared failure.
				const cap = Math.min(retryBackoff.maxMs, retryBackoff.initialMs * 2 ** (attempt - 1));
				await sleep(Math.floor(Math.random() * (cap + 1)), this.#abandon.signal);
			}
		}
	}

	#unexported(outgoing: Outgoing, error: Error): void {
		this.#unexportedCount++;
		const {wire, subject} = outgoing;
		this.#context.deadLetter(messageDeadLetter('unexported', error, {subject, data: wire.data, headerNames: Object.keys(wire.headers), header: name => wire.headers[name]}, 0));
	}
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
	return new Promise(resolve => {
		if (signal.aborted) return resolve();
		const timer = setTimeout(done, ms);
		function done(): void {
			clearTimeout(timer);
			signal.removeEventListener('abort', done);
			resolve();
		}
		signal.addEventListener('abort', done, {once: true});
	});
}

/** True when `promise` settled before `deadline` (a rejection counts as settled). */
export async function settlesBy(promise: Promise<unknown>, deadline: number): Promise<boolean> {
	let timer: ReturnType<typeof setTimeout> | undefined;
	const timeout = new Promise<boolean>(resolve => {
		timer = setTimeout(() => resolve(false), Math.max(0, deadline - Date.now()));
	});
	try {
		return await Promise.race([promise.then(() => true, () => true), timeout]);
	} finally {
		clearTimeout(timer);
	}
}

function describe(error: unknown): string {
	return error instanceof Error ? error.message : String(error);
}
