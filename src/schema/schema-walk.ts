/**
 * Walks the subschemas of a JSON Schema (2020-12, plus the draft-07 spellings ajv still accepts), visiting only
 * schema positions: a `$ref` inside `const`, `enum`, `default` or `examples` is data, not a reference.
 */

/** A JSON Schema object (a boolean schema has no keywords to visit). */
export type SchemaNode = Record<string, unknown>;

const schemaMapKeywords = ['properties', 'patternProperties', '$defs', 'definitions', 'dependentSchemas'] as const;
const schemaListKeywords = ['allOf', 'anyOf', 'oneOf', 'prefixItems'] as const;
const schemaKeywords = [
	'items',
	'additionalItems',
	'additionalProperties',
	'unevaluatedProperties',
	'unevaluatedItems',
	'contains',
	'propertyNames',
	'not',
	'if',
	'then',
	'else',
	'contentSchema',
] as const;

/**
 * Calls `visit` on `schema` and on every subschema object below it, depth first, with the JSON pointer of each node
 * relative to `schema`. Throws a `RangeError` for a schema nested deeper than the stack allows.
 */
export function forEachSchemaNode(schema: unknown, visit: (node: SchemaNode, pointer: string) => void, pointer = ''): void {
	if (!isNode(schema)) return;
	visit(schema, pointer);
	for (const keyword of schemaMapKeywords) {
		const map = schema[keyword];
		if (!isNode(map)) continue;
		for (const [name, subschema] of Object.entries(map)) {
			forEachSchemaNode(subschema, visit, `${pointer}/${keyword}/${escapePointer(name)}`);
		}
	}
	for (const keyword of schemaListKeywords) {
		const list = schema[keyword];
		if (!Array.isArray(list)) continue;
		for (const [index, subschema] of list.entries()) forEachSchemaNode(subschema, visit, `${pointer}/${keyword}/${index}`);
	}
	for (const keyword of schemaKeywords) {
		const value = schema[keyword];
		if (Array.isArray(value)) {
			// Draft-07 tuple `items`.
			for (const [index, subschema] of value.entries()) forEachSchemaNode(subschema, visit, `${pointer}/${keyword}/${index}`);
		} else {
			forEachSchemaNode(value, visit, `${pointer}/${keyword}`);
		}
	}
}

/** Escapes one JSON pointer token (RFC 6901). */
export function escapePointer(token: string): string {
	return token.replaceAll('~', '~0').replaceAll('/', '~1');
}

function isNode(value: unknown): value is SchemaNode {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}
