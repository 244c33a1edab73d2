/**
 * Exports the schemas of a registry as an OpenAPI 3.1 document: each topic is a webhook, i.e. what a receiver of
 * the bus's events over HTTP (such as the collector) must accept. Pure: no ajv, no I/O.
 */
import {envelopeSchemaId} from './builtin-schemas.js';
import {assertApiInfo, componentNameOf, dictionary, envelopeComponentName, exportEnvelope, exportSchema, infoObject, type ApiInfo} from './export-schemas.js';
import type {SchemaSource} from './generate-types.js';

export type {ApiInfo} from './export-schemas.js';

/** The shape of the document {@link toOpenApi} returns (plain JSON data). */
export interface OpenApiDocument {
	readonly openapi: '3.1.0';
	readonly info: {readonly title: string; readonly version: string; readonly description?: string};
	readonly jsonSchemaDialect: string;
	readonly webhooks: Readonly<Record<string, {readonly post: Readonly<Record<string, unknown>>}>>;
	readonly components: {readonly schemas: Readonly<Record<string, Readonly<Record<string, unknown>>>>};
}

const dialect = 'https://json-schema.org/draft/2020-12/schema';

/**
 * An OpenAPI 3.1 document for every topic of `source`, in topic order. Each topic is an entry of the top-level
 * `webhooks` object (keyed by the topic): a `POST` whose JSON request body is the event envelope with `topic` fixed
 * and `payload` set to the topic's schema. Schemas live under `components.schemas`: the payload under the topic's
 * component name (see `toComponentName`: `:` and `$` are escaped), the envelope for that topic under
 * `<name>_event`, and the generic envelope under `topicbus_envelope`. Throws `TypeError` for an invalid `info`.
 *
 * @example
 * ```ts
 * const document = toOpenApi(SchemaRegistry.from('schemas'), {title: 'Shop events', version: '1.0.0'});
 * ```
 */
export function toOpenApi(source: SchemaSource, info: ApiInfo): OpenApiDocument {
	assertApiInfo(info);
	const pointerOf = (id: string): string => `#/components/schemas/${componentNameOf(id)}`;
	// Keyed by topics: null-prototype objects, so that a topic named `__proto__` is a key like any other.
	const schemas = dictionary<Record<string, unknown>>();
	schemas[envelopeComponentName] = exportEnvelope(pointerOf);
	const webhooks = dictionary<{post: Record<string, unknown>}>();
	for (const {topic, schema} of source.entries()) {
		const name = componentNameOf(topic);
		schemas[name] = exportSchema(schema, topic, pointerOf);
		schemas[`${name}_event`] = {
			title: `${topic} event`,
			type: 'object',
			allOf: [{$ref: pointerOf(envelopeSchemaId)}],
			properties: {topic: {const: topic}, payload: {$ref: pointerOf(topic)}},
		};
		const operation: Record<string, unknown> = {
			operationId: topic,
			summary: typeof schema['title'] === 'string' ? schema['title'] : `The ${topic} event`,
		};
		if (typeof schema['description'] === 'string') operation['description'] = schema['description'];
		operation['requestBody'] = {
			required: true,
			description: `One \`${topic}\` event in its envelope.`,
			content: {'application/json': {schema: {$ref: `${pointerOf(topic)}_event`}}},
		};
		operation['responses'] = {'2XX': {description: 'The receiver accepted the event.'}};
		webhooks[topic] = {post: operation};
	}
	return {openapi: '3.1.0', info: infoObject(info), jsonSchemaDialect: dialect, webhooks, components: {schemas}};
}
