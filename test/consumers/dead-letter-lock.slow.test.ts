import {spawn} from 'node:child_process';
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, beforeEach, describe, expect, test} from 'vitest';
import {DeadLetterConsumer} from '../../src/consumers/dead-letter-consumer.js';

let directory: string;
let file: string;

beforeEach(() => {
	directory = mkdtempSync(join(tmpdir(), 'topicbus-dlq-lock-'));
	file = join(directory, 'dead-letters.jsonl');
});

afterEach(() => {
	rmSync(directory, {recursive: true, force: true});
});

describe('DeadLetterConsumer - a second process on the same file', () => {
	test('is refused with ERR_DEAD_LETTER_FILE while the first lives, and takes over once it was killed', async () => {
		const script = join(directory, 'holder.mts');
		const source = new URL('../../src/consumers/dead-letter-consumer.ts', import.meta.url).pathname;
		writeFileSync(
			script,
			`import {DeadLetterConsumer} from ${JSON.stringify(source)};
const store = new DeadLetterConsumer({file: ${JSON.stringify(file)}});
const event = {id: 'from-child', topic: 'order.created', payload: {n: 1}, timestamp: 1, source: 's', correlationId: 'c', causationId: undefined, priority: 0, metadata: {}};
store.record({event, error: new Error('boom'), reason: 'handler-failed', subscription: undefined, attempts: 1, failedAt: Date.now()});
process.stdout.write('ready\\n');
setInterval(() => {}, 1000);
`,
		);
		const tsx = new URL('../../node_modules/.bin/tsx', import.meta.url).pathname;
		const child = spawn(tsx, [script], {stdio: ['ignore', 'pipe', 'inherit'], detached: true});
		try {
			await new Promise<void>((resolve, reject) => {
				const timer = setTimeout(() => reject(new Error('the child did not start within 15 s')), 15_000);
				child.stdout.on('data', (chunk: Buffer) => {
					if (chunk.toString().includes('ready')) {
						clearTimeout(timer);
						resolve();
					}
				});
				child.on('exit', code => reject(new Error(`the child exited early (${code})`)));
			});
			expect(() => new DeadLetterConsumer({file})).toThrow(expect.objectContaining({code: 'ERR_DEAD_LETTER_FILE', problem: 'locked'}));
		} finally {
			// The whole group: tsx runs the script in a child of its own.
			process.kill(-child.pid!, 'SIGKILL');
		}
		// The killed process stays in the process table until it is reaped: retry, bounded, until its lock is stale.
		let store: DeadLetterConsumer | undefined;
		for (let attempt = 0; attempt < 50 && store === undefined; attempt++) {
			try {
				store = new DeadLetterConsumer({file, onWarning: () => {}});
			} catch (error) {
				if ((error as {problem?: unknown}).problem !== 'locked') throw error;
				await new Promise(resolve => setTimeout(resolve, 100));
			}
		}
		if (store === undefined) expect.unreachable('the lock of the killed process was never taken over');
		expect(store.list().map(stored => stored.event.id)).toEqual(['from-child']);
		store.close();
	});
});
