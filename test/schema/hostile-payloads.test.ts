import {describe, expect, test} from 'vitest';
import {SchemaRegistry} from '../../src/schema/schema-registry.js';

const tree = {$id: 'tree.node', type: 'object', properties: {child: {$ref: '#'}, label: {type: 'string'}}, additionalProperties: false} as const;
const account = {
	$id: 'account.updated',
	type: 'object',
	required: ['id', 'role'],
	properties: {id: {type: 'string', maxLength: 32}, role: {enum: ['user', 'admin']}, profile: {type: 'object'}},
	additionalProperties: false,
} as const;
const prototypeKeys = {$id: 'proto.keys', type: 'object', required: ['constructor', 'toString'], properties: {constructor: {type: 'string'}, toString: {type: 'string'}}} as const;

const registry = new SchemaRegistry().register(tree).register(account).register(prototypeKeys);
const objectPrototypeKeys = Object.getOwnPropertyNames(Object.prototype).sort();

function nested(depth: number, key: string): Record<string, unknown> {
	let value: Record<string, unknown> = {};
	for (let level = 0; level < depth; level++) value = {[key]: value};
	return value;
}

function prototypesUntouched(): void {
	expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(objectPrototypeKeys);
	expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
	expect(({} as Record<string, unknown>)['role']).toBeUndefined();
	expect(Object.prototype).not.toHaveProperty('polluted');
}

describe('deep nesting', () => {
	test('validate() - 100k levels under a recursive schema are invalid, with a clear summary, not a stack overflow', () => {
		const result = registry.validate('tree.node', nested(100_000, 'child'));
		expect(result.valid).toBe(false);
		expect(result.errors).toEqual([expect.objectContaining({instancePath: '', keyword: 'depth'})]);
		expect(result.summary).toMatch(/^\(root\) is nested too deeply or is too large to validate \(Maximum call stack size exceeded\)$/);
	});

	test('check() - 100k levels give a SchemaValidationError, and the registry keeps working', () => {
		expect(registry.check('tree.node', nested(100_000, 'child'), 'enforce')?.code).toBe('ERR_SCHEMA_VALIDATION');
		expect(registry.validate('tree.node', nested(10, 'child')).valid).toBe(true);
	});

	test('validate() - 100k levels where the schema only asks for an object pass without a crash', () => {
		expect(registry.validate('account.updated', {id: 'a', role: 'user', profile: nested(100_000, 'x')}).valid).toBe(true);
	});

	test('validate() - 100k levels where the schema forbids extra keys are invalid', () => {
		expect(registry.validate('account.updated', nested(100_000, 'x')).summary).toBe('/id is required; /role is required; /x is not allowed');
	});
});

describe('__proto__ and constructor keys', () => {
	test('validate() - an own __proto__ key (as JSON.parse makes it) is an extra property, not a prototype', () => {
		const payload: unknown = JSON.parse('{"id": "a", "role": "user", "__proto__": {"role": "admin", "polluted": true}}');
		const result = registry.validate('account.updated', payload);
		expect(result.summary).toBe('/__proto__ is not allowed');
		prototypesUntouched();
	});

	test('validate() - a __proto__ key cannot supply a required property', () => {
		const payload: unknown = JSON.parse('{"id": "a", "__proto__": {"role": "admin"}}');
		expect(registry.validate('account.updated', payload).summary).toBe('/role is required; /__proto__ is not allowed');
		prototypesUntouched();
	});

	test('validate() - inherited properties do not satisfy required', () => {
		const payload: unknown = Object.create({id: 'a', role: 'admin'});
		expect(registry.validate('account.updated', payload).summary).toBe('/id is required; /role is required');
	});

	test('validate() - Object.prototype\'s constructor and toString do not satisfy required', () => {
		expect(registry.validate('proto.keys', {}).summary).toBe('/constructor is required; /toString is required');
		expect(registry.validate('proto.keys', {constructor: 'c', toString: 't'}).valid).toBe(true);
	});

	test('validate() - a constructor.prototype payload changes no prototype', () => {
		const payload: unknown = JSON.parse('{"id": "a", "role": "user", "constructor": {"prototype": {"polluted": true}}}');
		expect(registry.validate('account.updated', payload).summary).toBe('/constructor is not allowed');
		prototypesUntouched();
	});

	test('validate() - never changes the payload, even with defaults in the schema', () => {
		const withDefault = new SchemaRegistry().register({$id: 'a.b', type: 'object', properties: {parcels: {type: 'integer', default: 1}}});
		const payload = {};
		expect(withDefault.validate('a.b', payload).valid).toBe(true);
		expect(payload).toEqual({});
	});
});

describe('huge and hostile values', () => {
	test('validate() - a 10 MB string against maxLength is invalid with a short summary', () => {
		const result = registry.validate('account.updated', {id: 'x'.repeat(10_000_000), role: 'user'});
		expect(result.summary).toBe('/id must NOT have more than 32 characters');
	});

	test('validate() - a 10 MB property name is reported shortened', () => {
		const result = registry.validate('account.updated', {id: 'a', role: 'user', ['k'.repeat(10_000_000)]: 1});
		expect(result.summary.length).toBeLessThan(100);
	});

	test('validate() - a getter that throws makes the payload invalid instead of throwing', () => {
		const payload = {
			id: 'a',
			get role(): string {
				throw new Error('trap');
			},
		};
		const result = registry.validate('account.updated', payload);
		expect(result.valid).toBe(false);
		expect(result.errors[0]?.keyword).toBe('exception');
		expect(result.summary).toBe('(root) could not be validated: trap');
	});

	test('check() - a proxy whose traps throw gives an error, not an exception', () => {
		const payload = new Proxy(
			{},
			{
				ownKeys() {
					throw new Error('no keys');
				},
				get() {
					throw new Error('no values');
				},
			},
		);
		expect(registry.check('account.updated', payload, 'strict')?.message).toContain('could not be validated');
	});
});

describe('cycles and shared subobjects under a recursive schema', () => {
	const pair = {$id: 'pair.node', type: 'object', properties: {left: {$ref: '#'}, right: {$ref: '#'}, label: {type: 'string'}}} as const;
	const pairs = new SchemaRegistry().register(pair);

	test('validate() - a DAG with 2^60 paths is refused as too large (a tree walk would never end)', () => {
		let node: Record<string, unknown> = {label: 'leaf'};
		for (let level = 0; level < 60; level++) node = {left: node, right: node};
		const result = pairs.validate('pair.node', node);
		expect(result.valid).toBe(false);
		expect(result.errors).toEqual([expect.objectContaining({keyword: 'size', instancePath: ''})]);
	});

	test('check() - a cyclic payload is a SchemaValidationError, never a hang or a stack overflow', () => {
		const node: Record<string, unknown> = {label: 'a'};
		node['left'] = node;
		expect(pairs.check('pair.node', node, 'enforce')).toMatchObject({code: 'ERR_SCHEMA_VALIDATION', errors: [expect.objectContaining({keyword: 'size'})]});
	});

	test('validate() - a small DAG (an object shared twice) is validated as usual', () => {
		const shared = {label: 'x'};
		expect(pairs.validate('pair.node', {left: shared, right: shared}).valid).toBe(true);
		expect(pairs.validate('pair.node', {left: shared, right: {label: 1}}).valid).toBe(false);
	});

	test('validate() - a getter that throws a value with no prototype is reported, never thrown', () => {
		const hostile = Object.defineProperty({}, 'label', {
			enumerable: true,
			get() {
				throw Object.create(null);
			},
		});
		expect(pairs.validate('pair.node', hostile)).toMatchObject({valid: false, errors: [expect.objectContaining({keyword: 'exception'})]});
	});
});
