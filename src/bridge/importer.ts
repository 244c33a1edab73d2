/**
 * The import half: NATS messages to local events. It subscribes to the subjects the import patterns map to, keeps
 * each message on exactly one of its subscriptions, filters with the bus's own matcher where NATS subscribed
 * wider, drops echoes and duplicates, and publishes the rest on the local bus with the original envelope.
 */
import {randomUUID} from 'node:crypto';
import type {Bus, PublishOptions} from '../types.js';
import {messageDeadLetter, type BridgeContext} from './bridge-context.js';
import {BridgeImportError, BridgeMessageError} from './errors.js';
import type {LinkDurableMessage, LinkMessage} from './nats-link.js';
import {areDisjoint, patternToSubjects, reduceSubjects, subjectMatches, subjectToTopic, topicToSubject} from './subject-mapping.js';
import {compileTopicPattern} from './topic-grammar.js';
import {decodeMessage, type DecodedEvent} from './wire.js';

/** What the importer needs of the bus. */
export type ImportBus = Pick<Bus, 'publish' | 'publishSync'>;

const permanentCodes = new Set(['ERR_INVALID_TOPIC', 'ERR_INVALID_PAYLOAD', 'ERR_SCHEMA_VALIDATION']);

export class Importer {
	readonly #context: BridgeContext;
	readonly #bus: ImportBus;
	readonly #matchers: ReadonlyArray<(topic: string) => boolean>;
	/** The subjects subscribed to (core) or used as the consumer's filters (JetStream). */
	#subjects: readonly string[];
	readonly #unsubscribes: Array<() => void> = [];
	#consumer: {stop(): Promise<void>} | undefined;
	readonly #pending = new Set<Promise<void>>();
	// JetStream: deliveries of one event id still being handled locally; all of them are settled together.
	readonly #inProgress = new Map<string, LinkDurableMessage[]>();

	constructor(context: BridgeContext, bus: ImportBus) {
		this.#context = context;
		this.#bus = bus;
		const {imports, prefix, mode} = context.options;
		this.#matchers = imports.map(pattern => compileTopicPattern(pattern));
		const subjects = reduceSubjects(imports.flatMap(pattern => patternToSubjects(pattern, prefix)));
		// JetStream refuses overlapping filters; one wide filter plus local matching delivers the same events.
		this.#subjects = mode === 'jetstream' && !areDisjoint(subjects) ? [topicToSubject('>', prefix)] : subjects;
	}

	get subjects(): readonly string[] {
		return this.#subjects;
	}

	/** JetStream: filter the consumer by the whole prefix instead (servers before 2.10 take one filter only). */
	widenFilter(): void {
		this.#subjects = [topicToSubject('>', this.#context.options.prefix)];
	}

	get pending(): number {
		return this.#pending.size;
	}

	async start(): Promise<void> {
		const {options, link} = this.#context;
		if (this.#subjects.length === 0) return;
		if (options.mode === 'core') {
			this.#subjects.forEach((subject, index) => this.#unsubscribes.push(link.subscribe(subject, message => this.#onMessage(index, message))));
			// The server knows the subscriptions once it answered a round trip: from then on nothing published is missed.
			await link.flush();
			return;
		}
		const {stream, durable, maxAckPending} = options.jetstream;
		this.#unsubscribes.push(link.onMaxDeliveries(stream, durable, (sequence, deliveries) => this.#track(this.#onMaxDeliveries(sequence, deliveries))));
		this.#consumer = await link.consume(stream, durable, Math.min(maxAckPending, 1_000), message => this.#onDurableMessage(message));
	}

	// The server stopped delivering a message never acknowledged (a handler that never settled, a process that kept
	// crashing on it): without this it would stay in the stream, delivered to no one and reported nowhere.
	async #onMaxDeliveries(sequence: number, deliveries: number): Promise<void> {
		const {link, options} = this.#context;
		const message = await link.getStoredMessage(options.jetstream.stream, sequence).catch(() => undefined);
		const subject = message?.subject ?? `${options.jetstream.stream}#${sequence}`;
		const cause = new Error(`not acknowledged after ${deliveries} deliveries (stream sequence ${sequence})`);
		const error = new BridgeImportError(subjectToTopic(subject, options.prefix) ?? subject, deliveries, cause);
		this.#context.deadLetter(messageDeadLetter('max-deliver', error, message ?? {subject, data: new Uint8Array(0), headerNames: [], header: () => undefined}, deliveries));
	}

	/** Stops receiving; deliveries already handed to the bus continue (see {@link settle}). */
	async stop(): Promise<void> {
		for (const unsubscribe of this.#unsubscribes.splice(0)) unsubscribe();
		await this.#consumer?.stop();
		this.#consumer = undefined;
	}

	/** Resolves once every local delivery started so far has finished (and, in JetStream mode, been settled). */
	async settle(): Promise<void> {
		while (this.#pending.size > 0) await Promise.all([...this.#pending]);
	}

	#onMessage(index: number, message: LinkMessage): void {
		// Overlapping subscriptions each get a copy; the first one in order that matches keeps it.
		for (let other = 0; other < index; other++) if (subjectMatches(this.#subjects[other]!, message.subject)) return;
		const event = this.#accept(message, 1, undefined);
		if (event === undefined) return;
		const {counters, imported} = this.#context;
		const id = event.id ?? randomUUID();
		imported.add(id);
		try {
			// publishSync: core NATS cannot be slowed down, so a full queue refuses (and counts) instead of piling up waiters.
			this.#bus.publishSync(event.topic, event.payload, publishOptions(event, id));
			counters.imported++;
		} catch (error) {
			imported.delete(id);
			this.#context.deadLetter(messageDeadLetter('import-refused', new BridgeImportError(event.topic, 1, error), message, 1));
		}
	}

	#onDurableMessage(message: LinkDurableMessage): void {
		const event = this.#accept(message, message.deliveryCount, message);
		if (event === undefined) return;
		const id = event.id ?? `${message.stream}-${message.streamSequence}`;
		const waiting = this.#inProgress.get(id);
		if (waiting !== undefined) {
			this.#context.counters.duplicates++;
			waiting.push(message);
			return;
		}
		const {counters, imported} = this.#context;
		if (imported.has(id)) {
			counters.duplicates++;
			message.ack();
			return;
		}
		imported.add(id);
		this.#inProgress.set(id, [message]);
		const delivery = this.#bus.publish(event.topic, event.payload, {...publishOptions(event, id), awaitDelivery: true}).then(
			() => {
				counters.imported++;
				for (const handle of this.#take(id)) handle.ack();
			},
			(error: unknown) => this.#refused(id, event, message, error),
		);
		this.#track(delivery);
	}

	// Checks shared by both modes; returns the event to publish, or undefined when the message was settled here.
	#accept(message: LinkMessage, deliveries: number, durable: LinkDurableMessage | undefined): DecodedEvent | undefined {
		const {options, counters} = this.#context;
		const topic = subjectToTopic(message.subject, options.prefix);
		// Without a prefix a wide subscription also sees request replies (`_INBOX.`): NATS's plumbing, not events.
		if (topic !== undefined && (!this.#matchers.some(matches => matches(topic)) || (options.prefix === '' && topic.startsWith('_INBOX.')))) {
			counters.filtered++;
			durable?.ack();
			return undefined;
		}
		let event: DecodedEvent;
		try {
			event = decodeMessage(message, {prefix: options.prefix, codec: options.codec, maxBodyBytes: options.maxBodyBytes, plainSource: options.plainSource, plainId: undefined});
		} catch (error) {
			if (!(error instanceof BridgeMessageError)) throw error;
			this.#context.deadLetter(messageDeadLetter(error.reason, error, message, deliveries));
			durable?.term(error.reason);
			return undefined;
		}
		if (event.origin === this.#context.origin) {
			counters.echoes++;
			durable?.ack();
			return undefined;
		}
		if (durable === undefined && event.id !== undefined && this.#context.imported.has(event.id)) {
			counters.duplicates++;
			return undefined;
		}
		return event;
	}

	#refused(id: string, event: DecodedEvent, message: LinkDurableMessage, error: unknown): void {
		const {counters, imported, options} = this.#context;
		imported.delete(id);
		const handles = this.#take(id);
		const deliveries = Math.max(...handles.map(handle => handle.deliveryCount));
		const code = (error as {code?: unknown} | null)?.code;
		if (error instanceof TypeError || permanentCodes.has(code as string) || deliveries >= options.jetstream.maxDeliver) {
			this.#context.deadLetter(messageDeadLetter('import-refused', new BridgeImportError(event.topic, deliveries, error), message, deliveries));
			for (const handle of handles) handle.term('import-refused');
			return;
		}
		counters.redelivered++;
		for (const handle of handles) handle.nak(options.jetstream.nakDelayMs);
	}

	#take(id: string): LinkDurableMessage[] {
		const handles = this.#inProgress.get(id) ?? [];
		this.#inProgress.delete(id);
		return handles;
	}

	#track(delivery: Promise<void>): void {
		this.#pending.add(delivery);
		void delivery.finally(() => this.#pending.delete(delivery));
	}
}

function publishOptions(event: DecodedEvent, id: string): PublishOptions {
	const options: {-readonly [Key in keyof PublishOptions]: PublishOptions[Key]} = {id, source: event.source, priority: event.priority};
	if (event.correlationId !== undefined) options.correlationId = event.correlationId;
	if (event.causationId !== undefined) options.causationId = event.causationId;
	if (event.metadata !== undefined) options.metadata = event.metadata;
	return options;
}
