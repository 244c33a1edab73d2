import {readFileSync, readdirSync} from 'node:fs';
import {join, relative} from 'node:path';
import {describe, expect, test} from 'vitest';
import {deadLetterSchema, envelopeSchema} from '../../src/schema/builtin-schemas.js';
import {SchemaRegistry} from '../../src/schema/schema-registry.js';
import {orderCreatedSchema, orderShippedSchema} from './fixtures/example-schemas.js';

const root = join(import.meta.dirname, '../..');
const schemasDir = join(root, 'schemas');

function jsonFiles(dir: string): string[] {
	return readdirSync(dir, {withFileTypes: true, recursive: true})
		.filter(entry => entry.isFile() && entry.name.endsWith('.json'))
		.map(entry => join(entry.parentPath, entry.name))
		.sort();
}

function readJson(path: string): unknown {
	return JSON.parse(readFileSync(path, 'utf8'));
}

describe('schemas/', () => {
	test('schemas/ - every file compiles under the registry\'s ajv options (strict, formats)', () => {
		const registry = SchemaRegistry.from(schemasDir);
		const loaded = new Set(registry.entries().map(entry => entry.path));
		for (const file of jsonFiles(schemasDir)) {
			const isEnvelope = file === join(schemasDir, 'envelope.schema.json');
			const isBuiltin = file === join(schemasDir, 'bus', 'dead-letter.json');
			// Built-in copies are accepted as identical re-registrations; every other file is a topic of its own.
			expect(isEnvelope || isBuiltin || loaded.has(file), relative(root, file)).toBe(true);
		}
		expect(registry.eventTypes()).toEqual(['$bus.dead-letter', 'order.created', 'order.shipped']);
	});

	test('schemas/ - each topic schema names its topic in $id, and the file name is the topic', () => {
		for (const file of jsonFiles(join(schemasDir, 'examples'))) {
			const schema = readJson(file) as {$id: string};
			expect(file.endsWith(`${schema.$id}.json`), relative(root, file)).toBe(true);
		}
	});

	test('schemas/envelope.schema.json - equals the built-in envelope schema', () => {
		expect(readJson(join(schemasDir, 'envelope.schema.json'))).toEqual(envelopeSchema);
	});

	test('schemas/bus/dead-letter.json - equals the built-in $bus.dead-letter schema', () => {
		expect(readJson(join(schemasDir, 'bus', 'dead-letter.json'))).toEqual(deadLetterSchema);
	});

	test('schemas/examples - the as-const copies used by the type tests equal the files', () => {
		expect(readJson(join(schemasDir, 'examples', 'order.created.json'))).toEqual(orderCreatedSchema);
		expect(readJson(join(schemasDir, 'examples', 'order.shipped.json'))).toEqual(orderShippedSchema);
	});

	test('schemas/examples - order.created accepts a typical order and rejects a broken one', () => {
		const registry = SchemaRegistry.from(join(schemasDir, 'examples'));
		const order = {
			orderId: 'ord_A1b2C3d4',
			customerId: 'cus_42',
			email: 'ada@example.com',
			items: [{sku: 'SKU-1', quantity: 2, unitPrice: 9.5}],
			amount: 19,
			currency: 'EUR',
			couponCode: null,
			shippingAddress: {line1: '1 Main St', city: 'Paris', postalCode: '75001', country: 'FR'},
			createdAt: '2024-05-01T10:00:00Z',
			channel: 'web',
		};
		expect(registry.validate('order.created', order)).toEqual({valid: true, errors: [], summary: ''});
		expect(registry.validate('order.created', {...order, amount: -1, currency: 'GBP'}).summary).toBe('/amount must be >= 0; /currency must be one of EUR, USD');
	});

	test('envelope schema - accepts a dead letter\'s event and refuses an invalid topic', () => {
		const registry = new SchemaRegistry();
		const event = {id: 'e1', topic: '$bus.x', payload: null, timestamp: 0, source: 's', correlationId: 'e1', priority: 0, metadata: {}};
		const letter = {event, error: {name: 'E', message: 'm'}, attempts: 1, failedAt: 1, reason: 'shutdown'};
		expect(registry.validate('$bus.dead-letter', letter).valid).toBe(true);
		expect(registry.validate('$bus.dead-letter', {...letter, event: {...event, topic: 'a.*'}}).summary).toBe('/event/topic must match pattern "^(?:\\$[A-Za-z0-9_:-]{1,63}|[A-Za-z0-9_:-]{1,64})(?:\\.[A-Za-z0-9_:-]{1,64}){0,31}$"');
	});
});
