/**
 * The collector's ingest and query benchmark: topicbus's collector against a naive baseline (fastify +
 * better-sqlite3, the reference's schema, one insert transaction per request), through real HTTP on loopback into
 * SQLite files, each server in its own process, rounds interleaved.
 *
 *   npx tsx benchmarks/collector/ingest.ts            # about 2 minutes
 *   npx tsx benchmarks/collector/ingest.ts --quick    # a few seconds (CI smoke test; the numbers mean little)
 *
 * The headline is the server process's CPU time per 1,000 events (user + system of every thread, from /proc, over
 * each round) and its ratio to the baseline's in the same run: on a shared machine wall-clock rates move with the
 * other jobs' load, CPU per event much less. Also reported: events/s (median round), single-event latency at a fixed
 * 2,000 req/s, filtered queries over a large store, and the load average around each part (so a reader can judge).
 */
import {spawn, type ChildProcess} from 'node:child_process';
import {mkdtempSync, readFileSync, rmSync} from 'node:fs';
import {cpus, loadavg, tmpdir} from 'node:os';
import {join} from 'node:path';
import autocannon from 'autocannon';
import {SqliteStore} from '../../src/collector/sqlite-store.js';
import type {EventRecord} from '../../src/collector/types.js';

const quick = process.argv.includes('--quick');
const rounds = quick ? 1 : 5;
const roundSeconds = quick ? 1 : 4;
const queryStoreSize = quick ? 20_000 : 1_000_000;
const dir = mkdtempSync(join(tmpdir(), 'topicbus-collector-bench-'));
const serverScript = new URL('./server.ts', import.meta.url).pathname;

interface Server {
	readonly name: string;
	readonly url: string;
	readonly child: ChildProcess;
}

function start(kind: 'topicbus' | 'naive' | 'floor', db: string): Promise<Server> {
	const child = spawn(process.execPath, ['--import', 'tsx', serverScript, kind, db], {stdio: ['pipe', 'pipe', 'inherit']});
	return new Promise((resolve, reject) => {
		let output = '';
		child.stdout!.on('data', chunk => {
			output += chunk;
			const match = /listening (\S+)/.exec(output);
			if (match !== null) resolve({name: kind, url: match[1]!, child});
		});
		child.once('exit', code => reject(new Error(`${kind} server exited (${code}): ${output}`)));
	});
}

interface LoopDelay {
	readonly p50: number;
	readonly p99: number;
	readonly max: number;
}

/** The server's event-loop delay (ms) since the previous call: what the server itself kept requests waiting. */
function eventLoopDelay(server: Server): Promise<LoopDelay> {
	return new Promise(resolve => {
		let output = '';
		const onData = (chunk: Buffer) => {
			output += chunk;
			const match = /eld (\{[^\n]*\})/.exec(output);
			if (match === null) return;
			server.child.stdout!.off('data', onData);
			resolve(JSON.parse(match[1]!) as LoopDelay);
		};
		server.child.stdout!.on('data', onData);
		server.child.stdin!.write('eld\n');
	});
}

/** The process's user + system CPU time in ms, from /proc (Linux). */
function cpuMs(pid: number): number {
	const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
	return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

let sequence = 0;
const sources = ['orders', 'billing', 'shipping', 'auth', 'search'];
const severities = ['debug', 'info', 'info', 'info', 'warning', 'error'];

/** A JSON array of `size` events whose ids contain `__P__`, replaced per request so every event is new. */
function template(size: number): string {
	const events = Array.from({length: size}, (_, index) => ({
		id: `__P__-${index}`,
		source_system: sources[index % sources.length],
		event_type: `order.${['created', 'paid', 'shipped', 'failed'][index % 4]}`,
		severity: severities[index % severities.length],
		timestamp: new Date(Date.UTC(2026, 0, 1) + index * 1000).toISOString(),
		correlation_id: `wf-__P__-${index % 10}`,
		data: {order_id: index, amount: 12.5, customer: 'c-1234', items: ['a', 'b']},
		tags: ['bench', 'prod'],
	}));
	return JSON.stringify(size === 1 ? events[0] : events);
}

interface Load {
	readonly eventsPerRequest: number;
	readonly path: string;
	readonly connections: number;
	readonly overallRate?: number;
}

/**
 * Bodies with fresh ids, encoded before the round starts, so that the load generator (on the same cores as the
 * server) spends its time sending rather than building bodies. More are built on the fly if the pool runs out.
 */
function bodyPool(spec: Load, count: number): () => Buffer {
	const text = template(spec.eventsPerRequest);
	const fresh = () => Buffer.from(text.replaceAll('__P__', `r${++sequence}`));
	const pool = Array.from({length: count}, fresh);
	let next = 0;
	return () => (next < pool.length ? pool[next++]! : fresh());
}

// Enough bodies for 60,000 events/s (or requests/s, whichever is fewer bodies) over the round.
const poolSize = (spec: Load, seconds: number) => Math.ceil((Math.min(60_000 / spec.eventsPerRequest, 10_000) * seconds));

async function load(server: Server, spec: Load, seconds: number) {
	const nextBody = bodyPool(spec, poolSize(spec, seconds));
	const before = cpuMs(server.child.pid!);
	const result = await autocannon({
		url: server.url + spec.path,
		method: 'POST',
		connections: spec.connections,
		duration: seconds,
		headers: {'content-type': 'application/json'},
		...(spec.overallRate === undefined ? {} : {overallRate: spec.overallRate}),
		requests: [{setupRequest: (request: Record<string, unknown>) => ({...request, body: nextBody()})}],
	});
	const cpu = cpuMs(server.child.pid!) - before;
	const ok = result['2xx'];
	const events = ok * spec.eventsPerRequest;
	return {eventsPerSecond: events / seconds, cpuPerThousand: events === 0 ? Number.NaN : (cpu / events) * 1000, p50: result.latency.p50, p99: result.latency.p99, non2xx: result.non2xx, errors: result.errors};
}

const load1 = () => loadavg()[0]!.toFixed(1);
const median = (values: readonly number[]) => [...values].sort((a, b) => a - b)[values.length >> 1]!;
const fmt = (value: number, digits = 0) => value.toLocaleString('en-US', {maximumFractionDigits: digits, minimumFractionDigits: digits});

async function main(): Promise<void> {
	console.log(`collector ingest benchmark${quick ? ' (--quick)' : ''}: ${cpus()[0]?.model ?? 'unknown cpu'} x${cpus().length}, Node ${process.version}, load average ${loadavg().map(value => value.toFixed(1)).join(' ')}`);
	const servers = await Promise.all([start('topicbus', join(dir, 'topicbus.db')), start('naive', join(dir, 'naive.db'))]);
	try {
		const loads: Array<[string, Load]> = [
			['batch of 1000, 4 connections', {eventsPerRequest: 1000, path: '/events/batch', connections: 4}],
			['batch of 100, 10 connections', {eventsPerRequest: 100, path: '/events/batch', connections: 10}],
			['single events, 20 connections', {eventsPerRequest: 1, path: '/events', connections: 20}],
		];
		console.log('\n| workload | server | server CPU ms / 1k events | CPU ratio naive / topicbus | capacity per core, events/s | events/s (median) | ratio vs naive | p99 ms | load average |');
		console.log('| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |');
		for (const [label, spec] of loads) {
			const loadBefore = load1();
			const results = new Map<string, Array<Awaited<ReturnType<typeof load>>>>();
			for (let round = 0; round < rounds; round++) {
				const order = round % 2 === 0 ? servers : [...servers].reverse();
				for (const server of order) {
					const result = await load(server, spec, roundSeconds);
					if (result.non2xx > 0 || result.errors > 0) console.warn(`  ${server.name} ${label}: ${result.non2xx} non-2xx, ${result.errors} errors`);
					results.set(server.name, [...(results.get(server.name) ?? []), result]);
				}
			}
			const loadRange = `${loadBefore} -> ${load1()}`;
			const naiveRate = median(results.get('naive')!.map(result => result.eventsPerSecond));
			const naiveCpu = median(results.get('naive')!.map(result => result.cpuPerThousand));
			for (const server of servers) {
				const rows = results.get(server.name)!;
				const rate = median(rows.map(result => result.eventsPerSecond));
				const cpu = median(rows.map(result => result.cpuPerThousand));
				// What one core would sustain if the server had it to itself: 1,000 events per `cpu` ms.
				console.log(
					`| ${label} | ${server.name} | ${fmt(cpu, 1)} | ${fmt(naiveCpu / cpu, 2)}x | ${fmt(1_000_000 / cpu)} | ${fmt(rate)} | ${fmt(rate / naiveRate, 2)}x | ${fmt(median(rows.map(result => result.p99)))} | ${loadRange} |`,
				);
			}
		}

		console.log(`\nsingle events at a fixed 2,000 req/s (open loop, 20 connections; load average ${load1()}); "floor" stores nothing:`);
		const floor = await start('floor', join(dir, 'unused.db'));
		servers.push(floor);
		console.log('| server | p50 ms | p99 ms | non-2xx | server event-loop delay p99 / max ms |');
		console.log('| --- | ---: | ---: | ---: | ---: |');
		for (const server of servers) {
			await eventLoopDelay(server);
			const result = await load(server, {eventsPerRequest: 1, path: '/events', connections: 20, overallRate: 2000}, quick ? 1 : 10);
			const delay = await eventLoopDelay(server);
			console.log(`| ${server.name} | ${result.p50} | ${result.p99} | ${result.non2xx} | ${delay.p99} / ${delay.max} |`);
		}
	} finally {
		for (const server of servers) server.child.kill('SIGTERM');
	}
	await queries();
	rmSync(dir, {recursive: true, force: true});
}

/** Fills a store with `queryStoreSize` events and times filtered queries on it, through HTTP. */
async function queries(): Promise<void> {
	const db = join(dir, 'query.db');
	const store = new SqliteStore({path: db, checkpointIntervalMs: 0});
	const base = Date.UTC(2026, 0, 1);
	const fillStarted = performance.now();
	for (let start = 0; start < queryStoreSize; start += 10_000) {
		const records: EventRecord[] = Array.from({length: Math.min(10_000, queryStoreSize - start)}, (_, offset) => {
			const index = start + offset;
			return {
				eventId: `q${index}`,
				timestamp: base + index * 100,
				sourceSystem: sources[index % sources.length]!,
				eventType: `order.${['created', 'paid', 'shipped', 'failed'][index % 4]}`,
				severity: (['debug', 'info', 'info', 'info', 'warning', 'error', 'critical'] as const)[index % 7]!,
				correlationId: `wf-${Math.floor(index / 5)}`,
				causationId: null,
				data: {order_id: index, amount: 12.5},
				tags: index % 3 === 0 ? ['prod'] : ['staging'],
				metadata: {},
				receivedAt: base,
			};
		});
		await store.insert(records);
	}
	console.log(`\nfilled ${fmt(queryStoreSize)} events in ${fmt((performance.now() - fillStarted) / 1000, 1)} s (direct store inserts, 10k per transaction)`);
	await store.close();
	const server = await start('topicbus', db);
	try {
		const middle = new Date(base + queryStoreSize * 50).toISOString();
		const queryList = [
			'/events?limit=100',
			'/events?source_system=billing&min_severity=error&limit=100',
			'/events?event_type=order.failed&limit=100',
			'/events?event_type=order.*&severity=critical&limit=100',
			`/events?start_time=${middle}&end_time=${new Date(base + queryStoreSize * 50 + 3_600_000).toISOString()}&limit=100`,
			`/events?correlation_id=wf-${Math.floor(queryStoreSize / 10)}`,
			'/events?tags=prod&source_system=orders&limit=100',
			'/events?q=order_id%22%3A4242%2C&limit=10',
			`/events/stats?start_time=${middle}&end_time=${new Date(base + queryStoreSize * 50 + 86_400_000).toISOString()}`,
		];
		console.log(`\nqueries over ${fmt(queryStoreSize)} stored events (HTTP, median of ${quick ? 3 : 9} runs after a warm-up):`);
		console.log('| query | median ms | results |');
		console.log('| --- | ---: | ---: |');
		for (const path of queryList) {
			let count = 0;
			const times: number[] = [];
			for (let run = 0; run < (quick ? 4 : 10); run++) {
				const started = performance.now();
				const response = await fetch(server.url + path);
				const body = (await response.json()) as {count?: number; total_events?: number};
				if (run > 0) times.push(performance.now() - started);
				count = body.count ?? body.total_events ?? 0;
			}
			console.log(`| \`${decodeURIComponent(path)}\` | ${fmt(median(times), 1)} | ${count} |`);
		}
	} finally {
		server.child.kill('SIGTERM');
	}
}

await main();
