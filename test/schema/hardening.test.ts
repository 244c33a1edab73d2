import {mkdtempSync, rmSync, symlinkSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, describe, expect, test} from 'vitest';
import {SchemaRegistryError} from '../../src/errors.js';
import {generateTypes, SchemaRegistry, toAsyncApi, toComponentName, toOpenApi} from '../../src/schema/index.js';

const proto = toComponentName('__proto__');

const directories: string[] = [];

afterEach(() => {
	for (const directory of directories.splice(0)) rmSync(directory, {recursive: true, force: true});
});

function registryWith(...topics: string[]): SchemaRegistry {
	const registry = new SchemaRegistry({builtins: false});
	for (const topic of topics) registry.register(topic, {type: 'object', properties: {id: {type: 'string'}}});
	return registry;
}

describe('exports keep every topic, __proto__ included', () => {
	test('toOpenApi() keeps a topic named __proto__ as a webhook and a component', () => {
		const document = JSON.parse(JSON.stringify(toOpenApi(registryWith('__proto__', 'constructor', 'order.created'), {title: 't', version: '1'}))) as {webhooks: object; components: {schemas: object}};
		expect(Object.keys(document.webhooks).sort()).toEqual(['__proto__', 'constructor', 'order.created']);
		expect(Object.keys(document.components.schemas)).toEqual(expect.arrayContaining([proto, `${proto}_event`]));
	});

	test('toAsyncApi() keeps a topic named __proto__ as a channel, message and operations', () => {
		const document = JSON.parse(JSON.stringify(toAsyncApi(registryWith('__proto__'), {title: 't', version: '1'}))) as {channels: object; operations: object; components: {messages: object; schemas: object}};
		expect(Object.keys(document.channels)).toEqual([proto]);
		expect(Object.values(document.channels)[0]).toMatchObject({address: '__proto__'});
		expect(Object.keys(document.operations).sort()).toEqual([`${proto}_receive`, `${proto}_send`]);
		expect(Object.keys(document.components.messages)).toEqual([proto]);
		expect(Object.keys(document.components.schemas)).toContain(proto);
	});

	test('no export pollutes Object.prototype', () => {
		toOpenApi(registryWith('__proto__'), {title: 't', version: '1'});
		toAsyncApi(registryWith('__proto__'), {title: 't', version: '1'});
		expect(({} as Record<string, unknown>)['post']).toBeUndefined();
		expect(({} as Record<string, unknown>)['address']).toBeUndefined();
	});
});

describe('generateTypes()', () => {
	test('leaves out the bus\'s own $-topics: publishing $bus.dead-letter must not compile', () => {
		const registry = new SchemaRegistry().register('order.created', {type: 'object'});
		expect(registry.has('$bus.dead-letter')).toBe(true);
		const types = generateTypes(registry);
		expect(types).toContain("'order.created'");
		expect(types).not.toContain('$bus');
	});
});

describe('the schema loader and secrets', () => {
	test('a schema link to a non-JSON file does not echo its content in the error', () => {
		const directory = mkdtempSync(join(tmpdir(), 'topicbus-secret-'));
		directories.push(directory);
		const secret = join(directory, 'secret.txt');
		writeFileSync(secret, 'AKIAIOSFODNN7EXAMPLE super-secret-value\n');
		const folder = mkdtempSync(join(directory, 'schemas-'));
		symlinkSync(secret, join(folder, 'evil.json'));
		let error: unknown;
		try {
			SchemaRegistry.from(folder);
		} catch (caught) {
			error = caught;
		}
		expect(error).toBeInstanceOf(SchemaRegistryError);
		const text = `${(error as Error).message} ${String((error as Error).cause)} ${JSON.stringify(error)}`;
		expect(text).not.toContain('AKIA');
		expect(text).not.toContain('secret-value');
	});
});
