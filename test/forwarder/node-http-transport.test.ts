/** The faults of forwarder-http.test.ts, through `nodeHttpTransport` instead of `fetch`. */
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {EventBus} from '../../src/index.js';
import {Forwarder, nodeHttpTransport, type ForwarderOptions} from '../../src/forwarder/index.js';
import {FaultServer} from './fault-server.js';
import {fast, recorder, until} from './helpers.js';

let server: FaultServer;
let bus: EventBus;

beforeEach(async () => {
	server = await FaultServer.start();
	bus = new EventBus({source: 'billing'});
});

afterEach(async () => {
	await bus.close();
	await server.close();
});

function forwarder(options: Partial<ForwarderOptions> = {}): Forwarder {
	return new Forwarder({url: `${server.url}/events/batch`, transport: nodeHttpTransport, ...fast, ...options});
}

describe('nodeHttpTransport', () => {
	it('posts the batch with its headers and reuses the connection', async () => {
		const instance = forwarder({apiKey: 'k-1'});
		bus.use(instance);
		const event = await bus.publish('order.created', {id: 'o-1'});
		await until(() => instance.metrics().sent === 1, 'the first event sent');
		await bus.publish('order.paid', {id: 'o-1'});
		await until(() => instance.metrics().sent === 2, 'the second event sent');
		expect(server.requests[0]!.headers).toMatchObject({'x-api-key': 'k-1', 'content-type': 'application/json', connection: 'keep-alive'});
		expect(JSON.parse(server.requests[0]!.body)).toMatchObject([{id: event.id, event_type: 'order.created'}]);
	});

	it.each([500, 503, 408])('retries a %i', async status => {
		server.script({status});
		const instance = forwarder();
		bus.use(instance);
		await bus.publish('a', {});
		await until(() => instance.metrics().sent === 1, 'the event sent');
		expect(instance.metrics().retries).toBe(1);
	});

	it('reports the Retry-After of a 429', async () => {
		server.script({status: 429, retryAfter: '0'});
		const {notices, onDiagnostic} = recorder();
		const instance = forwarder({onDiagnostic});
		bus.use(instance);
		await bus.publish('a', {});
		await until(() => instance.metrics().sent === 1, 'the event sent');
		expect(notices.find(notice => notice.type === 'retry')).toMatchObject({error: {status: 429, retryAfterMs: 0}});
	});

	it('dead-letters a 400 with the body as reason', async () => {
		server.script({status: 400, body: 'missing source_system'});
		const {letters, onDeadLetter} = recorder();
		bus.use(forwarder({onDeadLetter}));
		await bus.publish('a', {});
		await until(() => letters.length === 1, 'the dead letter');
		expect(letters[0]!.error).toMatchObject({code: 'ERR_FORWARDER_REJECTED', status: 400, reason: 'missing source_system'});
	});

	it.each([
		['a hang', {hang: true} as const, 'timeout'],
		['a slow body', {slowBodyMs: 5000} as const, 'timeout'],
		['a connection reset', {reset: true} as const, 'network'],
	])('retries after %s', async (_name, fault, kind) => {
		server.script(fault);
		const {notices, onDiagnostic} = recorder();
		const instance = forwarder({timeoutMs: 100, onDiagnostic});
		bus.use(instance);
		await bus.publish('a', {});
		await until(() => instance.metrics().sent === 1, 'the event sent');
		expect(notices.find(notice => notice.type === 'retry')).toMatchObject({error: {kind}});
	});

	it('retries while nothing listens, then delivers', async () => {
		const port = Number(new URL(server.url).port);
		await server.close();
		const instance = forwarder();
		bus.use(instance);
		await bus.publish('a', {});
		await until(() => instance.metrics().retries >= 2, 'two retries');
		server = await FaultServer.start(port);
		await until(() => instance.metrics().sent === 1, 'the event sent');
	});
});
