/**
 * Shared by the OpenAPI and AsyncAPI exports: copies a registered schema into a document and rewrites its `$ref`s
 * to pointers inside that document. A schema's own `$id` is dropped there because a 2020-12 tool would resolve the
 * rewritten pointers against it instead of against the document.
 */
import {fail} from '../internal/assert.js';
import {envelopeSchema, envelopeSchemaId} from './builtin-schemas.js';
import {toComponentName} from './component-name.js';
import type {JsonSchema} from './prepare-schema.js';
import {forEachSchemaNode} from './schema-walk.js';

/** Public information about the API a document describes. */
export interface ApiInfo {
	readonly title: string;
	readonly version: string;
	readonly description?: string;
}

/** The component name of the envelope schema. No topic escapes to it (see `component-name.ts`). */
export const envelopeComponentName = 'topicbus_envelope';

/** The component name of the schema stored under `id` (a topic, or the envelope's id). */
export function componentNameOf(id: string): string {
	return id === envelopeSchemaId ? envelopeComponentName : toComponentName(id);
}

/** The envelope schema as it appears in a document, with its `$ref`s rewritten by `pointerOf`. */
export function exportEnvelope(pointerOf: (id: string) => string): Record<string, unknown> {
	return exportSchema(envelopeSchema, envelopeSchemaId, pointerOf);
}

/**
 * A deep copy of `schema` (registered under `id`) without `$id`/`$schema`, whose `$ref`s point into the document:
 * `#/x` becomes `pointerOf(id) + '/x'`, and `other.topic#/x` becomes `pointerOf('other.topic') + '/x'`. The registry
 * has already refused every other kind of `$ref`.
 */
export function exportSchema(schema: JsonSchema, id: string, pointerOf: (id: string) => string): Record<string, unknown> {
	const copy = structuredClone(schema) as Record<string, unknown>;
	delete copy['$id'];
	delete copy['$schema'];
	forEachSchemaNode(copy, node => {
		const ref = node['$ref'];
		if (typeof ref !== 'string') return;
		const hash = ref.indexOf('#');
		const base = hash === -1 ? ref : ref.slice(0, hash);
		const fragment = hash === -1 ? '' : ref.slice(hash + 1);
		node['$ref'] = `${pointerOf(base === '' ? id : base)}${fragment}`;
	});
	return copy;
}

/** Checks `info` the way every public entry point checks its arguments. */
export function assertApiInfo(info: unknown): asserts info is ApiInfo {
	const value = info as Partial<Record<keyof ApiInfo, unknown>> | null;
	if (typeof value !== 'object' || value === null || Array.isArray(value)) fail('info', 'an object', info);
	if (typeof value.title !== 'string' || value.title === '') fail('info.title', 'a non-empty string', value.title);
	if (typeof value.version !== 'string' || value.version === '') fail('info.version', 'a non-empty string', value.version);
	if (value.description !== undefined && typeof value.description !== 'string') fail('info.description', 'a string', value.description);
}

/** The `info` object of a document. */
export function infoObject(info: ApiInfo): {title: string; version: string; description?: string} {
	return info.description === undefined ? {title: info.title, version: info.version} : {title: info.title, version: info.version, description: info.description};
}

/** An empty object without a prototype: any key, `__proto__` included, is an own property. */
export function dictionary<Value>(): Record<string, Value> {
	return Object.create(null) as Record<string, Value>;
}
