import {Parser, type Diagnostic} from '@asyncapi/parser';
import {join} from 'node:path';
import {describe, expect, test} from 'vitest';
import {jsonSchemaFormat, toAsyncApi} from '../../src/schema/asyncapi.js';
import {SchemaRegistry} from '../../src/schema/schema-registry.js';
import {documentCompiler} from './fixtures/document-compiler.js';

const registry = SchemaRegistry.from(join(import.meta.dirname, '../../schemas/examples'))
	.register({$id: 'common:v1.money', type: 'object', required: ['amount'], properties: {amount: {type: 'number', minimum: 0}}})
	.register({$id: 'invoice.paid', type: 'object', properties: {total: {$ref: 'common:v1.money'}, lines: {type: 'array', items: {$ref: '#/$defs/line'}}}, $defs: {line: {type: 'string'}}});
const document = toAsyncApi(registry, {title: 'Shop events', version: '2.1.0'});

// The parser suggests AsyncAPI 3.1 as an `info` diagnostic; SPEC section 8 asks for 3.0, so that one is expected.
const expectedDiagnostics = new Set(['asyncapi-latest-version']);

async function parse(input: unknown): Promise<{document: unknown; diagnostics: Diagnostic[]}> {
	return new Parser().parse(structuredClone(input) as never);
}

describe('toAsyncApi()', () => {
	test('toAsyncApi() - @asyncapi/parser parses the document with no error, warning or other diagnostic', async () => {
		const result = await parse(document);
		expect(result.document).toBeDefined();
		const unexpected = result.diagnostics.filter(diagnostic => !expectedDiagnostics.has(String(diagnostic.code)));
		expect(unexpected.map(diagnostic => `${String(diagnostic.code)} at ${diagnostic.path.join('/')}: ${diagnostic.message}`)).toEqual([]);
		// 0 = error, 1 = warning.
		expect(result.diagnostics.filter(diagnostic => diagnostic.severity <= 1)).toEqual([]);
	});

	test('toAsyncApi() - the parser reports a broken document, so the test above can fail', async () => {
		const broken = structuredClone(document) as unknown as {channels: Record<string, {address: unknown}>};
		broken.channels['order.created']!.address = 42;
		const result = await parse(broken);
		expect(result.diagnostics.some(diagnostic => diagnostic.severity === 0)).toBe(true);
	});

	test('toAsyncApi() - has a channel per topic whose address is the topic', () => {
		expect(document.asyncapi).toBe('3.0.0');
		expect(Object.values(document.channels).map(channel => channel['address'])).toEqual(registry.eventTypes());
		expect(document.channels['_dbus.dead-letter']).toEqual({
			address: '$bus.dead-letter',
			messages: {'_dbus.dead-letter': {$ref: '#/components/messages/_dbus.dead-letter'}},
		});
	});

	test('toAsyncApi() - has a message per event type with the topic\'s payload schema', () => {
		expect(document.components.messages['order.created']).toMatchObject({
			name: 'order.created',
			title: 'Order created',
			contentType: 'application/json',
			correlationId: {location: '$message.header#/correlationId'},
			payload: {$ref: '#/components/schemas/order.created'},
		});
	});

	test('toAsyncApi() - has a send and a receive operation per channel', () => {
		expect(document.operations['order.created_send']).toEqual({
			action: 'send',
			channel: {$ref: '#/channels/order.created'},
			summary: 'Publish `order.created`.',
			messages: [{$ref: '#/channels/order.created/messages/order.created'}],
		});
		expect(document.operations['order.created_receive']?.['action']).toBe('receive');
		expect(Object.keys(document.operations)).toHaveLength(2 * registry.size);
	});

	test('toAsyncApi() - carries each 2020-12 schema with an explicit schemaFormat', () => {
		expect(jsonSchemaFormat).toBe('application/schema+json;version=2020-12');
		for (const schema of Object.values(document.components.schemas)) expect(schema.schemaFormat).toBe(jsonSchemaFormat);
	});

	test('toAsyncApi() - every schema compiles with Ajv2020, and $refs point into the document', () => {
		const compile = documentCompiler(document);
		for (const name of Object.keys(document.components.schemas)) expect(() => compile(`#/components/schemas/${name}/schema`), name).not.toThrow();
		const invoice = compile('#/components/schemas/invoice.paid/schema');
		expect(invoice({total: {amount: 1}, lines: ['a']})).toBe(true);
		expect(invoice({total: {amount: -1}})).toBe(false);
		expect(invoice({lines: [1]})).toBe(false);
	});

	test('toAsyncApi() - the headers are the envelope without its payload', () => {
		const headers = documentCompiler(document)('#/components/schemas/topicbus_headers/schema');
		expect(headers({id: 'e1', topic: 'a.b', timestamp: 1, source: 's', correlationId: 'e1', priority: 0, metadata: {}})).toBe(true);
		expect(headers({id: 'e1', topic: 'a.b', timestamp: 1, source: 's', correlationId: 'e1', priority: 0, metadata: {}, payload: {}})).toBe(false);
	});

	test('toAsyncApi() - throws TypeError for an invalid info', () => {
		expect(() => toAsyncApi(registry, {title: 'T', version: 2 as unknown as string})).toThrow('Expected `info.version` to be a non-empty string');
	});
});
