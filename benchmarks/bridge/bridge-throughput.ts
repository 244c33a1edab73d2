/**
 * Events per second from one process to another through the bridge, against plain nats.js with the same payloads,
 * in the same run: core NATS (bridge core mode vs plain publish/subscribe) and JetStream (bridge jetstream mode vs
 * plain JetStream publishes with acks and a durable consumer acking each message). `bus-core` (a bus on each side
 * joined by bare NATS publish/subscribe, no envelope) separates the cost of the buses from the bridge's own. Rounds
 * are interleaved so that drift on this shared machine hits every contender alike; the table shows the median round
 * and the ratio to the plain baseline of the same transport, in events/s and in CPU per event (both processes).
 * The sender stays at most 5,000 events ahead of the receiver (closed loop), for every contender alike.
 *
 *   npx tsx benchmarks/bridge/bridge-throughput.ts            # full (about a minute)
 *   npx tsx benchmarks/bridge/bridge-throughput.ts --quick    # a smoke run; the numbers mean little
 *
 * Needs a nats-server with JetStream at NATS_URL (default nats://127.0.0.1:4222).
 */
import {spawn} from 'node:child_process';
import {cpus, totalmem} from 'node:os';
import {createInterface} from 'node:readline';
import {fileURLToPath} from 'node:url';
import {connect, type NatsConnection} from '@nats-io/transport-node';
import {jetstream, jetstreamManager, StorageType} from '@nats-io/jetstream';
import {EventBus} from '../../src/index.js';
import {bridgeToNats} from '../../src/bridge/index.js';

type Kind = 'plain-core' | 'bus-core' | 'bridge-core' | 'plain-jetstream' | 'bridge-jetstream';

const isQuick = process.argv.includes('--quick');
const servers = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const rounds = isQuick ? 1 : 5;
const counts: Record<Kind, number> = isQuick
	? {'plain-core': 2_000, 'bus-core': 2_000, 'bridge-core': 2_000, 'plain-jetstream': 500, 'bridge-jetstream': 500}
	: {'plain-core': 50_000, 'bus-core': 50_000, 'bridge-core': 50_000, 'plain-jetstream': 10_000, 'bridge-jetstream': 10_000};
const inFlight = 256;
const payload = (n: number): {n: number; order: string; lines: Array<{sku: string; qty: number}>} => ({n, order: `o-${n}`, lines: [{sku: 'sku-1', qty: 2}]});
const runId = `bench${process.pid}x${Date.now().toString(36)}`;

// The receiving process, driven over stdin/stdout.
const receiver = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('receiver.ts', import.meta.url))], {stdio: ['pipe', 'pipe', 'inherit']});
const replies: Array<Record<string, unknown>> = [];
let wake: (() => void) | undefined;
let progress = 0;
createInterface({input: receiver.stdout!}).on('line', line => {
	const item = JSON.parse(line) as Record<string, unknown>;
	if (typeof item.progress === 'number') progress = item.progress;
	else replies.push(item);
	wake?.();
});

// The sender keeps at most this many events ahead of the receiver: a closed loop measures what the pair sustains
// (an open loop would only measure how fast the receiver's buffers fill).
const window = 5_000;
async function receiverReached(count: number): Promise<void> {
	while (progress < count) {
		await new Promise<void>(resolve => {
			wake = resolve;
			setTimeout(resolve, 50);
		});
	}
}
async function reply(key: string, timeoutMs: number): Promise<Record<string, unknown>> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const index = replies.findIndex(item => key in item);
		if (index !== -1) return replies.splice(index, 1)[0]!;
		if (Date.now() > deadline) throw new Error(`receiver did not answer ${key} within ${timeoutMs} ms`);
		await new Promise<void>(resolve => {
			wake = resolve;
			setTimeout(resolve, 100);
		});
	}
}

let control: NatsConnection;
const streams: string[] = [];

async function makeStream(name: string, prefix: string): Promise<void> {
	const jsm = await jetstreamManager(control);
	await jsm.streams.add({name, subjects: [`${prefix}.>`], storage: StorageType.File, duplicate_window: 120_000_000_000});
	streams.push(name);
}

interface Measurement {
	readonly kind: Kind;
	readonly eventsPerSecond: number;
	readonly senderCpuMicrosPerEvent: number;
	readonly receiverCpuMicrosPerEvent: number;
}

async function measure(kind: Kind, round: number): Promise<Measurement> {
	const count = counts[kind];
	const prefix = `${runId}.${kind.replace('-', '')}.r${round}`;
	const stream = `${runId}_${kind.replace('-', '_')}_${round}`.toUpperCase();
	if (kind.endsWith('jetstream')) await makeStream(stream, prefix);
	progress = 0;
	receiver.stdin!.write(`${JSON.stringify({kind, servers, prefix, stream, count, name: `recv${round}`})}\n`);
	await reply('ready', 30_000);

	let send: (n: number) => unknown;
	let settle: () => Promise<void>;
	let teardown: () => Promise<unknown>;
	if (kind === 'plain-core') {
		const nc = await connect({servers});
		const encoder = new TextEncoder();
		send = n => nc.publish(`${prefix}.order.created`, encoder.encode(JSON.stringify(payload(n))));
		settle = () => nc.flush();
		teardown = () => nc.close();
	} else if (kind === 'bus-core') {
		const nc = await connect({servers});
		const bus = new EventBus();
		const encoder = new TextEncoder();
		bus.use({name: 'bare-nats', topics: '**', consume: event => nc.publish(`${prefix}.${(event as {topic: string}).topic}`, encoder.encode(JSON.stringify((event as {payload: unknown}).payload)))});
		// As in the main benchmarks: publish() not awaited one by one, drain() every 1,000 events.
		send = n => void bus.publish('order.created', payload(n));
		settle = async () => {
			await bus.drain();
			await nc.flush();
		};
		teardown = async () => {
			await bus.close();
			await nc.close();
		};
	} else if (kind === 'plain-jetstream') {
		const nc = await connect({servers});
		const js = jetstream(nc);
		const encoder = new TextEncoder();
		// The same window as the bridge's default maxInFlight: publishes pipelined, each awaiting its ack.
		const pending = new Set<Promise<unknown>>();
		const waiters: Array<() => void> = [];
		send = async n => {
			while (pending.size >= inFlight) await new Promise<void>(resolve => waiters.push(resolve));
			const ack: Promise<unknown> = js.publish(`${prefix}.order.created`, encoder.encode(JSON.stringify(payload(n))), {msgID: `${prefix}-${n}`}).finally(() => {
				pending.delete(ack);
				waiters.shift()?.();
			});
			pending.add(ack);
		};
		settle = async () => {
			await Promise.all(pending);
		};
		teardown = () => nc.close();
	} else {
		const bus = new EventBus();
		const bridge = await bridgeToNats(bus, {servers, prefix, name: `send${round}`, mode: kind === 'bridge-core' ? 'core' : 'jetstream', exports: '**', jetstream: {stream, maxInFlight: inFlight}});
		send = n => void bus.publish('order.created', payload(n));
		settle = async () => {
			await bus.drain();
			await bridge.flush();
		};
		teardown = async () => {
			await bridge.close();
			await bus.close();
		};
	}

	const started = performance.now();
	const cpu = process.cpuUsage();
	for (let n = 0; n < count; n++) {
		const result = send(n);
		if (result instanceof Promise) await result;
		// Like the main benchmarks: a producer that waits for the pipeline every 1,000 events.
		if (n % 1_000 === 999) {
			await settle();
			await receiverReached(Math.floor((n + 1 - window) / 1_000) * 1_000);
		}
	}
	await settle();
	const used = process.cpuUsage(cpu);
	const done = await reply('done', 120_000);
	const elapsed = performance.now() - started;
	await teardown();
	return {
		kind,
		eventsPerSecond: (count / elapsed) * 1_000,
		senderCpuMicrosPerEvent: (used.user + used.system) / count,
		receiverCpuMicrosPerEvent: (done.cpuMicros as number) / count,
	};
}

function median(values: readonly number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	const middle = Math.floor(sorted.length / 2);
	return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

try {
	control = await connect({servers});
	const kinds: Kind[] = ['plain-core', 'bus-core', 'bridge-core', 'plain-jetstream', 'bridge-jetstream'];
	const results: Measurement[] = [];
	// A warm-up round that is not reported (JIT, connections, the receiver's first setup).
	if (!isQuick) for (const kind of kinds) await measure(kind, 0);
	for (let round = 1; round <= rounds; round++) {
		// The order rotates each round, so drift on the machine hits every contender alike.
		const order = kinds.map((_kind, index) => kinds[(index + round) % kinds.length]!);
		for (const kind of order) results.push(await measure(kind, round));
	}
	const summary = kinds.map(kind => {
		const rows = results.filter(result => result.kind === kind);
		return {
			kind,
			eventsPerSecond: median(rows.map(row => row.eventsPerSecond)),
			senderCpu: median(rows.map(row => row.senderCpuMicrosPerEvent)),
			receiverCpu: median(rows.map(row => row.receiverCpuMicrosPerEvent)),
		};
	});
	const baseline = (kind: Kind): number => summary.find(row => row.kind === (kind.endsWith('core') ? 'plain-core' : 'plain-jetstream'))!.eventsPerSecond;
	console.log(`\nNATS bridge, process to process (${isQuick ? 'quick' : 'full'}: ${rounds} round(s), median)`);
	console.log(`machine: ${cpus()[0]?.model ?? 'unknown'}, ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GB; Node ${process.version}; ${servers}\n`);
	const baselineCpu = (kind: Kind): number => {
		const row = summary.find(item => item.kind === (kind.endsWith('core') ? 'plain-core' : 'plain-jetstream'))!;
		return row.senderCpu + row.receiverCpu;
	};
	console.log('| contender | events | events/s | ratio to plain | sender CPU µs/event | receiver CPU µs/event | CPU ratio (plain / this) |');
	console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
	for (const row of summary) {
		const cpuRatio = baselineCpu(row.kind) / (row.senderCpu + row.receiverCpu);
		console.log(
			`| ${row.kind} | ${counts[row.kind]} | ${Math.round(row.eventsPerSecond).toLocaleString('en-US')} | ${(row.eventsPerSecond / baseline(row.kind)).toFixed(2)}x | ${row.senderCpu.toFixed(1)} | ${row.receiverCpu.toFixed(1)} | ${cpuRatio.toFixed(2)}x |`,
		);
	}
	console.log('\nTargets: bridge-core >= 0.7x plain-core; bridge-jetstream >= 0.7x plain-jetstream.');
} finally {
	const jsm = control! === undefined ? undefined : await jetstreamManager(control);
	for (const stream of streams) await jsm?.streams.delete(stream).catch(() => false);
	await control!?.close();
	receiver.kill();
}
