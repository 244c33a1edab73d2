import {mkdtempSync, readFileSync, rmSync, existsSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {EventBus, type BusEvent} from '../../src/index.js';
import {bridgeToNats, type NatsBridge} from '../../src/bridge/index.js';
import {openNatsLink} from '../../src/bridge/nats-link.js';
import {compileTopicPattern} from '../../src/bridge/topic-grammar.js';
import {ChildNode} from './child-node.js';
import {eventually, natsUrl, skipNats, uniqueName} from './nats-env.js';

// Every case of SPEC section 1, as import patterns and the topics that exercise them.
const patterns = ['a.**', 'a.**.b', 'a.*', '*', '**.failed', 'a.**.b.**', 'order.{created,updated}', 'user.*-failed', 'v?'];
const topics = ['a', 'a.b', 'a.b.c', 'a.x.b', 'b', 'failed', 'x.failed', 'failed.x', 'order.created', 'order.deleted', 'user.login-failed', 'user.login', 'v1', 'v10'];

interface LogLine {
	readonly id: string;
	readonly payload: number;
	readonly pid: number;
}

function readLog(path: string): LogLine[] {
	if (!existsSync(path)) return [];
	return readFileSync(path, 'utf8')
		.split('\n')
		.filter(line => line !== '')
		.map(line => JSON.parse(line) as LogLine);
}

describe.skipIf(skipNats)('NATS bridge between processes (real nats-server, child processes)', {timeout: 90_000}, () => {
	const cleanups: Array<() => Promise<unknown>> = [];

	// Child processes start through tsx; on a loaded machine that alone can take seconds.
	afterEach(async () => {
		for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
	}, 60_000);

	function child(config: Record<string, unknown>): ChildNode {
		const node = new ChildNode({servers: natsUrl, ...config});
		cleanups.push(() => node.close());
		return node;
	}

	async function dropStream(stream: string): Promise<void> {
		const link = await openNatsLink({servers: natsUrl, name: 'cleanup', noEcho: false, reconnectWaitMs: 100, reconnectJitterMs: 0, maxReconnectAttempts: 0, onStatus() {}});
		await link.deleteStream(stream);
		await link.close();
	}

	it('core: two processes exchange events both ways; every grammar case holds, no echo, no duplicates', async () => {
		const prefix = uniqueName('mp');
		const config = {prefix, exports: '**', imports: patterns, subscribe: patterns};
		const left = child({...config, name: 'left'});
		const right = child({...config, name: 'right'});
		await Promise.all([left.waitFor(line => line.ready === true), right.waitFor(line => line.ready === true)]);
		await left.send({cmd: 'publish', items: topics.map(topic => ({topic, payload: 'left'}))}, 'published');
		await right.send({cmd: 'publish', items: topics.map(topic => ({topic, payload: 'right'}))}, 'published');
		// Two rounds of flushes: each side's exports confirmed, then each side's reads caught up, then its bus drained.
		for (let round = 0; round < 2; round++) for (const node of [left, right]) await node.send({cmd: 'flush'}, 'flushed');

		const expected = patterns.flatMap(pattern => topics.filter(topic => compileTopicPattern(pattern)(topic)).flatMap(topic => [`${pattern} ${topic} left`, `${pattern} ${topic} right`]));
		for (const node of [left, right]) {
			const got = node.events.map(({pattern, event}) => `${pattern} ${event.topic} ${String(event.payload)}`);
			expect(got.sort()).toEqual([...expected].sort());
		}
		const remote = right.events.find(({event}) => event.payload === 'left')!.event;
		expect(remote.source).toBe('left');
	});

	it('jetstream: the consumer is SIGKILLed mid-stream and restarted; every event is handled, none twice within a process', async () => {
		const prefix = uniqueName('mpjs');
		const stream = uniqueName('MPJS');
		cleanups.push(() => dropStream(stream));
		const directory = mkdtempSync(join(tmpdir(), 'topicbus-bridge-'));
		cleanups.push(async () => rmSync(directory, {recursive: true, force: true}));
		const log = join(directory, 'handled.jsonl');
		const maxAckPending = 20;
		const consumerConfig = {prefix, mode: 'jetstream', name: 'worker', imports: 'work.*', subscribe: ['work.*'], log, jetstream: {stream, maxAckPending, ackWaitMs: 1_000}};
		const first = child(consumerConfig);
		await first.waitFor(line => line.ready === true);

		const bus = new EventBus();
		const producer: NatsBridge = await bridgeToNats(bus, {servers: natsUrl, prefix, mode: 'jetstream', name: uniqueName('producer'), exports: 'work.*', jetstream: {stream}});
		cleanups.push(async () => {
			await producer.close();
			await bus.close();
		});
		const total = 400;
		const publishing = (async () => {
			for (let index = 0; index < total; index++) {
				await bus.publish('work.item', index);
				if (index % 20 === 19) await producer.flush();
			}
			await producer.flush();
		})();
		await eventually(() => readLog(log).length >= 60, 20_000, 'the first handled events');
		await first.kill();
		const handledBeforeKill = readLog(log).length;
		expect(handledBeforeKill).toBeLessThan(total);
		const second = child(consumerConfig);
		await second.waitFor(line => line.ready === true);
		await publishing;
		await eventually(() => new Set(readLog(log).map(line => line.payload)).size === total, 30_000, 'every event handled');
		await second.send({cmd: 'flush'}, 'flushed');

		const lines = readLog(log);
		expect(new Set(lines.map(line => line.payload)).size).toBe(total);
		for (const pid of new Set(lines.map(line => line.pid))) {
			const ids = lines.filter(line => line.pid === pid).map(line => line.id);
			expect(new Set(ids).size).toBe(ids.length);
		}
		// Across the crash, only deliveries handled but not yet acknowledged can come again: at most maxAckPending.
		const repeated = lines.length - total;
		console.log(`[bridge] consumer SIGKILL: ${total} events, ${handledBeforeKill} handled before the kill, ${repeated} handled again after the restart`);
		expect(repeated).toBeLessThanOrEqual(maxAckPending);
	});

	it('jetstream: the producer is SIGKILLed while publishing and restarted; nothing is lost and nothing doubled', async () => {
		const prefix = uniqueName('mpprod');
		const stream = uniqueName('MPPROD');
		cleanups.push(() => dropStream(stream));
		const bus = new EventBus();
		const received: BusEvent[] = [];
		bus.subscribe('job.*', event => {
			received.push(event);
		});
		const consumer = await bridgeToNats(bus, {servers: natsUrl, prefix, mode: 'jetstream', name: uniqueName('consumer'), imports: 'job.*', jetstream: {stream}});
		cleanups.push(async () => {
			await consumer.close();
			await bus.close();
		});
		const total = 300;
		const producerConfig = {prefix, mode: 'jetstream', name: 'producer', exports: 'job.*', produce: {topic: 'job.run', count: total}, jetstream: {stream}};
		const first = child(producerConfig);
		await first.waitFor(line => typeof line.acked === 'number' && line.acked >= 100);
		await first.kill();
		const ackedBeforeKill = Math.max(...first.lines.map(line => (typeof line.acked === 'number' ? line.acked : 0)));
		expect(ackedBeforeKill).toBeLessThan(total);
		// The restarted producer publishes the same events again, with the same ids: the stream keeps one of each.
		const second = child(producerConfig);
		await second.waitFor(line => line.acked === total, 30_000);
		await eventually(() => received.length >= total, 30_000, 'every event');
		await bus.drain();
		expect(received.map(event => event.payload)).toEqual(Array.from({length: total}, (_, index) => index));
		expect(new Set(received.map(event => event.id)).size).toBe(total);
	});
});
