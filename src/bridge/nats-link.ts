/**
 * The one file that imports nats.js (`@nats-io/transport-node`, `@nats-io/jetstream`, pinned 3.3.1). The bridge
 * talks to NATS only through the small `NatsLink` interface below, so a nats.js upgrade touches this file alone.
 */
import {connect, headers as createHeaders, type MsgHdrs, type NatsConnection} from '@nats-io/transport-node';
import {AckPolicy, DeliverPolicy, jetstream, jetstreamManager, RetentionPolicy, StorageType, type ConsumerMessages, type JetStreamClient, type JetStreamManager} from '@nats-io/jetstream';

/** A received message, whichever API delivered it. `header` reads the first value of a header, if present. */
export interface LinkMessage {
	readonly subject: string;
	readonly data: Uint8Array;
	readonly headerNames: readonly string[];
	header(name: string): string | undefined;
}

/** A message delivered by a JetStream consumer, to be settled once. */
export interface LinkDurableMessage extends LinkMessage {
	readonly stream: string;
	readonly streamSequence: number;
	/** 1 on the first delivery. */
	readonly deliveryCount: number;
	ack(): void;
	/** Redeliver after `delayMs`. */
	nak(delayMs?: number): void;
	/** Never redeliver. */
	term(reason: string): void;
}

/** Connection state changes the bridge cares about. */
export type LinkStatus = {readonly type: 'disconnected'} | {readonly type: 'reconnecting'} | {readonly type: 'reconnected'} | {readonly type: 'error'; readonly error: unknown};

/** Stream settings the bridge creates a missing stream with. */
export interface LinkStreamConfig {
	readonly name: string;
	readonly subjects: readonly string[];
	readonly maxAgeMs: number;
	readonly duplicateWindowMs: number;
	readonly storage: 'file' | 'memory';
}

/** Durable consumer settings the bridge creates a missing consumer with. */
export interface LinkConsumerConfig {
	readonly stream: string;
	readonly durable: string;
	readonly filterSubjects: readonly string[];
	readonly maxDeliver: number;
	readonly ackWaitMs: number;
	readonly maxAckPending: number;
	readonly deliverPolicy: 'all' | 'new';
}

/** Options of {@link openNatsLink}. */
export interface LinkOptions {
	readonly servers: string | readonly string[];
	readonly name: string;
	/** Drop this connection's own core publishes on its own subscriptions. */
	readonly noEcho: boolean;
	readonly reconnectWaitMs: number;
	readonly reconnectJitterMs: number;
	/** -1 = forever. */
	readonly maxReconnectAttempts: number;
	readonly onStatus: (status: LinkStatus) => void;
}

/** What the bridge needs from NATS. */
export interface NatsLink {
	readonly server: string;
	/** Core publish: buffered by the client, no acknowledgement. Throws when the connection is closed. */
	publish(subject: string, data: Uint8Array, headers: Readonly<Record<string, string>>): void;
	/** JetStream publish with server-side dedupe on `msgId`; resolves once the stream stored (or deduplicated) it. */
	publishDurable(subject: string, data: Uint8Array, headers: Readonly<Record<string, string>>, msgId: string, timeoutMs: number): Promise<{readonly duplicate: boolean; readonly seq: number}>;
	/** Core subscription; returns an unsubscribe function. */
	subscribe(subject: string, onMessage: (message: LinkMessage) => void): () => void;
	/** Creates the stream unless a stream of that name exists (an existing one is used as it is). */
	ensureStream(config: LinkStreamConfig): Promise<void>;
	/** Creates the durable consumer unless it exists (an existing one is used as it is). */
	ensureConsumer(config: LinkConsumerConfig): Promise<void>;
	/** Pulls from a durable consumer with at most `maxMessages` buffered; `stop()` stops pulling. */
	consume(stream: string, durable: string, maxMessages: number, onMessage: (message: LinkDurableMessage) => void): Promise<{stop(): Promise<void>}>;
	/**
	 * Calls `onAdvisory` when the server gives up on a message of this durable consumer after its `max_deliver`
	 * deliveries (JetStream's MAX_DELIVERIES advisory). Instances sharing the durable share a queue group, so one of
	 * them hears each advisory. Returns an unsubscribe function.
	 */
	onMaxDeliveries(stream: string, durable: string, onAdvisory: (streamSequence: number, deliveries: number) => void): () => void;
	/** The stored message at `sequence`, or undefined when it is gone. */
	getStoredMessage(stream: string, sequence: number): Promise<LinkMessage | undefined>;
	deleteStream(name: string): Promise<boolean>;
	/** Resolves once the server has processed everything published so far. */
	flush(): Promise<void>;
	/** Drains subscriptions and pending publishes, then closes. */
	drain(): Promise<void>;
	close(): Promise<void>;
	readonly isClosed: boolean;
}

const nanosPerMs = 1_000_000;

/**
 * Connects to NATS. Rejects when no server is reachable on the first attempt (a bridge that never connected has
 * nothing to reconnect to); later losses are reconnected per `maxReconnectAttempts`.
 */
export async function openNatsLink(options: LinkOptions): Promise<NatsLink> {
	const connection = await connect({
		servers: typeof options.servers === 'string' ? options.servers : [...options.servers],
		name: options.name,
		noEcho: options.noEcho,
		reconnect: true,
		maxReconnectAttempts: options.maxReconnectAttempts,
		reconnectTimeWait: options.reconnectWaitMs,
		reconnectJitter: options.reconnectJitterMs,
		waitOnFirstConnect: false,
	});
	watchStatus(connection, options.onStatus).catch((error: unknown) => {
		// A listener that throws must not become an unhandled rejection (it would crash the app); it is told once.
		try {
			options.onStatus({type: 'error', error});
		} catch {
			// Nothing left to report to.
		}
	});
	return new NodeNatsLink(connection);
}

async function watchStatus(connection: NatsConnection, onStatus: (status: LinkStatus) => void): Promise<void> {
	for await (const status of connection.status()) {
		if (status.type === 'disconnect') onStatus({type: 'disconnected'});
		else if (status.type === 'reconnecting') onStatus({type: 'reconnecting'});
		else if (status.type === 'reconnect') onStatus({type: 'reconnected'});
		else if (status.type === 'error') onStatus({type: 'error', error: status.error});
	}
}

class NodeNatsLink implements NatsLink {
	readonly #connection: NatsConnection;
	#jetstream: JetStreamClient | undefined;
	#manager: JetStreamManager | undefined;

	constructor(connection: NatsConnection) {
		this.#connection = connection;
	}

	get server(): string {
		return this.#connection.getServer();
	}

	get isClosed(): boolean {
		return this.#connection.isClosed();
	}

	publish(subject: string, data: Uint8Array, headers: Readonly<Record<string, string>>): void {
		this.#connection.publish(subject, data, {headers: toHeaders(headers)});
	}

	async publishDurable(subject: string, data: Uint8Array, headers: Readonly<Record<string, string>>, msgId: string, timeoutMs: number): Promise<{readonly duplicate: boolean; readonly seq: number}> {
		this.#jetstream ??= jetstream(this.#connection);
		const ack = await this.#jetstream.publish(subject, data, {msgID: msgId, timeout: timeoutMs, headers: toHeaders(headers)});
		return {duplicate: ack.duplicate, seq: ack.seq};
	}

	subscribe(subject: string, onMessage: (message: LinkMessage) => void): () => void {
		const subscription = this.#connection.subscribe(subject, {
			callback: (error, message) => {
				if (error === null) onMessage(wrap(message.subject, message.data, message.headers));
			},
		});
		return () => subscription.unsubscribe();
	}

	async ensureStream(config: LinkStreamConfig): Promise<void> {
		const manager = await this.#getManager();
		try {
			await manager.streams.info(config.name);
			return;
		} catch (error) {
			if (!isNotFound(error)) throw error;
		}
		await manager.streams.add({
			name: config.name,
			subjects: [...config.subjects],
			storage: config.storage === 'file' ? StorageType.File : StorageType.Memory,
			retention: RetentionPolicy.Limits,
			max_age: config.maxAgeMs * nanosPerMs,
			duplicate_window: config.duplicateWindowMs * nanosPerMs,
		});
	}

	async ensureConsumer(config: LinkConsumerConfig): Promise<void> {
		const manager = await this.#getManager();
		try {
			await manager.consumers.info(config.stream, config.durable);
			return;
		} catch (error) {
			if (!isNotFound(error)) throw error;
		}
		const [only] = config.filterSubjects;
		const filter = config.filterSubjects.length === 1 && only !== undefined ? {filter_subject: only} : {filter_subjects: [...config.filterSubjects]};
		await manager.consumers.add(config.stream, {
			durable_name: config.durable,
			ack_policy: AckPolicy.Explicit,
			deliver_policy: config.deliverPolicy === 'all' ? DeliverPolicy.All : DeliverPolicy.New,
			max_deliver: config.maxDeliver,
			ack_wait: config.ackWaitMs * nanosPerMs,
			max_ack_pending: config.maxAckPending,
			...filter,
		});
	}

	async consume(stream: string, durable: string, maxMessages: number, onMessage: (message: LinkDurableMessage) => void): Promise<{stop(): Promise<void>}> {
		this.#jetstream ??= jetstream(this.#connection);
		const consumer = await this.#jetstream.consumers.get(stream, durable);
		const messages: ConsumerMessages = await consumer.consume({
			max_messages: maxMessages,
			callback: message => {
				const base = wrap(message.subject, message.data, message.headers);
				onMessage({
					subject: base.subject,
					data: base.data,
					headerNames: base.headerNames,
					header: name => base.header(name),
					stream: message.info.stream,
					streamSequence: message.info.streamSequence,
					deliveryCount: message.info.deliveryCount,
					ack: () => message.ack(),
					nak: delayMs => message.nak(delayMs),
					term: reason => message.term(reason),
				});
			},
		});
		return {
			stop: async () => {
				await messages.close();
			},
		};
	}

	onMaxDeliveries(stream: string, durable: string, onAdvisory: (streamSequence: number, deliveries: number) => void): () => void {
		const subscription = this.#connection.subscribe(`$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.${stream}.${durable}`, {
			queue: `topicbus-${durable}`,
			callback: (error, message) => {
				if (error !== null) return;
				try {
					const advisory = message.json<{stream_seq?: unknown; deliveries?: unknown}>();
					if (typeof advisory.stream_seq === 'number') onAdvisory(advisory.stream_seq, typeof advisory.deliveries === 'number' ? advisory.deliveries : 0);
				} catch {
					// Not an advisory of the shape documented by NATS: nothing to report.
				}
			},
		});
		return () => subscription.unsubscribe();
	}

	async getStoredMessage(stream: string, sequence: number): Promise<LinkMessage | undefined> {
		const manager = await this.#getManager();
		try {
			const stored = await manager.streams.getMessage(stream, {seq: sequence});
			return stored === null ? undefined : wrap(stored.subject, stored.data, stored.header);
		} catch (error) {
			if (isNotFound(error)) return undefined;
			throw error;
		}
	}

	async deleteStream(name: string): Promise<boolean> {
		const manager = await this.#getManager();
		try {
			return await manager.streams.delete(name);
		} catch (error) {
			if (isNotFound(error)) return false;
			throw error;
		}
	}

	async flush(): Promise<void> {
		await this.#connection.flush();
	}

	async drain(): Promise<void> {
		if (this.#connection.isClosed()) return;
		await this.#connection.drain();
	}

	async close(): Promise<void> {
		if (this.#connection.isClosed()) return;
		await this.#connection.close();
	}

	async #getManager(): Promise<JetStreamManager> {
		this.#manager ??= await jetstreamManager(this.#connection);
		return this.#manager;
	}
}

const noHeaders = new Map<string, string>();

// A class, not an object literal with closures: one is made per received message.
class ReceivedMessage implements LinkMessage {
	readonly subject: string;
	readonly data: Uint8Array;
	readonly #values: Map<string, string>;

	constructor(subject: string, data: Uint8Array, headers: MsgHdrs | undefined) {
		this.subject = subject;
		this.data = data;
		if (headers === undefined) {
			this.#values = noHeaders;
			return;
		}
		// One pass over the headers instead of a search per lookup (the bridge reads up to eight of them).
		this.#values = new Map();
		for (const [name, list] of headers) if (list[0] !== undefined && !this.#values.has(name)) this.#values.set(name, list[0]);
	}

	get headerNames(): readonly string[] {
		return [...this.#values.keys()];
	}

	header(name: string): string | undefined {
		return this.#values.get(name);
	}
}

function wrap(subject: string, data: Uint8Array, headers: MsgHdrs | undefined): LinkMessage {
	return new ReceivedMessage(subject, data, headers);
}

function toHeaders(values: Readonly<Record<string, string>>): MsgHdrs {
	const result = createHeaders();
	// append, not set: the names are distinct, and set() searches for the name twice.
	for (const name in values) result.append(name, values[name]!);
	return result;
}

/** True when a publish failed for a reason a retry cannot fix (a body over the server's `max_payload`, a bad subject). */
export function isPermanentPublishError(error: unknown): boolean {
	return (error as {name?: unknown} | null)?.name === 'InvalidArgumentError';
}

function isNotFound(error: unknown): boolean {
	const {code, name, message} = error as {code?: unknown; name?: unknown; message?: unknown};
	return code === 404 || name === 'StreamNotFoundError' || name === 'ConsumerNotFoundError' || (typeof message === 'string' && /not found/i.test(message));
}
