/** The exporter against a fake link (a seam we own), with fake timers for the retry backoff and the confirm timer. */
import {afterEach, beforeEach, describe, expect, it, vi} from 'vitest';
import {newCounters, type BridgeContext, type BridgeDeadLetter} from '../../src/bridge/bridge-context.js';
import {resolveBridgeOptions, type NatsBridgeOptions} from '../../src/bridge/bridge-options.js';
import {Exporter} from '../../src/bridge/exporter.js';
import {IdWindow} from '../../src/bridge/id-window.js';
import type {NatsLink} from '../../src/bridge/nats-link.js';
import type {BusEvent} from '../../src/types.js';

function event(id: string): BusEvent {
	return {id, topic: 'order.created', payload: {id}, timestamp: 0, source: 's', correlationId: id, causationId: undefined, priority: 0, metadata: {}};
}

function setUp(options: Partial<NatsBridgeOptions>, link: Partial<NatsLink>) {
	let connected = true;
	const deadLetters: BridgeDeadLetter[] = [];
	const context: BridgeContext = {
		options: resolveBridgeOptions({servers: 'nats://fake', name: 'test', ...options}),
		origin: 'test-1',
		link: link as NatsLink,
		imported: new IdWindow(10),
		counters: newCounters(),
		isConnected: () => connected,
		deadLetter: letter => deadLetters.push(letter),
	};
	const exporter = new Exporter(context);
	return {exporter, context, deadLetters, setConnected: (value: boolean) => (connected = value)};
}

describe('Exporter (fake link)', () => {
	beforeEach(() => {
		vi.useFakeTimers();
	});

	afterEach(() => {
		vi.useRealTimers();
		vi.restoreAllMocks();
	});

	it('jetstream: retries a failed publish with capped exponential backoff until it is acknowledged', async () => {
		vi.spyOn(Math, 'random').mockReturnValue(0.999_999);
		const attempts: number[] = [];
		const publishDurable = vi.fn(async () => {
			attempts.push(Date.now());
			if (attempts.length < 4) throw new Error('no responders');
			return {duplicate: false, seq: 1};
		});
		const {exporter, context} = setUp({mode: 'jetstream', prefix: 'p', jetstream: {retryBackoff: {initialMs: 100, maxMs: 300}}}, {publishDurable});
		await exporter.export(event('e1'));
		await vi.advanceTimersByTimeAsync(2_000);
		await exporter.flush();
		// Waits of 100, 200, then 300 (capped) ms between the four attempts.
		expect(attempts.slice(1).map((at, index) => at - attempts[index]!)).toEqual([100, 200, 300]);
		expect(context.counters).toMatchObject({exported: 1, exportRetries: 3});
		expect(publishDurable).toHaveBeenLastCalledWith('p.order.created', expect.any(Uint8Array), expect.objectContaining({'topicbus-id': 'e1'}), 'e1', 5_000);
	});

	it('jetstream: at most maxInFlight publishes wait for acknowledgement; the next export waits for a slot', async () => {
		const pending: Array<() => void> = [];
		const publishDurable = vi.fn(() => new Promise<{duplicate: boolean; seq: number}>(resolve => pending.push(() => resolve({duplicate: false, seq: 1}))));
		const {exporter} = setUp({mode: 'jetstream', prefix: 'p', jetstream: {maxInFlight: 2}}, {publishDurable});
		await exporter.export(event('e1'));
		await exporter.export(event('e2'));
		let thirdAccepted = false;
		void Promise.resolve(exporter.export(event('e3'))).then(() => (thirdAccepted = true));
		await vi.advanceTimersByTimeAsync(0);
		expect(publishDurable).toHaveBeenCalledTimes(2);
		expect(thirdAccepted).toBe(false);
		pending[0]!();
		await vi.advanceTimersByTimeAsync(0);
		expect(thirdAccepted).toBe(true);
		expect(publishDurable).toHaveBeenCalledTimes(3);
	});

	it('core: counts as unconfirmed what was written after the last confirmed round trip when the connection drops', async () => {
		let flushes = 0;
		const {exporter, context, setConnected} = setUp({confirmIntervalMs: 1_000}, {publish: () => {}, flush: async () => void flushes++});
		exporter.export(event('e1'));
		exporter.export(event('e2'));
		await vi.advanceTimersByTimeAsync(1_000);
		expect(flushes).toBe(1);
		exporter.export(event('e3'));
		setConnected(false);
		exporter.onDisconnected();
		expect(context.counters).toMatchObject({exported: 3, unconfirmed: 1});
	});

	it('core: holds exports while disconnected and writes them in order once reconnected', async () => {
		const written: string[] = [];
		const {exporter, setConnected} = setUp({}, {publish: (_subject, _data, headers) => void written.push(headers['topicbus-id']!), flush: async () => {}});
		setConnected(false);
		exporter.export(event('e1'));
		exporter.export(event('e2'));
		expect(exporter.buffered).toBe(2);
		setConnected(true);
		exporter.onReconnected();
		exporter.export(event('e3'));
		expect(written).toEqual(['e1', 'e2', 'e3']);
		expect(exporter.buffered).toBe(0);
	});

	it('never exports an event the bridge imported', () => {
		const publish = vi.fn();
		const {exporter, context} = setUp({}, {publish});
		context.imported.add('from-nats');
		exporter.export(event('from-nats'));
		expect(publish).not.toHaveBeenCalled();
	});
});
