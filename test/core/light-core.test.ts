import {readFileSync} from 'node:fs';
import {dirname, join, relative, resolve} from 'node:path';
import {describe, expect, test} from 'vitest';
import {EventBus, SchemaRegistry, SchemaValidationError} from '../../src/index.js';

const source = new URL('../../src/', import.meta.url).pathname;

/** Every module `entry` loads at run time (type-only imports are erased), as paths relative to src/, and bare packages. */
function runtimeGraph(entry: string): {files: Set<string>; packages: Set<string>} {
	const files = new Set<string>();
	const packages = new Set<string>();
	const visit = (file: string): void => {
		const key = relative(source, file);
		if (files.has(key)) return;
		files.add(key);
		const text = readFileSync(file, 'utf8');
		for (const match of text.matchAll(/^(?:import|export)(?!\s+type\b)[^;]*?from '([^']+)'/gms)) {
			const specifier = match[1]!;
			if (specifier.startsWith('.')) visit(resolve(dirname(file), specifier.replace(/\.js$/, '.ts')));
			else packages.add(specifier);
		}
	};
	visit(join(source, entry));
	return {files, packages};
}

describe('core stays light', () => {
	test('the bus loads no schema module and no ajv at run time', () => {
		const {files, packages} = runtimeGraph('core/event-bus.ts');
		expect([...files].filter(file => file.startsWith('schema/'))).toEqual([]);
		expect([...packages].filter(name => name.startsWith('ajv'))).toEqual([]);
	});

	test('core loads nothing from the layers on top of it (producers, consumers, testing) at run time', () => {
		const {files} = runtimeGraph('core/event-bus.ts');
		expect([...files].filter(file => /^(producers|consumers|testing)\//.test(file))).toEqual([]);
	});

	test('bus.producer() still works through the main entry', async () => {
		const bus = new EventBus();
		const orders = bus.producer({topicPrefix: 'order', source: 'checkout'});
		await expect(orders.publish('created', {id: 'o-1'})).resolves.toMatchObject({topic: 'order.created', source: 'checkout'});
	});

	test('a SchemaRegistry passed in is used through its check()', async () => {
		const registry = SchemaRegistry.from([{$id: 'order.created', type: 'object', properties: {id: {type: 'string'}}, required: ['id']}]);
		const bus = new EventBus({schemas: registry});
		await expect(bus.publish('order.created', {})).rejects.toBeInstanceOf(SchemaValidationError);
		await expect(bus.publish('order.created', {id: 'o-1'})).resolves.toMatchObject({topic: 'order.created'});
	});

	test('any object with check() is a validator', async () => {
		const bus = new EventBus({schemas: {check: (topic: string) => (topic === 'bad.topic' ? new Error('refused') : undefined)} as never});
		await expect(bus.publish('bad.topic', 1)).rejects.toThrow('refused');
		await expect(bus.publish('good.topic', 1)).resolves.toMatchObject({topic: 'good.topic'});
	});

	test('schemas that are neither a folder, a list nor a validator are a TypeError', () => {
		expect(() => new EventBus({schemas: 42 as never})).toThrow(TypeError);
		expect(() => new EventBus({schemas: {} as never})).toThrow(TypeError);
	});
});
