import SwaggerParser from '@apidevtools/swagger-parser';
import {Parser} from '@asyncapi/parser';
import {execFileSync} from 'node:child_process';
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, beforeEach, describe, expect, test} from 'vitest';
import {main} from '../../src/cli.js';
import {generateTypes} from '../../src/schema/generate-types.js';
import {SchemaRegistry} from '../../src/schema/schema-registry.js';

const root = join(import.meta.dirname, '../..');
const examples = join(root, 'schemas/examples');
let dir: string;

beforeEach(() => {
	dir = mkdtempSync(join(tmpdir(), 'topicbus-cli-'));
});

afterEach(() => {
	rmSync(dir, {recursive: true, force: true});
});

function run(...argv: string[]): {code: number; stdout: string; stderr: string} {
	let stdout = '';
	let stderr = '';
	const code = main(argv, {stdout: text => (stdout += text), stderr: text => (stderr += text)});
	return {code, stdout, stderr};
}

describe('topicbus schemas export', () => {
	test('schemas export --format openapi --out - writes a document swagger-parser validates', async () => {
		const out = join(dir, 'nested/openapi.json');
		const result = run('schemas', 'export', '--format', 'openapi', '--dir', examples, '--out', out, '--title', 'Shop', '--version', '3.0.0');
		expect(result).toEqual({code: 0, stdout: `Wrote OpenAPI 3.1 document for 3 topic(s) to ${out}\n`, stderr: ''});
		const document = JSON.parse(readFileSync(out, 'utf8')) as {info: unknown; webhooks: object};
		expect(document.info).toEqual({title: 'Shop', version: '3.0.0'});
		expect(Object.keys(document.webhooks)).toEqual(['$bus.dead-letter', 'order.created', 'order.shipped']);
		await expect(SwaggerParser.validate(document as never)).resolves.toBeDefined();
	});

	test('schemas export --format asyncapi - writes the document to stdout', async () => {
		const result = run('schemas', 'export', '--format', 'asyncapi', '--dir', examples);
		expect(result.code).toBe(0);
		expect(result.stderr).toBe('');
		const document = JSON.parse(result.stdout) as {asyncapi: string; info: unknown};
		expect(document.asyncapi).toBe('3.0.0');
		expect(document.info).toEqual({title: 'topicbus events', version: '1.0.0'});
		const {diagnostics} = await new Parser().parse(document as never);
		expect(diagnostics.filter(diagnostic => diagnostic.severity <= 1)).toEqual([]);
	});

	test('schemas export - a broken schema file exits 1 naming the file', () => {
		writeFileSync(join(dir, 'bad.json'), '{"$id": "a.b", "type": "strnig"}');
		const result = run('schemas', 'export', '--format', 'openapi', '--dir', dir);
		expect(result.code).toBe(1);
		expect(result.stdout).toBe('');
		expect(result.stderr).toMatch(new RegExp(`^topicbus: ${join(dir, 'bad.json').replaceAll(/[.*+?^${}()|[\]\\]/g, '\\$&')}: invalid schema: schema is invalid`));
	});

	test('schemas export - a missing folder exits 1', () => {
		const result = run('schemas', 'export', '--format', 'openapi', '--dir', join(dir, 'missing'));
		expect(result.code).toBe(1);
		expect(result.stderr).toContain('cannot read the schema folder');
	});

	test.each([
		[['schemas', 'export'], 'missing --format openapi|asyncapi'],
		[['schemas', 'export', '--format', 'yaml'], 'unknown format `yaml`'],
		[['schemas', 'export', '--format'], 'argument missing'],
		[['schemas', 'export', '--format', 'openapi', '--bogus'], 'Unknown option \'--bogus\''],
		[['schemas', 'export', '--format', 'openapi', 'extra'], 'unexpected argument `extra`'],
		[['schemas', 'export', '--format', 'openapi', '--dir', ''], '--dir cannot be empty'],
		[['schemas'], 'missing subcommand'],
		[['schemas', 'import'], 'unknown subcommand `import`'],
		[['schema', 'export'], 'unknown command `schema`'],
		[[], 'missing command'],
		[['schemas', 'types', '--format', 'openapi'], '--format applies to `schemas export` only'],
	])('%j - exits 2 with the reason and the usage', (argv, reason) => {
		const result = run(...argv);
		expect(result.code).toBe(2);
		expect(result.stdout).toBe('');
		expect(result.stderr).toContain(reason);
		expect(result.stderr).toContain('Usage:\n  topicbus schemas export --format openapi|asyncapi');
	});

	test('--help - prints the usage and exits 0', () => {
		const result = run('--help');
		expect(result.code).toBe(0);
		expect(result.stdout).toContain('topicbus schemas types [--dir schemas] [--out file]');
	});
});

describe('topicbus schemas types', () => {
	test('schemas types --out - writes the generated EventMap', () => {
		const out = join(dir, 'events.d.ts');
		expect(run('schemas', 'types', '--dir', examples, '--out', out).code).toBe(0);
		expect(readFileSync(out, 'utf8')).toBe(generateTypes(SchemaRegistry.from(examples)));
	});

	test('schemas types - writes to stdout without --out', () => {
		const result = run('schemas', 'types', '--dir', examples);
		expect(result.code).toBe(0);
		expect(result.stdout).toContain('export interface EventMap {');
	});
});

describe('the executable', () => {
	test('cli.ts - runs main() when executed directly and sets the exit code', () => {
		const cli = join(root, 'src/cli.ts');
		const output = execFileSync(process.execPath, ['--import', 'tsx', cli, 'schemas', 'types', '--dir', examples], {cwd: root, encoding: 'utf8'});
		expect(output).toContain("'order.created': {");
		let status: number | null = null;
		try {
			execFileSync(process.execPath, ['--import', 'tsx', cli, 'schemas', 'export'], {cwd: root, stdio: 'pipe'});
		} catch (error) {
			status = (error as {status: number | null}).status;
		}
		expect(status).toBe(2);
	});
});
