import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {EventBus, type BusEvent} from '../../src/index.js';
import {bridgeToNats, type NatsBridge, type NatsBridgeOptions} from '../../src/bridge/index.js';
import {openNatsLink} from '../../src/bridge/nats-link.js';
import {eventually, natsUrl, skipNats, uniqueName} from './nats-env.js';

describe.skipIf(skipNats)('NATS bridge, JetStream mode (real nats-server)', () => {
	let prefix: string;
	let stream: string;
	const buses: EventBus[] = [];
	const bridges: NatsBridge[] = [];

	beforeEach(() => {
		prefix = uniqueName('js');
		stream = uniqueName('JS');
	});

	afterEach(async () => {
		await Promise.all(bridges.splice(0).map(bridge => bridge.close({timeoutMs: 2_000})));
		await Promise.all(buses.splice(0).map(bus => bus.close({timeoutMs: 500})));
		const link = await openNatsLink({servers: natsUrl, name: 'cleanup', noEcho: false, reconnectWaitMs: 100, reconnectJitterMs: 0, maxReconnectAttempts: 0, onStatus() {}});
		await link.deleteStream(stream);
		await link.close();
	});

	async function node(
		name: string,
		options: Omit<NatsBridgeOptions, 'servers' | 'name' | 'mode'>,
		bus = new EventBus(),
	): Promise<{bus: EventBus; bridge: NatsBridge; received: BusEvent[]}> {
		buses.push(bus);
		const bridge = await bridgeToNats(bus, {servers: natsUrl, prefix, name, mode: 'jetstream', ...options, jetstream: {stream, storage: 'memory', ...options.jetstream}});
		bridges.push(bridge);
		const received: BusEvent[] = [];
		bus.subscribe('**', event => {
			received.push(event);
		});
		return {bus, bridge, received};
	}

	it('creates the stream and the durable consumer, and carries the envelope', async () => {
		const a = await node('a', {exports: '**'});
		const b = await node('b', {imports: 'order.**'});
		const sent = await a.bus.publish('order.paid', {amount: 1}, {priority: 2, metadata: {m: 1}, causationId: 'c'});
		await a.bus.publish('other', 1);
		await a.bridge.flush();
		await eventually(() => b.received.length === 1, 10_000, 'the import');
		expect({...b.received[0], timestamp: 0}).toEqual({...sent, timestamp: 0});
		expect(a.bridge.metrics()).toMatchObject({exported: 2, inFlight: 0});
		expect(b.bridge.importSubjects.length).toBeGreaterThan(0);
	});

	it('publishes with the event id as Nats-Msg-Id: the stream stores one event id once', async () => {
		const a = await node('a', {exports: '**'});
		const b = await node('b', {imports: '**'});
		await a.bus.publish('x', 1, {id: 'once'});
		await a.bus.publish('x', 2, {id: 'once'});
		await a.bus.publish('y', 3);
		await a.bridge.flush();
		await eventually(() => b.received.length === 2, 10_000, 'the imports');
		expect(a.bridge.metrics().exportDuplicates).toBe(1);
		expect(b.received.map(event => event.payload)).toEqual([1, 3]);
	});

	it('an export over the server\'s max_payload becomes a bridge dead letter instead of being retried forever', async () => {
		const a = await node('a', {exports: '**'});
		const b = await node('b', {imports: '**'});
		await a.bus.publish('huge', 'x'.repeat(1_100_000));
		await a.bus.publish('small', 1);
		await a.bridge.flush();
		expect(a.bridge.deadLetters()).toHaveLength(1);
		expect(a.bridge.deadLetters()[0]).toMatchObject({reason: 'unexported', error: {name: 'InvalidArgumentError'}});
		await eventually(() => b.received.length === 1, 10_000, 'the small event');
		expect(b.received[0]!.topic).toBe('small');
	});

	it('a durable consumer keeps its place: events published while the importer is down arrive after its restart', async () => {
		const a = await node('a', {exports: '**'});
		const b1 = await node('b', {imports: '**'});
		await b1.bridge.close();
		for (let index = 0; index < 5; index++) await a.bus.publish('queued', index);
		await a.bridge.flush();
		const b2 = await node('b', {imports: '**'});
		await eventually(() => b2.received.length === 5, 10_000, 'the queued events');
		expect(b2.received.map(event => event.payload)).toEqual([0, 1, 2, 3, 4]);
		expect(b1.received).toHaveLength(0);
	});

	it('acknowledges only after local delivery: an import still being handled when the bridge stops comes again', async () => {
		const a = await node('a', {exports: '**'});
		const b1 = await node('b', {imports: '**', jetstream: {ackWaitMs: 1_000}});
		let release!: () => void;
		b1.bus.subscribe('slow', () => new Promise<void>(resolve => (release = resolve)));
		await a.bus.publish('slow', 1);
		await a.bridge.flush();
		await eventually(() => b1.received.length === 1, 10_000, 'the first delivery');
		const report = await b1.bridge.close({timeoutMs: 50});
		expect(report.drained).toBe(false);
		release();
		const b2 = await node('b', {imports: '**', jetstream: {ackWaitMs: 1_000}});
		await eventually(() => b2.received.length === 1, 10_000, 'the redelivery');
		expect(b2.received[0]!.topic).toBe('slow');
	});

	it('an event whose handler failed was dead-lettered locally and is acknowledged, not redelivered', async () => {
		const a = await node('a', {exports: '**'});
		const b1 = await node('b', {imports: '**', jetstream: {ackWaitMs: 1_000}});
		const deadLetters: string[] = [];
		b1.bus.on('deadLetter', letter => deadLetters.push(letter.event.topic));
		b1.bus.subscribe('bad', () => {
			throw new Error('handler failed');
		});
		await a.bus.publish('bad', 1);
		await a.bridge.flush();
		await eventually(() => deadLetters.length === 1, 10_000, 'the local dead letter');
		await b1.bridge.close();
		await a.bus.publish('sentinel', 1);
		await a.bridge.flush();
		const b2 = await node('b', {imports: '**', jetstream: {ackWaitMs: 1_000}});
		await eventually(() => b2.received.length === 1, 10_000, 'the sentinel');
		expect(b2.received.map(event => event.topic)).toEqual(['sentinel']);
	});

	it('a redelivery while the first delivery is still being handled reaches the handlers once', async () => {
		const a = await node('a', {exports: '**'});
		const b = await node('b', {imports: '**', jetstream: {ackWaitMs: 300}});
		let calls = 0;
		let release!: () => void;
		b.bus.subscribe('slow', () => {
			calls++;
			return new Promise<void>(resolve => (release = resolve));
		});
		await a.bus.publish('slow', 1);
		await a.bridge.flush();
		await eventually(() => calls === 1, 10_000, 'the first call');
		// ackWait is shorter than the handler: the server redelivers while it still runs.
		await eventually(() => b.bridge.metrics().duplicates >= 1, 10_000, 'the redelivery');
		release();
		await b.bridge.close();
		expect(calls).toBe(1);
		expect(b.bridge.metrics().imported).toBe(1);
	});

	it('instances sharing a name share the durable consumer: each event reaches one of them, none is taken for an echo', async () => {
		const a = await node('a', {exports: '**'});
		const one = await node('workers', {exports: 'done.*', imports: ['job.*', 'done.*']});
		const two = await node('workers', {exports: 'done.*', imports: ['job.*', 'done.*']});
		for (let index = 0; index < 20; index++) await a.bus.publish('job.run', index);
		await one.bus.publish('done.one', 1);
		await a.bridge.flush();
		await one.bridge.flush();
		const jobs = (): number[] => [...one.received, ...two.received].filter(event => event.topic === 'job.run').map(event => event.payload as number);
		await eventually(() => jobs().length === 20, 10_000, 'every job');
		expect(jobs().sort((x, y) => x - y)).toEqual(Array.from({length: 20}, (_, index) => index));
		// The shared consumer hands `done.one` to one instance: `one` drops it as its own echo, `two` (same name,
		// another instance) imports it.
		const doneAtTwo = (): number => two.received.filter(event => event.topic === 'done.one').length;
		await eventually(() => one.bridge.metrics().echoes + doneAtTwo() === 1, 10_000, 'done.one delivered to one instance');
		expect(one.received.filter(event => event.topic === 'done.one')).toHaveLength(1);
	});

	it('a message the server stops redelivering after maxDeliver (never acknowledged) becomes a bridge dead letter', async () => {
		const a = await node('a', {exports: '**'});
		const b = await node('b', {imports: '**', jetstream: {maxDeliver: 2, ackWaitMs: 300}});
		let release!: () => void;
		b.bus.subscribe('stuck', () => new Promise<void>(resolve => (release = resolve)));
		await a.bus.publish('stuck', {n: 1});
		await a.bridge.flush();
		await eventually(() => b.bridge.deadLetters().length === 1, 15_000, 'the max-deliver dead letter');
		expect(b.bridge.deadLetters()[0]).toMatchObject({reason: 'max-deliver', subject: `${prefix}.stuck`, preview: '{"n":1}', deliveries: 2, error: {code: 'ERR_BRIDGE_IMPORT', topic: 'stuck', attempts: 2}});
		release();
	});

	it('an import the local bus keeps refusing is redelivered up to maxDeliver, then dead-lettered', async () => {
		const a = await node('a', {exports: '**'});
		const closedBus = new EventBus();
		await closedBus.close();
		const b = await bridgeToNats(closedBus, {servers: natsUrl, prefix, name: 'b', mode: 'jetstream', imports: '**', jetstream: {stream, storage: 'memory', maxDeliver: 2, nakDelayMs: 0}});
		bridges.push(b);
		await a.bus.publish('refused', 1);
		await a.bridge.flush();
		await eventually(() => b.deadLetters().length === 1, 10_000, 'the dead letter');
		expect(b.deadLetters()[0]).toMatchObject({reason: 'import-refused', deliveries: 2, error: {code: 'ERR_BRIDGE_IMPORT', attempts: 2, cause: {code: 'ERR_BUS_CLOSED'}}});
		expect(b.metrics().redelivered).toBe(1);
	});
});
