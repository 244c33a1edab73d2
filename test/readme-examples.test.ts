import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {fileURLToPath, pathToFileURL} from 'node:url';
import {format} from 'node:util';
import {afterAll, describe, expect, it, vi} from 'vitest';

// Every ```ts block of the README marked `<!-- runnable -->` is a complete program: it must run as written, and a
// `console.log(...); // prints <text>` line must print exactly that text (the printed lines are compared in order).
const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const programs = [...readme.matchAll(/<!-- runnable -->\n```ts\n([\s\S]*?)```/g)].map(match => match[1]!);
const entry = fileURLToPath(new URL('../src/index.ts', import.meta.url));
const directory = mkdtempSync(join(fileURLToPath(new URL('.', import.meta.url)), '.readme-'));

afterAll(() => {
	rmSync(directory, {recursive: true, force: true});
});

describe('README examples', () => {
	it('has at least one complete program', () => {
		expect(programs.length).toBeGreaterThan(0);
	});

	it.each(programs.map((code, index) => [index, code] as const))('program %i runs without error', async (index, code) => {
		const file = join(directory, `example-${index}.ts`);
		writeFileSync(file, code.replaceAll(`from 'topicbus'`, `from ${JSON.stringify(entry)}`));
		const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
		try {
			await import(pathToFileURL(file).href);
			expect(log).toHaveBeenCalled();
			const promised = [...code.matchAll(/console\.log\(.*\); \/\/ prints (.*)$/gm)].map(match => match[1]);
			if (promised.length > 0) expect(log.mock.calls.map(args => format(...args))).toEqual(promised);
		} finally {
			log.mockRestore();
		}
	});
});
