import {afterEach, describe, expect, it} from 'vitest';
import WebSocket from 'ws';
import {goingAwayCloseCode, slowConsumerCloseCode} from '../../src/collector/index.js';
import {startCollector, type TestCollector} from './helpers.js';

const event = (overrides: Record<string, unknown> = {}) => ({source_system: 'orders', event_type: 'order.created', ...overrides});

let api: TestCollector | undefined;
const sockets: WebSocket[] = [];
afterEach(async () => {
	for (const socket of sockets.splice(0)) socket.terminate();
	await api?.close();
	api = undefined;
});

function connect(path: string, headers: Record<string, string> = {}): Promise<WebSocket> {
	const socket = new WebSocket(api!.url.replace('http', 'ws') + path, {headers});
	sockets.push(socket);
	return new Promise((resolve, reject) => {
		socket.once('open', () => resolve(socket));
		socket.once('unexpected-response', (_request, response) => reject(new Error(`HTTP ${response.statusCode}`)));
		socket.once('error', reject);
	});
}

/** Collects the next `count` messages. */
function messages(socket: WebSocket, count: number): Promise<any[]> {
	const received: any[] = [];
	return new Promise(resolve => {
		const onMessage = (data: WebSocket.RawData) => {
			received.push(JSON.parse(data.toString()));
			if (received.length === count) {
				socket.off('message', onMessage);
				resolve(received);
			}
		};
		socket.on('message', onMessage);
	});
}

describe('/events/stream', () => {
	it('sends each newly stored event matching the filters as {type: event, event}', async () => {
		api = await startCollector({memory: true});
		const socket = await connect('/events/stream?min_severity=error&event_type=order.**');
		const next = messages(socket, 2);
		await api.post('/events/batch', [
			event({id: '1', severity: 'info'}),
			event({id: '2', severity: 'error'}),
			event({id: '3', severity: 'critical', event_type: 'payment.failed'}),
			event({id: '4', severity: 'critical', event_type: 'order.eu.failed'}),
		]);
		const received = await next;
		expect(received.map(message => [message.type, message.event.event_id])).toEqual([
			['event', '2'],
			['event', '4'],
		]);
		expect(received[0].event).toMatchObject({source_system: 'orders', event_type: 'order.created', severity: 'error', data: {}, tags: [], metadata: {}});
	});

	it('does not send duplicates again', async () => {
		api = await startCollector({memory: true});
		const socket = await connect('/events/stream');
		const next = messages(socket, 2);
		await api.post('/events', event({id: 'a'}));
		await api.post('/events', event({id: 'a'}));
		await api.post('/events', event({id: 'b'}));
		expect((await next).map(message => message.event.event_id)).toEqual(['a', 'b']);
	});

	it('is counted in /health and /metrics', async () => {
		api = await startCollector({memory: true});
		await connect('/events/stream');
		expect((await api.get('/health')).body.collector.active_websockets).toBe(1);
		expect((await api.get('/metrics')).body).toContain('topicbus_collector_ws_clients 1\n');
	});

	it('authenticates like the API: 401 without a key; x-api-key or ?api_key accepted', async () => {
		api = await startCollector({memory: true, apiKeys: ['stream-key-01']});
		await expect(connect('/events/stream')).rejects.toThrow('HTTP 401');
		await expect(connect('/events/stream?api_key=wrong-key-000')).rejects.toThrow('HTTP 401');
		await expect(connect('/events/stream?api_key=stream-key-01')).resolves.toBeInstanceOf(WebSocket);
		await expect(connect('/events/stream', {'x-api-key': 'stream-key-01'})).resolves.toBeInstanceOf(WebSocket);
	});

	it('refuses a bad filter with 400 and another path with 404', async () => {
		api = await startCollector({memory: true});
		await expect(connect('/events/stream?severity=loud')).rejects.toThrow('HTTP 400');
		await expect(connect('/elsewhere')).rejects.toThrow('HTTP 404');
	});

	it('refuses clients beyond maxClients with 503', async () => {
		api = await startCollector({memory: true, stream: {maxClients: 1}});
		await connect('/events/stream');
		await expect(connect('/events/stream')).rejects.toThrow('HTTP 503');
	});

	it('closes a client that cannot keep up with 1013 and counts it, without holding the others back', async () => {
		api = await startCollector({memory: true, bodyLimit: 8_000_000, rateLimit: false, stream: {maxBufferedBytes: 64_000}});
		const slow = await connect('/events/stream');
		const fast = await connect('/events/stream');
		const closed = new Promise<number>(resolve => slow.once('close', code => resolve(code)));
		// The slow client stops reading: the kernel buffers fill, then the server's send queue grows.
		(slow as unknown as {_socket: {pause(): void; resume(): void}})._socket.pause();
		let fastCount = 0;
		fast.on('message', () => fastCount++);
		const blob = 'x'.repeat(60_000);
		let posted = 0;
		for (let round = 0; round < 60 && !(await api.get('/metrics')).body.includes('slow_clients_closed_total 1'); round++) {
			await api.post('/events/batch', Array.from({length: 20}, () => event({data: {blob}})));
			posted += 20;
		}
		expect((await api.get('/metrics')).body).toContain('topicbus_collector_stream_slow_clients_closed_total 1\n');
		expect((await api.get('/health')).body.collector.active_websockets).toBe(1);
		(slow as unknown as {_socket: {resume(): void}})._socket.resume();
		expect(await closed).toBe(slowConsumerCloseCode);
		await expect.poll(() => fastCount, {timeout: 15_000}).toBe(posted);
	});

	it('closes clients with 1001 when the collector closes', async () => {
		api = await startCollector({memory: true});
		const socket = await connect('/events/stream');
		const closed = new Promise<number>(resolve => socket.once('close', code => resolve(code)));
		await api.close();
		expect(await closed).toBe(goingAwayCloseCode);
	});
});
