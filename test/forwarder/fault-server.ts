/**
 * A real HTTP server on 127.0.0.1 (ephemeral port) that answers each request according to a script of faults:
 * statuses (with `Retry-After`), hangs, connection resets, slow bodies. Requests past the script get `fallback`.
 * It records every request, and every event it acknowledged (by id), to count duplicates.
 */
import {createServer, type IncomingMessage, type Server, type ServerResponse} from 'node:http';
import type {AddressInfo, Socket} from 'node:net';

export type Fault =
	| {readonly status: number; readonly retryAfter?: string; readonly body?: string}
	| {readonly hang: true}
	| {readonly reset: true}
	/** Headers and part of a 200 body at once, the rest after `ms` (past the client's timeout, if that is shorter). */
	| {readonly slowBodyMs: number};

export interface ReceivedRequest {
	readonly url: string;
	readonly headers: IncomingMessage['headers'];
	readonly body: string;
	/** What this request was answered with. */
	readonly fault: Fault;
}

export class FaultServer {
	readonly requests: ReceivedRequest[] = [];
	/** Ids of events in requests answered 2xx, in order (with duplicates). */
	readonly acknowledgedIds: string[] = [];
	fallback: Fault = {status: 200};
	readonly #script: Fault[] = [];
	readonly #server: Server;
	readonly #sockets = new Set<Socket>();
	readonly #timers = new Set<ReturnType<typeof setTimeout>>();
	readonly #waiters: Array<{count: number; resolve: () => void}> = [];
	#url = '';

	private constructor() {
		this.#server = createServer((request, response) => this.#handle(request, response));
		this.#server.on('connection', socket => {
			this.#sockets.add(socket);
			socket.on('close', () => this.#sockets.delete(socket));
		});
	}

	static async start(port = 0): Promise<FaultServer> {
		const server = new FaultServer();
		await new Promise<void>(resolve => server.#server.listen(port, '127.0.0.1', resolve));
		const {port: bound} = server.#server.address() as AddressInfo;
		server.#url = `http://127.0.0.1:${bound}`;
		return server;
	}

	get url(): string {
		return this.#url;
	}

	/** Answers the next requests with these faults, in order. */
	script(...faults: Fault[]): this {
		this.#script.push(...faults);
		return this;
	}

	/** Events acknowledged, parsed (collector format or CloudEvents), in order, duplicates included. */
	get acknowledged(): Array<Record<string, unknown>> {
		return this.requests.filter(request => 'status' in request.fault && request.fault.status < 300).flatMap(request => {
			const parsed = JSON.parse(request.body) as Record<string, unknown> | Array<Record<string, unknown>>;
			return Array.isArray(parsed) ? parsed : [parsed];
		});
	}

	/** Resolves once `count` requests have arrived in total. */
	waitForRequests(count: number): Promise<void> {
		if (this.requests.length >= count) return Promise.resolve();
		return new Promise(resolve => this.#waiters.push({count, resolve}));
	}

	/** Resolves once `count` distinct event ids have been acknowledged. */
	async waitForAcknowledged(count: number): Promise<void> {
		while (new Set(this.acknowledgedIds).size < count) await this.waitForRequests(this.requests.length + 1);
	}

	async close(): Promise<void> {
		for (const timer of this.#timers) clearTimeout(timer);
		for (const socket of this.#sockets) socket.destroy();
		await new Promise<void>(resolve => this.#server.close(() => resolve()));
	}

	#handle(request: IncomingMessage, response: ServerResponse): void {
		const chunks: Buffer[] = [];
		request.on('data', (chunk: Buffer) => chunks.push(chunk));
		request.on('end', () => {
			const fault = this.#script.shift() ?? this.fallback;
			const body = Buffer.concat(chunks).toString('utf8');
			if ('status' in fault && fault.status < 300) {
				this.acknowledgedIds.push(...eventIds(body, request.headers['webhook-id']));
			}
			this.requests.push({url: request.url ?? '', headers: request.headers, body, fault});
			this.#answer(fault, response);
			for (const waiter of [...this.#waiters]) {
				if (this.requests.length >= waiter.count) {
					this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
					waiter.resolve();
				}
			}
		});
	}

	#answer(fault: Fault, response: ServerResponse): void {
		if ('hang' in fault) return;
		if ('reset' in fault) {
			response.socket?.destroy();
			return;
		}
		if ('slowBodyMs' in fault) {
			response.writeHead(200, {'content-type': 'application/json'});
			response.write('{"collected":');
			const timer = setTimeout(() => {
				this.#timers.delete(timer);
				response.end('0}');
			}, fault.slowBodyMs);
			this.#timers.add(timer);
			return;
		}
		const headers: Record<string, string> = {'content-type': 'text/plain'};
		if (fault.retryAfter !== undefined) headers['retry-after'] = fault.retryAfter;
		response.writeHead(fault.status, headers);
		response.end(fault.body ?? (fault.status < 300 ? '{"status":"batch_completed"}' : `status ${fault.status}`));
	}
}

/** The event ids in a body: a JSON array of events, or one webhook message (identified by its `webhook-id`). */
function eventIds(body: string, webhookId: string | string[] | undefined): string[] {
	try {
		const parsed = JSON.parse(body) as unknown;
		if (Array.isArray(parsed)) return parsed.map(event => String((event as {id?: unknown}).id));
	} catch {
		return [];
	}
	return typeof webhookId === 'string' ? [webhookId] : [];
}
