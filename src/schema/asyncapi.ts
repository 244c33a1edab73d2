/**
 * Exports the schemas of a registry as an AsyncAPI 3.0 document: a channel per topic, a message per event type,
 * and a send and a receive operation per channel. Pure: no ajv, no I/O.
 *
 * AsyncAPI's default payload format is its own draft-07 dialect, so every schema here is a Multi Format Schema
 * Object whose `schemaFormat` says it is JSON Schema 2020-12 ({@link jsonSchemaFormat}).
 */
import {envelopeSchema} from './builtin-schemas.js';
import {assertApiInfo, componentNameOf, dictionary, envelopeComponentName, exportEnvelope, exportSchema, infoObject, type ApiInfo} from './export-schemas.js';
import type {SchemaSource} from './generate-types.js';

export type {ApiInfo} from './export-schemas.js';

/** The `schemaFormat` of every schema in an exported AsyncAPI document. */
export const jsonSchemaFormat = 'application/schema+json;version=2020-12';

/** The shape of the document {@link toAsyncApi} returns (plain JSON data). */
export interface AsyncApiDocument {
	readonly asyncapi: '3.0.0';
	readonly info: {readonly title: string; readonly version: string; readonly description?: string};
	readonly defaultContentType: 'application/json';
	readonly channels: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
	readonly operations: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
	readonly components: {
		readonly schemas: Readonly<Record<string, {readonly schemaFormat: string; readonly schema: Readonly<Record<string, unknown>>}>>;
		readonly messages: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
	};
}

const headersComponentName = 'topicbus_headers';

/**
 * An AsyncAPI 3.0 document for every topic of `source`, in topic order. Per topic: a channel (id = the topic's
 * component name, `address` = the topic) with one message whose payload is the topic's schema and whose headers are
 * the envelope's other fields (`correlationId` is declared as the message's correlation id), and two operations,
 * `<name>_send` and `<name>_receive`. Throws `TypeError` for an invalid `info`.
 *
 * @example
 * ```ts
 * const document = toAsyncApi(SchemaRegistry.from('schemas'), {title: 'Shop events', version: '1.0.0'});
 * ```
 */
export function toAsyncApi(source: SchemaSource, info: ApiInfo): AsyncApiDocument {
	assertApiInfo(info);
	const pointerOf = (id: string): string => `#/components/schemas/${componentNameOf(id)}/schema`;
	// Keyed by topics: null-prototype objects, so that a topic named `__proto__` is a key like any other.
	const schemas = dictionary<{schemaFormat: string; schema: Record<string, unknown>}>();
	schemas[envelopeComponentName] = {schemaFormat: jsonSchemaFormat, schema: exportEnvelope(pointerOf)};
	schemas[headersComponentName] = {schemaFormat: jsonSchemaFormat, schema: headersSchema()};
	const channels = dictionary<Record<string, unknown>>();
	const operations = dictionary<Record<string, unknown>>();
	const messages = dictionary<Record<string, unknown>>();
	for (const {topic, schema} of source.entries()) {
		const name = componentNameOf(topic);
		const title = typeof schema['title'] === 'string' ? schema['title'] : undefined;
		const description = typeof schema['description'] === 'string' ? schema['description'] : undefined;
		schemas[name] = {schemaFormat: jsonSchemaFormat, schema: exportSchema(schema, topic, pointerOf)};
		messages[name] = {
			name: topic,
			...(title === undefined ? {} : {title}),
			summary: `One \`${topic}\` event.`,
			...(description === undefined ? {} : {description}),
			contentType: 'application/json',
			headers: {$ref: `#/components/schemas/${headersComponentName}`},
			correlationId: {location: '$message.header#/correlationId', description: 'Shared by every event of one workflow.'},
			payload: {$ref: `#/components/schemas/${name}`},
		};
		channels[name] = {address: topic, messages: {[name]: {$ref: `#/components/messages/${name}`}}};
		const message = {$ref: `#/channels/${name}/messages/${name}`};
		operations[`${name}_send`] = {action: 'send', channel: {$ref: `#/channels/${name}`}, summary: `Publish \`${topic}\`.`, messages: [message]};
		operations[`${name}_receive`] = {action: 'receive', channel: {$ref: `#/channels/${name}`}, summary: `Subscribe to \`${topic}\`.`, messages: [message]};
	}
	return {
		asyncapi: '3.0.0',
		info: infoObject(info),
		defaultContentType: 'application/json',
		channels,
		operations,
		components: {schemas, messages},
	};
}

// The envelope without its payload: what travels beside the payload of every message.
function headersSchema(): Record<string, unknown> {
	const {payload: _payload, ...properties} = envelopeSchema.properties;
	return {
		title: 'Event envelope fields',
		type: 'object',
		required: envelopeSchema.required.filter(name => name !== 'payload'),
		properties: structuredClone(properties),
		additionalProperties: false,
	};
}
