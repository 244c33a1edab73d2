import {describe, expect, test} from 'vitest';
import {compileRedaction, defaultRedactPaths} from '../../src/consumers/redaction.js';

const redact = (paths: readonly string[], value: unknown): unknown => compileRedaction(paths, '[X]')(value);

describe('compileRedaction()', () => {
	test('censors a top-level key', () => {
		expect(redact(['password'], {password: 'p', user: 'u'})).toEqual({password: '[X]', user: 'u'});
	});

	test('a plain path does not match the key at another depth', () => {
		expect(redact(['password'], {user: {password: 'p'}})).toEqual({user: {password: 'p'}});
	});

	test('censors a nested path', () => {
		expect(redact(['user.token'], {user: {token: 't', name: 'n'}, token: 'kept'})).toEqual({user: {token: '[X]', name: 'n'}, token: 'kept'});
	});

	test('* matches any one key, array indices included', () => {
		expect(redact(['cards.*.number'], {cards: [{number: '4111'}, {number: '5500'}]})).toEqual({cards: [{number: '[X]'}, {number: '[X]'}]});
	});

	test('**. matches the key at any depth, the top level included', () => {
		expect(redact(['**.secret'], {secret: 1, a: {b: [{secret: 2}]}})).toEqual({secret: '[X]', a: {b: [{secret: '[X]'}]}});
	});

	test('copies on write: a frozen input is left as it was', () => {
		const input = Object.freeze({user: Object.freeze({password: 'p'}), other: Object.freeze({a: 1})});
		const output = redact(['user.password'], input) as typeof input;
		expect(input.user.password).toBe('p');
		expect(output.other).toBe(input.other);
	});

	test('returns its argument itself when nothing matches', () => {
		const input = {a: {b: 1}};
		expect(redact(['**.password'], input)).toBe(input);
	});

	test('leaves class instances (Date, Map) unwalked', () => {
		const date = new Date(0);
		expect(redact(['**.getTime'], {date})).toEqual({date});
	});

	test('censors values nested deeper than 32 levels', () => {
		let deep: unknown = 'bottom';
		for (let level = 0; level < 40; level++) deep = {next: deep};
		let node = redact(['**.secret'], deep) as {next: unknown};
		for (let level = 0; level < 31; level++) node = node.next as {next: unknown};
		expect(node.next).toBe('[X]');
	});

	test('with no paths, is the identity', () => {
		const input = {password: 'p'};
		expect(redact([], input)).toBe(input);
	});

	test('the default paths cover passwords and tokens at any depth', () => {
		expect(redact(defaultRedactPaths, {login: {password: 'p', accessToken: 't'}})).toEqual({login: {password: '[X]', accessToken: '[X]'}});
	});

	test.each(['', 'a..b', '**', 'a.**.b', 42])('rejects the path %j with a TypeError', path => {
		expect(() => compileRedaction([path as string], '[X]')).toThrow(TypeError);
	});

	test('rejects a non-array with a TypeError naming the option', () => {
		expect(() => compileRedaction('password' as never, '[X]')).toThrow('Expected `redact` to be an array of key paths');
	});
});
