import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, beforeEach, describe, expect, test} from 'vitest';
import {JsonLinesFile} from '../../src/consumers/json-lines-file.js';

let directory: string;
let path: string;

beforeEach(() => {
	directory = mkdtempSync(join(tmpdir(), 'topicbus-jsonl-'));
	path = join(directory, 'nested', 'store.jsonl');
});

afterEach(() => {
	rmSync(directory, {recursive: true, force: true});
});

describe('JsonLinesFile', () => {
	test('a missing file loads as empty', () => {
		expect(new JsonLinesFile(path).load()).toEqual({values: [], skipped: [], needsRewrite: false});
	});

	test('appended lines load back in order, creating the folder', () => {
		const file = new JsonLinesFile(path);
		file.append(['{"a":1}', '{"a":2}']);
		file.append(['{"a":3}']);
		file.close();
		expect(new JsonLinesFile(path).load().values).toEqual([{a: 1}, {a: 2}, {a: 3}]);
	});

	test('a torn last line is skipped and reported as the last one', () => {
		writeFileSync(path.replace('nested/', ''), '{"a":1}\n{"a":');
		const content = new JsonLinesFile(path.replace('nested/', '')).load();
		expect(content.values).toEqual([{a: 1}]);
		expect(content.skipped).toEqual([{lineNumber: 2, isTorn: true, error: expect.any(SyntaxError)}]);
		expect(content.needsRewrite).toBe(true);
	});

	test('an unreadable line that ends with a line feed is corruption, not a torn write', () => {
		const flat = join(directory, 'flat.jsonl');
		writeFileSync(flat, '{"a":1}\ngarbage\n');
		expect(new JsonLinesFile(flat).load().skipped).toMatchObject([{lineNumber: 2, isTorn: false}]);
	});

	test('an unreadable line in the middle is skipped, the rest kept', () => {
		const flat = join(directory, 'flat.jsonl');
		writeFileSync(flat, '{"a":1}\ngarbage\n{"a":2}\n');
		const content = new JsonLinesFile(flat).load();
		expect(content.values).toEqual([{a: 1}, {a: 2}]);
		expect(content.skipped).toMatchObject([{lineNumber: 2, isTorn: false}]);
	});

	test('after an unterminated last line, the next append starts on a new line', () => {
		const flat = join(directory, 'flat.jsonl');
		writeFileSync(flat, '{"a":1}\n{"a":');
		const file = new JsonLinesFile(flat);
		file.load();
		file.append(['{"a":2}']);
		file.close();
		expect(readFileSync(flat, 'utf8')).toBe('{"a":1}\n{"a":\n{"a":2}\n');
	});

	test('rewrite() replaces the content atomically and leaves no temporary file', () => {
		const file = new JsonLinesFile(path);
		file.append(['{"a":1}', '{"a":2}']);
		file.rewrite(['{"b":1}']);
		file.append(['{"b":2}']);
		file.close();
		expect(readFileSync(path, 'utf8')).toBe('{"b":1}\n{"b":2}\n');
		expect(file.lineCount).toBe(2);
	});

	test('load() throws when the path exists but is not a readable file', () => {
		expect(() => new JsonLinesFile(directory).load()).toThrow(expect.objectContaining({code: 'EISDIR'}));
	});
});
