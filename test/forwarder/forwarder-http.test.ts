import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {HTTP, type CloudEvent} from 'cloudevents';
import {Webhook} from 'standardwebhooks';
import {EventBus, MetricsConsumer, track, tracked} from '../../src/index.js';
import {Forwarder} from '../../src/forwarder/index.js';
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

function forwarder(options: Partial<ConstructorParameters<typeof Forwarder>[0]> = {}): Forwarder {
	return new Forwarder({url: `${server.url}/events/batch`, ...fast, ...options});
}

describe('Forwarder over HTTP', () => {
	it('posts events to /events/batch in the collector format with the api key', async () => {
		bus.use(forwarder({apiKey: 'k-1'}));
		const event = await bus.publish('order.created', {id: 'o-1'}, {metadata: {tags: ['prod']}});
		await server.waitForAcknowledged(1);
		const request = server.requests[0]!;
		expect(request.url).toBe('/events/batch');
		expect(request.headers['x-api-key']).toBe('k-1');
		expect(request.headers['content-type']).toBe('application/json');
		expect(JSON.parse(request.body)).toEqual([
			{
				id: event.id,
				source_system: 'billing',
				event_type: 'order.created',
				severity: 'info',
				timestamp: new Date(event.timestamp).toISOString(),
				correlation_id: event.correlationId,
				causation_id: null,
				data: {id: 'o-1'},
				tags: ['prod'],
				metadata: {tags: ['prod']},
				priority: 0,
			},
		]);
	});

	it('derives severity from the topic and lets an option override it', async () => {
		bus.use(forwarder({severity: event => (event.topic === 'job.slow' ? 'warning' : 'info')}));
		bus.use(forwarder({name: 'second', topics: 'job.failed'}));
		await bus.publish('job.slow', {});
		await bus.publish('job.failed', {});
		await until(() => server.acknowledged.length === 3, 'three acknowledged events');
		const severities = server.acknowledged.map(event => `${String(event['event_type'])}:${String(event['severity'])}`);
		expect(severities).toEqual(expect.arrayContaining(['job.slow:warning', 'job.failed:info', 'job.failed:error']));
	});

	it('sends a CloudEvents batch that the cloudevents package parses and validates', async () => {
		bus.use(forwarder({format: 'cloudevents'}));
		const first = await bus.publish('order.created', {id: 'o-1'});
		await bus.publish('order.paid', {id: 'o-1'}, {correlationId: first.correlationId, causationId: first.id});
		await server.waitForAcknowledged(2);
		const request = server.requests[0]!;
		expect(request.headers['content-type']).toBe('application/cloudevents-batch+json');
		const events = server.requests.flatMap(({headers, body}) => {
			const parsed = HTTP.toEvent({headers: headers as Record<string, string>, body}) as CloudEvent<unknown> | Array<CloudEvent<unknown>>;
			return Array.isArray(parsed) ? parsed : [parsed];
		});
		expect(events).toHaveLength(2);
		for (const event of events) expect(event.validate()).toBe(true);
		expect(events[1]).toMatchObject({type: 'order.paid', source: 'billing', correlationid: first.correlationId, causationid: first.id, data: {id: 'o-1'}});
	});

	it('signs requests with Standard Webhooks headers that the standardwebhooks package verifies', async () => {
		const secret = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
		bus.use(forwarder({secret}));
		await bus.publish('order.created', {id: 'o-1'});
		await server.waitForAcknowledged(1);
		const {headers, body} = server.requests[0]!;
		expect(new Webhook(secret).verify(body, headers as Record<string, string>)).toEqual(JSON.parse(body));
	});

	it('splits a burst into requests of at most batch.maxEvents events', async () => {
		bus.use(forwarder({batch: {maxEvents: 10, lingerMs: 0}}));
		for (let index = 0; index < 35; index++) bus.publishSync('tick', {index});
		await server.waitForAcknowledged(35);
		expect(server.requests.every(request => (JSON.parse(request.body) as unknown[]).length <= 10)).toBe(true);
		expect(server.acknowledged.map(event => (event['data'] as {index: number}).index)).toEqual([...Array.from({length: 35}).keys()]);
	});

	it('never sends a request body above batch.maxBytes', async () => {
		bus.use(forwarder({batch: {maxBytes: 2000, lingerMs: 0}}));
		for (let index = 0; index < 40; index++) bus.publishSync('tick', {index, text: 'x'.repeat(100)});
		await server.waitForAcknowledged(40);
		expect(server.requests.length).toBeGreaterThan(1);
		for (const request of server.requests) expect(Buffer.byteLength(request.body)).toBeLessThanOrEqual(2000);
	});

	it('dead-letters an event larger than a request may be, and sends the others', async () => {
		const {letters, onDeadLetter} = recorder();
		const instance = forwarder({batch: {maxBytes: 1000, lingerMs: 0}, onDeadLetter});
		bus.use(instance);
		const big = await bus.publish('blob', {text: 'x'.repeat(2000)});
		await bus.publish('small', {});
		await until(() => instance.metrics().sent === 1, 'the small event sent');
		expect(letters).toMatchObject([{event: {id: big.id}, reason: 'handler-failed', error: {code: 'ERR_FORWARDER_EVENT_TOO_LARGE', bytes: expect.any(Number), limit: 1000}}]);
		expect(instance.metrics()).toMatchObject({sent: 1, failed: 1});
	});

	it('retries after a 500 and delivers each event once', async () => {
		server.script({status: 500}, {status: 503});
		const instance = forwarder();
		bus.use(instance);
		await bus.publish('order.created', {});
		await until(() => instance.metrics().sent === 1, 'the event sent');
		expect(server.requests).toHaveLength(3);
		expect(instance.metrics()).toMatchObject({sent: 1, retries: 2, requests: 3, failed: 0});
	});

	it('keeps the webhook-id of a signed batch across its retries', async () => {
		const secret = `whsec_${Buffer.alloc(24, 1).toString('base64')}`;
		server.script({status: 502});
		bus.use(forwarder({secret}));
		await bus.publish('a', {});
		await bus.publish('b', {});
		await server.waitForAcknowledged(2);
		const [first, second] = server.requests;
		expect(first!.headers['webhook-id']).toBe(second!.headers['webhook-id']);
		expect(first!.body).toBe(second!.body);
	});

	it('retries a 429 and reports the Retry-After it was given', async () => {
		server.script({status: 429, retryAfter: '0'});
		const {notices, onDiagnostic} = recorder();
		bus.use(forwarder({onDiagnostic}));
		await bus.publish('a', {});
		await server.waitForAcknowledged(1);
		expect(notices.find(notice => notice.type === 'retry')).toMatchObject({error: {status: 429, retryAfterMs: 0, kind: 'status'}});
	});

	it.each([400, 401, 413, 422, 501])('dead-letters a batch answered %i with the response body as reason, without retrying', async status => {
		server.script({status, body: `no: ${status}`});
		const {letters, onDeadLetter} = recorder();
		const instance = forwarder({onDeadLetter});
		bus.use(instance);
		const event = await bus.publish('order.created', {});
		await until(() => letters.length === 1, 'the dead letter');
		expect(letters[0]).toMatchObject({event: {id: event.id, topic: 'order.created'}, reason: 'handler-failed', subscription: {name: 'forwarder'}, attempts: 1});
		expect(letters[0]!.error).toMatchObject({code: 'ERR_FORWARDER_REJECTED', status, reason: `no: ${status}`});
		expect(server.requests).toHaveLength(1);
		expect(instance.health().lastError).toMatchObject({code: 'ERR_FORWARDER_REJECTED'});
	});

	it.each([408, 500, 502, 503, 504])('retries a batch answered %i', async status => {
		server.script({status});
		bus.use(forwarder());
		await bus.publish('a', {});
		await server.waitForAcknowledged(1);
		expect(server.requests.map(request => ('status' in request.fault ? request.fault.status : 0))).toEqual([status, 200]);
	});

	it('retries a request that hangs past timeoutMs', async () => {
		server.script({hang: true});
		const {notices, onDiagnostic} = recorder();
		bus.use(forwarder({timeoutMs: 50, onDiagnostic}));
		await bus.publish('a', {});
		await server.waitForAcknowledged(1);
		expect(notices.find(notice => notice.type === 'retry')).toMatchObject({error: {code: 'ERR_FORWARDER_REQUEST_FAILED', kind: 'timeout'}});
	});

	it('retries after the connection is reset', async () => {
		server.script({reset: true});
		const {notices, onDiagnostic} = recorder();
		bus.use(forwarder({onDiagnostic}));
		await bus.publish('a', {});
		await server.waitForAcknowledged(1);
		expect(notices.find(notice => notice.type === 'retry')).toMatchObject({error: {kind: 'network'}});
	});

	it('retries when a 200 body is slower than timeoutMs', async () => {
		server.script({slowBodyMs: 5000});
		const {notices, onDiagnostic} = recorder();
		bus.use(forwarder({timeoutMs: 100, onDiagnostic}));
		await bus.publish('a', {});
		await until(() => server.requests.length === 2, 'the retry');
		expect(notices.find(notice => notice.type === 'retry')).toMatchObject({error: {kind: 'timeout'}});
	});

	it('retries while the collector is not listening, then delivers once it is', async () => {
		const port = Number(new URL(server.url).port);
		await server.close();
		const instance = forwarder();
		bus.use(instance);
		await bus.publish('a', {});
		await until(() => instance.metrics().retries >= 2, 'two retries');
		expect(instance.health().lastError).toMatchObject({code: 'ERR_FORWARDER_REQUEST_FAILED'});
		server = await FaultServer.start(port);
		await until(() => instance.metrics().sent === 1, 'the event sent');
		expect(instance.health()).toMatchObject({status: 'ok', buffer: {events: 0}});
	});

	it('forwards tracked() events with their correlation and causation ids intact', async () => {
		bus.use(forwarder());
		const charge = tracked(bus, 'payment.charge', async (amount: number) => amount * 2);
		await charge(21);
		await server.waitForAcknowledged(2);
		const [started, succeeded] = server.acknowledged;
		expect(started).toMatchObject({event_type: 'payment.charge.started'});
		expect(succeeded).toMatchObject({event_type: 'payment.charge.succeeded', correlation_id: started!['correlation_id'], causation_id: started!['id']});
	});

	it('forwards @track events (failed included) with their correlation ids intact', async () => {
		bus.use(forwarder());
		const context = {kind: 'method', name: 'refund', static: false, private: false, metadata: {}, access: {has: () => true, get: () => undefined}, addInitializer() {}};
		// Vitest's transform cannot run decorator syntax: the decorator is applied as the runtime applies it.
		const refund = track(bus, 'payment.refund')(async function (this: unknown, amount: number): Promise<number> {
			throw new Error(`cannot refund ${amount}`);
		}, context as never) as (amount: number) => Promise<number>;
		await expect(refund(5)).rejects.toThrow('cannot refund 5');
		await server.waitForAcknowledged(2);
		const [started, failed] = server.acknowledged;
		expect(started).toMatchObject({event_type: 'payment.refund.started', severity: 'info'});
		expect(failed).toMatchObject({event_type: 'payment.refund.failed', severity: 'error', correlation_id: started!['correlation_id'], causation_id: started!['id']});
		expect((failed!['data'] as {error: {message: string}}).error.message).toBe('cannot refund 5');
	});

	it('resends a batch whose answer timed out with the same ids, so a store deduplicating by (source, id) keeps each once', async () => {
		server.script({slowBodyMs: 5000});
		const instance = forwarder({timeoutMs: 100});
		bus.use(instance);
		const published = [await bus.publish('a', {}), await bus.publish('b', {}), await bus.publish('c', {})];
		await until(() => instance.metrics().sent === 3, 'the events sent');
		// The server read both requests in full: a collector would have stored the first before its answer stalled.
		const received = server.requests.flatMap(request => (JSON.parse(request.body) as Array<{id: string; source_system: string}>).map(event => `${event.source_system}/${event.id}`));
		expect(received.length).toBeGreaterThan(3);
		expect([...new Set(received)].sort()).toEqual(published.map(event => `billing/${event.id}`).sort());
	});

	it('composes its Prometheus fragment with the metrics consumer\'s exposition without clashing names', async () => {
		const metrics = new MetricsConsumer({bus});
		bus.use(metrics);
		const instance = forwarder();
		bus.use(instance);
		await bus.publish('a', {});
		await until(() => instance.metrics().sent === 1, 'the event sent');
		const text = metrics.toPrometheus() + instance.toPrometheus();
		const families = [...text.matchAll(/^# TYPE (\S+)/gm)].map(match => match[1]);
		expect(new Set(families).size).toBe(families.length);
		expect(text).toContain('topicbus_forwarder_events_sent_total{destination="forwarder"} 1');
	});

	it('forwards events published from a handler with the inherited correlation id', async () => {
		bus.use(forwarder({topics: 'order.*'}));
		bus.subscribe('order.created', async event => {
			await bus.publish('order.reserved', {});
			return event;
		});
		const created = await bus.publish('order.created', {});
		await server.waitForAcknowledged(2);
		const reserved = server.acknowledged.find(event => event['event_type'] === 'order.reserved');
		expect(reserved).toMatchObject({correlation_id: created.correlationId, causation_id: created.id});
	});

	it('dead-letters an event whose payload cannot be encoded, and keeps forwarding', async () => {
		const {letters, onDeadLetter} = recorder();
		bus = new EventBus({freezePayloads: false});
		bus.use(forwarder({onDeadLetter}));
		const bad = await bus.publish('bad', {value: 10n});
		await bus.publish('ok', {});
		await server.waitForAcknowledged(1);
		expect(server.acknowledged.map(event => event['event_type'])).toEqual(['ok']);
		expect(letters).toMatchObject([{event: {id: bad.id}, error: {code: 'ERR_FORWARDER_ENCODING', eventId: bad.id}}]);
	});
});
