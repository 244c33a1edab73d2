/**
 * The NATS bridge: exports local events to NATS subjects and imports remote events onto the local bus, with the
 * bus's own topic semantics on both sides of the hop.
 */
import {randomUUID} from 'node:crypto';
import type {Bus, ConsumerHandle, EventMap, EventMapLike} from '../types.js';
import {newCounters, type BridgeContext, type BridgeCounters, type BridgeDeadLetter} from './bridge-context.js';
import {resolveBridgeOptions, type BridgeMode, type NatsBridgeOptions, type ResolvedBridgeOptions} from './bridge-options.js';
import {BridgeConnectError} from './errors.js';
import {Exporter, settlesBy} from './exporter.js';
import {IdWindow} from './id-window.js';
import {Importer, type ImportBus} from './importer.js';
import {openNatsLink, type LinkStatus, type NatsLink} from './nats-link.js';
import {patternToSubjects, topicToSubject} from './subject-mapping.js';

/** What the bridge needs of a bus: `publish`/`publishSync` for imports, `use` for exports. */
export type BridgeBus<Events extends EventMapLike = EventMap> = Pick<Bus<Events>, 'publish' | 'publishSync' | 'use'>;

// Inside, the bridge treats every bus as untyped: imported payloads come from the wire, checked (if at all) by the
// bus's schemas at run time, not by its event map.
type UntypedBus = ImportBus & Pick<Bus, 'use'>;

/** `connected` once started; `reconnecting` while the connection is lost; `closing` during `close()`. */
export type BridgeState = 'connected' | 'reconnecting' | 'closing' | 'closed';

/** A snapshot of the bridge's state, for health checks. */
export interface BridgeHealth {
	readonly name: string;
	readonly mode: BridgeMode;
	readonly state: BridgeState;
	/** True when the bridge is connected and not closing. */
	readonly isHealthy: boolean;
	readonly server: string;
	/** Core mode: exports held while disconnected. */
	readonly buffered: number;
	/** JetStream mode: exports awaiting the stream's acknowledgement. */
	readonly inFlight: number;
	/** Imports handed to the bus whose delivery has not finished (JetStream: not yet acknowledged). */
	readonly pendingImports: number;
	/** The last connection error, if any since the last reconnection. */
	readonly lastError: unknown;
}

/** The bridge's counters (they only grow) plus its gauges, read at call time. */
export interface BridgeMetrics extends Readonly<BridgeCounters> {
	readonly buffered: number;
	readonly inFlight: number;
	readonly pendingImports: number;
}

/** What `close()` resolves with. */
export interface BridgeCloseReport {
	/** True when every import was settled and every accepted export written (core) or acknowledged (JetStream) in time. */
	readonly drained: boolean;
	/** Exports not delivered to NATS by the deadline; each is a bridge dead letter with reason `unexported`. */
	readonly abandoned: number;
	readonly metrics: BridgeMetrics;
}

/** The bridge's own notifications. */
export interface BridgeEvents {
	/** A message (or export) the bridge could not deliver. */
	deadLetter: (letter: BridgeDeadLetter) => void;
	state: (state: BridgeState) => void;
}

const keptDeadLetters = 1_000;

/**
 * A running bridge between one bus and NATS. Create it with {@link bridgeToNats}.
 *
 * Exports: every local event whose topic matches an `exports` pattern (never a `$` topic, never an event this bridge
 * imported) is published on `<prefix>.<topic>` with its envelope in headers. Imports: every message on a subject
 * whose topic matches an `imports` pattern is published on the local bus once, with its original id, source,
 * correlation and causation ids, priority and metadata; the bus's own `publish` then applies filters, retries,
 * dead letters and history as for a local event. Messages this bridge exported and event ids seen within the
 * dedupe window are dropped. A malformed message becomes a bridge dead letter (`on('deadLetter')`,
 * `deadLetters()`), never an exception.
 */
export class NatsBridge {
	readonly #options: ResolvedBridgeOptions;
	readonly #bus: UntypedBus;
	readonly #counters = newCounters();
	readonly #listeners: {[Name in keyof BridgeEvents]: Set<BridgeEvents[Name]>} = {deadLetter: new Set(), state: new Set()};
	readonly #deadLetters: BridgeDeadLetter[] = [];
	#state: BridgeState = 'connected';
	#lastError: unknown;
	#link!: NatsLink;
	#exporter!: Exporter;
	#importer!: Importer;
	#handle: ConsumerHandle | undefined;
	#closing: Promise<BridgeCloseReport> | undefined;

	private constructor(bus: UntypedBus, options: ResolvedBridgeOptions) {
		this.#bus = bus;
		this.#options = options;
	}

	/** @internal Use {@link bridgeToNats}. */
	static async start<Events extends EventMapLike>(bus: BridgeBus<Events>, options: NatsBridgeOptions): Promise<NatsBridge> {
		if (bus === null || typeof bus !== 'object' || typeof bus.publish !== 'function' || typeof bus.use !== 'function') {
			throw new TypeError(`Expected \`bus\` to be a bus (with \`publish\` and \`use\`), got ${bus === null ? 'null' : typeof bus}`);
		}
		const resolved = resolveBridgeOptions(options);
		// Validates every pattern before connecting (InvalidTopicError names the bad one).
		for (const pattern of [...resolved.exports, ...resolved.imports]) patternToSubjects(pattern, resolved.prefix);
		const bridge = new NatsBridge(bus as unknown as UntypedBus, resolved);
		await bridge.#start();
		return bridge;
	}

	get name(): string {
		return this.#options.name;
	}

	get mode(): BridgeMode {
		return this.#options.mode;
	}

	/** The NATS subjects the imports subscribe to (core) or filter the durable consumer by (JetStream). */
	get importSubjects(): readonly string[] {
		return this.#importer.subjects;
	}

	health(): BridgeHealth {
		return Object.freeze({
			name: this.#options.name,
			mode: this.#options.mode,
			state: this.#state,
			isHealthy: this.#state === 'connected',
			server: this.#link.server,
			buffered: this.#exporter.buffered,
			inFlight: this.#exporter.inFlight,
			pendingImports: this.#importer.pending,
			lastError: this.#lastError,
		});
	}

	metrics(): BridgeMetrics {
		return Object.freeze({...this.#counters, buffered: this.#exporter.buffered, inFlight: this.#exporter.inFlight, pendingImports: this.#importer.pending});
	}

	/** The most recent bridge dead letters (at most 1,000), oldest first. */
	deadLetters(): readonly BridgeDeadLetter[] {
		return [...this.#deadLetters];
	}

	/** Listens to a bridge notification; returns a function that stops listening. A throwing listener is ignored. */
	on<Name extends keyof BridgeEvents>(name: Name, listener: BridgeEvents[Name]): () => void {
		const listeners = this.#listeners[name] as Set<BridgeEvents[Name]>;
		listeners.add(listener);
		return () => listeners.delete(listener);
	}

	/**
	 * Resolves once every export accepted so far has been written and confirmed by the server (core) or
	 * acknowledged by the stream (JetStream). While disconnected it waits for the reconnection.
	 */
	async flush(): Promise<void> {
		await this.#exporter.flush();
	}

	/**
	 * Stops importing, waits (up to `timeoutMs`) for imports handed to the bus to be delivered and acknowledged and
	 * for accepted exports to reach NATS, removes the export consumer from the bus, and drains the connection.
	 * Exports still not delivered at the deadline become dead letters with reason `unexported`. Idempotent.
	 */
	close(options?: {readonly timeoutMs?: number}): Promise<BridgeCloseReport> {
		this.#closing ??= this.#close(options?.timeoutMs ?? 10_000);
		return this.#closing;
	}

	async #start(): Promise<void> {
		const options = this.#options;
		const context: BridgeContext = {
			options,
			origin: `${options.name}-${randomUUID().slice(0, 8)}`,
			link: undefined as unknown as NatsLink,
			imported: new IdWindow(options.dedupeWindow),
			counters: this.#counters,
			isConnected: () => this.#state === 'connected' || (this.#state === 'closing' && !this.#link.isClosed),
			deadLetter: letter => this.#deadLetter(letter),
		};
		const servers = typeof options.servers === 'string' ? options.servers : options.servers.join(',');
		try {
			this.#link = await openNatsLink({
				servers: options.servers,
				name: options.name,
				noEcho: true,
				reconnectWaitMs: options.reconnect.waitMs,
				reconnectJitterMs: options.reconnect.jitterMs,
				maxReconnectAttempts: options.reconnect.maxAttempts,
				onStatus: status => this.#onStatus(status),
			});
		} catch (error) {
			throw new BridgeConnectError(servers, error);
		}
		(context as {link: NatsLink}).link = this.#link;
		this.#exporter = new Exporter(context);
		this.#importer = new Importer(context, this.#bus);
		try {
			if (options.mode === 'jetstream') await this.#setUpJetStream();
			await this.#importer.start();
		} catch (error) {
			await this.#exporter.close(Date.now());
			await this.#link.close().catch(() => {});
			throw new BridgeConnectError(servers, error);
		}
		if (options.exports.length > 0) {
			this.#handle = this.#bus.use({
				name: `nats-bridge:${options.name}`,
				topics: options.exports,
				consume: event => this.#exporter.export(event as Parameters<Exporter['export']>[0]),
				// Called when the bus closes (close the bridge with it; the bus awaits this) and from our own close().
				close: async () => {
					if (this.#closing !== undefined) return;
					// The bus is removing the consumer itself; closing its handle from here would wait on this very call.
					this.#handle = undefined;
					await this.close();
				},
			});
		}
	}

	async #setUpJetStream(): Promise<void> {
		const {jetstream: js, prefix, imports} = this.#options;
		await this.#link.ensureStream({name: js.stream, subjects: [topicToSubject('>', prefix)], maxAgeMs: js.maxAgeMs, duplicateWindowMs: js.duplicateWindowMs, storage: js.storage});
		if (imports.length === 0) return;
		const consumer = () => ({
			stream: js.stream,
			durable: js.durable,
			filterSubjects: this.#importer.subjects,
			maxDeliver: js.maxDeliver,
			ackWaitMs: js.ackWaitMs,
			maxAckPending: js.maxAckPending,
			deliverPolicy: js.deliverPolicy,
		});
		try {
			await this.#link.ensureConsumer(consumer());
		} catch (error) {
			// Several filters need nats-server 2.10; before it, one filter over the prefix plus local matching is equivalent.
			if (this.#importer.subjects.length < 2 || !/requires server 2\.10/.test(String((error as Error).message))) throw error;
			this.#importer.widenFilter();
			await this.#link.ensureConsumer(consumer());
		}
	}

	async #close(timeoutMs: number): Promise<BridgeCloseReport> {
		const deadline = Date.now() + timeoutMs;
		this.#setState('closing');
		await this.#importer.stop().catch(() => {});
		const importsSettled = await settlesBy(this.#importer.settle(), deadline);
		const handle = this.#handle;
		this.#handle = undefined;
		// Events already queued for the export consumer are still delivered to it after this.
		if (handle !== undefined) await settlesBy(handle.close(), deadline);
		const abandoned = await this.#exporter.close(deadline);
		const drained = await settlesBy(this.#link.drain(), deadline);
		if (!drained) await this.#link.close().catch(() => {});
		this.#setState('closed');
		return Object.freeze({drained: importsSettled && abandoned === 0, abandoned, metrics: this.metrics()});
	}

	#onStatus(status: LinkStatus): void {
		if (status.type === 'error') {
			this.#lastError = status.error;
			return;
		}
		if (this.#state === 'closing' || this.#state === 'closed') return;
		if (status.type === 'disconnected' && this.#state === 'connected') {
			this.#counters.disconnects++;
			this.#exporter.onDisconnected();
			this.#setState('reconnecting');
		} else if (status.type === 'reconnected') {
			this.#counters.reconnects++;
			this.#lastError = undefined;
			this.#setState('connected');
			this.#exporter.onReconnected();
		}
	}

	#setState(state: BridgeState): void {
		if (this.#state === state) return;
		this.#state = state;
		for (const listener of this.#listeners.state) call(listener, state);
	}

	#deadLetter(letter: BridgeDeadLetter): void {
		this.#counters.deadLettered++;
		this.#deadLetters.push(letter);
		if (this.#deadLetters.length > keptDeadLetters) this.#deadLetters.shift();
		for (const listener of this.#listeners.deadLetter) call(listener, letter);
	}
}

/**
 * Connects `bus` to NATS and starts bridging. Resolves once connected, with the JetStream stream and durable
 * consumer set up (created when missing), the import subscriptions active and the export consumer registered.
 *
 * @throws {TypeError} for bad options.
 * @throws {InvalidTopicError} for an export or import pattern that breaks the grammar or starts with `$`.
 * @throws {BridgeConnectError} when no server is reachable or the stream or consumer cannot be set up.
 *
 * @example
 * const bridge = await bridgeToNats(bus, {servers: 'nats://127.0.0.1:4222', exports: ['order.**'], imports: ['payment.*']});
 * // ... later
 * await bridge.close();
 */
export function bridgeToNats<Events extends EventMapLike>(bus: BridgeBus<Events>, options: NatsBridgeOptions): Promise<NatsBridge> {
	return NatsBridge.start(bus, options);
}

function call<Args extends unknown[]>(listener: (...args: Args) => void, ...args: Args): void {
	try {
		listener(...args);
	} catch {
		// A listener's failure must not stop the bridge or the other listeners.
	}
}
