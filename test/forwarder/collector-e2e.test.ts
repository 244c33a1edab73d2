/**
 * The forwarder against the real collector (in process, memory store, over HTTP on 127.0.0.1): what arrives is
 * stored once per event, in the collector format and as CloudEvents, signed, and a resend after a lost answer
 * stores nothing twice.
 */
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {EventBus} from '../../src/index.js';
import {createCollector, type Collector} from '../../src/collector/index.js';
import {Forwarder, fetchTransport, type ForwarderOptions, type HttpTransport} from '../../src/forwarder/index.js';
import {fast, until} from './helpers.js';

const apiKey = 'e2e-test-key';
const secret = `whsec_${Buffer.alloc(32, 9).toString('base64')}`;

let collector: Collector;
let url: string;
let bus: EventBus;

beforeEach(async () => {
	await start({});

	bus = new EventBus({source: 'orders'});
});

afterEach(async () => {
	await bus.close();
	await collector.close();
});

async function start(options: {readonly signingSecrets?: readonly string[]}): Promise<void> {
	collector = createCollector({memory: true, apiKeys: [apiKey], rateLimit: false, ...options});
	({url} = await collector.listen({port: 0}));
}

function forwarder(options: Partial<ForwarderOptions> = {}): Forwarder {
	return new Forwarder({url: `${url}/events/batch`, apiKey, ...fast, ...options});
}

async function stored(): Promise<Array<{eventId: string; eventType: string; correlationId: string | null; causationId: string | null; data: unknown}>> {
	const page = await collector.store.query({limit: 10_000, sort: 'asc'});
	return page.events.map(({eventId, eventType, correlationId, causationId, data}) => ({eventId, eventType, correlationId, causationId, data}));
}

describe('Forwarder → collector', () => {
	it.each(['collector', 'cloudevents'] as const)('stores every event once, with its id and correlation, in the %s format', async format => {
		const instance = forwarder({format, batch: {maxEvents: 50, lingerMs: 0}});
		bus.use(instance);
		const first = await bus.publish('order.created', {n: 0});
		const published: Array<{id: string}> = [first];
		for (let index = 1; index < 120; index++) published.push(await bus.publish('order.updated', {n: index}, {correlationId: first.correlationId, causationId: first.id}));
		await until(() => instance.metrics().sent === 120, 'every event acknowledged');
		const rows = await stored();
		expect(rows.map(row => row.eventId).sort()).toEqual(published.map(event => event.id).sort());
		expect(rows.find(row => row.eventId === published[5]!.id)).toMatchObject({eventType: 'order.updated', correlationId: first.correlationId, causationId: first.id, data: {n: 5}});
	});

	it('is accepted when it signs its requests with a secret the collector verifies', async () => {
		await collector.close();
		// This collector refuses unsigned requests.
		await start({signingSecrets: [secret]});
		const instance = forwarder({secret, batch: {maxEvents: 10, lingerMs: 0}});
		bus.use(instance);
		for (let index = 0; index < 25; index++) bus.publishSync('order.created', {n: index});
		await until(() => instance.metrics().sent === 25, 'the events acknowledged');
		expect(await stored()).toHaveLength(25);
	});

	it('stores nothing twice when the collector stored a batch but its answer was lost', async () => {
		let attempts = 0;
		// The request reaches the collector and is stored; the forwarder is then told the attempt timed out.
		const losingFirstAnswer: HttpTransport = async (request, signal) => {
			const response = await fetchTransport(request, signal);
			attempts++;
			if (attempts === 1) throw new Error('answer lost');
			return response;
		};
		const instance = forwarder({transport: losingFirstAnswer, batch: {maxEvents: 500, lingerMs: 0}});
		bus.use(instance);
		const published = [];
		for (let index = 0; index < 30; index++) published.push(bus.publishSync('order.created', {n: index}));
		await until(() => instance.metrics().sent === 30, 'every event acknowledged');
		expect(instance.metrics().retries).toBeGreaterThan(0);
		const rows = await stored();
		expect(rows).toHaveLength(30);
		expect(new Set(rows.map(row => row.eventId)).size).toBe(30);
	});

	it('dead-letters a batch the collector rejects for a bad API key, with its reason', async () => {
		const letters: unknown[] = [];
		const instance = forwarder({apiKey: 'wrong-key-here', onDeadLetter: letter => letters.push(letter)});
		bus.use(instance);
		await bus.publish('order.created', {});
		await until(() => letters.length === 1, 'the dead letter');
		expect(letters[0]).toMatchObject({error: {code: 'ERR_FORWARDER_REJECTED', status: 401}});
		expect(await stored()).toHaveLength(0);
	});
});
