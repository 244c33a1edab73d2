// A stand-in for the collector that implements only the dashboard contract (issue #15's brief), in memory, on a
// real HTTP server and a real WebSocket. The browser tests use the real collector when `src/collector` provides
// `createCollector`; this keeps the page testable while that is being built.

import {randomUUID} from 'node:crypto';
import {readFile} from 'node:fs/promises';
import {createServer, type IncomingMessage, type ServerResponse} from 'node:http';
import type {AddressInfo} from 'node:net';
import {extname, resolve, sep} from 'node:path';
import {WebSocketServer, type WebSocket} from 'ws';

export type StubEvent = {
	event_id: string;
	timestamp: string;
	source_system: string;
	event_type: string;
	severity: string;
	correlation_id: string | null;
	causation_id: string | null;
	data: unknown;
	tags: string[];
	metadata: Record<string, unknown>;
	received_at: string;
};

export type ContractCollector = {
	url: string;
	close(): Promise<void>;
};

const SEVERITIES = ['debug', 'info', 'warning', 'error', 'critical'];
const TYPES: Record<string, string> = {'.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.svg': 'image/svg+xml'};
const HOUR_MS = 3_600_000;

export async function startContractCollector(options: {dashboardDir: string; apiKey?: string}): Promise<ContractCollector> {
	const events: StubEvent[] = [];
	const clients = new Map<WebSocket, URLSearchParams>();
	let ingested = 0;
	let rejected = 0;

	const isAuthorized = (request: IncomingMessage, url: URL): 200 | 401 | 403 => {
		if (!options.apiKey) {
			return 200;
		}

		const bearer = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
		const key = (request.headers['x-api-key'] as string | undefined) ?? bearer ?? url.searchParams.get('api_key') ?? undefined;
		return key === undefined ? 401 : key === options.apiKey ? 200 : 403;
	};

	const server = createServer((request, response) => {
		handle(request, response).catch((error: unknown) => {
			send(response, 500, {error: String(error)});
		});
	});

	async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
		const url = new URL(request.url ?? '/', 'http://localhost');
		if (request.method === 'GET' && (url.pathname === '/' || url.pathname.startsWith('/dashboard/'))) {
			await serveFile(response, url.pathname === '/' ? 'index.html' : url.pathname.slice('/dashboard/'.length));
			return;
		}

		const status = isAuthorized(request, url);
		if (status !== 200) {
			send(response, status, {error: status === 401 ? 'missing API key' : 'invalid API key'});
			return;
		}

		if (request.method === 'POST' && (url.pathname === '/events' || url.pathname === '/events/batch')) {
			const body = JSON.parse(await readBody(request)) as unknown;
			const items = Array.isArray(body) ? body : [body];
			if (items.some(item => typeof item?.source_system !== 'string' || typeof item?.event_type !== 'string')) {
				rejected += items.length;
				send(response, 400, {error: 'source_system and event_type are required'});
				return;
			}

			const stored = items.map(item => ingest(item as Record<string, unknown>));
			send(response, 201, {collected: stored.length, failed: 0, event_ids: stored.map(event => event.event_id)});
			return;
		}

		if (request.method !== 'GET') {
			send(response, 404, {error: 'not found'});
			return;
		}

		const correlation = /^\/events\/correlation\/(.+)$/.exec(url.pathname);
		if (correlation) {
			const id = decodeURIComponent(correlation[1]!);
			const chain = events.filter(event => event.correlation_id === id).sort(byTime);
			send(response, 200, {correlation_id: id, events: chain, count: chain.length, tree: treeOf(chain)});
		} else if (url.pathname === '/events') {
			const matching = events.filter(event => matches(event, url.searchParams)).sort(byTime);
			if (url.searchParams.get('sort') !== 'asc') {
				matching.reverse();
			}

			const limit = Number(url.searchParams.get('limit') ?? 100);
			const offset = Number(url.searchParams.get('cursor') ?? 0);
			const page = matching.slice(offset, offset + limit);
			const next = offset + limit < matching.length ? String(offset + limit) : null;
			send(response, 200, {events: page, count: page.length, next_cursor: next, query: Object.fromEntries(url.searchParams)});
		} else if (url.pathname === '/events/stats') {
			send(response, 200, stats(inRange(url.searchParams)));
		} else if (url.pathname.startsWith('/events/')) {
			const event = events.find(candidate => candidate.event_id === decodeURIComponent(url.pathname.slice('/events/'.length)));
			send(response, event ? 200 : 404, event ?? {error: 'not found'});
		} else if (url.pathname === '/analysis/errors') {
			const errors = inRange(url.searchParams).filter(event => event.severity === 'error' || event.severity === 'critical');
			send(response, 200, {total_errors: errors.length, by_source_system: countBy(errors, event => event.source_system), by_component: countBy(errors, event => String((event.data as {component?: unknown})?.component ?? event.event_type))});
		} else if (url.pathname === '/analysis/patterns') {
			send(response, 200, {hourly_distribution: flagAnomalies(stats(inRange(url.searchParams)).by_hour)});
		} else if (url.pathname === '/metrics') {
			response.writeHead(200, {'content-type': 'text/plain; version=0.0.4'});
			response.end(`# TYPE collector_events_ingested_total counter\ncollector_events_ingested_total ${ingested}\ncollector_events_duplicates_total 0\ncollector_events_rejected_total{reason="validation"} ${rejected}\ncollector_rate_limited_total 0\ncollector_ws_clients ${clients.size}\n`);
		} else {
			send(response, 404, {error: 'not found'});
		}
	}

	async function serveFile(response: ServerResponse, relative: string): Promise<void> {
		const root = resolve(options.dashboardDir);
		const path = resolve(root, relative);
		if (!path.startsWith(root + sep)) {
			send(response, 404, {error: 'not found'});
			return;
		}

		try {
			const body = await readFile(path);
			response.writeHead(200, {'content-type': TYPES[extname(path)] ?? 'application/octet-stream', 'content-security-policy': "default-src 'self'"});
			response.end(body);
		} catch {
			send(response, 404, {error: 'not found'});
		}
	}

	function ingest(input: Record<string, unknown>): StubEvent {
		const now = new Date().toISOString();
		const event: StubEvent = {
			event_id: typeof input.id === 'string' ? input.id : randomUUID(),
			timestamp: typeof input.timestamp === 'string' ? input.timestamp : now,
			source_system: String(input.source_system),
			event_type: String(input.event_type),
			severity: typeof input.severity === 'string' ? input.severity : 'info',
			correlation_id: typeof input.correlation_id === 'string' ? input.correlation_id : null,
			causation_id: typeof input.causation_id === 'string' ? input.causation_id : null,
			data: input.data ?? {},
			tags: Array.isArray(input.tags) ? input.tags.map(String) : [],
			metadata: (input.metadata as Record<string, unknown> | undefined) ?? {},
			received_at: now,
		};
		events.push(event);
		ingested++;
		const message = JSON.stringify({type: 'event', event});
		for (const [socket, filters] of clients) {
			if (matches(event, filters)) {
				socket.send(message);
			}
		}

		return event;
	}

	function inRange(params: URLSearchParams): StubEvent[] {
		const start = Date.parse(params.get('start_time') ?? '');
		const end = Date.parse(params.get('end_time') ?? '');
		return events.filter(event => {
			const time = Date.parse(event.timestamp);
			return !(time < start) && !(time > end);
		});
	}

	const wss = new WebSocketServer({noServer: true});
	server.on('upgrade', (request, socket, head) => {
		const url = new URL(request.url ?? '/', 'http://localhost');
		const status = isAuthorized(request, url);
		if (url.pathname !== '/events/stream' || status !== 200) {
			socket.end(`HTTP/1.1 ${url.pathname === '/events/stream' ? status : 404} Refused\r\nConnection: close\r\n\r\n`);
			return;
		}

		wss.handleUpgrade(request, socket, head, ws => {
			clients.set(ws, url.searchParams);
			ws.on('close', () => clients.delete(ws));
		});
	});

	await new Promise<void>(done => server.listen(0, '127.0.0.1', done));
	const {port} = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}/`,
		async close() {
			for (const socket of clients.keys()) {
				socket.terminate();
			}

			wss.close();
			server.closeAllConnections();
			await new Promise(done => server.close(done));
		},
	};
}

function send(response: ServerResponse, status: number, body: unknown): void {
	response.writeHead(status, {'content-type': 'application/json'});
	response.end(JSON.stringify(body));
}

async function readBody(request: IncomingMessage): Promise<string> {
	const chunks: Buffer[] = [];
	for await (const chunk of request) {
		chunks.push(chunk as Buffer);
	}

	return Buffer.concat(chunks).toString('utf8');
}

const byTime = (a: StubEvent, b: StubEvent): number => Date.parse(a.timestamp) - Date.parse(b.timestamp);

function matches(event: StubEvent, params: URLSearchParams): boolean {
	const source = params.get('source_system');
	const type = params.get('event_type');
	const severity = params.get('severity');
	const minimum = params.get('min_severity');
	const correlation = params.get('correlation_id');
	const text = params.get('q');
	return (!source || event.source_system === source)
		&& (!type || matchesPattern(type.split('.'), event.event_type.split('.')))
		&& (!severity || event.severity === severity)
		&& (!minimum || SEVERITIES.indexOf(event.severity) >= SEVERITIES.indexOf(minimum))
		&& (!correlation || event.correlation_id === correlation)
		&& (!text || text.toLowerCase().split(/\s+/).every(word => JSON.stringify(event.data).toLowerCase().includes(word)));
}

function matchesPattern(pattern: string[], topic: string[]): boolean {
	const [head, ...rest] = pattern;
	if (head === undefined) {
		return topic.length === 0;
	}

	if (head === '**') {
		return topic.some((_, index) => matchesPattern(rest, topic.slice(index))) || matchesPattern(rest, []);
	}

	return topic.length > 0 && (head === '*' || head === topic[0]) && matchesPattern(rest, topic.slice(1));
}

function countBy(events: StubEvent[], key: (event: StubEvent) => string): Record<string, number> {
	const counts: Record<string, number> = {};
	for (const event of events) {
		counts[key(event)] = (counts[key(event)] ?? 0) + 1;
	}

	return counts;
}

type HourBin = {hour: string; total: number; by_severity: Record<string, number>; by_source_system: Record<string, number>};

function stats(events: StubEvent[]) {
	const hours = new Map<number, StubEvent[]>();
	for (const event of events) {
		const hour = Math.floor(Date.parse(event.timestamp) / HOUR_MS) * HOUR_MS;
		hours.set(hour, [...(hours.get(hour) ?? []), event]);
	}

	const by_hour: HourBin[] = [...hours.entries()].sort((a, b) => a[0] - b[0]).map(([hour, list]) => ({
		hour: new Date(hour).toISOString(),
		total: list.length,
		by_severity: countBy(list, event => event.severity),
		by_source_system: countBy(list, event => event.source_system),
	}));
	return {
		total_events: events.length,
		by_source_system: countBy(events, event => event.source_system),
		by_event_type: countBy(events, event => event.event_type),
		by_severity: countBy(events, event => event.severity),
		time_range: {start: events[0]?.timestamp ?? null, end: events.at(-1)?.timestamp ?? null},
		by_hour,
	};
}

function flagAnomalies(bins: HourBin[]) {
	const median = (values: number[]): number => {
		const sorted = [...values].sort((a, b) => a - b);
		return sorted.length === 0 ? 0 : sorted[Math.floor(sorted.length / 2)]!;
	};

	const center = median(bins.map(bin => bin.total));
	const mad = median(bins.map(bin => Math.abs(bin.total - center)));
	return bins.map(bin => ({hour: bin.hour, count: bin.total, anomaly: bins.length >= 3 && bin.total > center + 3 * Math.max(mad, 1)}));
}

function treeOf(chain: StubEvent[]) {
	type Node = {event: StubEvent; children: Node[]};
	const nodes = new Map(chain.map(event => [event.event_id, {event, children: []} as Node]));
	const roots: Node[] = [];
	for (const node of nodes.values()) {
		const parent = node.event.causation_id ? nodes.get(node.event.causation_id) : undefined;
		(parent ? parent.children : roots).push(node);
	}

	return roots;
}
