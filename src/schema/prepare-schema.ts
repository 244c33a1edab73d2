/**
 * Turns a schema as the user wrote it into (a) the frozen copy the registry keeps and exports and (b) the copy ajv
 * compiles, whose ids and `$ref`s point at internal URIs.
 *
 * Why internal URIs: ajv treats `$id`s as URIs, and a topic such as `User:42.updated` parses as a URI with scheme
 * `user:`, so ajv would resolve a `$ref` to it under a different (lower-cased) key. Percent-encoding each topic into
 * one fixed base keeps every topic exact, and a `$ref` that is not a registered topic has nothing to resolve to, so
 * ajv can never try to reach the network.
 */
import {SchemaRegistryError} from '../errors.js';
import {describeValue} from '../internal/assert.js';
import {describeThrown} from '../internal/bounded-json.js';
import {envelopeSchemaId} from './builtin-schemas.js';
import {checkSchemaTopic} from './schema-id.js';
import {forEachSchemaNode, type SchemaNode} from './schema-walk.js';

/** A JSON Schema object, read-only. */
export type JsonSchema = {readonly [keyword: string]: unknown};

const draft202012 = 'https://json-schema.org/draft/2020-12/schema';
const internalBase = 'https://topicbus.invalid/';

/** The URI under which ajv knows the schema of `topic` (never fetched: `.invalid` is reserved and ajv never loads). */
export function internalId(topic: string): string {
	return topic === envelopeSchemaId ? `${internalBase}envelope` : `${internalBase}topic/${encodeURIComponent(topic)}`;
}

/** A schema read and checked, not yet compiled. */
export interface PreparedSchema {
	readonly topic: string;
	/** Deep-frozen copy with `$id` set to the topic: what `get()`, `entries()` and the exports see. */
	readonly schema: JsonSchema;
	/** Key-sorted JSON of `schema`, to tell an identical re-registration from a conflicting one. */
	readonly canonical: string;
	readonly path: string | undefined;
}

/**
 * Copies `input` (which must be JSON data) and checks its `$id` against `topic` (when given) and the topic grammar.
 * Throws {@link SchemaRegistryError} naming `path` when the schema is not JSON, has no usable `$id`, or names a
 * pattern rather than one topic. The envelope's own id is let through: the registry handles it.
 */
export function prepareSchema(input: unknown, topic: string | undefined, path: string | undefined): PreparedSchema {
	if (typeof input !== 'object' || input === null || Array.isArray(input)) {
		throw registryError('a schema must be a JSON object', path);
	}
	let copy: Record<string, unknown>;
	try {
		copy = JSON.parse(JSON.stringify(input)) as Record<string, unknown>;
	} catch (error) {
		throw registryError(`the schema is not JSON data: ${messageOf(error)}`, path, error);
	}
	const id = copy['$id'];
	if (id !== undefined && typeof id !== 'string') throw registryError('`$id` must be a string', path);
	if (topic !== undefined && id !== undefined && id !== topic) {
		throw registryError(`the schema's \`$id\` \`${id}\` differs from the topic \`${topic}\``, path);
	}
	const resolved = topic ?? id;
	if (resolved === undefined) {
		throw registryError('the schema has no `$id`: set it to the topic the schema describes', path);
	}
	if (resolved !== envelopeSchemaId) {
		const invalid = checkSchemaTopic(resolved);
		if (invalid !== undefined) throw registryError(`invalid schema \`$id\`: ${invalid.message}`, path, invalid);
	}
	const schemaVersion = copy['$schema'];
	if (schemaVersion !== undefined && schemaVersion !== draft202012) {
		throw registryError(`\`$schema\` must be \`${draft202012}\` (draft 2020-12), got ${describeValue(schemaVersion)}`, path);
	}
	// `$id` first, so that files written back out read naturally.
	const {$id: _ignored, ...rest} = copy;
	const schema = deepFreeze({...(copy['$schema'] === undefined ? {} : {$schema: draft202012}), $id: resolved, ...rest});
	return {topic: resolved, schema, canonical: canonicalJson(schema), path};
}

/**
 * The copy of `prepared.schema` that ajv compiles: internal ids, and every `$ref` resolved to a local JSON pointer
 * or to a schema `isKnown` accepts. Throws {@link SchemaRegistryError} for a remote or unknown `$ref`, an anchor
 * reference, `$dynamicRef`, or an embedded `$id` (each would not survive export or would need the network).
 */
export function toAjvSchema(prepared: PreparedSchema, isKnown: (id: string) => boolean): Record<string, unknown> {
	const copy = JSON.parse(prepared.canonical) as Record<string, unknown>;
	copy['$id'] = internalId(prepared.topic);
	forEachSchemaNode(copy, (node, pointer) => {
		if (pointer !== '' && node['$id'] !== undefined) {
			throw registryError(`embedded \`$id\` at \`#${pointer}\` is not supported: give it its own schema file`, prepared.path);
		}
		if (node['$dynamicRef'] !== undefined || node['$recursiveRef'] !== undefined) {
			throw registryError(`\`$dynamicRef\` at \`#${pointer}\` is not supported: use \`$ref\``, prepared.path);
		}
		if (node['$ref'] !== undefined) node['$ref'] = resolveRef(node, pointer, prepared, isKnown);
	});
	return copy;
}

function resolveRef(node: SchemaNode, pointer: string, prepared: PreparedSchema, isKnown: (id: string) => boolean): string {
	const ref = node['$ref'];
	const where = `\`$ref\` at \`#${pointer}\``;
	if (typeof ref !== 'string') throw registryError(`${where} must be a string`, prepared.path);
	const hash = ref.indexOf('#');
	const base = hash === -1 ? ref : ref.slice(0, hash);
	const fragment = hash === -1 ? '' : ref.slice(hash);
	if (fragment !== '' && fragment !== '#' && !fragment.startsWith('#/')) {
		throw registryError(`${where} \`${ref}\` uses an anchor; use a JSON pointer such as \`#/$defs/name\``, prepared.path);
	}
	if (base === '') return ref;
	if (isKnown(base)) return `${internalId(base)}${fragment}`;
	if (/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(base) || base.includes('/')) {
		throw registryError(
			`${where} \`${ref}\` is remote: remote references are refused (no network at run time); register the schema it names and refer to it by topic`,
			prepared.path,
		);
	}
	throw registryError(`${where} \`${ref}\` names no registered schema: register the schema of \`${base}\` first or in the same batch`, prepared.path);
}

/** JSON with object keys sorted, so that two equal schemas give the same text whatever their key order. */
export function canonicalJson(value: unknown): string {
	return JSON.stringify(value, (_key, item: unknown) =>
		typeof item === 'object' && item !== null && !Array.isArray(item)
			? Object.fromEntries(Object.entries(item).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
			: item,
	);
}

function deepFreeze<T>(value: T): T {
	if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
		Object.freeze(value);
		for (const item of Object.values(value)) deepFreeze(item);
	}
	return value;
}

/** A {@link SchemaRegistryError} for `path`, which may be unknown (a schema registered in code). */
export function registryError(message: string, path: string | undefined, cause?: unknown): SchemaRegistryError {
	const options: {path?: string; cause?: unknown} = {};
	if (path !== undefined) options.path = path;
	if (cause !== undefined) options.cause = cause;
	return new SchemaRegistryError(message, options);
}

function messageOf(error: unknown): string {
	return describeThrown(error);
}
