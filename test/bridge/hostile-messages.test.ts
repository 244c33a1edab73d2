import {afterEach, describe, expect, it} from 'vitest';
import {EventBus, type BusEvent} from '../../src/index.js';
import {bridgeToNats, wireHeaders, type BridgeDeadLetter, type NatsBridge} from '../../src/bridge/index.js';
import {openNatsLink, type NatsLink} from '../../src/bridge/nats-link.js';
import {eventually, natsUrl, skipNats, uniqueName} from './nats-env.js';

const encoder = new TextEncoder();

describe.skipIf(skipNats)('NATS bridge, hostile messages (real nats-server)', () => {
	const cleanups: Array<() => Promise<unknown>> = [];

	afterEach(async () => {
		for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
	});

	async function rawLink(): Promise<NatsLink> {
		const link = await openNatsLink({servers: natsUrl, name: 'raw', noEcho: false, reconnectWaitMs: 100, reconnectJitterMs: 0, maxReconnectAttempts: 0, onStatus() {}});
		cleanups.push(() => link.close());
		return link;
	}

	const hostile: Array<[name: string, topic: string, headers: Record<string, string>, body: Uint8Array, reason: BridgeDeadLetter['reason']]> = [
		['a non-JSON body', 'in.a', {}, encoder.encode('{oops'), 'invalid-body'],
		['a body over maxBodyBytes', 'in.a', {}, encoder.encode(JSON.stringify('x'.repeat(5_000))), 'too-large'],
		['topicbus headers without an id', 'in.a', {[wireHeaders.source]: 'x'}, encoder.encode('1'), 'invalid-header'],
		['a priority that is not a number', 'in.a', {[wireHeaders.id]: 'i', [wireHeaders.priority]: 'NaN'}, encoder.encode('1'), 'invalid-header'],
		['metadata that is not JSON', 'in.a', {[wireHeaders.id]: 'i', [wireHeaders.metadata]: 'nope'}, encoder.encode('1'), 'invalid-header'],
		['a subject that is not a topic', 'in.a$b', {}, encoder.encode('1'), 'invalid-subject'],
	];

	for (const mode of ['core', 'jetstream'] as const) {
		it.each(hostile)(`${mode}: %s becomes a bridge dead letter, and the bridge keeps delivering`, async (_name, topic, headers, body, reason) => {
			const prefix = uniqueName('hostile');
			const stream = uniqueName('HOSTILE');
			const bus = new EventBus();
			cleanups.push(() => bus.close());
			// Registered first: a bridge that fails to start may still have created the stream.
			if (mode === 'jetstream') {
				cleanups.push(async () => {
					const link = await openNatsLink({servers: natsUrl, name: 'cleanup', noEcho: false, reconnectWaitMs: 100, reconnectJitterMs: 0, maxReconnectAttempts: 0, onStatus() {}});
					await link.deleteStream(stream);
					await link.close();
				});
			}
			const received: BusEvent[] = [];
			bus.subscribe('**', event => {
				received.push(event);
			});
			const bridge: NatsBridge = await bridgeToNats(bus, {
				servers: natsUrl,
				prefix,
				mode,
				name: uniqueName('hostile'),
				imports: 'in.**',
				maxBodyBytes: 1_024,
				jetstream: {stream, storage: 'memory', deliverPolicy: 'all'},
			});
			cleanups.push(() => bridge.close({timeoutMs: 2_000}));
			const letters: BridgeDeadLetter[] = [];
			bridge.on('deadLetter', letter => letters.push(letter));
			const raw = await rawLink();
			const publish = (subject: string, data: Uint8Array, hdrs: Record<string, string>): Promise<unknown> =>
				mode === 'core' ? (raw.publish(subject, data, hdrs), raw.flush()) : raw.publishDurable(subject, data, hdrs, uniqueName('m'), 5_000);
			await publish(`${prefix}.${topic}`, body, headers);
			await publish(`${prefix}.in.ok`, encoder.encode('{"fine":true}'), {});
			await eventually(() => received.length === 1 && letters.length === 1, 10_000, 'the good event and the dead letter');
			expect(received[0]).toMatchObject({topic: 'in.ok', payload: {fine: true}, source: 'nats'});
			expect(letters[0]).toMatchObject({reason, subject: `${prefix}.${topic}`, error: {code: 'ERR_BRIDGE_MESSAGE', reason}});
			expect(letters[0]!.size).toBe(body.length);
			expect(bridge.metrics().deadLettered).toBe(1);
			expect(bridge.deadLetters()).toHaveLength(1);
		});
	}

	it('core: an event the local bus refuses becomes a bridge dead letter with reason import-refused', async () => {
		const prefix = uniqueName('refused');
		const bus = new EventBus({maxPayloadDepth: 2});
		cleanups.push(() => bus.close());
		const bridge = await bridgeToNats(bus, {servers: natsUrl, prefix, imports: '**'});
		cleanups.push(() => bridge.close({timeoutMs: 2_000}));
		const raw = await rawLink();
		raw.publish(`${prefix}.deep`, encoder.encode('{"a":{"b":{"c":{"d":1}}}}'), {});
		await raw.flush();
		await eventually(() => bridge.deadLetters().length === 1, 10_000, 'the dead letter');
		expect(bridge.deadLetters()[0]).toMatchObject({reason: 'import-refused', error: {code: 'ERR_BRIDGE_IMPORT', topic: 'deep', cause: {code: 'ERR_INVALID_PAYLOAD'}}});
	});
});
