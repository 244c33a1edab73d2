import {execFileSync} from 'node:child_process';
import {fileURLToPath} from 'node:url';
import {describe, expect, test} from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Runs `body` in a fresh Node process after importing the main entry, and returns the packages (under
 * node_modules) that the process has loaded as CommonJS by then. ajv and ajv-formats are CommonJS, so loading them
 * in any way puts them in `require.cache`.
 */
function loadedPackagesAfter(body: string): string[] {
	const script = `
		import {createRequire} from 'node:module';
		const api = await import(${JSON.stringify(new URL('../../src/index.ts', import.meta.url).href)});
		${body}
		const loaded = Object.keys(createRequire(import.meta.url).cache)
			.map(path => /node_modules[\\\\/]((?:@[^\\\\/]+[\\\\/])?[^\\\\/]+)/.exec(path)?.[1])
			.filter(name => name !== undefined);
		process.stdout.write(JSON.stringify([...new Set(loaded)].sort()));
	`;
	const output = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {cwd: root, encoding: 'utf8'});
	return JSON.parse(output) as string[];
}

describe('a light import', () => {
	test('importing the main entry and using a bus without schemas loads neither ajv nor ajv-formats', () => {
		const loaded = loadedPackagesAfter(`
			const bus = new api.EventBus();
			bus.subscribe('order.created', () => undefined);
			await bus.publish('order.created', {id: 1});
			await bus.close();
		`);
		expect(loaded).not.toContain('ajv');
		expect(loaded).not.toContain('ajv-formats');
	});

	test('building a schema registry loads ajv and ajv-formats then', () => {
		const loaded = loadedPackagesAfter(`
			const registry = new api.SchemaRegistry();
			registry.register('order.created', {type: 'object', properties: {id: {type: 'integer'}}});
			if (registry.validate('order.created', {id: 'x'}).valid) throw new Error('the registry did not validate');
		`);
		expect(loaded).toEqual(expect.arrayContaining(['ajv', 'ajv-formats']));
	});

	test('a bus given schemas as a list loads ajv through the main entry and validates with it', () => {
		const loaded = loadedPackagesAfter(`
			const bus = new api.EventBus({schemas: [{$id: 'order.created', type: 'object', properties: {id: {type: 'integer'}}, required: ['id']}]});
			const rejected = await bus.publish('order.created', {}).then(() => false, error => error instanceof api.SchemaValidationError);
			if (!rejected) throw new Error('the bus did not validate');
			await bus.close();
		`);
		expect(loaded).toContain('ajv');
	});
});
