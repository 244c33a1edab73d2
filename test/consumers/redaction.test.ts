import {describe, expect, test} from 'vitest';
import {compileRedaction, defaultRedactPaths, treeBudget} from '../../src/consumers/redaction.js';

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

	test('leaves dates, maps and sets as they are', () => {
		const date = new Date(0);
		const map = new Map([['password', 'p']]);
		const input = {date, map, set: new Set(['password'])};
		expect(redact(['**.getTime', '**.password'], input)).toBe(input);
	});

	test('walks class instances: a match copies the instance as a plain object of its own keys', () => {
		class User {
			constructor(readonly name: string, readonly password: string) {}
			greet(): string {
				return this.name;
			}
		}
		expect(redact(['**.password'], {user: new User('ada', 'p')})).toEqual({user: {name: 'ada', password: '[X]'}});
	});

	test('walks what toJSON shows', () => {
		const input = {account: {toJSON: () => ({owner: 'ada', token: 't'})}};
		expect(JSON.parse(JSON.stringify(redact(['**.token'], input)))).toEqual({account: {owner: 'ada', token: '[X]'}});
	});

	test('matches keys case-insensitively, both ways', () => {
		expect(redact(['**.apiKey', 'User.Password'], {APIKEY: 1, apikey: 2, user: {PASSWORD: 3}})).toEqual({APIKEY: '[X]', apikey: '[X]', user: {PASSWORD: '[X]'}});
	});

	test('a getter that throws makes its object the censor, never a throw', () => {
		const input = {
			safe: 1,
			nested: Object.defineProperty({}, 'bad', {
				enumerable: true,
				get() {
					throw new Error('no');
				},
			}),
		};
		expect(redact(['**.password'], input)).toEqual({safe: 1, nested: '[X]'});
	});

	test('a cycle is replaced by "[Circular]", so the output is acyclic and JSON-safe', () => {
		const input: Record<string, unknown> = {a: {password: 'p'}};
		(input['a'] as Record<string, unknown>)['up'] = input;
		const output = redact(['**.password'], input);
		expect(output).toEqual({a: {password: '[X]', up: '[Circular]'}});
	});

	test('a cycle cannot smuggle an unredacted original past a copied ancestor', () => {
		const input: Record<string, unknown> = {password: 'p', child: {}};
		(input['child'] as Record<string, unknown>)['back'] = input;
		expect(JSON.stringify(redact(['password'], input))).not.toContain('"p"');
	});

	test('a shared subobject is walked once per set of active paths: a DAG of 2^100 paths is linear', () => {
		let reads = 0;
		let node: unknown = {password: 'p'};
		for (let level = 0; level < 100; level++) {
			const child = node;
			node = {
				get left() {
					reads++;
					return child;
				},
				get right() {
					reads++;
					return child;
				},
			};
		}
		const output = redact(['**.password'], node) as {left: unknown};
		// A first pass stops after treeBudget objects; the second walks each object once. Each object: its two keys
		// read once to walk, and once more when it is copied.
		expect(reads).toBeLessThanOrEqual(4 * (treeBudget + 100));
		let bottom: unknown = output;
		for (let level = 0; level < 31; level++) bottom = (bottom as {left: unknown}).left;
		expect(bottom).toEqual(expect.anything());
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

	test('the default paths cover secrets in any case at any depth', () => {
		expect(redact(defaultRedactPaths, {headers: {Authorization: 'a', Cookie: 'c', 'Set-Cookie': 's'}, Password: 'p'})).toEqual({
			headers: {Authorization: '[X]', Cookie: '[X]', 'Set-Cookie': '[X]'},
			Password: '[X]',
		});
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
