import {randomUUID} from 'node:crypto';
import {deadLetterTopic} from '../routing/index.js';
import {assertInteger, assertOneOf, assertOptionalFunction, fail} from '../internal/assert.js';
import type {BusEvent, Consumer, DeadLetter, RetryOptions} from '../types.js';
import {listenTo} from './bus-diagnostics.js';
import {pickConsumerSettings, resolveConsumerName, toEventArray, type ConsumerSettings} from './consumer-settings.js';
import {compileDeadLetterQuery, type DeadLetterQuery} from './dead-letter-query.js';
import {DeadLetterReplayError} from './dead-letter-replay-error.js';
import {replayOne, type DeadLetterBus, type ReplayOptions, type ReplayResult} from './dead-letter-replay.js';
import {JsonLinesFile, type FileSystem} from './json-lines-file.js';
import {createStoredDeadLetter, deadLetterKey, decodeDeadLetter, encodeDeadLetter, isDeadLetterInput, type DeadLetterInput, type StoredDeadLetter} from './stored-dead-letter.js';

/** The first line of every dead-letter file: what marks a file as one the store may rewrite. */
export const deadLetterFileHeader = '{"topicbus":"dead-letters","version":1}';
// Letters taken from the diagnostic whose `$bus.dead-letter` copy has not arrived yet (it may never: queue full).
const pendingEchoesKept = 10_000;
// Persistence errors of letters taken from the diagnostic, waiting for their `$bus.dead-letter` event to be thrown from.
const pendingErrorsKept = 1000;

/** A problem with the file that has no caller to throw to (reported with `onWarning`). */
export interface DeadLetterWarning {
	readonly code: 'ERR_DEAD_LETTER_LINE_SKIPPED' | 'ERR_DEAD_LETTER_WRITE_FAILED';
	readonly message: string;
	readonly error?: unknown;
}

/** Counters of a {@link DeadLetterConsumer}, from `stats()`. */
export interface DeadLetterStats {
	/** Letters in the store now. */
	readonly stored: number;
	/** Letters taken since construction (loaded ones not included; duplicates not counted twice). */
	readonly recorded: number;
	/** Letters removed by retention (`maxEntries`, `maxAgeMs`). */
	readonly evicted: number;
	/** Writes to the file that failed (the letters stayed in memory). */
	readonly persistFailures: number;
	/** Unreadable lines skipped when the file was loaded. */
	readonly skippedLines: number;
}

/** Options of {@link DeadLetterConsumer}. */
export interface DeadLetterConsumerOptions extends ConsumerSettings {
	/** @default 'dead-letters' */
	readonly name?: string;
	/** Needed to replay; also makes the store complete (see the class description). @default none */
	readonly bus?: DeadLetterBus;
	/** A JSON-lines file to persist the store to; loaded on construction. @default none (memory only) */
	readonly file?: string;
	/** Most letters kept; the oldest go first. @default 10_000 */
	readonly maxEntries?: number;
	/** Letters older than this (by `failedAt`) are dropped. @default no limit */
	readonly maxAgeMs?: number;
	/** Where file problems with no caller to throw to go. @default `process.emitWarning` */
	readonly onWarning?: (warning: DeadLetterWarning) => void;
	/** The file-system calls used for `file` (a seam for tests and unusual file systems). @default node:fs */
	readonly fileSystem?: FileSystem;
}

/**
 * Keeps dead letters (failed deliveries, drops, and schema rejections given to `record`) with their reason, error,
 * subscription, attempts and time; lists, inspects, replays and purges them; retention by count and age; optional
 * persistence to an append-only JSON-lines file that survives a restart or a crash (a torn last line is skipped with
 * a warning).
 *
 * Sources: as a consumer of `$bus.dead-letter` it stores the letters the bus publishes. Given the `bus`, it takes
 * every letter from the bus's `deadLetter` diagnostic instead, synchronously, including those the bus cannot
 * publish (queue full, failures on `$bus.` topics, shutdown); the published copies are then recognized and skipped.
 * Failures to handle a `$bus.dead-letter` event itself are not stored (its letter already is).
 *
 * Sink failures: a failed file write keeps the letter in memory, is counted in `stats().persistFailures`, and is
 * thrown from `consume` for that letter's `$bus.dead-letter` event, so the bus reports it on its error channel (a
 * failed delivery, a `deadLetter` diagnostic naming this consumer) and keeps working. A letter never published as an
 * event has its write failure reported with `onWarning`.
 *
 * @example
 * ```ts
 * const deadLetters = new DeadLetterConsumer({bus, file: 'var/dead-letters.jsonl', maxAgeMs: 7 * 86_400_000});
 * bus.use(deadLetters);
 * const result = await deadLetters.replay({topic: 'order.**', reason: 'handler-failed'});
 * ```
 */
export class DeadLetterConsumer implements Consumer {
	readonly name: string;
	readonly topics = deadLetterTopic;
	readonly priority?: number;
	readonly filter?: (event: BusEvent) => boolean;
	readonly retry?: RetryOptions;
	readonly timeoutMs?: number;
	readonly #bus: DeadLetterBus | undefined;
	readonly #file: JsonLinesFile | undefined;
	readonly #maxEntries: number;
	readonly #maxAgeMs: number | undefined;
	readonly #onWarning: (warning: DeadLetterWarning) => void;
	readonly #entries = new Map<string, StoredDeadLetter>();
	/** Letter objects already stored (a diagnostic's letter, a consumed payload, a `record` argument): each is stored once. */
	readonly #taken = new WeakMap<object, StoredDeadLetter | undefined>();
	/** Per dedupe key: how many letters came from the diagnostic whose `$bus.dead-letter` copy is still to come. */
	readonly #pendingEchoes = new Map<string, number>();
	readonly #pendingErrors = new Map<string, unknown>();
	readonly #unlisten: (() => void)[] = [];
	#lastLetter: DeadLetter | undefined;
	#recorded = 0;
	#evicted = 0;
	#persistFailures = 0;
	#skippedLines = 0;

	/**
	 * Loads the file, if any (skipping unreadable lines with a warning), and starts listening to the bus, if given.
	 *
	 * @throws {TypeError} when an option has the wrong type or range.
	 * @throws the file system's error when the file exists but cannot be read.
	 */
	constructor(options?: DeadLetterConsumerOptions) {
		this.name = resolveConsumerName(options, 'dead-letters');
		Object.assign(this, pickConsumerSettings(options));
		assertInteger('options.maxEntries', options?.maxEntries, 1);
		assertInteger('options.maxAgeMs', options?.maxAgeMs, 1);
		assertOptionalFunction('options.onWarning', options?.onWarning);
		this.#maxEntries = options?.maxEntries ?? 10_000;
		this.#maxAgeMs = options?.maxAgeMs;
		this.#onWarning = options?.onWarning ?? (warning => process.emitWarning(warning.message, {code: warning.code}));
		const {bus, file} = options ?? {};
		if (bus !== undefined && (typeof bus !== 'object' || bus === null || typeof bus.on !== 'function' || typeof bus.publish !== 'function')) fail('options.bus', 'a bus', bus);
		if (file !== undefined && (typeof file !== 'string' || file === '')) fail('options.file', 'a non-empty path', file);
		this.#bus = bus;
		if (options?.fileSystem !== undefined && (typeof options.fileSystem !== 'object' || options.fileSystem === null)) fail('options.fileSystem', 'an object with node:fs-like methods', options.fileSystem);
		this.#file = file === undefined ? undefined : new JsonLinesFile(file, {header: deadLetterFileHeader, isLegacyLine: isRecordLine, ...(options?.fileSystem === undefined ? {} : {fs: options.fileSystem})});
		this.#load();
		if (bus !== undefined) this.#unlisten.push(listenTo(bus, 'deadLetter', this.#onDeadLetter), listenTo(bus, 'warning', this.#onBusWarning));
	}

	/** Letters in the store. */
	get size(): number {
		this.#prune();
		return this.#entries.size;
	}

	/**
	 * Stores the dead letters carried by `$bus.dead-letter` events (each once, however it arrived). Throws the file
	 * system's error when a letter could not be written (after storing it in memory and counting the failure), and a
	 * `TypeError` for an event that does not carry a dead letter.
	 */
	consume(events: BusEvent | readonly BusEvent[]): void {
		let failure: {error: unknown} | undefined;
		for (const event of toEventArray(events)) {
			const letter = event.payload;
			if (!isDeadLetterInput(letter)) fail('event.payload', 'a dead letter', letter);
			// The same event delivered again (a retry of this consumer after a failed write) is not a new letter.
			if (this.#taken.has(letter)) continue;
			const key = deadLetterKey(letter);
			if (this.#takeEcho(key)) {
				this.#taken.set(letter, undefined);
				if (this.#pendingErrors.has(key)) {
					failure ??= {error: this.#pendingErrors.get(key)};
					this.#pendingErrors.delete(key);
				}
				continue;
			}
			if (letter.event.topic === deadLetterTopic) continue;
			try {
				this.#add(letter);
			} catch (error) {
				failure ??= {error};
			}
		}
		if (failure !== undefined) throw failure.error;
	}

	/**
	 * Stores one letter that the bus does not report itself, such as a publish refused by schema validation
	 * (`reason: 'schema-rejected'`). Returns the stored letter; the same letter object given twice is stored once
	 * (letters that merely look alike, such as two failures of events sharing an id, are each kept).
	 *
	 * @throws {TypeError} when `letter` is not a dead letter.
	 * @throws the file system's error when it could not be written; the letter is stored in memory all the same.
	 */
	record(letter: DeadLetterInput): StoredDeadLetter {
		const existing = typeof letter === 'object' && letter !== null ? this.#taken.get(letter) : undefined;
		if (existing !== undefined && this.#entries.has(existing.id)) return existing;
		return this.#add(letter);
	}

	/** The stored letters matching `query`, oldest first. */
	list(query?: DeadLetterQuery): StoredDeadLetter[] {
		const matches = compileDeadLetterQuery(query);
		this.#prune();
		const found = [...this.#entries.values()].filter(matches);
		return query?.limit === undefined ? found : found.slice(Math.max(0, found.length - query.limit));
	}

	/** The stored letter with this id, if any. */
	get(id: string): StoredDeadLetter | undefined {
		this.#prune();
		return this.#entries.get(id);
	}

	/**
	 * Replays one letter (by id) or every letter matching a query (`{}` for all), oldest first, one at a time (a
	 * full queue makes it wait, like any publish). A replayed letter is removed from the store; one that fails to
	 * replay stays. An event that fails again becomes a new dead letter. At least once: a crash during a replay can
	 * leave a replayed letter in the file.
	 *
	 * Rejects with a `TypeError` without the `bus` option, or for `target: 'subscription'` when the bus has no
	 * `redeliver` or `subscriptions`. Per letter, `failed` holds a `DeadLetterReplayError` (unknown id; with
	 * `target: 'subscription'`, a subscription without a name of its own, gone, or ambiguous) or the publish's own
	 * error (e.g. `BusClosedError`).
	 */
	async replay(selector: string | DeadLetterQuery, options?: ReplayOptions): Promise<ReplayResult> {
		const bus = this.#bus;
		if (bus === undefined) fail('options.bus', 'a bus to replay onto (pass it to the DeadLetterConsumer)', bus);
		assertOneOf('options.target', options?.target, ['publish', 'subscription']);
		const target = options?.target ?? 'publish';
		if (target === 'subscription' && typeof bus.redeliver !== 'function') fail('bus.redeliver', 'a function (the bus cannot deliver to one subscription)', bus.redeliver);
		if (target === 'subscription' && typeof bus.subscriptions !== 'function') fail('bus.subscriptions', 'a function (the bus cannot list its subscriptions)', bus.subscriptions);
		const replayed: string[] = [];
		const failed: {id: string; error: unknown}[] = [];
		let letters: StoredDeadLetter[];
		if (typeof selector === 'string') {
			const letter = this.get(selector);
			if (letter === undefined) return {replayed, failed: [{id: selector, error: new DeadLetterReplayError(selector, 'not-found', 'no dead letter has this id')}]};
			letters = [letter];
		} else {
			letters = this.list(selector);
		}
		for (const letter of letters) {
			try {
				await replayOne(bus, letter, target);
				this.#remove([letter]);
				replayed.push(letter.id);
			} catch (error) {
				failed.push({id: letter.id, error});
			}
		}
		this.#persistRemoval(replayed);
		return {replayed, failed};
	}

	/** Removes the letters matching `query` (all of them without one); returns how many. */
	purge(query?: DeadLetterQuery): number {
		const letters = this.list(query);
		this.#remove(letters);
		if (query === undefined || Object.keys(query).length === 0) this.#compact();
		else this.#persistRemoval(letters.map(letter => letter.id));
		return letters.length;
	}

	/** The counters, as of now. */
	stats(): DeadLetterStats {
		return {stored: this.size, recorded: this.#recorded, evicted: this.#evicted, persistFailures: this.#persistFailures, skippedLines: this.#skippedLines};
	}

	/** Stops listening to the bus and closes the file. The store stays readable; a later write reopens the file. */
	close(): void {
		for (const unlisten of this.#unlisten.splice(0)) unlisten();
		this.#file?.close();
	}

	readonly #onDeadLetter = (letter: DeadLetter): void => {
		this.#lastLetter = letter;
		if (letter.event.topic === deadLetterTopic || this.#taken.has(letter)) return;
		this.#addEcho(deadLetterKey(letter));
		this.#capture(letter);
	};

	/** Expects the `$bus.dead-letter` copy of a letter taken from the diagnostic. */
	#addEcho(key: string): void {
		if (this.#pendingEchoes.size >= pendingEchoesKept && !this.#pendingEchoes.has(key)) this.#pendingEchoes.delete(this.#pendingEchoes.keys().next().value!);
		this.#pendingEchoes.set(key, (this.#pendingEchoes.get(key) ?? 0) + 1);
	}

	/** True (and one fewer expected) when a letter with this key was taken from the diagnostic and its copy is due. */
	#takeEcho(key: string): boolean {
		const count = this.#pendingEchoes.get(key);
		if (count === undefined) return false;
		if (count <= 1) this.#pendingEchoes.delete(key);
		else this.#pendingEchoes.set(key, count - 1);
		return true;
	}

	// The bus could not publish the letter it just emitted (queue full): a write error waiting for its event is reported now.
	readonly #onBusWarning = (warning: {readonly code: string; readonly message: string}): void => {
		if (warning.code !== 'ERR_DEAD_LETTER_NOT_PUBLISHED') return;
		const letter = this.#lastLetter;
		this.#lastLetter = undefined;
		if (letter === undefined || !warning.message.includes(letter.event.id)) return;
		const key = deadLetterKey(letter);
		// Its copy will never come: stop expecting it.
		this.#takeEcho(key);
		if (!this.#pendingErrors.has(key)) return;
		const error = this.#pendingErrors.get(key);
		this.#pendingErrors.delete(key);
		this.#warn('ERR_DEAD_LETTER_WRITE_FAILED', `Dead letter of event ${letter.event.id} kept in memory only: the file write failed`, error);
	};

	/** Stores a letter from the diagnostic; a write failure waits for the letter's event, to be thrown from `consume`. */
	#capture(letter: DeadLetter): void {
		try {
			this.#add(letter);
		} catch (error) {
			if (letter.event.topic.startsWith('$')) {
				this.#warn('ERR_DEAD_LETTER_WRITE_FAILED', `Dead letter of event ${letter.event.id} kept in memory only: the file write failed`, error);
				return;
			}
			if (this.#pendingErrors.size >= pendingErrorsKept) {
				const [oldest, oldestError] = this.#pendingErrors.entries().next().value!;
				this.#pendingErrors.delete(oldest);
				this.#warn('ERR_DEAD_LETTER_WRITE_FAILED', 'A dead letter was kept in memory only: the file write failed', oldestError);
			}
			this.#pendingErrors.set(deadLetterKey(letter), error);
		}
	}

	/** Stores in memory, applies retention, then writes; throws the write's error after counting it. */
	#add(input: DeadLetterInput): StoredDeadLetter {
		const letter = createStoredDeadLetter(randomUUID(), input, Date.now());
		if (typeof input === 'object' && input !== null) this.#taken.set(input, letter);
		this.#insert(letter);
		this.#recorded++;
		if (this.#file !== undefined) {
			try {
				this.#file.append([encodeDeadLetter(letter)]);
			} catch (error) {
				this.#persistFailures++;
				throw error;
			}
			this.#compactIfWasteful();
		}
		return letter;
	}

	#insert(letter: StoredDeadLetter): void {
		this.#entries.set(letter.id, letter);
		while (this.#entries.size > this.#maxEntries) this.#evict(this.#entries.values().next().value!);
		this.#prune();
	}

	/** Drops letters past `maxAgeMs`, oldest first, in memory only: a reload applies the same rule. */
	#prune(): void {
		if (this.#maxAgeMs === undefined) return;
		const cutoff = Date.now() - this.#maxAgeMs;
		for (const letter of this.#entries.values()) {
			if (letter.failedAt >= cutoff) return;
			this.#evict(letter);
		}
	}

	#evict(letter: StoredDeadLetter): void {
		this.#evicted++;
		this.#remove([letter]);
	}

	#remove(letters: readonly StoredDeadLetter[]): void {
		for (const letter of letters) this.#entries.delete(letter.id);
	}

	#persistRemoval(ids: readonly string[]): void {
		if (this.#file === undefined || ids.length === 0) return;
		try {
			this.#file.append([JSON.stringify({op: 'remove', ids})]);
		} catch (error) {
			this.#persistFailures++;
			this.#warn('ERR_DEAD_LETTER_WRITE_FAILED', `Removal of ${ids.length} dead letter(s) not written: they will be back after a restart`, error);
		}
	}

	#load(): void {
		if (this.#file === undefined) return;
		const content = this.#file.load();
		for (const skipped of content.skipped) {
			this.#skippedLines++;
			const what = skipped.isTorn ? 'a torn last line (a crash during a write)' : 'an unreadable line';
			this.#warn('ERR_DEAD_LETTER_LINE_SKIPPED', `${this.#file.path}:${skipped.lineNumber}: skipped ${what}`, skipped.error);
		}
		let isMalformed = false;
		for (const value of content.values) {
			const {op, letter, ids} = (value ?? {}) as {op?: unknown; letter?: unknown; ids?: unknown};
			const decoded = op === 'add' ? decodeDeadLetter(letter) : undefined;
			if (decoded !== undefined) {
				this.#insert(decoded);
			} else if (op === 'remove' && Array.isArray(ids)) {
				this.#remove(ids.map(id => this.#entries.get(String(id))).filter(entry => entry !== undefined));
			} else {
				isMalformed = true;
			}
		}
		if (isMalformed) {
			this.#skippedLines++;
			this.#warn('ERR_DEAD_LETTER_LINE_SKIPPED', `${this.#file.path}: skipped lines that are not dead-letter records`);
		}
		if (content.needsRewrite || isMalformed || this.#file.lineCount > this.#entries.size) this.#compact();
	}

	#compactIfWasteful(): void {
		// Removals and evictions leave dead lines behind; rewrite once they outnumber the live ones (plus slack).
		if (this.#file !== undefined && this.#file.lineCount > this.#entries.size * 2 + 1000) this.#compact();
	}

	#compact(): void {
		if (this.#file === undefined) return;
		try {
			this.#file.rewrite([...this.#entries.values()].map(letter => encodeDeadLetter(letter)));
		} catch (error) {
			this.#persistFailures++;
			this.#warn('ERR_DEAD_LETTER_WRITE_FAILED', `Could not rewrite ${this.#file.path}`, error);
		}
	}

	#warn(code: DeadLetterWarning['code'], message: string, error?: unknown): void {
		try {
			this.#onWarning(error === undefined ? {code, message} : {code, message, error});
		} catch {
			// A warning handler that throws must not turn a reported problem into a crash.
		}
	}
}

/** A line of a dead-letter file written before files had a header (possibly torn). */
function isRecordLine(line: string): boolean {
	return line.startsWith('{"op":"add"') || line.startsWith('{"op":"remove"');
}
