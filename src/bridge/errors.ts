/**
 * The bridge's operational errors. Each extends `EventBusError` with a stable `ERR_BRIDGE_*` code (listed in
 * docs/bridge.md); branch on `code`.
 */
import {EventBusError} from '../errors.js';
import {describeThrown as describe} from '../internal/bounded-json.js';

/** Every stable code of the bridge, by error class. */
export const BridgeErrorCodes = {
	BridgeConnectError: 'ERR_BRIDGE_CONNECT',
	BridgeMessageError: 'ERR_BRIDGE_MESSAGE',
	BridgeBufferFullError: 'ERR_BRIDGE_BUFFER_FULL',
	BridgeClosedError: 'ERR_BRIDGE_CLOSED',
	BridgeImportError: 'ERR_BRIDGE_IMPORT',
} as const;

/** A stable bridge error code. */
export type BridgeErrorCode = (typeof BridgeErrorCodes)[keyof typeof BridgeErrorCodes];

/** No NATS server was reachable when the bridge started, or the JetStream stream or consumer could not be set up. */
export class BridgeConnectError extends EventBusError<BridgeErrorCode> {
	readonly servers: string;

	constructor(servers: string, cause: unknown) {
		super(BridgeErrorCodes.BridgeConnectError, `Cannot start the NATS bridge on ${servers}: ${describe(cause)}`, {cause});
		this.servers = servers;
	}
}

/** Why a received NATS message could not become a local event. */
export type BridgeMessageReason = 'invalid-subject' | 'invalid-header' | 'invalid-body' | 'too-large';

/** A received message is malformed (bad subject, header or body, or too large); it is dead-lettered, never retried. */
export class BridgeMessageError extends EventBusError<BridgeErrorCode> {
	readonly reason: BridgeMessageReason;
	readonly subject: string;

	constructor(subject: string, reason: BridgeMessageReason, detail: string, options?: {cause?: unknown}) {
		super(BridgeErrorCodes.BridgeMessageError, `Malformed message on \`${truncate(subject)}\` (${reason}): ${detail}`, options);
		this.reason = reason;
		this.subject = subject;
	}
}

/**
 * The bus refused a well-formed imported event (schema, queue full, bus closed) for the last time, or JetStream gave
 * up on it after `maxDeliver` deliveries without an acknowledgement.
 */
export class BridgeImportError extends EventBusError<BridgeErrorCode> {
	readonly topic: string;
	readonly attempts: number;

	constructor(topic: string, attempts: number, cause: unknown) {
		super(BridgeErrorCodes.BridgeImportError, `The local bus refused \`${truncate(topic)}\` after ${attempts} attempt(s): ${describe(cause)}`, {cause});
		this.topic = topic;
		this.attempts = attempts;
	}
}

/** The core-mode export buffer (used while disconnected) is full and its policy dropped or refused this event. */
export class BridgeBufferFullError extends EventBusError<BridgeErrorCode> {
	readonly capacity: number;
	readonly eventId: string;

	constructor(eventId: string, capacity: number) {
		super(BridgeErrorCodes.BridgeBufferFullError, `Export buffer is full (capacity ${capacity}); event ${eventId} was not exported`);
		this.capacity = capacity;
		this.eventId = eventId;
	}
}

/** The bridge is closed (or its close timed out) and an event accepted for export was never acknowledged. */
export class BridgeClosedError extends EventBusError<BridgeErrorCode> {
	readonly eventId: string;

	constructor(eventId: string, detail: string) {
		super(BridgeErrorCodes.BridgeClosedError, `Event ${eventId} was not exported: ${detail}`);
		this.eventId = eventId;
	}
}

function truncate(text: string, max = 120): string {
	return text.length > max ? `${text.slice(0, max)}…` : text;
}
