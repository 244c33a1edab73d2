/** Starts `fixtures/bridge-node.ts` in its own Node process and talks to it in JSON lines. */
import {spawn, type ChildProcess} from 'node:child_process';
import {fileURLToPath} from 'node:url';
import {createInterface} from 'node:readline';
import type {BusEvent} from '../../src/index.js';

const fixture = fileURLToPath(new URL('fixtures/bridge-node.ts', import.meta.url));

export class ChildNode {
	readonly #process: ChildProcess;
	readonly #lines: Array<Record<string, unknown>> = [];
	readonly #waiters = new Set<() => void>();
	readonly exited: Promise<number | null>;

	constructor(config: Record<string, unknown>) {
		this.#process = spawn(process.execPath, ['--import', 'tsx', fixture, JSON.stringify(config)], {stdio: ['pipe', 'pipe', 'inherit']});
		createInterface({input: this.#process.stdout!}).on('line', line => {
			this.#lines.push(JSON.parse(line) as Record<string, unknown>);
			for (const wake of this.#waiters) wake();
		});
		this.exited = new Promise(resolve => this.#process.once('exit', code => resolve(code)));
	}

	get events(): Array<{pattern: string; event: BusEvent}> {
		return this.#lines.filter(line => 'event' in line) as unknown as Array<{pattern: string; event: BusEvent}>;
	}

	get lines(): ReadonlyArray<Record<string, unknown>> {
		return this.#lines;
	}

	/** Resolves with the first output line (from `from` on) that satisfies `test`; rejects after `timeoutMs`. */
	async waitFor(test: (line: Record<string, unknown>) => boolean, timeoutMs = 20_000, from = 0): Promise<Record<string, unknown>> {
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			const found = this.#lines.slice(from).find(test);
			if (found !== undefined) return found;
			if (Date.now() > deadline || this.#process.exitCode !== null) throw new Error(`child did not print the expected line; got ${JSON.stringify(this.#lines.slice(-3))}`);
			await new Promise<void>(resolve => {
				const wake = (): void => {
					this.#waiters.delete(wake);
					clearTimeout(timer);
					resolve();
				};
				const timer = setTimeout(wake, 200);
				this.#waiters.add(wake);
			});
		}
	}

	async send(command: Record<string, unknown>, reply: string): Promise<Record<string, unknown>> {
		const from = this.#lines.length;
		this.#process.stdin!.write(`${JSON.stringify(command)}\n`);
		return this.waitFor(line => reply in line, 20_000, from);
	}

	kill(): Promise<number | null> {
		this.#process.kill('SIGKILL');
		return this.exited;
	}

	async close(): Promise<void> {
		if (this.#process.exitCode !== null || this.#process.signalCode !== null) return;
		await this.send({cmd: 'close'}, 'closed').catch(() => this.kill());
		await this.exited;
	}
}
