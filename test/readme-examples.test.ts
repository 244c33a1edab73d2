import {mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {fileURLToPath, pathToFileURL} from 'node:url';
import {format} from 'node:util';
import {afterAll, describe, expect, it, vi} from 'vitest';

// Every ```ts block of the README and of docs/*.md marked `<!-- runnable -->` is a complete program: it must run as written, and a
// `console.log(...); // prints <text>` line must print exactly that text (the printed lines are compared in order).
const docsFolder = new URL('../docs/', import.meta.url);
const documents = [
	new URL('../README.md', import.meta.url),
	...readdirSync(docsFolder)
		.filter(name => name.endsWith('.md'))
		.map(name => new URL(name, docsFolder)),
];
const texts = documents.map(file => readFileSync(file, 'utf8'));
const programs = texts.flatMap(text => [...text.matchAll(/<!-- runnable -->\n```ts\n([\s\S]*?)```/g)].map(match => match[1]!));
const entry = fileURLToPath(new URL('../src/index.ts', import.meta.url));
const directory = mkdtempSync(join(fileURLToPath(new URL('.', import.meta.url)), '.readme-'));

afterAll(() => {
	rmSync(directory, {recursive: true, force: true});
});

describe('README and docs examples', () => {
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
