/**
 * A private nats-server on a free port with its own store directory, which a test may kill and restart (the shared
 * server on 4222 is never touched).
 */
import {spawn, type ChildProcess} from 'node:child_process';
import {existsSync, mkdtempSync, rmSync} from 'node:fs';
import {createServer, connect as connectTcp} from 'node:net';
import {tmpdir} from 'node:os';
import {join} from 'node:path';

export const natsServerBinary = process.env.NATS_SERVER ?? '/usr/sbin/nats-server';
export const hasNatsServerBinary = existsSync(natsServerBinary);

async function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const {port} = server.address() as {port: number};
			server.close(() => resolve(port));
		});
	});
}

async function waitForPort(port: number, up: boolean, timeoutMs = 10_000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const isUp = await new Promise<boolean>(resolve => {
			const socket = connectTcp({host: '127.0.0.1', port});
			socket.once('connect', () => (socket.destroy(), resolve(true)));
			socket.once('error', () => (socket.destroy(), resolve(false)));
		});
		if (isUp === up) return;
		if (Date.now() > deadline) throw new Error(`nats-server on ${port} did not come ${up ? 'up' : 'down'}`);
		await new Promise(resolve => setTimeout(resolve, 25));
	}
}

export class PrivateNatsServer {
	readonly port: number;
	readonly storeDir: string;
	#process: ChildProcess | undefined;

	private constructor(port: number) {
		this.port = port;
		this.storeDir = mkdtempSync(join(tmpdir(), 'topicbus-nats-'));
	}

	static async start(): Promise<PrivateNatsServer> {
		const server = new PrivateNatsServer(await freePort());
		await server.restart();
		return server;
	}

	get url(): string {
		return `nats://127.0.0.1:${this.port}`;
	}

	async restart(): Promise<void> {
		this.#process = spawn(natsServerBinary, ['-a', '127.0.0.1', '-p', String(this.port), '-js', '-sd', this.storeDir], {stdio: 'ignore'});
		await waitForPort(this.port, true);
	}

	/** SIGKILL: no shutdown, as in a crash. */
	async kill(): Promise<void> {
		const child = this.#process;
		this.#process = undefined;
		if (child === undefined || child.exitCode !== null) return;
		const exited = new Promise(resolve => child.once('exit', resolve));
		child.kill('SIGKILL');
		await exited;
		await waitForPort(this.port, false);
	}

	async stop(): Promise<void> {
		await this.kill();
		rmSync(this.storeDir, {recursive: true, force: true});
	}
}
