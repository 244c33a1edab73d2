import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {Webhook} from 'standardwebhooks';
import {EventBus} from '../../src/index.js';
import {Webhooks, type WebhooksOptions} from '../../src/forwarder/index.js';
import {FaultServer} from './fault-server.js';
import {fast, recorder, tempDir, until} from './helpers.js';

const secret = `whsec_${Buffer.alloc(32, 3).toString('base64')}`;
const nextSecret = `whsec_${Buffer.alloc(32, 4).toString('base64')}`;

let billing: FaultServer;
let audit: FaultServer;
let bus: EventBus;

beforeEach(async () => {
	billing = await FaultServer.start();
	audit = await FaultServer.start();
	bus = new EventBus({source: 'shop'});
});

afterEach(async () => {
	await bus.close();
	await billing.close();
	await audit.close();
});

function webhooks(options: Partial<WebhooksOptions> = {}): Webhooks {
	return new Webhooks({retry: fast.retry, breaker: fast.breaker, ...options});
}

describe('Webhooks', () => {
	it('sends each endpoint the events its patterns match, one signed message per event', async () => {
		const hooks = webhooks({
			endpoints: [
				{id: 'billing', url: `${billing.url}/hooks`, topics: 'order.*', secret},
				{id: 'audit', url: `${audit.url}/hooks`, topics: ['order.paid', 'user.**'], secret},
			],
		});
		bus.use(hooks);
		const created = await bus.publish('order.created', {id: 1});
		const paid = await bus.publish('order.paid', {id: 1});
		const login = await bus.publish('user.login', {});
		await billing.waitForAcknowledged(2);
		await audit.waitForAcknowledged(2);
		expect(billing.acknowledgedIds).toEqual([created.id, paid.id]);
		expect(audit.acknowledgedIds).toEqual([paid.id, login.id]);
		const request = billing.requests[0]!;
		expect(JSON.parse(request.body)).toEqual({
			type: 'order.created',
			timestamp: new Date(created.timestamp).toISOString(),
			data: {id: 1},
			id: created.id,
			source: 'shop',
			correlationId: created.correlationId,
			causationId: null,
		});
	});

	it('signs so that the standardwebhooks package verifies, with the event id as webhook-id', async () => {
		bus.use(webhooks({endpoints: [{url: `${billing.url}/hooks`, secret}]}));
		const event = await bus.publish('order.created', {id: 1});
		await billing.waitForAcknowledged(1);
		const {headers, body} = billing.requests[0]!;
		expect(headers['webhook-id']).toBe(event.id);
		expect(new Webhook(secret).verify(body, headers as Record<string, string>)).toMatchObject({type: 'order.created'});
	});

	it('signs with every secret during a rotation, each verifiable on its own', async () => {
		bus.use(webhooks({endpoints: [{url: `${billing.url}/hooks`, secret: [secret, nextSecret]}]}));
		await bus.publish('order.created', {});
		await billing.waitForAcknowledged(1);
		const {headers, body} = billing.requests[0]!;
		expect(String(headers['webhook-signature']).split(' ')).toHaveLength(2);
		expect(() => new Webhook(secret).verify(body, headers as Record<string, string>)).not.toThrow();
		expect(() => new Webhook(nextSecret).verify(body, headers as Record<string, string>)).not.toThrow();
	});

	it('keeps webhook-id across retries and signs each attempt afresh', async () => {
		billing.script({status: 500}, {status: 429, retryAfter: '0'});
		bus.use(webhooks({endpoints: [{url: `${billing.url}/hooks`, secret}]}));
		await bus.publish('order.created', {});
		await billing.waitForAcknowledged(1);
		const ids = billing.requests.map(request => request.headers['webhook-id']);
		expect(ids).toHaveLength(3);
		expect(new Set(ids).size).toBe(1);
		for (const {headers, body} of billing.requests) expect(() => new Webhook(secret).verify(body, headers as Record<string, string>)).not.toThrow();
	});

	it('disables an endpoint that answers 410, dead-letters what it held, and reports it', async () => {
		billing.script({status: 410});
		const {letters, notices, onDeadLetter, onDiagnostic} = recorder();
		const hooks = webhooks({endpoints: [{id: 'billing', url: `${billing.url}/hooks`, secret}, {id: 'audit', url: `${audit.url}/hooks`, secret}], onDeadLetter, onDiagnostic});
		bus.use(hooks);
		const gone = await bus.publish('order.created', {});
		await until(() => notices.some(notice => notice.type === 'gone'), 'the 410 notice');
		await bus.publish('order.paid', {});
		await audit.waitForAcknowledged(2);
		expect(billing.requests).toHaveLength(1);
		expect(hooks.endpoints().find(endpoint => endpoint.id === 'billing')).toMatchObject({status: 'disabled'});
		expect(hooks.health().endpoints[0]).toMatchObject({status: 'disabled', lastError: {code: 'ERR_FORWARDER_ENDPOINT_GONE'}});
		expect(letters[0]).toMatchObject({event: {id: gone.id}, error: {code: 'ERR_FORWARDER_ENDPOINT_GONE', endpointId: 'billing'}});
	});

	it('adds and removes endpoints at run time', async () => {
		const hooks = webhooks();
		bus.use(hooks);
		await bus.publish('order.created', {n: 0});
		await bus.drain();
		const id = hooks.add({url: `${billing.url}/hooks`, secret});
		const second = await bus.publish('order.created', {n: 1});
		await billing.waitForAcknowledged(1);
		expect(await hooks.remove(id)).toBe(true);
		expect(await hooks.remove(id)).toBe(false);
		await bus.publish('order.created', {n: 2});
		await bus.drain();
		expect(billing.acknowledgedIds).toEqual([second.id]);
		expect(hooks.endpoints()).toEqual([]);
	});

	it('holds events while an endpoint is paused and sends them on resume', async () => {
		const hooks = webhooks({endpoints: [{id: 'billing', url: `${billing.url}/hooks`, secret}]});
		bus.use(hooks);
		expect(hooks.pause('billing')).toBe(true);
		await bus.publish('a', {});
		await bus.publish('b', {});
		await bus.drain();
		expect(hooks.health().endpoints[0]).toMatchObject({status: 'paused', buffer: {events: 2}});
		expect(billing.requests).toHaveLength(0);
		expect(hooks.resume('billing')).toBe(true);
		await billing.waitForAcknowledged(2);
		expect(hooks.pause('nope')).toBe(false);
	});

	it('keeps each endpoint on its own spool and resends after a restart', async () => {
		const {dir, remove} = tempDir();
		try {
			const first = webhooks({spool: {dir}, endpoints: [{id: 'billing', url: `${billing.url}/hooks`, secret}]});
			first.pause('billing');
			await first.consume(Object.freeze({id: 'w-1', topic: 'a', payload: {}, timestamp: Date.now(), source: 's', correlationId: 'w-1', causationId: undefined, priority: 0, metadata: {}}));
			await first.close({timeoutMs: 0});
			const second = webhooks({spool: {dir}, endpoints: [{id: 'billing', url: `${billing.url}/hooks`, secret}]});
			await billing.waitForAcknowledged(1);
			expect(billing.acknowledgedIds).toEqual(['w-1']);
			await second.close();
		} finally {
			remove();
		}
	});

	it('exposes metrics and Prometheus text per endpoint', async () => {
		const hooks = webhooks({endpoints: [{id: 'billing', url: `${billing.url}/hooks`, secret}]});
		bus.use(hooks);
		await bus.publish('a', {});
		await until(() => hooks.metrics()[0]!.sent === 1, 'the event sent');
		expect(hooks.toPrometheus()).toContain('topicbus_webhooks_events_sent_total{destination="billing"} 1');
	});

	it('refuses invalid endpoints with a TypeError', () => {
		const hooks = webhooks();
		expect(() => hooks.add({url: 'ftp://x', secret})).toThrow(TypeError);
		expect(() => hooks.add({url: 'http://x', secret: 'plain'})).toThrow(/whsec_/);
		expect(() => hooks.add({url: 'http://x', secret: 'whsec_AAAA'})).toThrow(/24 to 64 bytes/);
		expect(() => hooks.add({id: '../etc', url: 'http://x', secret})).toThrow(/endpoint\.id/);
		hooks.add({id: 'one', url: 'http://x', secret});
		expect(() => hooks.add({id: 'one', url: 'http://y', secret})).toThrow(/already in use/);
		expect(() => hooks.add({url: 'http://x', topics: 'a..b', secret})).toThrow(/Invalid topic/);
	});
});
