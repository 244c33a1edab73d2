import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, describe, expect, test} from 'vitest';
import {InvalidTopicError, SchemaRegistryError} from '../../src/errors.js';
import {SchemaRegistry, type JsonSchema} from '../../src/schema/schema-registry.js';

const money = {$id: 'common.money', type: 'object', required: ['amount'], properties: {amount: {type: 'number', minimum: 0}}} as const;

function catchError(action: () => unknown): unknown {
	try {
		action();
	} catch (error) {
		return error;
	}
	throw new Error('expected the action to throw');
}

function registryError(action: () => unknown): SchemaRegistryError {
	const error = catchError(action);
	expect(error).toBeInstanceOf(SchemaRegistryError);
	expect((error as SchemaRegistryError).code).toBe('ERR_SCHEMA_REGISTRY');
	return error as SchemaRegistryError;
}

const temporaryDirectories: string[] = [];

function folder(files: Record<string, string>): string {
	const dir = mkdtempSync(join(tmpdir(), 'topicbus-schemas-'));
	temporaryDirectories.push(dir);
	for (const [name, content] of Object.entries(files)) {
		mkdirSync(join(dir, name, '..'), {recursive: true});
		writeFileSync(join(dir, name), content);
	}
	return dir;
}

afterEach(() => {
	for (const dir of temporaryDirectories.splice(0)) rmSync(dir, {recursive: true, force: true});
});

describe('register()', () => {
	test('register() - registers a schema under the topic in its $id', () => {
		const registry = new SchemaRegistry({builtins: false}).register(money);
		expect(registry.has('common.money')).toBe(true);
		expect(registry.eventTypes()).toEqual(['common.money']);
	});

	test('register(topic, schema) - sets $id to the topic when the schema has none', () => {
		const registry = new SchemaRegistry().register('user:42.updated', {type: 'object'});
		expect(registry.get('user:42.updated')).toEqual({$id: 'user:42.updated', type: 'object'});
	});

	test('register(topic, schema) - refuses a schema whose $id names another topic', () => {
		const error = registryError(() => new SchemaRegistry().register('order.paid', money));
		expect(error.message).toContain('differs from the topic');
		expect(error.path).toBeUndefined();
	});

	test('register() - refuses a schema without $id', () => {
		expect(registryError(() => new SchemaRegistry().register({type: 'object'})).message).toContain('no `$id`');
	});

	test.each(['order.*', 'order.**', '**', 'order.{created,paid}', 'user.*-failed', 'v?'])('register() - refuses the pattern %s as $id', id => {
		const error = registryError(() => new SchemaRegistry().register({$id: id, type: 'object'}));
		expect(error.cause).toBeInstanceOf(InvalidTopicError);
		expect((error.cause as InvalidTopicError).reason).toBe('wildcard-in-topic');
		expect((error.cause as InvalidTopicError).topic).toBe(id);
	});

	test.each([
		['', 'empty'],
		['a..b', 'empty-segment'],
		['.a', 'empty-segment'],
		['a b', 'invalid-character'],
		['a.$b', 'invalid-character'],
		['$', 'empty-segment'],
		['a'.repeat(65), 'segment-too-long'],
		[Array.from({length: 33}, () => 'a').join('.'), 'too-many-segments'],
	] as const)('register() - refuses the invalid topic %j as $id', (id, reason) => {
		const error = registryError(() => new SchemaRegistry().register(id, {type: 'object'}));
		expect((error.cause as InvalidTopicError).reason).toBe(reason);
	});

	test('register() - accepts a $-topic, a colon and the longest segment', () => {
		const registry = new SchemaRegistry({builtins: false});
		registry.register('$app.ready', {type: 'object'}).register(`ns:${'a'.repeat(61)}.x`, {type: 'object'});
		expect(registry.size).toBe(2);
	});

	test('register() - refuses a different schema for a registered topic and names where the first came from', () => {
		const dir = folder({'money.json': JSON.stringify(money)});
		const registry = SchemaRegistry.from(dir);
		const error = registryError(() => registry.register({...money, title: 'Other'}));
		expect(error.message).toContain('already registered');
		expect(error.message).toContain(join(dir, 'money.json'));
	});

	test('register() - an identical schema for a registered topic is a no-op', () => {
		const registry = new SchemaRegistry().register(money);
		expect(() => registry.register({...money})).not.toThrow();
		expect(registry.get('common.money')).toEqual(money);
	});

	test('register() - refuses a replacement of the built-in envelope schema', () => {
		const error = registryError(() => new SchemaRegistry().register({$id: 'topicbus/envelope', type: 'object'}));
		expect(error.message).toContain('envelope');
	});

	test.each(['https://example.com/money.json', 'http://example.com/money.json#/$defs/x', 'file:///etc/passwd', '../common/money.json', '//example.com/x'])(
		'register() - refuses the remote $ref %s',
		ref => {
			const error = registryError(() => new SchemaRegistry().register({$id: 'order.paid', type: 'object', properties: {total: {$ref: ref}}}));
			expect(error.message).toContain('remote');
			expect(error.message).toContain('`#/properties/total`');
		},
	);

	test('register() - refuses a $ref to a topic with no schema', () => {
		const error = registryError(() => new SchemaRegistry().register({$id: 'order.paid', $ref: 'common.money'}));
		expect(error.message).toContain('names no registered schema');
	});

	test('register() - accepts a $ref to a registered topic, with or without a JSON pointer', () => {
		const registry = new SchemaRegistry().register(money).register({
			$id: 'order.paid',
			type: 'object',
			properties: {total: {$ref: 'common.money'}, amount: {$ref: 'common.money#/properties/amount'}},
		});
		expect(registry.validate('order.paid', {total: {amount: -1}}).valid).toBe(false);
		expect(registry.validate('order.paid', {amount: -1}).valid).toBe(false);
		expect(registry.validate('order.paid', {total: {amount: 1}, amount: 1}).valid).toBe(true);
	});

	test('register() - a $ref to a topic with a colon resolves to exactly that topic', () => {
		const registry = new SchemaRegistry().register('User:42.name', {type: 'string'}).register({$id: 'a.b', $ref: 'User:42.name'});
		expect(registry.validate('a.b', 'Ada').valid).toBe(true);
		expect(registry.validate('a.b', 42).valid).toBe(false);
	});

	test('register() - refuses a $ref to an anchor, $dynamicRef and an embedded $id', () => {
		const registry = new SchemaRegistry();
		expect(registryError(() => registry.register({$id: 'a.b', $defs: {x: {$anchor: 'x', type: 'string'}}, $ref: '#x'})).message).toContain('anchor');
		expect(registryError(() => registry.register({$id: 'a.b', $dynamicRef: '#meta'})).message).toContain('$dynamicRef');
		expect(registryError(() => registry.register({$id: 'a.b', properties: {x: {$id: 'x.y', type: 'string'}}})).message).toContain('embedded `$id`');
	});

	test('register() - refuses a $ref to a missing local pointer with ajv\'s message', () => {
		const error = registryError(() => new SchemaRegistry().register({$id: 'a.b', $ref: '#/$defs/missing'}));
		expect(error.message).toContain('can\'t resolve reference #/$defs/missing');
	});

	test('register() - refuses an invalid schema with ajv\'s message', () => {
		const error = registryError(() => new SchemaRegistry().register({$id: 'a.b', type: 'strnig'}));
		expect(error.message).toContain('schema is invalid: data/type must be equal to one of the allowed values');
	});

	test('register() - strict mode refuses unknown keywords', () => {
		const error = registryError(() => new SchemaRegistry().register({$id: 'a.b', type: 'object', example: {}}));
		expect(error.message).toContain('strict mode: unknown keyword: "example"');
	});

	test('register() - refuses a $schema other than draft 2020-12', () => {
		const error = registryError(() => new SchemaRegistry().register({$schema: 'http://json-schema.org/draft-07/schema#', $id: 'a.b'}));
		expect(error.message).toContain('draft 2020-12');
	});

	test('register() - refuses a schema that is not JSON data', () => {
		const cyclic: Record<string, unknown> = {$id: 'a.b'};
		cyclic['self'] = cyclic;
		expect(registryError(() => new SchemaRegistry().register(cyclic)).message).toContain('not JSON data');
	});

	test('register() - a refused schema leaves its topic free to register again', () => {
		const registry = new SchemaRegistry();
		registryError(() => registry.register({$id: 'a.b', type: 'strnig'}));
		registryError(() => registry.register({$id: 'a.b', type: 'object', properties: {x: {$ref: '#/nope'}}}));
		expect(registry.has('a.b')).toBe(false);
		registry.register({$id: 'a.b', type: 'string'});
		expect(registry.validate('a.b', 'ok').valid).toBe(true);
	});

	test('register() - keeps a frozen copy, so changing the input later changes nothing', () => {
		const schema = {$id: 'a.b', type: 'object', properties: {x: {type: 'string'}}};
		const registry = new SchemaRegistry().register(schema);
		schema.properties.x.type = 'number';
		expect(registry.validate('a.b', {x: 'text'}).valid).toBe(true);
		expect(Object.isFrozen(registry.get('a.b'))).toBe(true);
		expect(Object.isFrozen((registry.get('a.b')?.['properties'] as Record<string, unknown>)['x'])).toBe(true);
	});

	test('register() - throws TypeError for a schema that is not an object', () => {
		expect(() => new SchemaRegistry().register(42 as unknown as JsonSchema)).toThrow(TypeError);
		expect(() => new SchemaRegistry().register('a.b', undefined as unknown as JsonSchema)).toThrow('Expected `schema` to be a schema object, got `undefined` (undefined)');
	});
});

describe('loadDirectory()', () => {
	test('loadDirectory() - loads *.json files recursively and skips hidden and other files', () => {
		const dir = folder({
			'order/created.json': JSON.stringify({$id: 'order.created', type: 'object'}),
			'money.json': JSON.stringify(money),
			'README.md': '# not a schema',
			'.draft.json': '{broken',
			'.hidden/x.json': '{broken',
		});
		const registry = new SchemaRegistry({builtins: false}).loadDirectory(dir);
		expect(registry.eventTypes()).toEqual(['common.money', 'order.created']);
		expect(registry.entries().map(entry => entry.path)).toEqual([join(dir, 'money.json'), join(dir, 'order/created.json')]);
	});

	test('loadDirectory() - files may $ref each other whatever their order', () => {
		const dir = folder({
			'a.json': JSON.stringify({$id: 'order.paid', type: 'object', properties: {total: {$ref: 'common.money'}}}),
			'b.json': JSON.stringify(money),
		});
		expect(SchemaRegistry.from(dir).validate('order.paid', {total: {amount: -1}}).valid).toBe(false);
	});

	test('loadDirectory() - a file that is not JSON names its path and the position, and nothing is loaded', () => {
		const dir = folder({'a.json': JSON.stringify(money), 'b.json': '{"$id": "order.created", '});
		const registry = new SchemaRegistry();
		const error = registryError(() => registry.loadDirectory(dir));
		expect(error.path).toBe(join(dir, 'b.json'));
		expect(error.message).toContain(`${join(dir, 'b.json')}: the file is not valid JSON`);
		expect(error.cause).toBeUndefined();
		expect(registry.has('common.money')).toBe(false);
	});

	test('loadDirectory() - an invalid schema names its path and ajv\'s message, and nothing is loaded', () => {
		const dir = folder({'a.json': JSON.stringify(money), 'z.json': JSON.stringify({$id: 'order.created', type: 'strnig'})});
		const registry = new SchemaRegistry();
		const error = registryError(() => registry.loadDirectory(dir));
		expect(error.path).toBe(join(dir, 'z.json'));
		expect(error.message).toContain('must be equal to one of the allowed values');
		expect(registry.has('common.money')).toBe(false);
		expect(() => registry.loadDirectory(folder({'a.json': JSON.stringify(money)}))).not.toThrow();
	});

	test('loadDirectory() - two files with different schemas for one topic are refused', () => {
		const dir = folder({'a.json': JSON.stringify(money), 'b.json': JSON.stringify({...money, title: 'x'})});
		const error = registryError(() => SchemaRegistry.from(dir));
		expect(error.path).toBe(join(dir, 'b.json'));
		expect(error.message).toContain(join(dir, 'a.json'));
	});

	test('loadDirectory() - a file holding a JSON array is refused with its path', () => {
		const dir = folder({'a.json': '[]'});
		expect(registryError(() => SchemaRegistry.from(dir)).path).toBe(join(dir, 'a.json'));
	});

	test('loadDirectory() - a missing folder is refused with its path and the system error as cause', () => {
		const dir = join(tmpdir(), 'topicbus-no-such-folder');
		const error = registryError(() => new SchemaRegistry().loadDirectory(dir));
		expect(error.path).toBe(dir);
		expect((error.cause as NodeJS.ErrnoException).code).toBe('ENOENT');
	});

	test('loadDirectory() - throws TypeError when dir is not a string', () => {
		expect(() => new SchemaRegistry().loadDirectory(1 as unknown as string)).toThrow('Expected `dir` to be a string, got `1` (number)');
	});
});

describe('queries and construction', () => {
	test('new SchemaRegistry() - registers the $bus schemas unless builtins is false', () => {
		expect(new SchemaRegistry().eventTypes()).toEqual(['$bus.dead-letter']);
		expect(new SchemaRegistry({builtins: false}).eventTypes()).toEqual([]);
	});

	test('new SchemaRegistry() - throws TypeError for invalid options', () => {
		expect(() => new SchemaRegistry({builtins: 'yes' as unknown as boolean})).toThrow('Expected `options.builtins` to be a boolean');
	});

	test('eventTypes() and entries() - are sorted by topic and are copies', () => {
		const registry = new SchemaRegistry({builtins: false}).register('b.x', {type: 'string'}).register('a.x', {type: 'string'});
		const topics = registry.eventTypes();
		topics.push('z');
		expect(registry.eventTypes()).toEqual(['a.x', 'b.x']);
		expect(registry.entries().map(entry => [entry.topic, entry.path])).toEqual([
			['a.x', undefined],
			['b.x', undefined],
		]);
	});

	test('get() - is undefined for a topic with no schema', () => {
		expect(new SchemaRegistry().get('order.created')).toBeUndefined();
	});

	test('SchemaRegistry.from() - takes a list of schemas that $ref each other in any order', () => {
		const registry = SchemaRegistry.from([{$id: 'order.paid', $ref: 'common.money'}, money]);
		expect(registry.eventTypes()).toEqual(['$bus.dead-letter', 'common.money', 'order.paid']);
	});

	test('SchemaRegistry.from() - returns a registry as is', () => {
		const registry = new SchemaRegistry();
		expect(SchemaRegistry.from(registry)).toBe(registry);
	});

	test('SchemaRegistry.from() - throws TypeError for anything else', () => {
		expect(() => SchemaRegistry.from(42 as unknown as string)).toThrow(TypeError);
		expect(() => SchemaRegistry.from([null] as unknown as JsonSchema[])).toThrow('Expected `source[0]` to be a schema object');
	});
});
