/**
 * A/B: the same workload on two builds of topicbus, loaded side by side in one process, rounds interleaved, so that
 * a change's effect is measured against the code it replaces under the same machine noise.
 *
 *   npm run bench:ab -- <ref-a> <ref-b> [workload] [--rounds N] [--options '<EventBus options as JSON>']
 *
 * A ref is anything `git rev-parse` accepts, or `worktree` for the working tree's `src/` as it is now. Each ref's
 * `src/` is compiled with `tsc` into `benchmarks/.ab/<commit>/` (reused while it exists). Prints the median rate of
 * each build per CPU-second (`process.cpuUsage()`, steadier than the wall clock on a shared machine) and per wall
 * second, the spread of its rounds and the ratio B/A. Workloads: exact (default), exact-sync, exact-awaited (each
 * publish awaited), fan-out, wildcard, high-cardinality.
 */
import {existsSync} from 'node:fs';
import {join} from 'node:path';
import {pathToFileURL} from 'node:url';
import {buildRef} from './lib/build.js';
import {median, relativeSpread} from './lib/stats.js';
import {distinctTopic, repeatingTopics, wildcardPatterns} from './lib/workloads.js';

/** The part of a build's public API a workload uses (an older build may lack `publishSync`). */
interface BusLike {
	subscribe(pattern: string, handler: () => void): unknown;
	publish(topic: string, payload: unknown): Promise<unknown>;
	publishSync?(topic: string, payload: unknown): unknown;
	drain(): Promise<void>;
}

interface Build {
	readonly label: string;
	readonly createBus: (options?: object) => BusLike;
	/** Turns the build's AsyncLocalStorage off between rounds, as `lib/isolation.ts` does (absent in old builds). */
	readonly release: () => void;
}

interface Workload {
	readonly patterns: readonly string[];
	readonly topicAt: (index: number) => string;
	readonly isSync?: boolean;
	/** Each `publish()` awaited before the next. */
	readonly isAwaited?: boolean;
	/** Events per round. */
	readonly events: number;
}

const batchSize = 1000;

const workloads: Record<string, () => Workload> = {
	exact: () => ({patterns: ['order.created'], topicAt: () => 'order.created', events: 300_000}),
	'exact-sync': () => ({patterns: ['order.created'], topicAt: () => 'order.created', isSync: true, events: 300_000}),
	'exact-awaited': () => ({patterns: ['order.created'], topicAt: () => 'order.created', isAwaited: true, events: 200_000}),
	'fan-out': () => ({patterns: Array.from({length: 100}, () => 'order.created'), topicAt: () => 'order.created', events: 20_000}),
	wildcard: () => {
		const topics = repeatingTopics(1000);
		return {patterns: wildcardPatterns(10_000), topicAt: index => topics[index % topics.length]!, events: 100_000};
	},
	'high-cardinality': () => ({patterns: wildcardPatterns(10_000), topicAt: distinctTopic, events: 50_000}),
};

/** Compiles `ref`'s `src/` (or the working tree's) and loads it. */
async function load(ref: string): Promise<Build> {
	const {id, dist, typeErrors} = buildRef(ref);
	if (typeErrors !== undefined) console.warn(`${ref}: tsc reported type errors; measuring the JavaScript it emitted anyway`);
	const api = (await import(pathToFileURL(join(dist, 'index.js')).href)) as {EventBus: new (options?: object) => BusLike};
	const contextFile = join(dist, 'delivery', 'handler-context.js');
	const context = existsSync(contextFile) ? ((await import(pathToFileURL(contextFile).href)) as {releaseAsyncContext?: () => void}) : {};
	return {label: id === 'worktree' ? 'working tree' : `${ref} (${id.slice(0, 7)})`, createBus: options => new api.EventBus(options), release: context.releaseAsyncContext ?? (() => undefined)};
}

/** Publishes `workload.events` events, draining every `batchSize`; resolves once all are handled. */
async function round(bus: BusLike, workload: Workload, first: number): Promise<void> {
	const end = first + workload.events;
	for (let index = first; index < end; index++) {
		const topic = workload.topicAt(index);
		if (workload.isSync === true) bus.publishSync!(topic, {n: index});
		else if (workload.isAwaited === true) await bus.publish(topic, {n: index});
		else void bus.publish(topic, {n: index});
		if ((index - first) % batchSize === batchSize - 1) await bus.drain();
	}
	await bus.drain();
}

async function main(): Promise<void> {
	const args = process.argv.slice(2);
	const roundsAt = args.indexOf('--rounds');
	const rounds = roundsAt === -1 ? 11 : Number(args.splice(roundsAt, 2)[1]);
	const optionsAt = args.indexOf('--options');
	const busOptions = optionsAt === -1 ? undefined : (JSON.parse(args.splice(optionsAt, 2)[1]!) as object);
	const [refA, refB, name = 'exact'] = args;
	const createWorkload = workloads[name];
	if (refA === undefined || refB === undefined || createWorkload === undefined || !Number.isInteger(rounds) || rounds < 1) {
		throw new TypeError(`Usage: npm run bench:ab -- <ref-a> <ref-b> [${Object.keys(workloads).join('|')}] [--rounds N] [--options JSON]`);
	}
	const workload = createWorkload();
	const entries = [];
	for (const ref of [refA, refB]) {
		const build = await load(ref);
		const bus = build.createBus(busOptions);
		if (workload.isSync === true && typeof bus.publishSync !== 'function') throw new Error(`${build.label} has no publishSync()`);
		let calls = 0;
		for (const pattern of workload.patterns) bus.subscribe(pattern, () => void calls++);
		entries.push({build, bus, next: 0, rates: [] as number[], cpuRates: [] as number[], calls: () => calls});
	}
	// Warm-up, then rounds in alternating order, so that drift hits both builds alike.
	for (const entry of entries) {
		await round(entry.bus, workload, entry.next);
		entry.next += workload.events;
		entry.build.release();
	}
	for (let index = 0; index < rounds; index++) {
		for (const entry of index % 2 === 0 ? entries : [...entries].reverse()) {
			const start = performance.now();
			const cpuStart = process.cpuUsage();
			await round(entry.bus, workload, entry.next);
			entry.rates.push((workload.events * 1000) / (performance.now() - start));
			const cpu = process.cpuUsage(cpuStart);
			entry.cpuRates.push((workload.events * 1e6) / (cpu.user + cpu.system));
			entry.next += workload.events;
			entry.build.release();
		}
	}
	const [a, b] = entries.map(entry => ({
		label: entry.build.label,
		rate: median(entry.rates),
		spread: relativeSpread(entry.rates),
		cpuRate: median(entry.cpuRates),
		cpuSpread: relativeSpread(entry.cpuRates),
		calls: entry.calls(),
	}));
	if (a!.calls !== b!.calls) throw new Error(`The builds made different handler calls: ${a!.calls} and ${b!.calls}`);
	console.log(`${name}, ${rounds} rounds of ${workload.events.toLocaleString('en-US')} events, Node ${process.version}`);
	for (const {label, rate, spread, cpuRate, cpuSpread} of [a!, b!]) {
		const wall = `${(rate / 1e6).toFixed(3)}M/s wall ±${Math.round(spread * 100)}%`;
		console.log(`  ${label.padEnd(28)} ${(cpuRate / 1e6).toFixed(3)}M events per CPU-second ±${Math.round(cpuSpread * 100)}%   (${wall})`);
	}
	console.log(`  B/A = ${(b!.cpuRate / a!.cpuRate).toFixed(3)} in CPU time (${(b!.rate / a!.rate).toFixed(3)} wall)`);
}

await main();
