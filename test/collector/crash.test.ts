import {spawn} from 'node:child_process';
import {join} from 'node:path';
import {describe, expect, it} from 'vitest';
import {SqliteStore} from '../../src/collector/sqlite-store.js';
import {tempDir} from './helpers.js';

const cli = new URL('../../src/collector/cli.ts', import.meta.url).pathname;

function startChild(db: string) {
	const child = spawn(process.execPath, ['--import', 'tsx', cli, 'serve', '--db', db, '--port', '0', '--rate-limit', 'off'], {stdio: ['ignore', 'pipe', 'inherit']});
	const exited = new Promise<{code: number | null; signal: NodeJS.Signals | null}>(resolve => child.once('exit', (code, signal) => resolve({code, signal})));
	const url = new Promise<string>((resolve, reject) => {
		let output = '';
		child.stdout.on('data', chunk => {
			output += chunk;
			const match = /listening on (\S+)/.exec(output);
			if (match !== null) resolve(match[1]!);
		});
		child.once('exit', () => reject(new Error(`collector exited before listening: ${output}`)));
	});
	return {child, exited, url};
}

describe('crash safety', () => {
	it('SIGTERM closes gracefully: exit code 0, every acknowledged event committed, the WAL checkpointed', async () => {
		const temp = tempDir();
		const db = join(temp.dir, 'events.db');
		const {child, exited, url} = startChild(db);
		const base = await url;
		const events = Array.from({length: 300}, (_, index) => ({id: `t${index}`, source_system: 'orders', event_type: 'order.created'}));
		const response = await fetch(`${base}/events/batch`, {method: 'POST', headers: {'content-type': 'application/json'}, body: JSON.stringify(events)});
		expect(response.status).toBe(201);
		child.kill('SIGTERM');
		expect(await exited).toEqual({code: 0, signal: null});
		const store = new SqliteStore({path: db, checkpointIntervalMs: 0});
		expect(store.health().total_events).toBe(300);
		await store.close();
		temp.remove();
	}, 30_000);

	it('every event acknowledged before a SIGKILL during ingest is in the database after restart', async () => {
		const temp = tempDir();
		const db = join(temp.dir, 'events.db');
		const {child, exited, url: listening} = startChild(db);
		const url = await listening;

		const acknowledged: string[] = [];
		let killed = false;
		const writer = async (writerId: number) => {
			for (let batch = 0; !killed; batch++) {
				const events = Array.from({length: 50}, (_, index) => ({id: `w${writerId}-${batch}-${index}`, source_system: `writer-${writerId}`, event_type: 'load.test', data: {batch, index}}));
				try {
					const response = await fetch(`${url}/events/batch`, {method: 'POST', headers: {'content-type': 'application/json'}, body: JSON.stringify(events)});
					if (response.status === 201) acknowledged.push(...events.map(event => event.id));
				} catch {
					return;
				}
			}
		};
		const writers = Promise.all([0, 1, 2, 3].map(writer));
		await expect.poll(() => acknowledged.length, {timeout: 15_000, interval: 5}).toBeGreaterThanOrEqual(2000);
		child.kill('SIGKILL');
		killed = true;
		expect((await exited).signal).toBe('SIGKILL');
		await writers;

		const store = new SqliteStore({path: db, checkpointIntervalMs: 0});
		const missing: string[] = [];
		for (const id of acknowledged) if ((await store.get(id)) === undefined) missing.push(id);
		expect(missing).toEqual([]);
		expect(store.health().total_events).toBeGreaterThanOrEqual(acknowledged.length);
		await store.close();
		temp.remove();
	}, 30_000);
});
