import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {EventBus, InvalidTopicError, type BusEvent} from '../../src/index.js';
import {bridgeToNats, type NatsBridge, type NatsBridgeOptions} from '../../src/bridge/index.js';
import {natsUrl, skipNats, uniqueName} from './nats-env.js';

describe.skipIf(skipNats)('NATS bridge, core mode (real nats-server)', () => {
	let prefix: string;
	const buses: EventBus[] = [];
	const bridges: NatsBridge[] = [];

	beforeEach(() => {
		prefix = uniqueName('core');
	});

	afterEach(async () => {
		await Promise.all(bridges.splice(0).map(bridge => bridge.close({timeoutMs: 2_000})));
		await Promise.all(buses.splice(0).map(bus => bus.close()));
	});

	async function node(options: Omit<NatsBridgeOptions, 'servers'>, busOptions: ConstructorParameters<typeof EventBus>[0] = {}): Promise<{bus: EventBus; bridge: NatsBridge; received: BusEvent[]}> {
		const bus = new EventBus(busOptions);
		buses.push(bus);
		const bridge = await bridgeToNats(bus, {servers: natsUrl, prefix, ...options});
		bridges.push(bridge);
		const received: BusEvent[] = [];
		bus.subscribe('**', event => {
			received.push(event);
		});
		return {bus, bridge, received};
	}

	// After both flushes the server has everything A wrote and B has read everything the server sent it before B's
	// round trip; drain() then waits for B's local delivery. No sleeping.
	async function settle(...nodes: Array<{bus: EventBus; bridge: NatsBridge}>): Promise<void> {
		for (const {bridge} of nodes) await bridge.flush();
		for (const {bridge} of nodes) await bridge.flush();
		for (const {bus} of nodes) await bus.drain();
	}

	const grammarCases: Array<[pattern: string, delivered: string[], notDelivered: string[]]> = [
		['a.**', ['a', 'a.b', 'a.b.c'], ['b', 'ab', 'b.a']],
		['a.**.b', ['a.b', 'a.x.b', 'a.x.y.b'], ['a', 'a.x', 'a.b.c']],
		['a.*', ['a.b'], ['a', 'a.b.c']],
		['*', ['a', 'b'], ['a.b']],
		['**.failed', ['failed', 'x.failed', 'x.y.failed'], ['failed.x', 'x']],
		['a.**.b.**', ['a.b', 'a.x.b.y', 'a.b.c.d'], ['a.x', 'b']],
		['order.{created,updated}', ['order.created', 'order.updated'], ['order.deleted', 'order']],
		['user.*-failed', ['user.login-failed'], ['user.login', 'user.failed']],
		['v?', ['v1', 'v2'], ['v10', 'v']],
		['**', ['a', 'a.b', 'x.y.z'], []],
	];

	it.each(grammarCases)('import %s receives exactly the topics the bus matcher matches', async (pattern, delivered, notDelivered) => {
		const a = await node({exports: '**'});
		const b = await node({imports: pattern});
		for (const topic of [...notDelivered, ...delivered]) await a.bus.publish(topic, {topic});
		await settle(a, b);
		expect(b.received.map(event => event.topic).sort()).toEqual([...delivered].sort());
	});

	it('an export pattern limits what leaves the process', async () => {
		const a = await node({exports: ['order.*', 'audit.**']});
		const b = await node({imports: '**'});
		for (const topic of ['order.created', 'order.a.b', 'audit', 'audit.x.y', 'other']) await a.bus.publish(topic, 1);
		await settle(a, b);
		expect(b.received.map(event => event.topic).sort()).toEqual(['audit', 'audit.x.y', 'order.created']);
	});

	it('keeps the envelope across the hop: id, source, correlation, causation, priority, metadata, payload', async () => {
		const a = await node({exports: '**'}, {source: 'shop'});
		const b = await node({imports: '**'});
		const sent = await a.bus.publish('order.paid', {amount: 12, lines: [{sku: 'x'}]}, {priority: 7, correlationId: 'flow-1', causationId: 'cause-1', metadata: {tenant: 'acme'}});
		await settle(a, b);
		expect(b.received).toHaveLength(1);
		const got = b.received[0]!;
		expect({...got, timestamp: 0}).toEqual({...sent, timestamp: 0});
		expect(got.source).toBe('shop');
		// An event with every default (its correlation id is its own id, priority 0) arrives the same.
		const plain = await a.bus.publish('order.plain', null);
		await settle(a, b);
		expect({...b.received[1], timestamp: 0}).toEqual({...plain, timestamp: 0});
	});

	it('a codec replaces JSON on the wire', async () => {
		const encoder = new TextEncoder();
		const decoder = new TextDecoder();
		const codec = {
			encode: (payload: unknown) => encoder.encode(`v1:${JSON.stringify(payload)}`),
			decode: (data: Uint8Array) => {
				const text = decoder.decode(data);
				if (!text.startsWith('v1:')) throw new Error('not v1');
				return JSON.parse(text.slice(3)) as unknown;
			},
		};
		const a = await node({exports: '**', codec});
		const b = await node({imports: '**', codec});
		const c = await node({imports: '**'});
		await a.bus.publish('coded', {n: 1});
		await settle(a, b, c);
		expect(b.received.map(event => event.payload)).toEqual([{n: 1}]);
		// A bridge without the codec cannot read the body: a dead letter, not a crash.
		expect(c.received).toHaveLength(0);
		expect(c.bridge.deadLetters()[0]).toMatchObject({reason: 'invalid-body', preview: 'v1:{"n":1}'});
	});

	it('an imported event meets the local bus as a local one: filters, retries, dead letters and history', async () => {
		const a = await node({exports: '**'});
		const b = await node({imports: '**'});
		const attempts: number[] = [];
		b.bus.subscribe(
			'job.*',
			() => {
				attempts.push(attempts.length + 1);
				throw new Error('boom');
			},
			{retry: {attempts: 3, backoff: {initialMs: 1, maxMs: 1}}, filter: event => (event.payload as {run: boolean}).run},
		);
		const deadLetters: string[] = [];
		b.bus.on('deadLetter', letter => deadLetters.push(letter.event.topic));
		await a.bus.publish('job.skip', {run: false});
		await a.bus.publish('job.run', {run: true});
		await settle(a, b);
		expect(attempts).toEqual([1, 2, 3]);
		expect(deadLetters).toEqual(['job.run']);
		expect(b.bus.history({pattern: 'job.*'}).map(event => event.topic)).toEqual(['job.skip', 'job.run']);
	});

	it('correlation continues across the hop: an event published by a handler of an imported event is caused by it', async () => {
		const a = await node({exports: 'step.one', imports: 'step.two'});
		const b = await node({exports: 'step.two', imports: 'step.one'});
		b.bus.subscribe('step.one', async () => {
			await b.bus.publish('step.two', {});
		});
		const first = await a.bus.publish('step.one', {});
		await settle(a, b);
		await settle(b, a);
		const second = a.received.find(event => event.topic === 'step.two');
		expect(second).toMatchObject({correlationId: first.correlationId, causationId: first.id});
	});

	it('no echo: a process that exports and imports the same topics sees its own event once', async () => {
		const a = await node({exports: '**', imports: '**'});
		const b = await node({exports: '**', imports: '**'});
		await a.bus.publish('ping', 1);
		await settle(a, b);
		await settle(b, a);
		expect(a.received.map(event => event.topic)).toEqual(['ping']);
		expect(b.received.map(event => event.topic)).toEqual(['ping']);
	});

	it('an imported event is never exported again (no reflection to a third process)', async () => {
		const a = await node({exports: 'a.*'});
		const b = await node({exports: 'a.*', imports: 'a.*'});
		const c = await node({imports: 'a.*'});
		await a.bus.publish('a.x', 1);
		await settle(a, b, c);
		await settle(b, c);
		expect(b.received).toHaveLength(1);
		expect(c.received).toHaveLength(1);
		expect(b.bridge.metrics().exported).toBe(0);
	});

	it('overlapping imports deliver one message once', async () => {
		const a = await node({exports: '**'});
		const b = await node({imports: ['a.*', 'a.**', '*.b', 'a.{b,c}', '**.b']});
		await a.bus.publish('a.b', 1);
		await settle(a, b);
		expect(b.received).toHaveLength(1);
	});

	it('one event id seen twice is delivered once (dedupe window)', async () => {
		const a = await node({exports: '**'});
		const b = await node({imports: '**'});
		await a.bus.publish('order.created', 1, {id: 'same-id'});
		await a.bus.publish('order.created', 2, {id: 'same-id'});
		await settle(a, b);
		expect(b.received.map(event => event.payload)).toEqual([1]);
		expect(b.bridge.metrics().duplicates).toBe(1);
	});

	it('$ topics are never exported, and a $ pattern is refused', async () => {
		const a = await node({exports: '**'});
		const b = await node({imports: '**'});
		a.bus.subscribe('fails', () => {
			throw new Error('x');
		});
		await a.bus.publish('fails', 1);
		await settle(a, b);
		expect(b.received.map(event => event.topic)).toEqual(['fails']);
		await expect(bridgeToNats(new EventBus(), {servers: natsUrl, prefix, exports: '$bus.**'})).rejects.toBeInstanceOf(InvalidTopicError);
	});

	it('a bridge that cannot reach NATS rejects with BridgeConnectError', async () => {
		await expect(bridgeToNats(new EventBus(), {servers: 'nats://127.0.0.1:1', prefix})).rejects.toMatchObject({code: 'ERR_BRIDGE_CONNECT', servers: 'nats://127.0.0.1:1'});
	});

	it('close() publishes everything accepted for export before closing the connection', async () => {
		const a = await node({exports: '**'});
		const b = await node({imports: '**'});
		for (let index = 0; index < 500; index++) void a.bus.publish('bulk', index);
		await a.bus.drain();
		const report = await a.bridge.close();
		expect(report).toMatchObject({drained: true, abandoned: 0});
		await settle(b);
		expect(b.received).toHaveLength(500);
		expect(a.bridge.health().state).toBe('closed');
	});

	it('without a prefix, topics are subjects, and request replies (_INBOX.) are never imported', async () => {
		const topic = uniqueName('plain');
		const a = await node({exports: topic, prefix: ''});
		const b = await node({imports: ['_INBOX.**', topic], prefix: ''});
		// A bridge with the prefix `_INBOX` writes to `_INBOX.reply`, as a request's reply would.
		const replier = await node({exports: 'reply', prefix: '_INBOX'});
		await replier.bus.publish('reply', 1);
		await a.bus.publish(topic, 1);
		await settle(replier, a, b);
		expect(b.received.map(event => event.topic)).toEqual([topic]);
		expect(b.bridge.metrics().filtered).toBeGreaterThanOrEqual(1);
		expect(b.bridge.importSubjects).toEqual(['_INBOX', '_INBOX.>', topic]);
	});

	it('an export over the server\'s max_payload is dead-lettered by the bus, and the next one goes through', async () => {
		const a = await node({exports: '**'});
		const b = await node({imports: '**'});
		const deadLetters: unknown[] = [];
		a.bus.on('deadLetter', letter => deadLetters.push(letter.error));
		await a.bus.publish('huge', 'x'.repeat(1_100_000));
		await a.bus.publish('small', 1);
		await settle(a, b);
		expect(deadLetters).toHaveLength(1);
		expect(deadLetters[0]).toMatchObject({name: 'InvalidArgumentError'});
		expect(b.received.map(event => event.topic)).toEqual(['small']);
	});

	it('closing the bus closes the bridge with it', async () => {
		const a = await node({exports: '**'});
		await a.bus.publish('x', 1);
		await a.bus.close();
		expect(a.bridge.health().state).toBe('closed');
		expect(a.bridge.metrics().exported).toBe(1);
	});

	it('health() reports the state and metrics() the counters', async () => {
		const a = await node({exports: '**'});
		expect(a.bridge.health()).toMatchObject({mode: 'core', state: 'connected', isHealthy: true, buffered: 0});
		await a.bus.publish('x', 1);
		await a.bridge.flush();
		expect(a.bridge.metrics()).toMatchObject({exported: 1, unconfirmed: 0, dropped: 0});
	});
});
