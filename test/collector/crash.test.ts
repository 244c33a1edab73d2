import {spawn} from 'node:child_process';
import {join} from 'node:path';
import {describe, expect, it} from 'vitest';
import {SqliteStore} from '../../src/collector/sqlite-store.js';
import {tempDir} from './helpers.js';

const cli = new URL('../../src/collector/cli.ts', import.meta.url).pathname;

describe('crash safety', () => {
	it('every event acknowledged before a SIGKILL during ingest is in the database after restart', async () => {
		const temp = tempDir();
		const db = join(temp.dir, 'events.db');
		const child = spawn(process.execPath, ['--import', 'tsx', cli, 'serve', '--db', db, '--port', '0', '--rate-limit', 'off'], {stdio: ['ignore', 'pipe', 'inherit']});
		const exited = new Promise<NodeJS.Signals | null>(resolve => child.once('exit', (_code, signal) => resolve(signal)));
		const url = await new Promise<string>((resolve, reject) => {
			let output = '';
			child.stdout.on('data', chunk => {
				output += chunk;
				const match = /listening on (\S+)/.exec(output);
				if (match !== null) resolve(match[1]!);
			});
			child.once('exit', () => reject(new Error(`collector exited before listening: ${output}`)));
		});

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
		expect(await exited).toBe('SIGKILL');
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
