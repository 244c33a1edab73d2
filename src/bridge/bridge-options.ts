/** The options of `bridgeToNats`, their defaults, and their validation (a `TypeError` for each bad one). */
import {randomUUID} from 'node:crypto';
import {assertFunction, assertInteger, assertOneOf, assertOptionalObject, assertPlainObject, assertString, fail} from '../internal/assert.js';
import {jsonCodec, type BridgeCodec} from './wire.js';

/** `core`: NATS core publish/subscribe, at-most-once. `jetstream`: a stream and a durable consumer, at-least-once. */
export type BridgeMode = 'core' | 'jetstream';

/** What happens to an export when the core-mode buffer (used while disconnected) is full. */
export type BridgeOverflowPolicy = 'wait' | 'drop-oldest' | 'drop-newest';

/** JetStream settings; the stream and the consumer are created with these when missing, and used as they are when present. */
export interface BridgeJetStreamOptions {
	/** @default 'TOPICBUS' */
	readonly stream?: string;
	/** The durable consumer's name. @default the bridge's `name` */
	readonly durable?: string;
	/** Deliveries of one message before it becomes a dead letter. @default 5 */
	readonly maxDeliver?: number;
	/** Redeliver a message not acknowledged within this time. @default 30_000 */
	readonly ackWaitMs?: number;
	/** Unacknowledged messages the server sends at most. @default 1_000 */
	readonly maxAckPending?: number;
	/** Where a newly created durable consumer starts. @default 'new' */
	readonly deliverPolicy?: 'all' | 'new';
	/** @default 'file' */
	readonly storage?: 'file' | 'memory';
	/** Messages older than this are removed from a stream the bridge creates. @default 7 days */
	readonly maxAgeMs?: number;
	/** The server's `Nats-Msg-Id` dedupe window of a stream the bridge creates. @default 120_000 */
	readonly duplicateWindowMs?: number;
	/** One publish attempt waits this long for the stream's acknowledgement. @default 5_000 */
	readonly publishTimeoutMs?: number;
	/** Export publishes awaiting acknowledgement at once. @default 256 */
	readonly maxInFlight?: number;
	/** Backoff between publish attempts (retried until acknowledged or the bridge closes). @default {initialMs: 100, maxMs: 5_000} */
	readonly retryBackoff?: {readonly initialMs?: number; readonly maxMs?: number};
	/** Delay before redelivery when the local bus refused an import for a passing reason (queue full). @default 1_000 */
	readonly nakDelayMs?: number;
}

/** Options of `bridgeToNats`. */
export interface NatsBridgeOptions {
	/** NATS server URLs, e.g. `'nats://127.0.0.1:4222'`. */
	readonly servers: string | readonly string[];
	/** Local patterns whose events are published to NATS. `$` topics are never exported. @default [] */
	readonly exports?: string | readonly string[];
	/** Patterns of remote events to publish on the local bus. @default [] */
	readonly imports?: string | readonly string[];
	/** @default 'core' */
	readonly mode?: BridgeMode;
	/**
	 * Names this bridge: the start of its origin id (`<name>-<random>`, per instance, so that its own exports never
	 * come back to it) and the default durable consumer name. Required in `jetstream` mode, where it must stay the
	 * same across restarts; instances sharing a name share the durable consumer, so each event reaches one of them.
	 * @default a random id (core mode)
	 */
	readonly name?: string;
	/** Subjects are `<prefix>.<topic>`; `''` maps topics onto subjects one to one (core mode only). @default 'topicbus' */
	readonly prefix?: string;
	/** @default JSON */
	readonly codec?: BridgeCodec;
	/** Received bodies above this size are dead-lettered. @default 1_048_576 */
	readonly maxBodyBytes?: number;
	/** Event ids remembered for echo and duplicate suppression. @default 10_000 */
	readonly dedupeWindow?: number;
	/** Core mode: exports held while disconnected. @default 10_000 */
	readonly bufferSize?: number;
	/** Core mode: when the buffer is full. @default 'drop-oldest' */
	readonly overflow?: BridgeOverflowPolicy;
	/** Reconnection: a wait of `waitMs` plus up to `jitterMs` between attempts; `maxAttempts` -1 = forever. */
	readonly reconnect?: {readonly waitMs?: number; readonly jitterMs?: number; readonly maxAttempts?: number};
	/** Core mode: how often the bridge asks the server to confirm what it received (the basis of the `unconfirmed` count). @default 1_000 */
	readonly confirmIntervalMs?: number;
	/** The source of events from plain NATS clients. @default 'nats' */
	readonly plainSource?: string;
	readonly jetstream?: BridgeJetStreamOptions;
}

/** Every option with its default. */
export interface ResolvedBridgeOptions {
	readonly servers: string | readonly string[];
	readonly exports: readonly string[];
	readonly imports: readonly string[];
	readonly mode: BridgeMode;
	readonly name: string;
	readonly prefix: string;
	readonly codec: BridgeCodec;
	readonly maxBodyBytes: number;
	readonly dedupeWindow: number;
	readonly bufferSize: number;
	readonly overflow: BridgeOverflowPolicy;
	readonly reconnect: {readonly waitMs: number; readonly jitterMs: number; readonly maxAttempts: number};
	readonly confirmIntervalMs: number;
	readonly plainSource: string;
	readonly jetstream: Required<Omit<BridgeJetStreamOptions, 'retryBackoff'>> & {readonly retryBackoff: {readonly initialMs: number; readonly maxMs: number}};
}

const tokenRegex = /^[\w-]+(?:\.[\w-]+)*$/;
const nameRegex = /^[\w-]+$/;

/** Validates `options` and fills in the defaults. */
export function resolveBridgeOptions(options: NatsBridgeOptions): ResolvedBridgeOptions {
	assertPlainObject('options', options);
	const servers = options.servers;
	if (typeof servers !== 'string' && !(Array.isArray(servers) && servers.length > 0 && servers.every(server => typeof server === 'string'))) {
		fail('options.servers', 'a URL string or a non-empty array of them', servers);
	}
	const mode = options.mode ?? 'core';
	assertOneOf('options.mode', mode, ['core', 'jetstream']);
	if (options.name !== undefined && (typeof options.name !== 'string' || !nameRegex.test(options.name))) fail('options.name', 'a string of A-Z a-z 0-9 _ -', options.name);
	if (mode === 'jetstream' && options.name === undefined) fail('options.name', 'a string in jetstream mode (it names the durable consumer and must survive restarts)', options.name);
	const prefix = options.prefix ?? 'topicbus';
	assertString('options.prefix', prefix);
	if (prefix !== '' && !tokenRegex.test(prefix)) fail('options.prefix', 'dot-separated tokens of A-Z a-z 0-9 _ - (or empty)', prefix);
	if (mode === 'jetstream' && prefix === '') fail('options.prefix', 'a non-empty prefix in jetstream mode (the stream captures `<prefix>.>`)', prefix);
	const codec = options.codec ?? jsonCodec;
	assertPlainObject('options.codec', codec);
	assertFunction('options.codec.encode', codec.encode);
	assertFunction('options.codec.decode', codec.decode);
	assertInteger('options.maxBodyBytes', options.maxBodyBytes, 1);
	assertInteger('options.dedupeWindow', options.dedupeWindow, 0);
	assertInteger('options.bufferSize', options.bufferSize, 0);
	assertOneOf('options.overflow', options.overflow, ['wait', 'drop-oldest', 'drop-newest']);
	assertInteger('options.confirmIntervalMs', options.confirmIntervalMs, 1);
	if (options.plainSource !== undefined) assertString('options.plainSource', options.plainSource);
	assertOptionalObject('options.reconnect', options.reconnect);
	const reconnect = options.reconnect ?? {};
	assertInteger('options.reconnect.waitMs', reconnect.waitMs, 0);
	assertInteger('options.reconnect.jitterMs', reconnect.jitterMs, 0);
	assertInteger('options.reconnect.maxAttempts', reconnect.maxAttempts, -1);
	return Object.freeze({
		servers,
		exports: patternList('options.exports', options.exports),
		imports: patternList('options.imports', options.imports),
		mode,
		name: options.name ?? `bridge-${randomUUID()}`,
		prefix,
		codec,
		maxBodyBytes: options.maxBodyBytes ?? 1_048_576,
		dedupeWindow: options.dedupeWindow ?? 10_000,
		bufferSize: options.bufferSize ?? 10_000,
		overflow: options.overflow ?? 'drop-oldest',
		reconnect: {waitMs: reconnect.waitMs ?? 2_000, jitterMs: reconnect.jitterMs ?? 500, maxAttempts: reconnect.maxAttempts ?? -1},
		confirmIntervalMs: options.confirmIntervalMs ?? 1_000,
		plainSource: options.plainSource ?? 'nats',
		jetstream: resolveJetStream(options.jetstream, options.name ?? ''),
	});
}

function resolveJetStream(options: BridgeJetStreamOptions | undefined, name: string): ResolvedBridgeOptions['jetstream'] {
	assertOptionalObject('options.jetstream', options);
	const js = options ?? {};
	for (const key of ['stream', 'durable'] as const) {
		if (js[key] !== undefined && (typeof js[key] !== 'string' || !nameRegex.test(js[key]))) fail(`options.jetstream.${key}`, 'a string of A-Z a-z 0-9 _ -', js[key]);
	}
	assertInteger('options.jetstream.maxDeliver', js.maxDeliver, 1);
	assertInteger('options.jetstream.ackWaitMs', js.ackWaitMs, 1);
	assertInteger('options.jetstream.maxAckPending', js.maxAckPending, 1);
	assertOneOf('options.jetstream.deliverPolicy', js.deliverPolicy, ['all', 'new']);
	assertOneOf('options.jetstream.storage', js.storage, ['file', 'memory']);
	assertInteger('options.jetstream.maxAgeMs', js.maxAgeMs, 1);
	assertInteger('options.jetstream.duplicateWindowMs', js.duplicateWindowMs, 1);
	assertInteger('options.jetstream.publishTimeoutMs', js.publishTimeoutMs, 1);
	assertInteger('options.jetstream.maxInFlight', js.maxInFlight, 1);
	assertInteger('options.jetstream.nakDelayMs', js.nakDelayMs, 0);
	assertOptionalObject('options.jetstream.retryBackoff', js.retryBackoff);
	assertInteger('options.jetstream.retryBackoff.initialMs', js.retryBackoff?.initialMs, 1);
	assertInteger('options.jetstream.retryBackoff.maxMs', js.retryBackoff?.maxMs, 1);
	return Object.freeze({
		stream: js.stream ?? 'TOPICBUS',
		durable: js.durable ?? name,
		maxDeliver: js.maxDeliver ?? 5,
		ackWaitMs: js.ackWaitMs ?? 30_000,
		maxAckPending: js.maxAckPending ?? 1_000,
		deliverPolicy: js.deliverPolicy ?? 'new',
		storage: js.storage ?? 'file',
		maxAgeMs: js.maxAgeMs ?? 7 * 24 * 3_600_000,
		duplicateWindowMs: js.duplicateWindowMs ?? 120_000,
		publishTimeoutMs: js.publishTimeoutMs ?? 5_000,
		maxInFlight: js.maxInFlight ?? 256,
		nakDelayMs: js.nakDelayMs ?? 1_000,
		retryBackoff: {initialMs: js.retryBackoff?.initialMs ?? 100, maxMs: js.retryBackoff?.maxMs ?? 5_000},
	});
}

function patternList(name: string, value: string | readonly string[] | undefined): readonly string[] {
	if (value === undefined) return [];
	if (typeof value === 'string') return [value];
	if (!Array.isArray(value) || !value.every(item => typeof item === 'string')) fail(name, 'a pattern or an array of patterns', value);
	return [...new Set(value as readonly string[])];
}
