import {execFileSync} from 'node:child_process';
import {appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {hostname, tmpdir} from 'node:os';
import {join} from 'node:path';
import * as fs from 'node:fs';
import {afterEach, beforeEach, describe, expect, test, vi} from 'vitest';
import {DeadLetterConsumer, deadLetterFileHeader, type DeadLetterWarning} from '../../src/consumers/dead-letter-consumer.js';
import {DeadLetterFileError} from '../../src/consumers/dead-letter-file-error.js';
import type {DeadLetter} from '../../src/types.js';
import {DiagnosticsBus} from './diagnostics-bus.js';
import {makeEvent} from './events.js';

let directory: string;
let file: string;

beforeEach(() => {
	directory = mkdtempSync(join(tmpdir(), 'topicbus-dlq-'));
	file = join(directory, 'dead-letters.jsonl');
});

afterEach(() => {
	vi.useRealTimers();
	rmSync(directory, {recursive: true, force: true});
});

function letter(topic: string, fields?: Partial<DeadLetter>): DeadLetter {
	return {
		event: makeEvent(topic, {n: 1}, {metadata: {region: 'eu'}}),
		error: Object.assign(new Error('boom', {cause: new Error('root')}), {code: 'E_X'}),
		reason: 'handler-failed',
		subscription: {id: 'sub_1', name: 'billing', pattern: 'order.*'},
		attempts: 2,
		failedAt: Date.now(),
		...fields,
	};
}

function readyRecord(): string {
	const first = new DeadLetterConsumer({file: join(directory, 'scratch.jsonl'), onWarning: () => {}});
	first.record(letter('legacy'));
	first.close();
	return readFileSync(join(directory, 'scratch.jsonl'), 'utf8').split('\n')[1]!;
}

function reopen(options?: {onWarning?: (warning: DeadLetterWarning) => void; maxEntries?: number; maxAgeMs?: number}): DeadLetterConsumer {
	return new DeadLetterConsumer({file, onWarning: () => {}, ...options});
}

describe('DeadLetterConsumer with a file', () => {
	test('a new instance finds every letter, with the same ids, events and errors', () => {
		const first = reopen();
		const stored = [first.record(letter('order.created')), first.record(letter('order.paid', {subscription: undefined, reason: 'queue-overflow'}))];
		first.close();
		expect(reopen().list()).toEqual(stored);
	});

	test('the error keeps its name, message, code, stack and cause', () => {
		const first = reopen();
		first.record(letter('a'));
		first.close();
		expect(reopen().list()[0]?.error).toMatchObject({name: 'Error', message: 'boom', code: 'E_X', stack: expect.stringContaining('boom'), cause: {message: 'root'}});
	});

	test('a torn last line is skipped with a warning, never fatal', () => {
		const first = reopen();
		first.record(letter('a'));
		first.close();
		appendFileSync(file, '{"op":"add","letter":{"id":"torn');
		const warnings: DeadLetterWarning[] = [];
		const second = reopen({onWarning: warning => warnings.push(warning)});
		expect(second.list().map(stored => stored.event.topic)).toEqual(['a']);
		expect(warnings).toEqual([{code: 'ERR_DEAD_LETTER_LINE_SKIPPED', message: expect.stringContaining(':3: skipped a torn last line'), error: expect.any(SyntaxError)}]);
		expect(second.stats().skippedLines).toBe(1);
	});

	test('after a torn line, the file is rewritten so that later letters load cleanly', () => {
		writeFileSync(file, '{"op":"add","letter":{"id":"torn');
		const first = reopen();
		first.record(letter('b'));
		first.close();
		const warnings: DeadLetterWarning[] = [];
		expect(reopen({onWarning: warning => warnings.push(warning)}).size).toBe(1);
		expect(warnings).toEqual([]);
	});

	test('a line that is JSON but no record is skipped with a warning', () => {
		writeFileSync(file, '{"op":"add","letter":{"id":1}}\n');
		const warnings: DeadLetterWarning[] = [];
		expect(reopen({onWarning: warning => warnings.push(warning)}).size).toBe(0);
		expect(warnings[0]?.code).toBe('ERR_DEAD_LETTER_LINE_SKIPPED');
	});

	test('the default warning goes to process.emitWarning', () => {
		writeFileSync(file, `${deadLetterFileHeader}\ngarbage\n`);
		const emitWarning = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
		new DeadLetterConsumer({file}).close();
		expect(emitWarning).toHaveBeenCalledWith(expect.stringContaining('skipped an unreadable line'), {code: 'ERR_DEAD_LETTER_LINE_SKIPPED'});
		emitWarning.mockRestore();
	});

	test('replayed letters stay gone after a restart', async () => {
		const bus = new DiagnosticsBus();
		const first = new DeadLetterConsumer({file, bus});
		const kept = first.record(letter('keep.me'));
		first.record(letter('replay.me'));
		await first.replay({topic: 'replay.*'});
		first.close();
		expect(reopen().list().map(stored => stored.id)).toEqual([kept.id]);
	});

	test('purged letters stay gone after a restart, and a full purge empties the file', () => {
		const first = reopen();
		first.record(letter('a'));
		first.record(letter('b'));
		first.purge({topic: 'a'});
		first.close();
		const second = reopen();
		expect(second.list().map(stored => stored.event.topic)).toEqual(['b']);
		second.purge();
		second.close();
		expect(readFileSync(file, 'utf8')).toBe(`${deadLetterFileHeader}\n`);
	});

	test('retention applies on load: maxEntries keeps the newest', () => {
		const first = reopen();
		for (const topic of ['a', 'b', 'c']) first.record(letter(topic));
		first.close();
		expect(reopen({maxEntries: 2}).list().map(stored => stored.event.topic)).toEqual(['b', 'c']);
	});

	test('retention applies on load: letters past maxAgeMs are dropped', () => {
		vi.useFakeTimers({toFake: ['Date']});
		const first = reopen();
		first.record(letter('old'));
		vi.advanceTimersByTime(120_000);
		first.record(letter('new'));
		first.close();
		expect(reopen({maxAgeMs: 60_000}).list().map(stored => stored.event.topic)).toEqual(['new']);
	});

	test('loading compacts the file: removed letters leave no lines behind', () => {
		const first = reopen();
		for (const topic of ['a', 'b', 'c']) first.record(letter(topic));
		first.purge({topic: 'a'});
		first.close();
		reopen().close();
		expect(readFileSync(file, 'utf8').trim().split('\n')).toEqual([deadLetterFileHeader, expect.stringContaining('"op":"add"'), expect.stringContaining('"op":"add"')]);
	});

	test('a payload JSON cannot carry is persisted as a placeholder (kept whole in memory)', () => {
		const first = reopen();
		const stored = first.record(letter('a', {event: makeEvent('a', {big: 10n})}));
		expect(first.get(stored.id)?.event.payload).toEqual({big: 10n});
		first.close();
		expect(reopen().get(stored.id)?.event.payload).toEqual({$unserializable: expect.stringContaining('BigInt')});
	});

	test('a cyclic payload is persisted as a placeholder, without throwing', () => {
		const first = reopen();
		const payload: Record<string, unknown> = {a: 1};
		payload['self'] = payload;
		const stored = first.record(letter('a', {event: makeEvent('a', payload)}));
		first.close();
		expect(reopen().get(stored.id)?.event.payload).toEqual({$unserializable: expect.stringContaining('cycle')});
	});

	test('a DAG payload with 2^80 paths is persisted as a placeholder at a bounded cost', () => {
		const first = reopen();
		let payload: unknown = {leaf: 'x'};
		for (let level = 0; level < 80; level++) payload = {left: payload, right: payload};
		const stored = first.record(letter('a', {event: makeEvent('a', payload, {metadata: {shared: payload}})}));
		first.close();
		expect(reopen().get(stored.id)?.event).toMatchObject({payload: {$unserializable: expect.stringContaining('values')}, metadata: {$unserializable: expect.any(String)}});
	});

	test('a path to a file that is not a dead-letter file (a typo) fails the constructor and leaves the file as it was', () => {
		writeFileSync(file, 'user,email\nada,ada@example.com\n');
		expect(() => reopen()).toThrow(DeadLetterFileError);
		expect(() => reopen()).toThrow(expect.objectContaining({code: 'ERR_DEAD_LETTER_FILE', problem: 'foreign-file'}));
		expect(readFileSync(file, 'utf8')).toBe('user,email\nada,ada@example.com\n');
	});

	test('a file written before headers (records only) loads and gets its header', () => {
		const record = readyRecord();
		writeFileSync(file, `${record}\n`);
		const store = reopen();
		expect(store.size).toBe(1);
		store.close();
		expect(readFileSync(file, 'utf8').split('\n')[0]).toBe(deadLetterFileHeader);
	});

	test('a store of another live process holding the file refuses it with a coded error', () => {
		writeFileSync(`${file}.lock`, JSON.stringify({pid: process.ppid, host: hostname()}));
		expect(() => reopen()).toThrow(expect.objectContaining({code: 'ERR_DEAD_LETTER_FILE', problem: 'locked'}));
	});

	test('a second store in the same process takes over; the first\'s next write fails with a coded error and is kept in memory', () => {
		const first = reopen();
		first.record(letter('a'));
		const second = reopen();
		expect(second.size).toBe(1);
		expect(() => first.record(letter('b'))).toThrow(expect.objectContaining({code: 'ERR_DEAD_LETTER_FILE', problem: 'locked'}));
		expect(first.size).toBe(2);
		expect(first.stats().persistFailures).toBe(1);
		second.record(letter('c'));
		second.close();
		first.close();
		expect(reopen().list().map(stored => stored.event.topic)).toEqual(['a', 'c']);
	});

	test('the file system is a seam: a compaction on a full disk keeps the original whole', () => {
		let failWrites = false;
		const fileSystem = {
			...fs,
			writeSync: ((fd: number, buffer: Uint8Array, offset: number, length: number) => {
				if (failWrites) throw Object.assign(new Error('ENOSPC'), {code: 'ENOSPC'});
				return fs.writeSync(fd, buffer, offset, length);
			}) as typeof fs.writeSync,
		};
		const warnings: DeadLetterWarning[] = [];
		const store = new DeadLetterConsumer({file, fileSystem, onWarning: warning => warnings.push(warning)});
		for (let index = 0; index < 46; index++) store.record(letter(`t${index}`));
		const before = readFileSync(file, 'utf8');
		failWrites = true;
		store.purge();
		expect(warnings.map(warning => warning.code)).toEqual(['ERR_DEAD_LETTER_WRITE_FAILED']);
		expect(readFileSync(file, 'utf8')).toBe(before);
		store.close();
	});

	test('a path that cannot be read fails the constructor', () => {
		expect(() => new DeadLetterConsumer({file: directory})).toThrow(expect.objectContaining({code: 'EISDIR'}));
	});

	test('letters survive a SIGKILL right after they were recorded', () => {
		const script = join(directory, 'crash.mts');
		const source = new URL('../../src/consumers/dead-letter-consumer.ts', import.meta.url).pathname;
		writeFileSync(
			script,
			`import {DeadLetterConsumer} from ${JSON.stringify(source)};
const store = new DeadLetterConsumer({file: ${JSON.stringify(file)}});
const event = {id: 'e1', topic: 'order.created', payload: {n: 1}, timestamp: 1, source: 's', correlationId: 'e1', causationId: undefined, priority: 0, metadata: {}};
store.record({event, error: new Error('boom'), reason: 'handler-failed', subscription: undefined, attempts: 1, failedAt: Date.now()});
process.kill(process.pid, 'SIGKILL');
`,
		);
		const tsx = new URL('../../node_modules/.bin/tsx', import.meta.url).pathname;
		let exit: {signal?: unknown; status?: unknown} = {};
		try {
			execFileSync(tsx, [script], {stdio: 'pipe'});
		} catch (error) {
			exit = error as typeof exit;
		}
		// Killed by the signal: reported as such, or as status 137 (128 + 9) when tsx's wrapper relays it.
		expect(exit.signal === 'SIGKILL' || exit.status === 137).toBe(true);
		expect(reopen().list().map(stored => stored.event.id)).toEqual(['e1']);
	});
});
