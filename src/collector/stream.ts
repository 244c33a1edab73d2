/**
 * The live stream, `/events/stream`, and the one module that imports ws. Each client chooses filters with the
 * query parameters of `GET /events`; each stored event it matches is sent as `{"type":"event","event":{...}}`.
 *
 * Memory stays bounded: a client's send queue is the socket's buffered bytes, and a client whose queue exceeds
 * `maxBufferedBytes` is closed with code 1013 ("try again later", reason `slow consumer`) and counted; it is
 * terminated if it has not closed within `closeTimeoutMs`.
 */
import type {IncomingMessage, Server} from 'node:http';
import type {Duplex} from 'node:stream';
import {WebSocketServer, WebSocket} from 'ws';
import {compileFilter, parseFilter} from './query.js';
import type {EventRecord} from './types.js';
import {toCollectedEvent} from './wire-format.js';

/** The close code sent to a client that cannot keep up. */
export const slowConsumerCloseCode = 1013;
/** The close code sent to every client when the collector shuts down. */
export const goingAwayCloseCode = 1001;

/** Options of {@link EventStream}. */
export interface EventStreamOptions {
	/**
	 * The most bytes waiting to be sent to one client before it is closed as a slow consumer.
	 * @default 1048576
	 */
	readonly maxBufferedBytes?: number;
	/**
	 * The most clients at once; more are refused with 503.
	 * @default 1000
	 */
	readonly maxClients?: number;
	/** @default 5000 */
	readonly closeTimeoutMs?: number;
}

/** Decides whether an upgrade request may connect: `undefined` when it may, else the HTTP status to refuse with. */
export type UpgradeAuthorizer = (request: IncomingMessage, url: URL) => 401 | undefined;

interface Client {
	readonly socket: WebSocket;
	readonly matches: (record: EventRecord) => boolean;
}

const statusText: Readonly<Record<number, string>> = {400: 'Bad Request', 401: 'Unauthorized', 404: 'Not Found', 503: 'Service Unavailable'};

function refuse(socket: Duplex, status: number, message: string): void {
	const body = JSON.stringify({error: statusText[status], message});
	socket.end(`HTTP/1.1 ${status} ${statusText[status]}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
}

/** Fans stored events out to WebSocket clients. */
export class EventStream {
	readonly #wss = new WebSocketServer({noServer: true, maxPayload: 4096});
	readonly #clients = new Set<Client>();
	readonly #maxBufferedBytes: number;
	readonly #maxClients: number;
	readonly #closeTimeoutMs: number;
	readonly #authorize: UpgradeAuthorizer;
	readonly #onSlowClient: () => void;
	readonly #onSent: (count: number) => void;
	#closed = false;

	constructor(options: EventStreamOptions & {authorize: UpgradeAuthorizer; onSlowClient: () => void; onSent: (count: number) => void}) {
		this.#maxBufferedBytes = options.maxBufferedBytes ?? 1_048_576;
		this.#maxClients = options.maxClients ?? 1000;
		this.#closeTimeoutMs = options.closeTimeoutMs ?? 5000;
		this.#authorize = options.authorize;
		this.#onSlowClient = options.onSlowClient;
		this.#onSent = options.onSent;
	}

	get clientCount(): number {
		return this.#clients.size;
	}

	/** Handles the HTTP server's upgrade requests. */
	attach(server: Server): void {
		server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => this.#upgrade(request, socket, head));
	}

	#upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
		socket.on('error', () => socket.destroy());
		const url = new URL(request.url ?? '/', 'http://collector.invalid');
		if (url.pathname !== '/events/stream') return refuse(socket, 404, 'The only WebSocket endpoint is /events/stream');
		if (this.#closed || this.#clients.size >= this.#maxClients) return refuse(socket, 503, 'Too many stream clients');
		if (this.#authorize(request, url) === 401) return refuse(socket, 401, 'An API key is required (x-api-key, Authorization: Bearer, or ?api_key=)');
		let matches: (record: EventRecord) => boolean;
		try {
			matches = compileFilter(parseFilter(Object.fromEntries(url.searchParams)));
		} catch (error) {
			return refuse(socket, 400, error instanceof Error ? error.message : String(error));
		}
		this.#wss.handleUpgrade(request, socket, head, ws => {
			const client: Client = {socket: ws, matches};
			this.#clients.add(client);
			ws.on('close', () => this.#clients.delete(client));
			ws.on('error', () => this.#clients.delete(client));
		});
	}

	/** Sends newly stored records to every client whose filter matches them. */
	publish(records: readonly EventRecord[]): void {
		if (this.#clients.size === 0) return;
		let sent = 0;
		for (const record of records) {
			let message: string | undefined;
			for (const client of this.#clients) {
				if (client.socket.readyState !== WebSocket.OPEN || !client.matches(record)) continue;
				if (client.socket.bufferedAmount > this.#maxBufferedBytes) {
					this.#dropSlow(client);
					continue;
				}
				message ??= JSON.stringify({type: 'event', event: toCollectedEvent(record)});
				client.socket.send(message);
				sent++;
			}
		}
		if (sent > 0) this.#onSent(sent);
	}

	#dropSlow(client: Client): void {
		this.#clients.delete(client);
		this.#onSlowClient();
		client.socket.close(slowConsumerCloseCode, 'slow consumer');
		setTimeout(() => client.socket.terminate(), this.#closeTimeoutMs).unref();
	}

	/** Closes every client with 1001 and refuses new ones. */
	async close(): Promise<void> {
		this.#closed = true;
		for (const client of this.#clients) {
			client.socket.close(goingAwayCloseCode, 'collector shutting down');
			setTimeout(() => client.socket.terminate(), this.#closeTimeoutMs).unref();
		}
		this.#clients.clear();
		await new Promise<void>(resolve => this.#wss.close(() => resolve()));
	}
}
