import {describe, expect, it} from 'vitest';
import {Forwarder, Webhooks, deliveryMetricsText, type HttpTransport} from '../../src/forwarder/index.js';
import {ForwarderErrorCodes} from '../../src/forwarder/errors.js';
import {readFileSync} from 'node:fs';

const url = 'http://127.0.0.1:9/events/batch';
const ok: HttpTransport = async () => ({status: 200, retryAfter: null, reason: ''});

describe('Forwarder options', () => {
	it.each([
		[{}, /options\.url/],
		[{url: 'not a url'}, /options\.url/],
		[{url: 'file:///etc/passwd'}, /options\.url/],
		[{url, apiKey: 1}, /options\.apiKey/],
		[{url, name: ''}, /options\.name/],
		[{url, topics: []}, /options\.topics/],
		[{url, format: 'xml'}, /options\.format/],
		[{url, batch: {maxEvents: 0}}, /options\.batch\.maxEvents/],
		[{url, batch: {maxBytes: 10}}, /options\.batch\.maxBytes/],
		[{url, batch: {lingerMs: -1}}, /options\.batch\.lingerMs/],
		[{url, timeoutMs: 0}, /options\.timeoutMs/],
		[{url, retry: {initialMs: 0}}, /options\.retry\.initialMs/],
		[{url, retry: {maxDurationMs: -1}}, /options\.retry\.maxDurationMs/],
		[{url, breaker: {failureThreshold: 0}}, /options\.breaker\.failureThreshold/],
		[{url, overflow: 'drop-oldest'}, /options\.overflow/],
		[{url, spool: {dir: ''}}, /options\.spool\.dir/],
		[{url, spool: {dir: '/tmp/x', fsync: 'sometimes'}}, /options\.spool\.fsync/],
		[{url, spool: {dir: '/tmp/x', maxBytes: 1000}}, /options\.spool\.maxBytes/],
		[{url, maxBufferBytes: 10}, /options\.maxBufferBytes/],
		[{url, secret: 'abc'}, /options\.secret/],
		[{url, secret: []}, /options\.secret/],
		[{url, tags: 'prod'}, /options\.tags/],
		[{url, headers: {a: 1}}, /options\.headers\.a/],
		[{url, onDeadLetter: 'log'}, /options\.onDeadLetter/],
	])('refuses %j with a TypeError naming the option', (options, message) => {
		expect(() => new Forwarder(options as never)).toThrow(TypeError);
		expect(() => new Forwarder(options as never)).toThrow(message);
	});

	it('accepts a buffer no smaller than one request', () => {
		expect(() => new Forwarder({url, transport: ok, batch: {maxBytes: 4096}, maxBufferBytes: 4096})).not.toThrow();
	});

	it('registers as a consumer with its name, topics, priority and filter, and nothing of the HTTP options', () => {
		const filter = (): boolean => true;
		const forwarder = new Forwarder({url, transport: ok, name: 'central', topics: ['order.*', 'user.**'], priority: 5, filter, timeoutMs: 100, retry: {initialMs: 5}});
		expect(forwarder).toMatchObject({name: 'central', topics: ['order.*', 'user.**'], priority: 5, filter, batchSize: 512, batchTimeoutMs: 0});
		expect('timeoutMs' in forwarder).toBe(false);
		expect('retry' in forwarder).toBe(false);
	});
});

describe('Webhooks options', () => {
	it.each([
		[{endpoints: 'x'}, /options\.endpoints/],
		[{maxBodyBytes: 1}, /options\.maxBodyBytes/],
		[{endpoints: [{url}]}, /endpoint\.secret/],
	])('refuses %j', (options, message) => {
		expect(() => new Webhooks(options as never)).toThrow(message);
	});
});

describe('metrics', () => {
	it('renders counters, gauges and histograms as Prometheus text with a destination label', async () => {
		const forwarder = new Forwarder({url, transport: ok, name: 'a"b', batch: {lingerMs: 0}});
		const event = Object.freeze({id: 'm-1', topic: 't', payload: {}, timestamp: 0, source: 's', correlationId: 'm-1', causationId: undefined, priority: 0, metadata: {}});
		forwarder.consume([event, {...event, id: 'm-2'}]);
		await forwarder.flush();
		const text = forwarder.toPrometheus();
		expect(text).toContain('# TYPE topicbus_forwarder_events_sent_total counter');
		expect(text).toContain('topicbus_forwarder_events_sent_total{destination="a\\"b"} 2');
		expect(text).toContain('topicbus_forwarder_breaker_state{destination="a\\"b",state="closed"} 1');
		expect(text).toContain('topicbus_forwarder_batch_size_bucket{destination="a\\"b",le="10"} 1');
		expect(text).toContain('topicbus_forwarder_request_duration_seconds_count{destination="a\\"b"} 1');
		expect(forwarder.metrics()).toMatchObject({accepted: 2, sent: 2, requests: 1, batchSize: {count: 1, sum: 2}});
	});

	it('renders several destinations under one HELP and TYPE', () => {
		const empty = new Forwarder({url, transport: ok}).metrics();
		const text = deliveryMetricsText([{...empty, destination: 'x'}, {...empty, destination: 'y'}], 'p');
		expect(text.match(/# TYPE p_requests_total counter/g)).toHaveLength(1);
		expect(text).toContain('p_requests_total{destination="x"} 0');
		expect(text).toContain('p_requests_total{destination="y"} 0');
	});
});

describe('error codes', () => {
	const docs = readFileSync(new URL('../../docs/forwarder.md', import.meta.url), 'utf8');
	it.each(Object.entries(ForwarderErrorCodes))('docs/forwarder.md documents %s with its code', (className, code) => {
		expect(docs).toMatch(new RegExp(`\\| \`${code}\` \\| \`${className}\` \\|`));
	});
});
