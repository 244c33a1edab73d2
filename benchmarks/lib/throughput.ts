/**
 * Side-by-side throughput: every contender is set up in the same process, warmed up, calibrated so a round takes
 * about the same time, then measured in interleaved rounds (the order rotates each round), and reported as the
 * median round. Every run is checked to have made exactly the expected handler calls.
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

async function timeRun(bench: Bench, ops: number): Promise<number> {
	const start = performance.now();
	const result = bench.run(ops);
	if (result !== undefined) await result;
	const elapsed = performance.now() - start;
	resetProcessState();
	return elapsed;
}

/** Doubles the operation count until a run is long enough to time, then scales it to `roundMs`. */
async function calibrate(bench: Bench, roundMs: number): Promise<number> {
	let ops = 1;
	for (;;) {
		const elapsed = await timeRun(bench, ops);
		if (elapsed >= Math.min(roundMs / 4, 20) || ops >= 2 ** 26) return Math.max(1, Math.round((ops * roundMs) / Math.max(elapsed, 0.001)));
		ops *= elapsed < 1 ? 8 : 2;
	}
}

/** Measures each contender's operations per second; rows in contender order. */
export async function compareThroughput(context: ScenarioContext, options: ThroughputOptions): Promise<ResultRow[]> {
	const timing = context.isQuick ? quickTiming : fullTiming;
	const selected = options.contenders.filter(contender => context.isSelected(label(contender)));
	const prepared: {contender: Contender; bench: Bench; ops: number; rates: number[]}[] = [];
	for (const contender of selected) {
		const bench = await contender.setup();
		context.collectGarbage();
		let ops = await calibrate(bench, timing.roundMs);
		const warmupEnd = performance.now() + timing.warmupMs;
		while (performance.now() < warmupEnd) await timeRun(bench, ops);
		// Calibrated again once warm: the first runs also paid for compiling and for filling caches.
		if (timing.warmupMs > 0) ops = Math.max(1, Math.round((ops * timing.roundMs) / Math.max(await timeRun(bench, ops), 0.001)));
		prepared.push({contender, bench, ops, rates: []});
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
			entry.rates.push((entry.ops * 1000) / elapsed);
			if (process.env['BENCH_DEBUG'] !== undefined) context.log(`${label(entry.contender)} round ${round}: ${entry.ops} ops in ${elapsed.toFixed(1)} ms`);
		}
	}
	const rows: ResultRow[] = [];
	for (const {contender, bench, rates} of prepared) {
		await bench.teardown?.();
		const row: ResultRow = {
			library: contender.library,
			variant: contender.variant,
			metric: options.metric ?? 'throughput',
			unit: options.unit ?? 'events/s',
			value: median(rates),
			better: 'higher',
			isBaseline: contender.isBaseline,
			spread: relativeSpread(rates),
			rounds: rates.length,
			note: contender.note,
		};
		context.log(`${label(contender)}: ${Math.round(row.value).toLocaleString('en-US')} ${row.unit}`);
		rows.push(row);
	}
	return rows;
}

function label(contender: Contender): string {
	return contender.variant === undefined ? contender.library : `${contender.library} (${contender.variant})`;
}
