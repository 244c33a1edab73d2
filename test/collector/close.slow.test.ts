import {execFile} from 'node:child_process';
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {promisify} from 'node:util';
import {afterEach, describe, expect, it} from 'vitest';

// In a process with nothing else to do, `await collector.close()` must settle: the checkpoint worker is unref'd, so
// close() has to hold the process open while it waits for the worker to exit (inside vitest other handles hide this).
const entry = fileURLToPath(new URL('../../src/collector/index.ts', import.meta.url));
const folders: string[] = [];

afterEach(() => {
	for (const folder of folders.splice(0)) rmSync(folder, {recursive: true, force: true});
});

describe('close() in a process of its own', () => {
	it('a top-level await close() of a SQLite collector settles and the process exits 0', async () => {
		const folder = mkdtempSync(join(tmpdir(), 'topicbus-close-'));
		folders.push(folder);
		const script = join(folder, 'close.mts');
		writeFileSync(
			script,
			`
			const {createCollector} = await import(${JSON.stringify(entry)});
			const collector = createCollector({db: ${JSON.stringify(join(folder, 'events.db'))}});
			const {url} = await collector.listen({port: 0});
			await fetch(url + '/events', {method: 'POST', headers: {'content-type': 'application/json'}, body: JSON.stringify({source_system: 'a', event_type: 'b'})});
			await collector.close();
			console.log('closed');
		`,
		);
		const {stdout} = await promisify(execFile)(process.execPath, ['--import', 'tsx', script], {timeout: 30_000});
		expect(stdout.trim()).toBe('closed');
	}, 40_000);
});
