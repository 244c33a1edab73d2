import {CloudEvent, HTTP} from 'cloudevents';
import {Webhook} from 'standardwebhooks';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {CollectorConfigError, createCollector} from '../../src/collector/index.js';
import {RateLimiter} from '../../src/collector/rate-limit.js';
import {startCollector, type TestCollector} from './helpers.js';

const event = (overrides: Record<string, unknown> = {}) => ({source_system: 'orders', event_type: 'order.created', ...overrides});

let api: TestCollector | undefined;
afterEach(async () => {
	await api?.close();
	api = undefined;
});

describe('API keys', () => {
	const keys = ['admin-key-0001', 'orders-key-001:orders'];

	it('answers 401 without a key or with an unknown one, and counts it', async () => {
		api = await startCollector({memory: true, apiKeys: keys});
		expect((await api.post('/events', event())).status).toBe(401);
		expect((await api.post('/events', event(), {'x-api-key': 'admin-key-0002'})).status).toBe(401);
		expect((await api.get('/events', {authorization: 'Bearer nope-nope-nope'})).status).toBe(401);
		expect((await api.get('/metrics', {'x-api-key': 'admin-key-0001'})).body).toContain('topicbus_collector_rejected_total{reason="unauthorized"} 3');
	});

	it('accepts x-api-key and Authorization: Bearer', async () => {
		api = await startCollector({memory: true, apiKeys: keys});
		expect((await api.post('/events', event(), {'x-api-key': 'admin-key-0001'})).status).toBe(201);
		expect((await api.get('/events', {authorization: 'Bearer admin-key-0001'})).body.count).toBe(1);
	});

	it('a key bound to a source writes only that source (403 otherwise, nothing stored) and may read', async () => {
		api = await startCollector({memory: true, apiKeys: keys});
		const headers = {'x-api-key': 'orders-key-001'};
		expect((await api.post('/events', event(), headers)).status).toBe(201);
		const forbidden = await api.post('/events/batch', [event(), event({source_system: 'billing'})], headers);
		expect(forbidden.status).toBe(403);
		expect(forbidden.body.error).toBe('forbidden');
		expect((await api.get('/events', headers)).body.count).toBe(1);
	});

	it('keeps /health public', async () => {
		api = await startCollector({memory: true, apiKeys: keys});
		expect((await api.get('/health')).status).toBe(200);
	});

	it('refuses to listen on a non-loopback host with no key unless insecure', async () => {
		const collector = createCollector({memory: true});
		await expect(collector.listen({host: '0.0.0.0', port: 0})).rejects.toBeInstanceOf(CollectorConfigError);
		await expect(collector.listen({host: '0.0.0.0', port: 0})).rejects.toMatchObject({code: 'ERR_COLLECTOR_CONFIG'});
		await collector.close();
	});

	it.each([
		['memory', {memory: 1}, 'Expected `memory` to be a boolean'],
		['db', {db: 42}, 'Expected `db` to be a string'],
		['dashboardDir', {memory: true, dashboardDir: ['x']}, 'Expected `dashboardDir` to be a string'],
		['synchronous', {memory: true, synchronous: 'off'}, 'Expected `synchronous` to be one of `normal`, `full`'],
	])('refuses a bad %s with a TypeError before opening anything', (_name, options, message) => {
		expect(() => createCollector(options as never)).toThrow(TypeError);
		expect(() => createCollector(options as never)).toThrow(message);
	});

	it('refuses keys shorter than 8 characters with a TypeError, as text or as objects', () => {
		expect(() => createCollector({memory: true, apiKeys: ['short']})).toThrow(TypeError);
		expect(() => createCollector({memory: true, apiKeys: [{key: 'short'}]})).toThrow(TypeError);
		expect(() => createCollector({memory: true, apiKeys: [{key: 'long-enough-key', source: ''}]})).toThrow(TypeError);
	});

	it('takes {key, source} objects like KEY:source text', async () => {
		api = await startCollector({memory: true, apiKeys: [{key: 'object-key-01', source: 'orders'}]});
		expect((await api.post('/events', event({source_system: 'billing'}), {'x-api-key': 'object-key-01'})).status).toBe(403);
		expect((await api.post('/events', event(), {'x-api-key': 'object-key-01'})).status).toBe(201);
	});
});

describe('rate limit', () => {
	it('answers 429 with Retry-After once a source spends its burst, and lets it through after refilling', async () => {
		let now = 0;
		api = await startCollector({memory: true, rateLimit: {ratePerSecond: 10, burst: 20, now: () => now}});
		expect((await api.post('/events/batch', Array.from({length: 15}, () => event()))).status).toBe(201);
		const limited = await api.post('/events/batch', Array.from({length: 10}, () => event()));
		expect(limited.status).toBe(429);
		expect(limited.headers.get('retry-after')).toBe('1');
		expect(limited.body).toMatchObject({error: 'rate_limited', source_system: 'orders', retry_after_ms: 500});
		expect((await api.post('/events', event({source_system: 'billing'}))).status).toBe(201);
		now += 500;
		expect((await api.post('/events/batch', Array.from({length: 10}, () => event()))).status).toBe(201);
		expect((await api.get('/events?limit=1000')).body.count).toBe(26);
		expect((await api.get('/metrics')).body).toContain('topicbus_collector_rate_limited_total 1\n');
	});

	it('answers 413 for more events of one source than its burst could ever allow', async () => {
		api = await startCollector({memory: true, rateLimit: {ratePerSecond: 10, burst: 20}});
		expect((await api.post('/events/batch', Array.from({length: 21}, () => event()))).status).toBe(413);
	});

	it('RateLimiter charges a multi-source request all or nothing', () => {
		const limiter = new RateLimiter({ratePerSecond: 1, burst: 5, now: () => 0});
		expect(limiter.take(new Map([['a', 5]]))).toEqual({allowed: true});
		expect(limiter.take(new Map([['b', 3], ['a', 1]]))).toMatchObject({allowed: false, source: 'a'});
		expect(limiter.take(new Map([['b', 5]]))).toEqual({allowed: true});
	});

	it('RateLimiter refuses a non-positive rate with a TypeError', () => {
		expect(() => new RateLimiter({ratePerSecond: 0})).toThrow(/Expected `ratePerSecond`/);
	});
});

describe('CloudEvents interop (the cloudevents package emits, the collector stores)', () => {
	const cloudEvent = (id: string, extra: Record<string, unknown> = {}) =>
		new CloudEvent({id, source: '/orders/api', type: 'order.created', time: '2026-01-01T10:00:00Z', data: {order: 7}, correlationid: 'wf-1', causationid: 'cause-1', ...extra});

	const stored = async (id: string) => (await api!.get(`/events/${id}`)).body;

	it('stores a structured CloudEvent', async () => {
		api = await startCollector({memory: true});
		const message = HTTP.structured(cloudEvent('s1', {severity: 'warning', tags: 'a,b', component: 'checkout'}));
		const response = await api.post('/events', message.body as string, message.headers as Record<string, string>);
		expect(response.status).toBe(201);
		expect(await stored('s1')).toMatchObject({
			event_id: 's1',
			source_system: '/orders/api',
			event_type: 'order.created',
			timestamp: '2026-01-01T10:00:00.000Z',
			severity: 'warning',
			correlation_id: 'wf-1',
			causation_id: 'cause-1',
			data: {order: 7},
			tags: ['a', 'b'],
			metadata: {component: 'checkout'},
		});
	});

	it('stores a binary-mode CloudEvent (attributes in ce-* headers)', async () => {
		api = await startCollector({memory: true});
		const message = HTTP.binary(cloudEvent('b1'));
		const response = await api.post('/events', message.body as string, message.headers as Record<string, string>);
		expect(response.status).toBe(201);
		expect(await stored('b1')).toMatchObject({source_system: '/orders/api', event_type: 'order.created', correlation_id: 'wf-1', causation_id: 'cause-1', data: {order: 7}});
	});

	it('stores a CloudEvents batch and deduplicates by (source, id)', async () => {
		api = await startCollector({memory: true});
		const batch = JSON.stringify([cloudEvent('c1'), cloudEvent('c2'), cloudEvent('c1')].map(ce => JSON.parse(HTTP.structured(ce).body as string)));
		const response = await api.post('/events/batch', batch, {'content-type': 'application/cloudevents-batch+json'});
		expect(response.status).toBe(201);
		expect(response.body).toMatchObject({collected: 2, duplicates: 1});
		expect((await api.get('/events?source_system=/orders/api')).body.count).toBe(2);
	});

	it('refuses a CloudEvent without a required attribute with 400 naming it', async () => {
		api = await startCollector({memory: true});
		const response = await api.post('/events', JSON.stringify({specversion: '1.0', source: '/x', type: 't'}), {'content-type': 'application/cloudevents+json'});
		expect(response.status).toBe(400);
		expect(response.body.errors).toEqual([expect.objectContaining({field: 'id'})]);
	});

	it('round-trips: the cloudevents package reads back what the collector stored', async () => {
		api = await startCollector({memory: true});
		const sent = cloudEvent('r1');
		const message = HTTP.structured(sent);
		await api.post('/events', message.body as string, message.headers as Record<string, string>);
		const back = await stored('r1');
		const rebuilt = new CloudEvent({id: back.event_id, source: back.source_system, type: back.event_type, time: back.timestamp, data: back.data, correlationid: back.correlation_id, causationid: back.causation_id});
		expect(rebuilt.validate()).toBe(true);
		expect({id: rebuilt.id, source: rebuilt.source, type: rebuilt.type, data: rebuilt.data}).toEqual({id: sent.id, source: sent.source, type: sent.type, data: sent.data});
	});
});

describe('Standard Webhooks signatures (the standardwebhooks package signs)', () => {
	const secret = `whsec_${Buffer.from('a-test-secret-of-32-bytes-long!!').toString('base64')}`;
	const signer = new Webhook(secret);
	const signed = (id: string, body: string, at = new Date()) => ({
		'webhook-id': id,
		'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
		'webhook-signature': signer.sign(id, at, body),
	});

	it('accepts a correctly signed request', async () => {
		api = await startCollector({memory: true, signingSecrets: [secret]});
		const body = JSON.stringify(event({id: 'w1'}));
		expect((await api.post('/events', body, signed('msg_1', body))).status).toBe(201);
	});

	it('refuses an unsigned, a forged and a tampered request with 401', async () => {
		api = await startCollector({memory: true, signingSecrets: [secret]});
		const body = JSON.stringify(event());
		expect((await api.post('/events', body)).body.reason).toBe('missing-headers');
		const forger = new Webhook(`whsec_${Buffer.from('another-secret-of-32-bytes-long!').toString('base64')}`);
		const at = new Date();
		const forged = {'webhook-id': 'msg_2', 'webhook-timestamp': String(Math.floor(at.getTime() / 1000)), 'webhook-signature': forger.sign('msg_2', at, body)};
		expect((await api.post('/events', body, forged)).status).toBe(401);
		const tampered = await api.post('/events', JSON.stringify(event({source_system: 'evil'})), signed('msg_3', body));
		expect(tampered.status).toBe(401);
		expect(tampered.body.reason).toBe('bad-signature');
		expect((await api.get('/events')).body.count).toBe(0);
	});

	it('refuses a stale timestamp (beyond the 5-minute tolerance) with 401', async () => {
		api = await startCollector({memory: true, signingSecrets: [secret]});
		const body = JSON.stringify(event());
		const response = await api.post('/events', body, signed('msg_4', body, new Date(Date.now() - 6 * 60_000)));
		expect(response.status).toBe(401);
		expect(response.body.reason).toBe('stale-timestamp');
	});

	it('a replayed request stores nothing again: webhook-id is the idempotency key of events without an id', async () => {
		api = await startCollector({memory: true, signingSecrets: [secret]});
		const body = JSON.stringify([event(), event({event_type: 'order.paid'})]);
		const headers = signed('msg_5', body);
		expect((await api.post('/events/batch', body, headers)).body).toMatchObject({collected: 2, duplicates: 0, event_ids: ['msg_5.0', 'msg_5.1']});
		const replay = await api.post('/events/batch', body, headers);
		expect(replay.status).toBe(200);
		expect(replay.body).toMatchObject({collected: 0, duplicates: 2});
		expect((await api.get('/events')).body.count).toBe(2);
	});

	it('accepts a signature by any of several secrets (rotation)', async () => {
		const old = `whsec_${Buffer.from('the-old-secret-of-32-bytes-long!').toString('base64')}`;
		api = await startCollector({memory: true, signingSecrets: [secret, old]});
		const body = JSON.stringify(event());
		const at = new Date();
		const headers = {'webhook-id': 'msg_6', 'webhook-timestamp': String(Math.floor(at.getTime() / 1000)), 'webhook-signature': new Webhook(old).sign('msg_6', at, body)};
		expect((await api.post('/events', body, headers)).status).toBe(201);
	});
});

describe('collector query rate limit (opt-in)', () => {
	let now = 0;
	let api: TestCollector;
	const keyA = {'x-api-key': 'reader-key-a'};
	const keyB = {'x-api-key': 'reader-key-b'};

	beforeEach(async () => {
		now = 0;
		api = await startCollector({memory: true, apiKeys: ['reader-key-a', 'reader-key-b'], queryRateLimit: {ratePerSecond: 2, burst: 3, now: () => now}});
	});

	afterEach(async () => {
		await api.close();
	});

	it('answers 429 with Retry-After once a client used its burst of reads', async () => {
		for (let index = 0; index < 3; index++) expect((await api.get('/events', keyA)).status).toBe(200);
		const refused = await api.get('/events/stats', keyA);
		expect(refused.status).toBe(429);
		expect(refused.headers.get('retry-after')).toBe('1');
		expect(refused.body).toEqual({error: 'rate_limited', message: 'Too many read requests from this client', retry_after_ms: 500});
	});

	it('refills at ratePerSecond', async () => {
		for (let index = 0; index < 3; index++) await api.get('/events', keyA);
		now += 500;
		expect((await api.get('/events', keyA)).status).toBe(200);
		expect((await api.get('/events', keyA)).status).toBe(429);
	});

	it('keeps one bucket per API key', async () => {
		for (let index = 0; index < 3; index++) await api.get('/events', keyA);
		expect((await api.get('/events', keyA)).status).toBe(429);
		expect((await api.get('/events', keyB)).status).toBe(200);
	});

	it('never limits /health, ingest, or a request without a valid key (that one is a 401)', async () => {
		for (let index = 0; index < 3; index++) await api.get('/events', keyA);
		expect((await api.get('/health')).status).toBe(200);
		expect((await api.post('/events', event(), keyA)).status).toBe(201);
		expect((await api.get('/events')).status).toBe(401);
	});

	it('counts refusals in topicbus_collector_query_rate_limited_total', async () => {
		for (let index = 0; index < 5; index++) await api.get('/events', keyA);
		expect((await api.get('/metrics', keyB)).body).toContain('topicbus_collector_query_rate_limited_total 2\n');
	});
});
