import {readFileSync} from 'node:fs';
import {describe, expect, it} from 'vitest';
import * as topicbus from '../src/index.js';
import {readdirSync} from 'node:fs';
import {join} from 'node:path';
import {ErrorCodes, WarningCodes} from '../src/errors.js';

const errorTable = readFileSync(new URL('../docs/errors.md', import.meta.url), 'utf8');

describe('error codes', () => {
	it.each(Object.entries(ErrorCodes))('docs/errors.md documents %s with its code', (className, code) => {
		expect(errorTable).toMatch(new RegExp(`\\| \`${code}\` \\| \`${className}\` \\|`));
	});

	it.each(Object.keys(ErrorCodes))('%s is exported from the main entry', className => {
		expect(topicbus).toHaveProperty(className);
	});

	it('every code is unique', () => {
		const codes = Object.values(ErrorCodes);
		expect(new Set(codes).size).toBe(codes.length);
	});
});

describe('warning codes', () => {
	it.each(Object.keys(WarningCodes))('docs/errors.md documents the warning %s', code => {
		expect(errorTable).toMatch(new RegExp(`\\| \`${code}\` \\| [^|]+ \\|\\n`));
	});

	it('every warning code the source reports is in WarningCodes', () => {
		const source = new URL('../src/', import.meta.url).pathname;
		const reported = new Set<string>();
		for (const entry of readdirSync(source, {recursive: true, withFileTypes: true})) {
			if (!entry.isFile() || !entry.name.endsWith('.ts')) continue;
			const text = readFileSync(join(entry.parentPath, entry.name), 'utf8');
			// A warning is reported through a `warn(...)` helper, `onWarning`, or process.emitWarning with a code.
			for (const match of text.matchAll(/warn\(\s*'(ERR_[A-Z_]+)'|code: '(ERR_[A-Z_]+)'\}\)|'(ERR_[A-Z_]+)' \| '(ERR_[A-Z_]+)'/g)) {
				for (const code of match.slice(1)) if (code !== undefined) reported.add(code);
			}
		}
		const errorCodes = new Set<string>(Object.values(ErrorCodes));
		const missing = [...reported].filter(code => !(code in WarningCodes) && !errorCodes.has(code));
		expect(missing).toEqual([]);
		expect(reported.size).toBeGreaterThanOrEqual(5);
	});

	it('WarningCodes is exported from the main entry', () => {
		expect(topicbus).toHaveProperty('WarningCodes');
	});
});
