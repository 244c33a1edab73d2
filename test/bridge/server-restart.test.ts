import {afterEach, describe, expect, it} from 'vitest';
import {EventBus, type BusEvent} from '../../src/index.js';
import {bridgeToNats, type BridgeState, type NatsBridge, type NatsBridgeOptions} from '../../src/bridge/index.js';
import {eventually, uniqueName} from './nats-env.js';
import {hasNatsServerBinary, natsServerBinary, PrivateNatsServer} from './private-server.js';

const skip = !hasNatsServerBinary && process.env.CI !== 'true';
if (skip) console.log(`[bridge tests] server-restart tests skipped: no nats-server binary at ${natsServerBinary} (set NATS_SERVER; under CI=true they fail instead)`);

describe.skipIf(skip)('NATS bridge across a nats-server restart (private server)', {timeout: 90_000}, () => {
	const cleanups: Array<() => Promise<unknown>> = [];

	afterEach(async () => {
		for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
	});

	async function setUp(mode: 'core' | 'jetstream', exporter: Partial<NatsBridgeOptions> = {}): Promise<{server: PrivateNatsServer; a: {bus: EventBus; bridge: NatsBridge}; b: {bus: EventBus; bridge: NatsBridge; received: BusEvent[]}}> {
		const server = await PrivateNatsServer.start();
		cleanups.push(() => server.stop());
		const common: Omit<NatsBridgeOptions, 'name'> = {servers: server.url, mode, prefix: 'restart', reconnect: {waitMs: 50, jitterMs: 0}, jetstream: {publishTimeoutMs: 500, retryBackoff: {initialMs: 20, maxMs: 200}}};
		const make = async (name: string, options: Partial<NatsBridgeOptions>) => {
			const bus = new EventBus();
			const received: BusEvent[] = [];
			bus.subscribe('**', event => {
				received.push(event);
			});
			const bridge = await bridgeToNats(bus, {...common, name, ...options});
			cleanups.push(async () => {
				await bridge.close({timeoutMs: 1_000});
				await bus.close();
			});
			return {bus, bridge, received};
		};
		const b = await make(uniqueName('b'), {imports: '**'});
		const a = await make(uniqueName('a'), {exports: '**', ...exporter});
		return {server, a, b};
	}

	it('core: while the server is down exports are buffered and health says so; after the restart they are sent', async () => {
		const {server, a, b} = await setUp('core');
		const states: BridgeState[] = [];
		a.bridge.on('state', state => states.push(state));
		for (let index = 0; index < 100; index++) await a.bus.publish('before', index);
		await a.bridge.flush();
		await eventually(() => b.received.length === 100, 10_000, 'the first 100');
		await server.kill();
		await eventually(() => a.bridge.health().state === 'reconnecting', 10_000, 'the disconnect');
		expect(a.bridge.health().isHealthy).toBe(false);
		for (let index = 0; index < 50; index++) await a.bus.publish('during', index);
		await a.bus.drain();
		expect(a.bridge.health().buffered).toBe(50);
		await server.restart();
		await eventually(() => a.bridge.health().state === 'connected' && b.bridge.health().state === 'connected', 10_000, 'both reconnections');
		await eventually(() => a.bridge.health().buffered === 0, 10_000, 'the buffer flush');
		expect(states).toEqual(['reconnecting', 'connected']);
		expect(a.bridge.metrics()).toMatchObject({disconnects: 1, reconnects: 1, dropped: 0, exported: 150});
		// Core NATS is at-most-once: what reached the server while B was still resubscribing is gone; new events flow.
		let probes = 0;
		await eventually(
			() => {
				if (b.received.some(event => event.topic === 'probe')) return true;
				void a.bus.publish('probe', probes++);
				return false;
			},
			10_000,
			'a probe after the restart',
		);
		expect(b.received.filter(event => event.topic === 'before')).toHaveLength(100);
	});

	it('core: a full buffer drops the oldest export and counts it', async () => {
		const {server, a} = await setUp('core', {bufferSize: 10});
		await server.kill();
		await eventually(() => a.bridge.health().state === 'reconnecting', 10_000, 'the disconnect');
		for (let index = 0; index <= 10; index++) await a.bus.publish('flood', index);
		await a.bus.drain();
		expect(a.bridge.health().buffered).toBe(10);
		expect(a.bridge.metrics().dropped).toBe(1);
		expect(a.bridge.deadLetters()).toHaveLength(1);
		expect(a.bridge.deadLetters()[0]).toMatchObject({reason: 'unexported', error: {code: 'ERR_BRIDGE_BUFFER_FULL', capacity: 10}});
		expect(a.bridge.deadLetters()[0]!.preview).toBe('0');
	});

	it('core: with overflow drop-newest the bus dead-letters the export that did not fit', async () => {
		const {server, a} = await setUp('core', {bufferSize: 2, overflow: 'drop-newest'});
		const deadLetters: unknown[] = [];
		a.bus.on('deadLetter', letter => deadLetters.push(letter.error));
		await server.kill();
		await eventually(() => a.bridge.health().state === 'reconnecting', 10_000, 'the disconnect');
		for (let index = 0; index < 3; index++) await a.bus.publish('flood', index);
		await a.bus.drain();
		expect(a.bridge.health().buffered).toBe(2);
		expect(a.bridge.metrics().dropped).toBe(1);
		expect(deadLetters).toHaveLength(1);
		expect(deadLetters[0]).toMatchObject({code: 'ERR_BRIDGE_BUFFER_FULL', capacity: 2});
	});

	it('core: with overflow wait the export consumer waits for the reconnection, and nothing is dropped', async () => {
		const {server, a, b} = await setUp('core', {bufferSize: 2, overflow: 'wait'});
		await server.kill();
		await eventually(() => a.bridge.health().state === 'reconnecting', 10_000, 'the disconnect');
		for (let index = 0; index < 5; index++) await a.bus.publish('held', index);
		await eventually(() => a.bridge.health().buffered === 2, 10_000, 'a full buffer');
		expect(a.bus.getMetrics().inFlight).toBeGreaterThan(0);
		await server.restart();
		await eventually(() => b.bridge.health().state === 'connected', 10_000, 'the importer back');
		await a.bus.drain();
		await a.bridge.flush();
		expect(a.bridge.metrics()).toMatchObject({dropped: 0, exported: 5, buffered: 0});
	});

	it('jetstream: close() with the server down reports the exports it could not deliver by its deadline', async () => {
		const {server, a} = await setUp('jetstream');
		await server.kill();
		await eventually(() => a.bridge.health().state === 'reconnecting', 10_000, 'the disconnect');
		for (let index = 0; index < 3; index++) await a.bus.publish('stranded', index);
		await a.bus.drain();
		expect(a.bridge.health().inFlight).toBe(3);
		const report = await a.bridge.close({timeoutMs: 300});
		expect(report).toMatchObject({drained: false, abandoned: 3});
		expect(a.bridge.deadLetters().map(letter => [letter.reason, (letter.error as {code?: string}).code, letter.preview]).sort()).toEqual([
			['unexported', 'ERR_BRIDGE_CLOSED', '0'],
			['unexported', 'ERR_BRIDGE_CLOSED', '1'],
			['unexported', 'ERR_BRIDGE_CLOSED', '2'],
		]);
		expect(a.bridge.health().state).toBe('closed');
	});

	it('jetstream: the server is killed mid-stream and restarted; every event arrives once', async () => {
		const {server, a, b} = await setUp('jetstream');
		const total = 300;
		const publishing = (async () => {
			for (let index = 0; index < total; index++) {
				await a.bus.publish('stream', index);
				// Paced, so that the kill lands mid-stream.
				if (index % 10 === 9) await a.bridge.flush();
			}
		})();
		await eventually(() => b.received.length >= 50, 10_000, 'the first events');
		await server.kill();
		const exportedAtKill = a.bridge.metrics().exported;
		await eventually(() => a.bridge.health().state === 'reconnecting', 10_000, 'the disconnect');
		await server.restart();
		await publishing;
		await a.bridge.flush();
		await eventually(() => b.received.length >= total, 30_000, 'every event');
		await b.bus.drain();
		const payloads = b.received.map(event => event.payload as number);
		expect(new Set(payloads).size).toBe(total);
		expect(payloads).toHaveLength(total);
		expect(exportedAtKill).toBeLessThan(total);
		expect(a.bridge.metrics()).toMatchObject({disconnects: 1, reconnects: 1});
		expect(b.bridge.metrics()).toMatchObject({imported: total, deadLettered: 0});
	});
});
