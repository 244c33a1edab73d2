import {readFileSync} from 'node:fs';
import {describe, expect, it} from 'vitest';
import * as topicbus from '../src/index.js';
import {ErrorCodes} from '../src/errors.js';

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
