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

describe('crash: collector down, app SIGKILLed, app restarted, collector up', () => {
	it('delivers exactly the N published events, each once', async () => {
		const total = 500;
		const port = Number(new URL(server.url).port);
		await server.close();
		const url = `http://127.0.0.1:${port}/events/batch`;

		const first = await runApp(['publish', url, dir, String(total)], /spooled \d+/);
		expect(first.line).toBe(`spooled ${total}`);
		first.child.kill('SIGKILL');
		await new Promise(resolve => first.child.once('exit', resolve));

		server = await FaultServer.start(port);
		const second = await runApp(['deliver', url, dir], /delivered \d+/);
		expect(second.line).toBe(`delivered ${total}`);
		expect(server.acknowledgedIds).toHaveLength(total);
		expect(new Set(server.acknowledgedIds).size).toBe(total);
		const indexes = server.acknowledged.map(event => (event['data'] as {index: number}).index);
		expect(indexes).toEqual([...Array.from({length: total}).keys()]);
	}, 60_000);
});
