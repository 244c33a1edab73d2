import {describe, expect, test} from 'vitest';
import {SchemaValidationError} from '../../src/errors.js';
import {SchemaRegistry, validationModes} from '../../src/schema/schema-registry.js';

const payment = {
	$id: 'payment.received',
	type: 'object',
	required: ['amount', 'currency'],
	properties: {
		amount: {type: 'number', minimum: 0},
		currency: {enum: ['EUR', 'USD']},
		kind: {const: 'card'},
		email: {type: 'string', format: 'email'},
	},
	additionalProperties: false,
} as const;

const registry = new SchemaRegistry().register(payment);
const valid = {amount: 10, currency: 'EUR'};
const invalid = {amount: -1, currency: 'GBP'};

describe('validate()', () => {
	test('validate() - a matching payload is valid with no errors', () => {
		expect(registry.validate('payment.received', valid)).toEqual({valid: true, errors: [], summary: ''});
	});

	test('validate() - an invalid payload gets ajv\'s errors in ajv\'s shape', () => {
		const result = registry.validate('payment.received', invalid);
		expect(result.valid).toBe(false);
		expect(result.errors).toEqual([
			{instancePath: '/amount', schemaPath: '#/properties/amount/minimum', keyword: 'minimum', params: {comparison: '>=', limit: 0}, message: 'must be >= 0'},
			{
				instancePath: '/currency',
				schemaPath: '#/properties/currency/enum',
				keyword: 'enum',
				params: {allowedValues: ['EUR', 'USD']},
				message: 'must be equal to one of the allowed values',
			},
		]);
	});

	test('validate() - the summary is one readable line', () => {
		expect(registry.validate('payment.received', invalid).summary).toBe('/amount must be >= 0; /currency must be one of EUR, USD');
	});

	test('validate() - a topic with no schema is valid, as in enforce mode', () => {
		expect(registry.validate('order.created', 'anything').valid).toBe(true);
	});

	test('validate() - formats from ajv-formats are checked', () => {
		expect(registry.validate('payment.received', {...valid, email: 'not an email'}).summary).toBe('/email must match format "email"');
	});

	test('validate() - throws TypeError when the topic is not a string', () => {
		expect(() => registry.validate(1 as unknown as string, valid)).toThrow('Expected `topic` to be a string, got `1` (number)');
	});

	test('validate() - the errors returned stay the same after later validations', () => {
		const first = registry.validate('payment.received', invalid);
		const snapshot = structuredClone(first.errors);
		registry.validate('payment.received', {amount: 'x'});
		expect(first.errors).toEqual(snapshot);
	});
});

describe('summary text', () => {
	const summary = (payload: unknown): string => registry.validate('payment.received', payload).summary;

	test('summary - a missing property reads "is required"', () => {
		expect(summary({amount: 1})).toBe('/currency is required');
	});

	test('summary - an extra property reads "is not allowed"', () => {
		expect(summary({...valid, note: 'x'})).toBe('/note is not allowed');
	});

	test('summary - const names the value', () => {
		expect(summary({...valid, kind: 'cash'})).toBe('/kind must be card');
	});

	test('summary - an error at the root reads "(root)"', () => {
		expect(summary([])).toBe('(root) must be object');
	});

	test('summary - shows five errors, then how many more', () => {
		const many = new SchemaRegistry().register({$id: 'a.b', type: 'array', items: {type: 'string'}});
		expect(many.validate('a.b', [1, 2, 3, 4, 5, 6, 7]).summary).toBe(
			'/0 must be string; /1 must be string; /2 must be string; /3 must be string; /4 must be string; and 2 more',
		);
	});

	test('summary - keeps 100 errors but counts them all', () => {
		const many = new SchemaRegistry().register({$id: 'a.b', type: 'array', items: {type: 'string'}});
		const result = many.validate('a.b', Array.from({length: 1000}, (_, index) => index));
		expect(result.errors).toHaveLength(100);
		expect(result.summary).toMatch(/; and 995 more$/);
	});

	test('summary - shortens long property names and values', () => {
		const name = 'x'.repeat(10_000);
		expect(summary({...valid, [name]: 1})).toBe(`/${'x'.repeat(59)}… is not allowed`);
	});
});

describe('check()', () => {
	test('check() - off never fails, not even for a topic with no schema', () => {
		expect(registry.check('payment.received', invalid, 'off')).toBeUndefined();
		expect(registry.check('order.created', invalid, 'off')).toBeUndefined();
	});

	test.each(['warn', 'enforce', 'strict'] as const)('check() - %s passes a valid payload', mode => {
		expect(registry.check('payment.received', valid, mode)).toBeUndefined();
	});

	test.each(['warn', 'enforce', 'strict'] as const)('check() - %s fails an invalid payload with SchemaValidationError', mode => {
		const error = registry.check('payment.received', invalid, mode);
		expect(error).toBeInstanceOf(SchemaValidationError);
		expect(error?.code).toBe('ERR_SCHEMA_VALIDATION');
		expect(error?.topic).toBe('payment.received');
		expect(error?.errors.map(item => item.keyword)).toEqual(['minimum', 'enum']);
		expect(error?.message).toBe('Invalid payload for `payment.received`: /amount must be >= 0; /currency must be one of EUR, USD');
	});

	test.each(['warn', 'enforce'] as const)('check() - %s passes a topic with no schema', mode => {
		expect(registry.check('order.created', invalid, mode)).toBeUndefined();
	});

	test('check() - strict fails a topic with no schema', () => {
		const error = registry.check('order.created', valid, 'strict');
		expect(error).toBeInstanceOf(SchemaValidationError);
		expect(error?.code).toBe('ERR_SCHEMA_VALIDATION');
		expect(error?.topic).toBe('order.created');
		expect(error?.errors).toEqual([
			{instancePath: '', schemaPath: '', keyword: 'schema', params: {topic: 'order.created'}, message: 'has no schema, and the validation mode is strict'},
		]);
		expect(error?.message).toBe('Invalid payload for `order.created`: topic has no schema, and the validation mode is strict');
	});

	test('check() - strict accepts the bus\'s own dead letters, whose schema is built in', () => {
		const deadLetter = {
			event: {id: 'e1', topic: 'order.created', payload: {}, timestamp: 1, source: 'app', correlationId: 'e1', priority: 0, metadata: {}},
			error: {name: 'Error', message: 'boom'},
			subscription: {id: 's1', pattern: 'order.*'},
			attempts: 3,
			failedAt: 2,
			reason: 'handler-failed',
		};
		expect(registry.check('$bus.dead-letter', deadLetter, 'strict')).toBeUndefined();
		expect(registry.check('$bus.dead-letter', {...deadLetter, reason: 'bored'}, 'strict')?.message).toContain('/reason must be one of handler-failed');
	});

	test('validationModes - lists every mode', () => {
		expect(validationModes).toEqual(['off', 'warn', 'enforce', 'strict']);
	});
});
