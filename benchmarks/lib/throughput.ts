/**
 * Side-by-side throughput: every contender is set up in the same process, warmed up, calibrated so a round takes
 * about the same time, then measured in interleaved rounds (the order rotates each round), and reported as the
 * median round. Every run is checked to have made exactly the expected handler calls.
 *
 * Each round is timed twice: by the process's CPU time (`process.cpuUsage()`, user + system, every thread, so the
 * garbage collector's helper threads count) and by the wall clock. The row's value is the CPU-time rate: on a
 * shared VM the hypervisor and other tenants steal wall time from a round (2x swings between runs), while the CPU
 * time the process spent is the work itself. The wall rate stays in the row (`wallValue`) for comparison.
 */
import {performance} from 'node:perf_hooks';
import {resetProcessState} from './isolation.js';
import type {ResultRow, ScenarioContext, Unit} from './scenario.js';
import {median, relativeSpread} from './stats.js';

/** One library's implementation of a scenario's operation. */
export interface Bench {
	/** Performs `ops` operations and returns (or resolves) once all of them are complete, deliveries included. */
	run(ops: number): void | Promise<void>;
	/** Handler calls so far; checked against `expectedDeliveries`, so that no contender is measured doing less. */
	deliveries(): number;
	/** Handler calls the next `run(ops)` must make. */
	expectedDeliveries(ops: number): number;
	teardown?(): void | Promise<void>;
}

export interface Contender {
	readonly library: string;
	readonly variant?: string;
	/** The row the others are compared with (exactly one per scenario: topicbus with default options). */
	readonly isBaseline?: boolean;
	readonly note?: string;
	setup(): Bench | Promise<Bench>;
}

export interface ThroughputOptions {
	readonly metric?: string;
	readonly unit?: Extract<Unit, 'events/s' | 'ops/s'>;
	readonly contenders: readonly Contender[];
}

interface Timing {
	readonly warmupMs: number;
	readonly roundMs: number;
	readonly rounds: number;
}

const fullTiming: Timing = {warmupMs: 400, roundMs: 200, rounds: 9};
const quickTiming: Timing = {warmupMs: 0, roundMs: 5, rounds: 1};

/** One timed run: milliseconds of wall clock and of CPU time (all threads, user + system). */
interface Elapsed {
	readonly wallMs: number;
	readonly cpuMs: number;
}

async function timeRun(bench: Bench, ops: number): Promise<Elapsed> {
	const cpuStart = process.cpuUsage();
	const start = performance.now();
	const result = bench.run(ops);
	if (result !== undefined) await result;
	const wallMs = performance.now() - start;
	const cpu = process.cpuUsage(cpuStart);
	resetProcessState();
	return {wallMs, cpuMs: (cpu.user + cpu.system) / 1000};
}

/** Operations per second; a run too short for the clock's resolution counts as 1 µs. */
function rate(ops: number, ms: number): number {
	return (ops * 1000) / Math.max(ms, 0.001);
}

/** Doubles the operation count until a run is long enough to time, then scales it to `roundMs`. */
async function calibrate(bench: Bench, roundMs: number): Promise<number> {
	let ops = 1;
	for (;;) {
		// By the wall clock: a round's length is what the person waiting for the run sees.
		const elapsed = (await timeRun(bench, ops)).wallMs;
		if (elapsed >= Math.min(roundMs / 4, 20) || ops >= 2 ** 26) return Math.max(1, Math.round((ops * roundMs) / Math.max(elapsed, 0.001)));
		ops *= elapsed < 1 ? 8 : 2;
	}
}

/** Measures each contender's operations per second; rows in contender order. */
export async function compareThroughput(context: ScenarioContext, options: ThroughputOptions): Promise<ResultRow[]> {
	const timing = context.isQuick ? quickTiming : fullTiming;
	const selected = options.contenders.filter(contender => context.isSelected(label(contender)));
	const prepared: {contender: Contender; bench: Bench; ops: number; cpuRates: number[]; wallRates: number[]}[] = [];
	for (const contender of selected) {
		const bench = await contender.setup();
		context.collectGarbage();
		let ops = await calibrate(bench, timing.roundMs);
		const warmupEnd = performance.now() + timing.warmupMs;
		while (performance.now() < warmupEnd) await timeRun(bench, ops);
		// Calibrated again once warm: the first runs also paid for compiling and for filling caches.
		if (timing.warmupMs > 0) ops = Math.max(1, Math.round((ops * timing.roundMs) / Math.max((await timeRun(bench, ops)).wallMs, 0.001)));
		prepared.push({contender, bench, ops, cpuRates: [], wallRates: []});
	}
	// One collection before the rounds, none between them: a forced full GC right before a short timed run leaves
	// V8 work (sweeping, memory-reducer tasks) that runs in whichever code next yields to the event loop.
	context.collectGarbage();
	for (let round = 0; round < timing.rounds; round++) {
		for (let index = 0; index < prepared.length; index++) {
			const entry = prepared[(index + round) % prepared.length]!;
			const before = entry.bench.deliveries();
			const expected = entry.bench.expectedDeliveries(entry.ops);
			const elapsed = await timeRun(entry.bench, entry.ops);
			const delivered = entry.bench.deliveries() - before;
			if (delivered !== expected) {
				throw new Error(`${label(entry.contender)} made ${delivered} handler calls for ${entry.ops} operations, expected ${expected}`);
			}
			entry.cpuRates.push(rate(entry.ops, elapsed.cpuMs));
			entry.wallRates.push(rate(entry.ops, elapsed.wallMs));
			if (process.env['BENCH_DEBUG'] !== undefined) {
				context.log(`${label(entry.contender)} round ${round}: ${entry.ops} ops in ${elapsed.cpuMs.toFixed(1)} ms CPU, ${elapsed.wallMs.toFixed(1)} ms wall`);
			}
		}
	}
	const rows: ResultRow[] = [];
	for (const {contender, bench, cpuRates, wallRates} of prepared) {
		await bench.teardown?.();
		const row: ResultRow = {
			library: contender.library,
			variant: contender.variant,
			metric: options.metric ?? 'throughput',
			unit: options.unit ?? 'events/s',
			value: median(cpuRates),
			better: 'higher',
			isBaseline: contender.isBaseline,
			spread: relativeSpread(cpuRates),
			rounds: cpuRates.length,
			clock: 'cpu',
			wallValue: median(wallRates),
			wallSpread: relativeSpread(wallRates),
			note: contender.note,
		};
		const perSecond = (value: number): string => Math.round(value).toLocaleString('en-US');
		context.log(`${label(contender)}: ${perSecond(row.value)} ${row.unit} of CPU time (wall clock: ${perSecond(row.wallValue!)})`);
		rows.push(row);
	}
	return rows;
}

function label(contender: Contender): string {
	return contender.variant === undefined ? contender.library : `${contender.library} (${contender.variant})`;
}
