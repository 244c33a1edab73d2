import {readdirSync, readFileSync} from 'node:fs';
import {join, relative} from 'node:path';
import {describe, expect, test} from 'vitest';

const source = new URL('../../src/', import.meta.url).pathname;

function importsOf(folder: string): {file: string; specifier: string}[] {
	const found: {file: string; specifier: string}[] = [];
	for (const entry of readdirSync(join(source, folder), {recursive: true, withFileTypes: true})) {
		if (!entry.isFile() || !entry.name.endsWith('.ts')) continue;
		const file = join(entry.parentPath, entry.name);
		const text = readFileSync(file, 'utf8');
		for (const match of text.matchAll(/^(?:import|export)\b[^;]*?from '([^']+)'/gms)) found.push({file: relative(source, file), specifier: match[1]!});
	}
	return found;
}

describe('layers point inward', () => {
	test('routing imports no other layer', () => {
		expect(importsOf('routing').filter(({specifier}) => /^\.\.\/(core|consumers|producers|schema|testing|delivery)\//.test(specifier))).toEqual([]);
	});

	test('schema imports nothing from core, consumers or producers (it loads on its own as topicbus/schema)', () => {
		expect(importsOf('schema').filter(({specifier}) => /^\.\.\/(core|consumers|producers|testing|delivery)\//.test(specifier))).toEqual([]);
	});

	test('producers do not import consumers', () => {
		expect(importsOf('producers').filter(({specifier}) => specifier.startsWith('../consumers/'))).toEqual([]);
	});

	test('consumers reach routing only through its public module, and never core', () => {
		const reaching = importsOf('consumers').filter(
			({specifier}) => (specifier.startsWith('../routing/') && specifier !== '../routing/index.js') || /^\.\.\/(core|delivery|testing|producers)\//.test(specifier),
		);
		expect(reaching).toEqual([]);
	});

	test('there is one serializeError', () => {
		const definitions = ['consumers', 'producers', 'core', 'routing', 'schema', 'internal', 'collector', 'forwarder', 'bridge'].flatMap(folder =>
			readdirSync(join(source, folder), {recursive: true, withFileTypes: true})
				.filter(entry => entry.isFile() && entry.name.endsWith('.ts'))
				.filter(entry => /export function serializeError\b/.test(readFileSync(join(entry.parentPath, entry.name), 'utf8')))
				.map(entry => relative(source, join(entry.parentPath, entry.name))),
		);
		expect(definitions).toEqual(['internal/serialize-error.ts']);
	});

	test('the schema and consumers entries load on their own', async () => {
		const schema = await import('../../src/schema/index.js');
		const consumers = await import('../../src/consumers/index.js');
		expect(typeof schema.SchemaRegistry).toBe('function');
		expect(typeof schema.SchemaValidationError).toBe('function');
		expect(typeof consumers.DeadLetterConsumer).toBe('function');
		expect(typeof consumers.DeadLetterFileError).toBe('function');
	});
});
