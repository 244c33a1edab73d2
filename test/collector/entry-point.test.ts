import {symlinkSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {pathToFileURL} from 'node:url';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {isEntryPoint} from '../../src/internal/entry-point.js';
import {tempDir} from './helpers.js';

describe('isEntryPoint() (shared by the CLIs)', () => {
	let temp: {dir: string; remove: () => void};
	let script: string;

	beforeEach(() => {
		temp = tempDir();
		script = join(temp.dir, 'cli.js');
		writeFileSync(script, '');
	});

	afterEach(() => temp.remove());

	it('is true when the entry is the module itself', () => {
		expect(isEntryPoint(pathToFileURL(script).href, script)).toBe(true);
	});

	it('is true through a symbolic link, as npm installs a bin', () => {
		const link = join(temp.dir, 'topicbus-collector');
		symlinkSync(script, link);
		expect(isEntryPoint(pathToFileURL(script).href, link)).toBe(true);
	});

	it('is false for another file or a missing file', () => {
		const other = join(temp.dir, 'other.js');
		writeFileSync(other, '');
		expect(isEntryPoint(pathToFileURL(script).href, other)).toBe(false);
		expect(isEntryPoint(pathToFileURL(script).href, join(temp.dir, 'missing.js'))).toBe(false);
	});
});
