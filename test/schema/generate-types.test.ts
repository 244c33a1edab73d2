import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {describe, expect, test} from 'vitest';
import {generateTypes} from '../../src/schema/generate-types.js';
import {SchemaRegistry} from '../../src/schema/schema-registry.js';
import {featureSchemas} from './fixtures/feature-schemas.js';

const fixtures = join(import.meta.dirname, 'fixtures');

describe('generateTypes()', () => {
	// The type tests compare these files with FromSchema; regenerate them with `topicbus schemas types` if this fails.
	test('generateTypes() - the checked-in example EventMap is up to date', () => {
		const registry = SchemaRegistry.from(join(import.meta.dirname, '../../schemas/examples'));
		expect(generateTypes(registry)).toBe(readFileSync(join(fixtures, 'event-map.generated.d.ts'), 'utf8'));
	});

	test('generateTypes() - the checked-in feature EventMap is up to date', () => {
		const registry = SchemaRegistry.from([...featureSchemas], {builtins: false});
		expect(generateTypes(registry)).toBe(readFileSync(join(fixtures, 'feature-map.generated.d.ts'), 'utf8'));
	});

	test('generateTypes() - an empty registry gives an empty EventMap', () => {
		expect(generateTypes(new SchemaRegistry({builtins: false}))).toMatch(/export interface EventMap \{\n\}\n$/);
	});

	test('generateTypes() - quotes topics and odd property names, and keeps titles as TSDoc', () => {
		const registry = new SchemaRegistry({builtins: false}).register('user:42.renamed', {
			title: 'Renamed */ sneaky',
			type: 'object',
			required: ['it\'s'],
			properties: {'it\'s': {const: 'a\'b"c'}},
			additionalProperties: false,
		});
		expect(generateTypes(registry)).toContain(
			["\t/** Renamed *\\/ sneaky */", "\t'user:42.renamed': {", "\t\t'it\\'s': 'a\\'b\"c';", '\t};'].join('\n'),
		);
	});
});
