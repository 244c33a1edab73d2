import SwaggerParser from '@apidevtools/swagger-parser';
import {join} from 'node:path';
import {describe, expect, test} from 'vitest';
import {toOpenApi, type OpenApiDocument} from '../../src/schema/openapi.js';
import {SchemaRegistry} from '../../src/schema/schema-registry.js';
import {documentCompiler} from './fixtures/document-compiler.js';

const registry = SchemaRegistry.from(join(import.meta.dirname, '../../schemas/examples'))
	.register({$id: 'common:v1.money', type: 'object', required: ['amount'], properties: {amount: {type: 'number', minimum: 0}}, $defs: {cents: {type: 'integer'}}})
	.register({
		$id: 'invoice.paid',
		type: 'object',
		required: ['total'],
		properties: {total: {$ref: 'common:v1.money'}, cents: {$ref: 'common:v1.money#/$defs/cents'}, lines: {type: 'array', items: {$ref: '#/$defs/line'}}},
		$defs: {line: {type: 'object', properties: {text: {type: 'string'}}}},
	});
const document = toOpenApi(registry, {title: 'Shop events', version: '2.1.0', description: 'Everything the shop publishes.'});

function envelope(topic: string, payload: unknown): Record<string, unknown> {
	return {id: 'e1', topic, payload, timestamp: 1_700_000_000_000, source: 'shop', correlationId: 'e1', priority: 0, metadata: {}};
}

describe('toOpenApi()', () => {
	test('toOpenApi() - swagger-parser validates the document with no error', async () => {
		await expect(SwaggerParser.validate(structuredClone(document) as never)).resolves.toBeDefined();
	});

	test('toOpenApi() - every schema in components compiles with Ajv2020 under the registry\'s options', () => {
		const compile = documentCompiler(document);
		const names = Object.keys(document.components.schemas);
		expect(names.length).toBe(1 + 2 * registry.size);
		for (const name of names) expect(() => compile(`#/components/schemas/${name}`), name).not.toThrow();
	});

	test('toOpenApi() - the Ajv2020 check catches a broken schema that swagger-parser lets through', async () => {
		const broken = structuredClone(document) as unknown as {components: {schemas: Record<string, {properties: Record<string, {type: string}>}>}};
		broken.components.schemas['order.shipped']!.properties['trackingNumber']!.type = 'strnig';
		await expect(SwaggerParser.validate(structuredClone(broken) as never)).resolves.toBeDefined();
		expect(() => documentCompiler(broken)('#/components/schemas/order.shipped')).toThrow('type must be JSONType or JSONType[]: strnig');
	});

	test('toOpenApi() - has one POST webhook per topic, keyed by the topic', () => {
		expect(document.openapi).toBe('3.1.0');
		expect(Object.keys(document.webhooks)).toEqual(registry.eventTypes());
		expect(document.webhooks['order.created']?.post).toMatchObject({
			operationId: 'order.created',
			summary: 'Order created',
			description: 'A customer placed an order.',
			requestBody: {required: true, content: {'application/json': {schema: {$ref: '#/components/schemas/order.created_event'}}}},
		});
	});

	test('toOpenApi() - a webhook body accepts the envelope with a valid payload of its topic only', () => {
		const compile = documentCompiler(document);
		const body = compile('#/webhooks/invoice.paid/post/requestBody/content/application~1json/schema');
		expect(body(envelope('invoice.paid', {total: {amount: 5}, cents: 500, lines: [{text: 'x'}]}))).toBe(true);
		expect(body(envelope('invoice.paid', {total: {amount: -5}}))).toBe(false);
		expect(body(envelope('invoice.paid', {total: {amount: 5}, cents: 5.5}))).toBe(false);
		expect(body(envelope('invoice.paid', {total: {amount: 5}, lines: [{text: 1}]}))).toBe(false);
		expect(body(envelope('order.created', {total: {amount: 5}}))).toBe(false);
		expect(body({...envelope('invoice.paid', {total: {amount: 5}}), extra: true})).toBe(false);
	});

	test('toOpenApi() - component names escape : and $ and match OpenAPI\'s pattern', () => {
		const names = Object.keys(document.components.schemas);
		expect(names).toEqual(expect.arrayContaining(['topicbus_envelope', '_dbus.dead-letter', '_dbus.dead-letter_event', 'common_cv1.money']));
		for (const name of names) expect(name).toMatch(/^[a-zA-Z0-9._-]+$/);
	});

	test('toOpenApi() - rewrites $refs to document pointers and drops $id and $schema', () => {
		expect(document.components.schemas['invoice.paid']).toMatchObject({
			properties: {
				total: {$ref: '#/components/schemas/common_cv1.money'},
				cents: {$ref: '#/components/schemas/common_cv1.money/$defs/cents'},
				lines: {items: {$ref: '#/components/schemas/invoice.paid/$defs/line'}},
			},
		});
		for (const schema of Object.values(document.components.schemas)) {
			expect(schema).not.toHaveProperty('$id');
			expect(schema).not.toHaveProperty('$schema');
		}
	});

	test('toOpenApi() - declares the 2020-12 dialect and copies info', () => {
		expect(document.jsonSchemaDialect).toBe('https://json-schema.org/draft/2020-12/schema');
		expect(document.info).toEqual({title: 'Shop events', version: '2.1.0', description: 'Everything the shop publishes.'});
	});

	test('toOpenApi() - an empty registry gives a valid document', async () => {
		const empty: OpenApiDocument = toOpenApi(new SchemaRegistry({builtins: false}), {title: 'T', version: '1'});
		expect(empty.webhooks).toEqual({});
		await expect(SwaggerParser.validate(structuredClone(empty) as never)).resolves.toBeDefined();
	});

	test('toOpenApi() - throws TypeError for an invalid info', () => {
		expect(() => toOpenApi(registry, {title: '', version: '1'})).toThrow('Expected `info.title` to be a non-empty string');
		expect(() => toOpenApi(registry, undefined as never)).toThrow('Expected `info` to be an object');
	});
});
