import {assertInteger, assertOneOf, assertOptionalObject, fail} from '../internal/assert.js';
import type {BusEvent, Consumer, RetryOptions} from '../types.js';
import {pickConsumerSettings, resolveConsumerName, type ConsumerSettings} from './consumer-settings.js';
import {summarizePayload, type PayloadSummary} from './payload-summary.js';
import {compileRedactionWalk, defaultRedactPaths, type RedactionResult} from './redaction.js';
import {compileTopicMatcher, type TopicMatcher} from '../routing/index.js';
import {isThenable} from '../internal/timing.js';

/** The level of a log line. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** A level, or `off` to log nothing for the topics it applies to. */
export type LogLevelSetting = LogLevel | 'off';

/**
 * A structured logger: pino, bunyan and most others fit as they are. Each method gets the record first and a
 * message second. `debug` is optional (`info` is used instead); `flush`, when present, is called on close.
 */
export interface Logger {
	debug?(record: LogRecord, message: string): unknown;
	info(record: LogRecord, message: string): unknown;
	warn(record: LogRecord, message: string): unknown;
	error(record: LogRecord, message: string): unknown;
	flush?(): unknown;
}

/** A sink for ready-made JSON lines (no trailing newline), e.g. `line => stream.write(line + '\n')`. */
export type LineWriter = (line: string, level: LogLevel) => unknown;

/** What a {@link Logger} receives for one event. A {@link LineWriter} gets the same fields plus `time`, `level` and `msg`. */
export interface LogRecord {
	readonly topic: string;
	readonly id: string;
	readonly correlationId: string;
	/** Absent when the event was not published by a handler. */
	readonly causationId?: string;
	readonly source: string;
	/** When the bus accepted the event (ms since the epoch). */
	readonly timestamp: number;
	/** Present with `includeMetadata` when the event has metadata; redacted like the payload. */
	readonly metadata?: Readonly<Record<string, unknown>>;
	/** Redacted; a `{$truncated, length, preview}` or `{$unserializable}` placeholder when it could not be logged whole. */
	readonly payload: unknown;
}

/** Counters of a {@link LoggingConsumer}, from `stats()`. */
export interface LoggingStats {
	/** Lines handed to the sink without error. */
	readonly logged: number;
	/** Events whose topic's level is `off`. */
	readonly skipped: number;
	/** Lines whose payload was cut to `maxPayloadLength`. */
	readonly truncated: number;
	/** Calls to the sink that threw or rejected (each also failed the delivery, see `consume`). */
	readonly sinkFailures: number;
}

/** Options of {@link LoggingConsumer}. */
export interface LoggingConsumerOptions extends ConsumerSettings {
	/** @default 'logging' */
	readonly name?: string;
	/** Patterns to log; `$`-topics (dead letters) only when named, e.g. `['**', '$bus.dead-letter']`. @default '**' */
	readonly topics?: string | readonly string[];
	/** The level of topics that no `levels` pattern matches. @default 'info' */
	readonly level?: LogLevelSetting;
	/** A level per topic pattern; the first matching pattern, in insertion order, wins. @default {} */
	readonly levels?: Readonly<Record<string, LogLevelSetting>>;
	/** A {@link Logger} (structured records) or a {@link LineWriter} (JSON lines). @default JSON lines on `console` */
	readonly sink?: Logger | LineWriter;
	/**
	 * More key paths whose values are replaced by `censor` in payloads and metadata: `a.b`, `*.b`, `**.b` (any
	 * depth), matched case-insensitively. They add to {@link defaultRedactPaths} unless `redactDefaults` is false.
	 * @default []
	 */
	readonly redact?: readonly string[];
	/** Redact {@link defaultRedactPaths} too. Turning this off is explicit: only `redact` applies then. @default true */
	readonly redactDefaults?: boolean;
	/** @default '[REDACTED]' */
	readonly censor?: string;
	/** Longest payload JSON kept whole, in characters; longer ones are cut to a preview. @default 1024 */
	readonly maxPayloadLength?: number;
	/** Adds the event's metadata to each record (when it has any). @default false */
	readonly includeMetadata?: boolean;
}

const levelSettings: readonly LogLevelSetting[] = ['debug', 'info', 'warn', 'error', 'off'];
// Topics can be high-cardinality (`user.<id>.updated`): the topic cache is cleared, never grown, past this size.
const topicCacheSize = 1024;

const consoleWriter: LineWriter = (line, level) => {
	console[level](line);
};

/**
 * Logs every event it receives as one structured record: time, level, topic, id, correlation and causation ids,
 * source and a redacted payload summary with a size cap.
 *
 * The level comes from the first `levels` pattern the topic matches, else `level`. Sink failures: a sink that throws
 * (or returns a rejecting promise) is counted in `stats().sinkFailures` and its error is rethrown from `consume`, so
 * the bus reports it on its error channel (a failed delivery: the `failed`/`deadLettered` counters and a `deadLetter`
 * diagnostic naming this consumer) and keeps delivering to everyone else; the next event is logged as usual.
 *
 * @example
 * ```ts
 * import pino from 'pino';
 * bus.use(new LoggingConsumer({sink: pino(), levels: {'**.failed': 'warn', 'debug.**': 'off'}, redact: ['card.number']}));
 * ```
 */
export class LoggingConsumer implements Consumer {
	readonly name: string;
	readonly topics: string | readonly string[];
	readonly priority?: number;
	readonly filter?: (event: BusEvent) => boolean;
	readonly retry?: RetryOptions;
	readonly timeoutMs?: number;
	readonly #defaultLevel: LogLevelSetting;
	readonly #levels: readonly (readonly [TopicMatcher, LogLevelSetting])[];
	/** Per topic: its level and its JSON text, both derived once (topics repeat, lines are many). */
	readonly #topicCache = new Map<string, {readonly level: LogLevelSetting; readonly json: string}>();
	readonly #logger: Logger | undefined;
	readonly #writer: LineWriter | undefined;
	readonly #redact: (value: unknown) => RedactionResult;
	readonly #maxPayloadLength: number;
	readonly #includeMetadata: boolean;
	#logged = 0;
	#skipped = 0;
	#truncated = 0;
	#sinkFailures = 0;

	/**
	 * @throws {TypeError} when an option has the wrong type or range (a bad level, sink or redact path).
	 * @throws {InvalidTopicError} when a `levels` pattern is invalid.
	 */
	constructor(options?: LoggingConsumerOptions) {
		this.name = resolveConsumerName(options, 'logging');
		this.topics = options?.topics ?? '**';
		Object.assign(this, pickConsumerSettings(options));
		assertOneOf('options.level', options?.level, levelSettings);
		this.#defaultLevel = options?.level ?? 'info';
		assertOptionalObject('options.levels', options?.levels);
		this.#levels = Object.entries(options?.levels ?? {}).map(([pattern, level]) => {
			assertOneOf(`options.levels[${JSON.stringify(pattern)}]`, level, levelSettings);
			return [compileTopicMatcher(pattern), level] as const;
		});
		const sink = options?.sink ?? consoleWriter;
		if (typeof sink === 'function') {
			this.#writer = sink;
		} else if (typeof sink === 'object' && sink !== null && ['info', 'warn', 'error'].every(method => typeof (sink as unknown as Record<string, unknown>)[method] === 'function')) {
			this.#logger = sink;
		} else {
			fail('options.sink', 'a logger with info/warn/error methods or a function taking a line', sink);
		}
		if (options?.censor !== undefined && typeof options.censor !== 'string') fail('options.censor', 'a string', options.censor);
		if (options?.redact !== undefined && !Array.isArray(options.redact)) fail('options.redact', 'an array of key paths', options.redact);
		if (options?.redactDefaults !== undefined && typeof options.redactDefaults !== 'boolean') fail('options.redactDefaults', 'a boolean', options.redactDefaults);
		const paths = options?.redactDefaults === false ? (options.redact ?? []) : [...defaultRedactPaths, ...(options?.redact ?? [])];
		this.#redact = compileRedactionWalk(paths, options?.censor ?? '[REDACTED]');
		assertInteger('options.maxPayloadLength', options?.maxPayloadLength, 0);
		this.#maxPayloadLength = options?.maxPayloadLength ?? 1024;
		if (options?.includeMetadata !== undefined && typeof options.includeMetadata !== 'boolean') fail('options.includeMetadata', 'a boolean', options.includeMetadata);
		this.#includeMetadata = options?.includeMetadata ?? false;
	}

	/**
	 * Logs each event at its topic's level. Resolves (or returns) once the sink took every line; throws or rejects
	 * with the sink's own error when it fails, after counting it (see the class description). A batch is logged in
	 * order and stops at the first sink failure.
	 */
	consume(events: BusEvent | readonly BusEvent[]): unknown {
		if (!Array.isArray(events)) return this.#log(events as BusEvent);
		let pending: Promise<unknown>[] | undefined;
		for (const event of events as readonly BusEvent[]) {
			const result = this.#log(event);
			if (result !== undefined) (pending ??= []).push(result);
		}
		return pending === undefined ? undefined : Promise.all(pending);
	}

	/** The level `topic` is logged at (`off` when it is not logged). */
	levelOf(topic: string): LogLevelSetting {
		return this.#topicInfo(topic).level;
	}

	/** The counters, as of now. */
	stats(): LoggingStats {
		return {logged: this.#logged, skipped: this.#skipped, truncated: this.#truncated, sinkFailures: this.#sinkFailures};
	}

	/** Flushes the logger, when it has a `flush` method. A flush that fails is counted and rethrown. */
	async close(): Promise<void> {
		try {
			await this.#logger?.flush?.();
		} catch (error) {
			this.#sinkFailures++;
			throw error;
		}
	}

	#topicInfo(topic: string): {readonly level: LogLevelSetting; readonly json: string} {
		let info = this.#topicCache.get(topic);
		if (info !== undefined) return info;
		info = {level: this.#levels.find(([matches]) => matches(topic))?.[1] ?? this.#defaultLevel, json: quote(topic)};
		if (this.#topicCache.size >= topicCacheSize) this.#topicCache.clear();
		this.#topicCache.set(topic, info);
		return info;
	}

	#summarize(value: unknown): PayloadSummary {
		const redacted = this.#redact(value);
		return summarizePayload(redacted.value, this.#maxPayloadLength, redacted.isSmallTree);
	}

	/** Returns a promise only when the sink returned one. */
	#log(event: BusEvent): Promise<unknown> | undefined {
		const topicInfo = this.#topicInfo(event.topic);
		const {level} = topicInfo;
		if (level === 'off') {
			this.#skipped++;
			return undefined;
		}
		const redacted = this.#redact(event.payload);
		const summary = summarizePayload(redacted.value, this.#maxPayloadLength, redacted.isSmallTree);
		if (summary.isTruncated) this.#truncated++;
		const metadata = this.#includeMetadata && Object.keys(event.metadata).length > 0 ? this.#summarize(event.metadata) : undefined;
		let result: unknown;
		try {
			if (this.#writer === undefined) {
				const logger = this.#logger!;
				const record: LogRecord = {
					topic: event.topic,
					id: event.id,
					correlationId: event.correlationId,
					...(event.causationId === undefined ? {} : {causationId: event.causationId}),
					source: event.source,
					timestamp: event.timestamp,
					...(metadata === undefined ? {} : {metadata: metadata.value as Readonly<Record<string, unknown>>}),
					payload: summary.value,
				};
				result = level === 'debug' && logger.debug === undefined ? logger.info(record, event.topic) : logger[level]!(record, event.topic);
			} else {
				result = this.#writer(formatLine(event, topicInfo.json, level, summary.json, metadata), level);
			}
		} catch (error) {
			this.#sinkFailures++;
			throw error;
		}
		if (!isThenable(result)) {
			this.#logged++;
			return undefined;
		}
		return Promise.resolve(result).then(
			() => {
				this.#logged++;
			},
			(error: unknown) => {
				this.#sinkFailures++;
				throw error;
			},
		);
	}
}

// Built by hand: the fixed fields need no generic serializer, and the payload JSON is already made.
function formatLine(event: BusEvent, topic: string, level: LogLevel, payloadJson: string, metadata: PayloadSummary | undefined): string {
	const causation = event.causationId === undefined ? '' : `,"causationId":${quote(event.causationId)}`;
	const meta = metadata === undefined ? '' : `,"metadata":${metadata.json}`;
	return `{"time":${Date.now()},"level":"${level}","msg":${topic},"topic":${topic},"id":${quote(event.id)},"correlationId":${quote(event.correlationId)}${causation},"source":${quote(event.source)},"timestamp":${event.timestamp}${meta},"payload":${payloadJson}}`;
}

// Ids, topics and sources rarely need escaping: a regex test is cheaper than JSON.stringify for each of them.
const needsEscape = /["\\\u0000-\u001f\u2028\u2029\ud800-\udfff]/;

function quote(text: string): string {
	return needsEscape.test(text) ? JSON.stringify(text) : `"${text}"`;
}

