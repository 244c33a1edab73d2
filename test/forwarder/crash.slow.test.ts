/** The crash test: a child process is SIGKILLed with events in its spool; a restart delivers each exactly once. */
import {spawn, type ChildProcess} from 'node:child_process';
import {fileURLToPath} from 'node:url';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {FaultServer} from './fault-server.js';
import {tempDir} from './helpers.js';

let dir: string;
let remove: () => void;
let server: FaultServer;
const children: ChildProcess[] = [];

beforeEach(async () => {
	({dir, remove} = tempDir());
	server = await FaultServer.start();
});

afterEach(async () => {
	for (const child of children.splice(0)) child.kill('SIGKILL');
	await server.close();
	remove();
});

const appPath = fileURLToPath(new URL('fixtures/spool-app.ts', import.meta.url));

function runApp(args: string[], waitFor: RegExp): Promise<{child: ChildProcess; line: string}> {
	const child = spawn(process.execPath, ['--import', 'tsx', appPath, ...args], {stdio: ['ignore', 'pipe', 'pipe']});
	children.push(child);
	let output = '';
	let errors = '';
	child.stderr!.on('data', (chunk: Buffer) => (errors += chunk.toString()));
	return new Promise((resolve, reject) => {
		child.stdout!.on('data', (chunk: Buffer) => {
			output += chunk.toString();
			const match = waitFor.exec(output);
			if (match !== null) resolve({child, line: match[0]});
		});
		child.on('exit', code => reject(new Error(`app exited with ${code} before ${waitFor}: ${output} ${errors}`)));
	});
}

/** The first half of both crash tests: the destination goes down, the app spools `total` events and is SIGKILLed. */
async function spoolWithDestinationDownAndKill(total: number): Promise<{port: number; url: string}> {
	const port = Number(new URL(server.url).port);
	await server.close();
	const url = `http://127.0.0.1:${port}/events/batch`;
	const first = await runApp(['publish', url, dir, String(total)], /spooled \d+/);
	expect(first.line).toBe(`spooled ${total}`);
	first.child.kill('SIGKILL');
	await new Promise(resolve => first.child.once('exit', resolve));
	return {port, url};
}

describe('crash: collector down, app SIGKILLed, app restarted, collector up', () => {
	it('delivers exactly the N published events, each once', async () => {
		const total = 500;
		const {port, url} = await spoolWithDestinationDownAndKill(total);

		server = await FaultServer.start(port);
		const second = await runApp(['deliver', url, dir], /delivered \d+/);
		expect(second.line).toBe(`delivered ${total}`);
		expect(server.acknowledgedIds).toHaveLength(total);
		expect(new Set(server.acknowledgedIds).size).toBe(total);
		const indexes = server.acknowledged.map(event => (event['data'] as {index: number}).index);
		expect(indexes).toEqual([...Array.from({length: total}).keys()]);
	}, 60_000);
});

describe('crash against the real collector: down, app SIGKILLed, collector up, app SIGKILLed mid-delivery, restarted', () => {
	it('the collector ends with exactly the N published events, each stored once', async () => {
		const {createCollector} = await import('../../src/collector/index.js');
		const total = 500;
		const {port, url} = await spoolWithDestinationDownAndKill(total);

		const collector = createCollector({db: `${dir}/collector.db`});
		await collector.listen({port});
		try {
			const stored = async (): Promise<number> => {
				const stats = (await (await fetch(`http://127.0.0.1:${port}/events/stats`)).json()) as {total_events: number};
				return stats.total_events;
			};
			// Killed while sending: some batches are stored (and maybe acknowledged), the rest stay in the spool.
			const child = spawn(process.execPath, ['--import', 'tsx', appPath, 'deliver', url, dir], {stdio: 'ignore'});
			children.push(child);
			const exited = new Promise(resolve => child.once('exit', resolve));
			for (let polls = 0; polls < 2000 && (await stored()) === 0; polls++) await new Promise(resolve => setTimeout(resolve, 5));
			child.kill('SIGKILL');
			await exited;

			await runApp(['deliver', url, dir], /delivered \d+/);
			expect(await stored()).toBe(total);
			const page = (await (await fetch(`http://127.0.0.1:${port}/events?source_system=crash-app&limit=1000`)).json()) as {
				events: Array<{event_id: string; data: {index: number}}>;
			};
			expect(new Set(page.events.map(event => event.event_id)).size).toBe(total);
			expect(page.events.map(event => event.data.index).sort((a, b) => a - b)).toEqual([...Array.from({length: total}).keys()]);
		} finally {
			await collector.close();
		}
	}, 90_000);
});
