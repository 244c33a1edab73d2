import fc from 'fast-check';
import {describe, expect, test} from 'vitest';
import {isSerializedError, serializeError} from '../../src/internal/serialize-error.js';

function hostileValues(): Record<string, unknown> {
	const revoked = Proxy.revocable({}, {});
	revoked.revoke();
	const throwingStack = new Error('stack getter throws');
	Object.defineProperty(throwingStack, 'stack', {
		get() {
			throw new Error('no stack for you');
		},
	});
	const throwingMessage = new Error('x');
	Object.defineProperty(throwingMessage, 'message', {
		get() {
			throw new Error('no message');
		},
	});
	const throwingName = new Error('x');
	Object.defineProperty(throwingName, 'name', {
		get() {
			throw new Error('no name');
		},
	});
	const cyclic = new Error('outer');
	const inner = new Error('inner', {cause: cyclic});
	(cyclic as {cause?: unknown}).cause = inner;
	const selfCause = new Error('self');
	(selfCause as {cause?: unknown}).cause = selfCause;
	const throwingProxy = new Proxy(
		{},
		{
			get() {
				throw new Error('trap');
			},
			ownKeys() {
				throw new Error('trap');
			},
			getPrototypeOf() {
				throw new Error('trap');
			},
		},
	);
	const throwingCause = new Error('cause getter');
	Object.defineProperty(throwingCause, 'cause', {
		get() {
			throw new Error('no cause');
		},
	});
	const cyclicObject: Record<string, unknown> = {a: 1};
	cyclicObject['self'] = cyclicObject;
	return {
		nullPrototype: Object.create(null),
		nullPrototypeWithFields: Object.assign(Object.create(null), {message: 42}),
		throwingToString: {
			toString() {
				throw new Error('no');
			},
		},
		revokedProxy: revoked.proxy,
		throwingStack,
		throwingMessage,
		throwingName,
		cyclicCause: cyclic,
		selfCause,
		throwingProxy,
		throwingCause,
		cyclicObject,
		bigint: 10n,
		symbol: Symbol('s'),
		fn: () => {},
		undefined,
		null: null,
		bigintInObject: {n: 1n},
	};
}

function isJsonData(value: unknown): boolean {
	return JSON.stringify(JSON.parse(JSON.stringify(value))) === JSON.stringify(value);
}

describe('serializeError()', () => {
	test.each(Object.entries(hostileValues()))('survives a hostile thrown value: %s', (_name, value) => {
		const serialized = serializeError(value);
		expect(typeof serialized.name).toBe('string');
		expect(typeof serialized.message).toBe('string');
		expect(isJsonData(serialized)).toBe(true);
	});

	test('keeps name, message, code, stack and the cause chain', () => {
		const root = Object.assign(new RangeError('root'), {code: 'E_ROOT'});
		const error = Object.assign(new TypeError('top', {cause: root}), {code: 42});
		expect(serializeError(error)).toEqual({
			name: 'TypeError',
			message: 'top',
			code: '42',
			stack: error.stack,
			cause: {name: 'RangeError', message: 'root', code: 'E_ROOT', stack: root.stack},
		});
	});

	test('a cycle of causes ends the chain at the first repeat', () => {
		const {cyclicCause} = hostileValues();
		const serialized = serializeError(cyclicCause);
		expect(serialized.message).toBe('outer');
		expect(serialized.cause?.message).toBe('inner');
		expect(serialized.cause?.cause).toBeUndefined();
	});

	test('a stack getter that throws leaves the stack out, the rest kept', () => {
		const serialized = serializeError(hostileValues()['throwingStack']);
		expect(serialized).toEqual({name: 'Error', message: 'stack getter throws'});
	});

	test('a non-error value is described by its type and text', () => {
		expect(serializeError('boom')).toEqual({name: 'string', message: 'boom'});
		expect(serializeError(null)).toEqual({name: 'null', message: 'null'});
		expect(serializeError({reason: 'x'})).toEqual({name: 'object', message: '{"reason":"x"}'});
		expect(serializeError(Object.create(null))).toEqual({name: 'object', message: '{}'});
	});

	test('serialized data round-trips unchanged (what the dead-letter file reads back)', () => {
		const data = serializeError(new Error('a', {cause: new Error('b')}));
		expect(serializeError(JSON.parse(JSON.stringify(data)))).toEqual(data);
		expect(isSerializedError(data)).toBe(true);
	});

	test('keeps no reference to the original error', () => {
		const cause = {name: 'X', message: 'y'};
		const serialized = serializeError(new Error('top', {cause}));
		expect(serialized.cause).not.toBe(cause);
	});

	test('a huge thrown object is described at a bounded length', () => {
		let dag: unknown = {leaf: 'x'.repeat(10)};
		for (let level = 0; level < 60; level++) dag = {left: dag, right: dag};
		const serialized = serializeError(dag);
		expect(serialized.message.length).toBeLessThan(10_000);
	});

	test('property: any value (fast-check anything) serializes to JSON data without throwing', () => {
		fc.assert(
			fc.property(fc.anything({withBigInt: true, withMap: true, withSet: true, withNullPrototype: true, withBoxedValues: true, withTypedArray: true, withSparseArray: true}), value => {
				const serialized = serializeError(value);
				return typeof serialized.name === 'string' && typeof serialized.message === 'string' && isJsonData(serialized);
			}),
		);
	});

	test('property: an error with any cause chain keeps every cause up to the depth limit', () => {
		fc.assert(
			fc.property(fc.array(fc.string(), {minLength: 1, maxLength: 12}), messages => {
				let error: unknown;
				for (const message of messages.toReversed()) error = new Error(message, error === undefined ? undefined : {cause: error});
				let serialized: ReturnType<typeof serializeError> | undefined = serializeError(error);
				const seen: string[] = [];
				while (serialized !== undefined) {
					seen.push(serialized.message);
					serialized = serialized.cause;
				}
				return JSON.stringify(seen) === JSON.stringify(messages.slice(0, 9));
			}),
		);
	});
});
