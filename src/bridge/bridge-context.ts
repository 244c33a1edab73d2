/** What the exporter and importer share: the options, the link, the id windows, the counters, the dead-letter sink. */
import type {ResolvedBridgeOptions} from './bridge-options.js';
import type {BridgeMessageReason} from './errors.js';
import type {IdWindow} from './id-window.js';
import type {NatsLink} from './nats-link.js';

/** The bridge's counters; they only grow. */
export interface BridgeCounters {
	/** Events handed to NATS (core) or acknowledged by the stream (JetStream), duplicates included. */
	exported: number;
	/** JetStream acknowledged a publish as a duplicate of a message it already had (same event id). */
	exportDuplicates: number;
	/** JetStream publish attempts that failed and were retried. */
	exportRetries: number;
	/** Core mode: exports the buffer's overflow policy dropped or refused. */
	dropped: number;
	/** Core mode: exports written to a connection that dropped before the server confirmed receiving them. */
	unconfirmed: number;
	/** Events published on the local bus from NATS. */
	imported: number;
	/** Messages this bridge exported that came back to it (dropped). */
	echoes: number;
	/** Messages whose event id was seen within the dedupe window (dropped, acknowledged in JetStream mode). */
	duplicates: number;
	/** Messages on a wide subscription that none of the import patterns match. */
	filtered: number;
	/** Imports the local bus refused for a passing reason, redelivered later (JetStream). */
	redelivered: number;
	/** Messages dead-lettered by the bridge (malformed, refused by the bus). */
	deadLettered: number;
	disconnects: number;
	reconnects: number;
}

/** Why the bridge dead-lettered a message: malformed, or the local bus refused it. */
export type BridgeDeadLetterReason = BridgeMessageReason | 'import-refused' | 'max-deliver' | 'unexported';

/** A received message (or an export) the bridge could not deliver. */
export interface BridgeDeadLetter {
	readonly reason: BridgeDeadLetterReason;
	readonly error: Error;
	readonly subject: string;
	/** The message's headers (first value of each), at most 64 of them. */
	readonly headers: Readonly<Record<string, string>>;
	/** The body's size in bytes. */
	readonly size: number;
	/** The first 1 KiB of the body, as UTF-8 text (lossy). */
	readonly preview: string;
	/** JetStream deliveries so far; 1 in core mode. */
	readonly deliveries: number;
	readonly failedAt: number;
}

/** The state the exporter and importer work in. */
export interface BridgeContext {
	readonly options: ResolvedBridgeOptions;
	/**
	 * This bridge instance: `<name>-<random>`. Per instance, not per name, so that several instances sharing a
	 * name (and a durable consumer) do not drop each other's events as echoes.
	 */
	readonly origin: string;
	readonly link: NatsLink;
	/** Ids of events published locally from NATS: never exported back. */
	readonly imported: IdWindow;
	readonly counters: BridgeCounters;
	isConnected(): boolean;
	deadLetter(letter: BridgeDeadLetter): void;
}

export function newCounters(): BridgeCounters {
	return {
		exported: 0,
		exportDuplicates: 0,
		exportRetries: 0,
		dropped: 0,
		unconfirmed: 0,
		imported: 0,
		echoes: 0,
		duplicates: 0,
		filtered: 0,
		redelivered: 0,
		deadLettered: 0,
		disconnects: 0,
		reconnects: 0,
	};
}

const previewBytes = 1_024;
const decoder = new TextDecoder();

/** A dead letter for a received message. */
export function messageDeadLetter(
	reason: BridgeDeadLetterReason,
	error: Error,
	message: {readonly subject: string; readonly data: Uint8Array; readonly headerNames: readonly string[]; header(name: string): string | undefined},
	deliveries: number,
): BridgeDeadLetter {
	const headers: Record<string, string> = {};
	for (const name of message.headerNames.slice(0, 64)) headers[name] = (message.header(name) ?? '').slice(0, 1_024);
	return Object.freeze({
		reason,
		error,
		subject: message.subject,
		headers: Object.freeze(headers),
		size: message.data.length,
		preview: decoder.decode(message.data.subarray(0, previewBytes)),
		deliveries,
		failedAt: Date.now(),
	});
}
