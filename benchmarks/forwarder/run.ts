/**
 * Forwarder benchmarks: `npx tsx benchmarks/forwarder/run.ts [--quick] [null-sink|spool|bus|e2e]`.
 *
 * - null-sink: events published on a bus and forwarded to a null HTTP sink (a child process on loopback), until the
 *   sink acknowledged them all; with the memory buffer and with the spool. Target >= 200k events/s.
 * - spool: the accept path (encode + append) into the spool under each fsync policy, against the memory buffer as
 *   the baseline; and raw `SegmentSpool.append` of encoded records. Target >= 100k events/s with the default policy.
 * - bus: bus throughput with a forwarder attached (null sink, memory buffer and spool) against the same bus without
 *   it. Target >= 0.7x.
 * - e2e: events published on a bus and forwarded into the real collector (a child process storing them in SQLite),
 *   until the collector acknowledged them all; memory buffer and spool, against the null sink in the same run.
 *   Target >= 50k events/s.
 *
 * Rounds of the variants are interleaved (the order rotates), the median round is reported, with the parent's CPU
 * time per event (`process.cpuUsage()`: the sink's work is in its own process). Bounded: a fixed number of events
 * per round, a fixed number of rounds.
 */
import {spawn, type ChildProcess} from 'node:child_process';
import {mkdtempSync, rmSync} from 'node:fs';
import {cpus, tmpdir, totalmem} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {EventBus, type BusEvent} from '../../src/index.js';
import {Forwarder, nodeHttpTransport, type ForwarderOptions} from '../../src/forwarder/index.js';
import {SegmentSpool} from '../../src/forwarder/segment-spool.js';
import {median} from '../lib/stats.js';

const args = process.argv.slice(2);
const isQuick = args.includes('--quick');
const only = args.filter(arg => !arg.startsWith('--'));
const rounds = isQuick ? 1 : 5;
const scale = isQuick ? 0.05 : 1;

interface Sample {
	readonly eventsPerSecond: number;
	readonly cpuMicrosPerEvent: number;
}

interface Row {
	readonly name: string;
	readonly samples: Sample[];
}

async function measure(events: number, run: () => Promise<void>): Promise<Sample> {
	const cpuBefore = process.cpuUsage();
	const started = process.hrtime.bigint();
	await run();
	const seconds = Number(process.hrtime.bigint() - started) / 1e9;
	const cpu = process.cpuUsage(cpuBefore);
	return {eventsPerSecond: events / seconds, cpuMicrosPerEvent: (cpu.user + cpu.system) / events};
}

/** Runs each variant `rounds` times, interleaved with rotation. */
async function interleave(variants: ReadonlyArray<{name: string; events: number; run: () => Promise<void>}>): Promise<Row[]> {
	const rows = variants.map(variant => ({name: variant.name, samples: [] as Sample[]}));
	for (const variant of variants) await variant.run(); // Warm-up.
	for (let round = 0; round < rounds; round++) {
		for (let step = 0; step < variants.length; step++) {
			const index = (round + step) % variants.length;
			const variant = variants[index]!;
			rows[index]!.samples.push(await measure(variant.events, variant.run));
		}
	}
	return rows;
}

function print(title: string, rows: readonly Row[], target: string): void {
	const baseline = median(rows[0]!.samples.map(sample => sample.eventsPerSecond));
	console.log(`\n## ${title}\n\n| variant | events/s (median of ${rounds}) | ratio to first row | parent CPU µs/event |\n| --- | ---: | ---: | ---: |`);
	for (const row of rows) {
		const rate = median(row.samples.map(sample => sample.eventsPerSecond));
		const cpu = median(row.samples.map(sample => sample.cpuMicrosPerEvent));
		console.log(`| ${row.name} | ${Math.round(rate).toLocaleString('en-US')} | ${(rate / baseline).toFixed(2)}x | ${cpu.toFixed(2)} |`);
	}
	console.log(`\nTarget: ${target}`);
}

function event(index: number): BusEvent {
	const id = `01JD${String(index).padStart(22, '0')}`;
	return Object.freeze({
		id,
		topic: 'order.created',
		payload: {orderId: `o-${index}`, amount: 1234, currency: 'EUR', items: [{sku: 'sku-1', quantity: 2}, {sku: 'sku-2', quantity: 1}]},
		timestamp: 1_733_000_000_000 + index,
		source: 'shop',
		correlationId: id,
		causationId: undefined,
		priority: 0,
		metadata: {},
	});
}

async function startSink(): Promise<{url: string; child: ChildProcess}> {
	const path = fileURLToPath(new URL('null-sink.ts', import.meta.url));
	const child = spawn(process.execPath, ['--import', 'tsx', path], {stdio: ['ignore', 'pipe', 'inherit']});
	const port = await new Promise<number>((resolve, reject) => {
		let output = '';
		child.stdout!.on('data', (chunk: Buffer) => {
			output += chunk.toString();
			const match = /listening (\d+)/.exec(output);
			if (match !== null) resolve(Number(match[1]));
		});
		child.on('exit', code => reject(new Error(`sink exited with ${code}`)));
	});
	return {url: `http://127.0.0.1:${port}/events/batch`, child};
}

/** Publishes `count` orders, draining every 1,000, and waits for the bus to be idle. */
async function publishOrders(bus: EventBus, count: number): Promise<void> {
	for (let index = 0; index < count; index++) {
		bus.publishSync('order.created', {orderId: `o-${index}`, amount: 1234, currency: 'EUR', items: [{sku: 'sku-1', quantity: 2}]});
		if (index % 1000 === 999) await bus.drain();
	}
	await bus.drain();
}

function tempDir(): string {
	return mkdtempSync(join(tmpdir(), 'topicbus-bench-forwarder-'));
}

/** Publishes `count` events on a bus that forwards them, until the sink acknowledged every one. */
function forwardRun(url: string, count: number, options: Partial<ForwarderOptions>): () => Promise<void> {
	return async () => {
		const dir = options.spool === undefined ? undefined : tempDir();
		const bus = new EventBus({source: 'bench', history: 0} as ConstructorParameters<typeof EventBus>[0]);
		const forwarder = new Forwarder({url, ...options, ...(dir === undefined ? {} : {spool: {...options.spool, dir}})});
		bus.use(forwarder);
		await publishOrders(bus, count);
		await forwarder.flush({timeoutMs: 60_000});
		if (forwarder.metrics().sent !== count) throw new Error(`sent ${forwarder.metrics().sent} of ${count}`);
		await bus.close();
		if (dir !== undefined) rmSync(dir, {recursive: true, force: true});
	};
}

/** Hands `count` prepared events to `consume` in arrays of 512 (as the bus does), until the sink acknowledged all. */
function consumeRun(url: string, count: number, spool: boolean, options: Partial<ForwarderOptions> = {}): () => Promise<void> {
	const events = Array.from({length: count}, (_, index) => event(index));
	return async () => {
		const dir = spool ? tempDir() : undefined;
		const forwarder = new Forwarder({url, ...options, ...(dir === undefined ? {} : {spool: {dir}})});
		for (let done = 0; done < count; done += 512) await forwarder.consume(events.slice(done, done + 512));
		await forwarder.flush({timeoutMs: 60_000});
		if (forwarder.metrics().sent !== count) throw new Error(`sent ${forwarder.metrics().sent} of ${count}`);
		await forwarder.close();
		if (dir !== undefined) rmSync(dir, {recursive: true, force: true});
	};
}

async function nullSink(): Promise<void> {
	const sink = await startSink();
	const count = Math.round(200_000 * scale);
	try {
		const rows = await interleave([
			{name: 'consume() → null sink, memory buffer', events: count, run: consumeRun(sink.url, count, false)},
			{name: 'consume() → null sink, spool (fsync interval)', events: count, run: consumeRun(sink.url, count, true)},
			{name: 'consume() → null sink, memory buffer, nodeHttpTransport', events: count, run: consumeRun(sink.url, count, false, {transport: nodeHttpTransport})},
			{name: 'bus → forwarder → null sink, memory buffer', events: count, run: forwardRun(sink.url, count, {})},
			{name: 'bus → forwarder → null sink, spool (fsync interval)', events: count, run: forwardRun(sink.url, count, {spool: {dir: ''}})},
			{name: 'bus → forwarder → null sink, memory buffer, nodeHttpTransport', events: count, run: forwardRun(sink.url, count, {transport: nodeHttpTransport})},
		]);
		print(`Forwarder → null HTTP sink on loopback (${count.toLocaleString('en-US')} events per round, defaults: 500 events / 1 MiB / 1 s batches)`, rows, '>= 200k events/s');
	} finally {
		sink.child.kill('SIGTERM');
	}
}

/** The accept path: `consume` in arrays of 512 (as the bus hands them over), nothing ever sent. */
function acceptRun(count: number, spool: ForwarderOptions['spool'] | undefined): () => Promise<void> {
	const events = Array.from({length: 512}, (_, index) => event(index));
	return async () => {
		const dir = spool === undefined ? undefined : tempDir();
		const forwarder = new Forwarder({
			url: 'http://127.0.0.1:9/events/batch',
			transport: (_request, signal) => new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(new Error('aborted')))),
			timeoutMs: 3_600_000,
			maxBufferBytes: 2 ** 40,
			// Closing with the memory buffer full dead-letters what it holds: expected here, not worth a warning.
			onDeadLetter: () => undefined,
			...(dir === undefined ? {} : {spool: {...spool, dir, maxBytes: 2 ** 40}}),
		});
		for (let done = 0; done < count; done += events.length) await forwarder.consume(events);
		await forwarder.close({timeoutMs: 0});
		if (dir !== undefined) rmSync(dir, {recursive: true, force: true});
	};
}

function rawAppendRun(count: number): () => Promise<void> {
	const records = Array.from({length: 512}, (_, index) => ({id: `e-${index}`, at: Date.now(), body: Buffer.from(JSON.stringify({id: `e-${index}`, event_type: 'order.created', data: {orderId: index, amount: 1234}, pad: 'x'.repeat(150)}))}));
	return async () => {
		const dir = tempDir();
		const spool = new SegmentSpool({dir, maxBytes: 2 ** 40});
		for (let done = 0; done < count; done += records.length) spool.append(records);
		spool.close();
		rmSync(dir, {recursive: true, force: true});
	};
}

async function spoolWrites(): Promise<void> {
	const count = Math.round(200_000 * scale);
	const rows = await interleave([
		{name: 'consume into the memory buffer (baseline)', events: count, run: acceptRun(count, undefined)},
		{name: 'consume into the spool, fsync interval (default, 1 s)', events: count, run: acceptRun(count, {dir: '', fsync: 'interval'})},
		{name: 'consume into the spool, fsync always (per 512-event write)', events: count, run: acceptRun(count, {dir: '', fsync: 'always'})},
		{name: 'consume into the spool, fsync never', events: count, run: acceptRun(count, {dir: '', fsync: 'never'})},
		{name: 'SegmentSpool.append of encoded records, fsync interval', events: count, run: rawAppendRun(count)},
	]);
	print(`Spool writes (${count.toLocaleString('en-US')} events of ~300 bytes encoded per round)`, rows, '>= 100k events/s with the default fsync policy');
}

async function busOverhead(): Promise<void> {
	const sink = await startSink();
	const count = Math.round(200_000 * scale);
	const plain = async (): Promise<void> => {
		const bus = new EventBus({source: 'bench'});
		let seen = 0;
		bus.subscribe('order.*', () => void seen++);
		await publishOrders(bus, count);
		await bus.close();
		if (seen !== count) throw new Error(`saw ${seen} of ${count}`);
	};
	const withForwarder = (spool: boolean, options: Partial<ForwarderOptions> = {}) => async (): Promise<void> => {
		const dir = spool ? tempDir() : undefined;
		const bus = new EventBus({source: 'bench'});
		let seen = 0;
		bus.subscribe('order.*', () => void seen++);
		const forwarder = new Forwarder({url: sink.url, ...options, ...(dir === undefined ? {} : {spool: {dir}})});
		bus.use(forwarder);
		await publishOrders(bus, count);
		await forwarder.flush({timeoutMs: 60_000});
		await bus.close();
		if (seen !== count || forwarder.metrics().sent !== count) throw new Error(`saw ${seen}, sent ${forwarder.metrics().sent} of ${count}`);
		if (dir !== undefined) rmSync(dir, {recursive: true, force: true});
	};
	try {
		const rows = await interleave([
			{name: 'bus, one subscriber (baseline)', events: count, run: plain},
			{name: 'bus, one subscriber + forwarder (memory buffer)', events: count, run: withForwarder(false)},
			{name: 'bus, one subscriber + forwarder (spool)', events: count, run: withForwarder(true)},
			{name: 'bus, one subscriber + forwarder (memory buffer, nodeHttpTransport)', events: count, run: withForwarder(false, {transport: nodeHttpTransport})},
		]);
		print(`Bus throughput with a forwarder attached (${count.toLocaleString('en-US')} events per round, publishSync + drain every 1,000, until the sink acknowledged all)`, rows, '>= 0.7x the bus without it');
	} finally {
		sink.child.kill('SIGTERM');
	}
}

async function startCollector(db: string): Promise<{url: string; child: ChildProcess}> {
	const path = fileURLToPath(new URL('../collector/server.ts', import.meta.url));
	const child = spawn(process.execPath, ['--import', 'tsx', path, 'topicbus', db], {stdio: ['ignore', 'pipe', 'inherit']});
	const url = await new Promise<string>((resolve, reject) => {
		let output = '';
		child.stdout!.on('data', (chunk: Buffer) => {
			output += chunk.toString();
			const match = /listening (\S+)/.exec(output);
			if (match !== null) resolve(match[1]!);
		});
		child.on('exit', code => reject(new Error(`collector exited with ${code}`)));
	});
	return {url: `${url}/events/batch`, child};
}

async function endToEnd(): Promise<void> {
	const dir = tempDir();
	const sink = await startSink();
	const collector = await startCollector(join(dir, 'events.db'));
	// Fewer events than the null-sink rows: every round adds them to the same SQLite file.
	const count = Math.round(100_000 * scale);
	try {
		const rows = await interleave([
			{name: 'bus → forwarder → null sink, memory buffer (reference)', events: count, run: forwardRun(sink.url, count, {})},
			{name: 'bus → forwarder → collector (SQLite), memory buffer', events: count, run: forwardRun(collector.url, count, {})},
			{name: 'bus → forwarder → collector (SQLite), spool (fsync interval)', events: count, run: forwardRun(collector.url, count, {spool: {dir: ''}})},
			{name: 'bus → forwarder → collector (SQLite), memory buffer, nodeHttpTransport', events: count, run: forwardRun(collector.url, count, {transport: nodeHttpTransport})},
		]);
		print(`Forwarder → the collector end to end (${count.toLocaleString('en-US')} events per round; the collector in its own process, SQLite WAL)`, rows, '>= 50k events/s into the collector');
	} finally {
		sink.child.kill('SIGTERM');
		collector.child.kill('SIGTERM');
		await new Promise(resolve => collector.child.once('exit', resolve));
		rmSync(dir, {recursive: true, force: true});
	}
}

const cpu = cpus()[0]?.model ?? 'unknown CPU';
console.log(`# Forwarder benchmarks${isQuick ? ' (--quick: the numbers mean nothing)' : ''}\n\n${cpu}, ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GB, Node ${process.version}, ${process.platform}`);
const scenarios: Record<string, () => Promise<void>> = {'null-sink': nullSink, spool: spoolWrites, bus: busOverhead, e2e: endToEnd};
for (const [name, scenario] of Object.entries(scenarios)) {
	if (only.length === 0 || only.some(filter => name.includes(filter))) await scenario();
}
