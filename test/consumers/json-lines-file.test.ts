import * as fs from 'node:fs';
import {existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync} from 'node:fs';
import {hostname, tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, beforeEach, describe, expect, test} from 'vitest';
import {DeadLetterFileError} from '../../src/consumers/dead-letter-file-error.js';
import {JsonLinesFile, type FileSystem} from '../../src/consumers/json-lines-file.js';

const header = '{"test":"header"}';
let directory: string;
let path: string;
const opened: JsonLinesFile[] = [];

beforeEach(() => {
	directory = mkdtempSync(join(tmpdir(), 'topicbus-jsonl-'));
	path = join(directory, 'nested', 'store.jsonl');
});

afterEach(() => {
	for (const file of opened.splice(0)) file.close();
	rmSync(directory, {recursive: true, force: true});
});

function open(at: string, options?: {fs?: FileSystem; isLegacyLine?: (line: string) => boolean}): JsonLinesFile {
	const file = new JsonLinesFile(at, {header, ...options});
	opened.push(file);
	return file;
}

/** node:fs with a disk that fails on demand: each planned write writes `accept` bytes, or throws ENOSPC when negative. */
function flakyFs(): FileSystem & {plan: number[]} {
	const plan: number[] = [];
	return {
		...(fs as unknown as FileSystem),
		plan,
		writeSync(fd, buffer, offset, length) {
			const accept = plan.shift();
			if (accept === undefined) return fs.writeSync(fd, buffer, offset, length);
			if (accept < 0) throw Object.assign(new Error('ENOSPC: no space left on device, write'), {code: 'ENOSPC'});
			return fs.writeSync(fd, buffer, offset, Math.min(accept, length));
		},
	};
}

function expectFileError(action: () => unknown, problem: string): void {
	try {
		action();
	} catch (error) {
		expect(error).toBeInstanceOf(DeadLetterFileError);
		expect(error).toMatchObject({code: 'ERR_DEAD_LETTER_FILE', problem});
		return;
	}
	expect.unreachable('expected a DeadLetterFileError');
}

describe('JsonLinesFile', () => {
	test('a missing file loads as empty', () => {
		expect(open(path).load()).toEqual({values: [], skipped: [], needsRewrite: false});
	});

	test('appended lines load back in order, creating the folder, after a header line', () => {
		const file = open(path);
		file.append(['{"a":1}', '{"a":2}']);
		file.append(['{"a":3}']);
		file.close();
		expect(readFileSync(path, 'utf8')).toBe(`${header}\n{"a":1}\n{"a":2}\n{"a":3}\n`);
		expect(open(path).load().values).toEqual([{a: 1}, {a: 2}, {a: 3}]);
	});

	test('a torn last line is skipped and reported as the last one', () => {
		const flat = join(directory, 'flat.jsonl');
		writeFileSync(flat, `${header}\n{"a":1}\n{"a":`);
		const content = open(flat).load();
		expect(content.values).toEqual([{a: 1}]);
		expect(content.skipped).toEqual([{lineNumber: 3, isTorn: true, error: expect.any(SyntaxError)}]);
		expect(content.needsRewrite).toBe(true);
	});

	test('an unreadable line that ends with a line feed is corruption, not a torn write', () => {
		const flat = join(directory, 'flat.jsonl');
		writeFileSync(flat, `${header}\n{"a":1}\ngarbage\n`);
		expect(open(flat).load().skipped).toMatchObject([{lineNumber: 3, isTorn: false}]);
	});

	test('an unreadable line in the middle is skipped, the rest kept', () => {
		const flat = join(directory, 'flat.jsonl');
		writeFileSync(flat, `${header}\n{"a":1}\ngarbage\n{"a":2}\n`);
		const content = open(flat).load();
		expect(content.values).toEqual([{a: 1}, {a: 2}]);
		expect(content.skipped).toMatchObject([{lineNumber: 3, isTorn: false}]);
	});

	test('after an unterminated last line, the next append starts on a new line', () => {
		const flat = join(directory, 'flat.jsonl');
		writeFileSync(flat, `${header}\n{"a":1}\n{"a":`);
		const file = open(flat);
		file.load();
		file.append(['{"a":2}']);
		file.close();
		expect(readFileSync(flat, 'utf8')).toBe(`${header}\n{"a":1}\n{"a":\n{"a":2}\n`);
	});

	test('rewrite() replaces the content atomically and leaves no temporary file', () => {
		const file = open(path);
		file.append(['{"a":1}', '{"a":2}']);
		file.rewrite(['{"b":1}']);
		file.append(['{"b":2}']);
		file.close();
		expect(readFileSync(path, 'utf8')).toBe(`${header}\n{"b":1}\n{"b":2}\n`);
		expect(file.lineCount).toBe(2);
		expect(readdirSync(join(directory, 'nested')).sort()).toEqual(['store.jsonl']);
	});

	test('load() throws when the path exists but is not a readable file', () => {
		expect(() => open(directory).load()).toThrow(expect.objectContaining({code: 'EISDIR'}));
	});
});

describe('JsonLinesFile - integrity', () => {
	test('a file that is not ours (no header) is refused and left byte for byte as it was', () => {
		const notOurs = join(directory, 'notes.txt');
		writeFileSync(notOurs, 'my important notes\nline two\n');
		const file = open(notOurs);
		expectFileError(() => file.load(), 'foreign-file');
		expect(readFileSync(notOurs, 'utf8')).toBe('my important notes\nline two\n');
	});

	test('a JSON file that is not ours is refused too', () => {
		const config = join(directory, 'config.json');
		writeFileSync(config, '{"port": 8080}\n');
		expectFileError(() => open(config).load(), 'foreign-file');
		expect(readFileSync(config, 'utf8')).toBe('{"port": 8080}\n');
	});

	test('a file without a header whose first line passes isLegacyLine is accepted, and asks for a rewrite', () => {
		const legacy = join(directory, 'legacy.jsonl');
		writeFileSync(legacy, '{"op":"add"}\n');
		const content = open(legacy, {isLegacyLine: line => line.startsWith('{"op":"add"')}).load();
		expect(content).toMatchObject({values: [{op: 'add'}], needsRewrite: true});
	});

	test('a symbolic link is refused on load, and its target is left alone', () => {
		const target = join(directory, 'target.jsonl');
		writeFileSync(target, `${header}\n{"a":1}\n`);
		const link = join(directory, 'link.jsonl');
		symlinkSync(target, link);
		expectFileError(() => open(link).load(), 'symlink');
		expect(readFileSync(target, 'utf8')).toBe(`${header}\n{"a":1}\n`);
	});

	test('append() never writes through a symbolic link', () => {
		const target = join(directory, 'target.txt');
		writeFileSync(target, 'precious');
		const link = join(directory, 'link.jsonl');
		symlinkSync(target, link);
		expectFileError(() => open(link).append(['{"a":1}']), 'symlink');
		expect(readFileSync(target, 'utf8')).toBe('precious');
	});

	test('rewrite() never renames over a symbolic link', () => {
		const file = open(path);
		file.append(['{"a":1}']);
		file.close();
		const target = join(directory, 'target.txt');
		writeFileSync(target, 'precious');
		rmSync(path);
		symlinkSync(target, path);
		expectFileError(() => file.rewrite(['{"b":1}']), 'symlink');
		expect(readFileSync(target, 'utf8')).toBe('precious');
		expect(fs.lstatSync(path).isSymbolicLink()).toBe(true);
	});

	test('rewrite() with ENOSPC midway leaves the original whole and no temporary file', () => {
		const disk = flakyFs();
		const file = open(path, {fs: disk});
		file.append(Array.from({length: 46}, (_, index) => JSON.stringify({n: index})));
		const before = readFileSync(path, 'utf8');
		disk.plan.push(100, -1);
		expect(() => file.rewrite(Array.from({length: 25}, (_, index) => JSON.stringify({m: index})))).toThrow(expect.objectContaining({code: 'ENOSPC'}));
		expect(readFileSync(path, 'utf8')).toBe(before);
		expect(readdirSync(join(directory, 'nested')).filter(name => name.endsWith('.tmp'))).toEqual([]);
	});

	test('rewrite() survives short writes: every byte is written before the rename', () => {
		const disk = flakyFs();
		const file = open(path, {fs: disk});
		const lines = Array.from({length: 50}, (_, index) => JSON.stringify({n: index}));
		disk.plan.push(7, 1, 13, 2);
		file.rewrite(lines);
		file.close();
		expect(open(path).load().values).toHaveLength(50);
	});

	test('a write that accepts nothing is a coded error, never an endless loop, and the original stays', () => {
		const disk = flakyFs();
		const file = open(path, {fs: disk});
		file.append(['{"a":1}']);
		disk.plan.push(0);
		expectFileError(() => file.rewrite(['{"b":1}']), 'short-write');
		file.close();
		expect(open(path).load().values).toEqual([{a: 1}]);
	});

	test('append() cuts a half-written line back after ENOSPC', () => {
		const disk = flakyFs();
		const file = open(path, {fs: disk});
		file.append(['{"a":1}']);
		disk.plan.push(5, -1);
		expect(() => file.append(['{"a":2}'])).toThrow(expect.objectContaining({code: 'ENOSPC'}));
		file.append(['{"a":3}']);
		file.close();
		expect(open(path).load()).toEqual({values: [{a: 1}, {a: 3}], skipped: [], needsRewrite: false});
	});

	test('the temporary file has a random name, created exclusively: a planted file or link at a predictable name is untouched', () => {
		const file = open(path);
		file.append(['{"a":1}']);
		const target = join(directory, 'victim.txt');
		writeFileSync(target, 'victim');
		symlinkSync(target, `${path}.${process.pid}.tmp`);
		file.rewrite(['{"b":1}']);
		expect(readFileSync(target, 'utf8')).toBe('victim');
		expect(readFileSync(path, 'utf8')).toBe(`${header}\n{"b":1}\n`);
	});

	test('a lock held by another live process refuses the file with a coded error', () => {
		fs.mkdirSync(join(directory, 'nested'), {recursive: true});
		writeFileSync(`${path}.lock`, JSON.stringify({pid: process.ppid, host: hostname()}));
		expectFileError(() => open(path).load(), 'locked');
		expectFileError(() => open(path).append(['{"a":1}']), 'locked');
		expect(existsSync(path)).toBe(false);
	});

	test('within one process, a second store takes the file over and the first gets a coded error on its next write', () => {
		const first = open(path);
		first.load();
		first.append(['{"a":1}']);
		const second = open(path);
		second.load();
		second.append(['{"b":1}']);
		expectFileError(() => first.append(['{"a":2}']), 'locked');
		first.close();
		second.append(['{"b":2}']);
		expect(existsSync(`${path}.lock`)).toBe(true);
		second.close();
		expect(existsSync(`${path}.lock`)).toBe(false);
		expect(open(path).load().values).toEqual([{a: 1}, {b: 1}, {b: 2}]);
	});

	test('a lock left by a process that is gone is taken over', () => {
		fs.mkdirSync(join(directory, 'nested'), {recursive: true});
		writeFileSync(`${path}.lock`, JSON.stringify({pid: 2 ** 22 + 12_345, host: hostname()}));
		const file = open(path);
		expect(file.load().values).toEqual([]);
		file.close();
		expect(existsSync(`${path}.lock`)).toBe(false);
	});

	test('a file replaced behind the writer\'s back (another process compacted it) is detected, not appended to', () => {
		const file = open(path);
		file.append(['{"a":1}']);
		const replacement = join(directory, 'replacement');
		writeFileSync(replacement, `${header}\n{"other":1}\n`);
		fs.renameSync(replacement, path);
		expectFileError(() => file.append(['{"a":2}']), 'replaced');
		expect(readFileSync(path, 'utf8')).toBe(`${header}\n{"other":1}\n`);
	});
});
