/**
 * Latency at a fixed offered rate, open loop: a producer paced by the clock publishes each event at its scheduled
 * time whether or not earlier ones were handled, and the handler records two delays: from the `publish()` call
 * (the bus's own latency) and from the scheduled time (which adds any stall of the producer's event loop, so that
 * a stalled producer cannot hide delay; "coordinated omission").
 */
import {performance} from 'node:perf_hooks';
import {setImmediate as nextTurn} from 'node:timers';
import {resetProcessState} from './isolation.js';
import type {Library} from './libraries.js';
import type {ResultRow, ScenarioContext} from './scenario.js';
import {median, quantile} from './stats.js';

export interface LatencyOptions {
	readonly ratePerSecond: number;
	readonly contenders: readonly {readonly library: Library; readonly isBaseline?: boolean}[];
}

interface Trial {
	readonly scheduled: Float64Array;
	readonly published: Float64Array;
	readonly fromSchedule: Float64Array;
	readonly fromPublish: Float64Array;
}

interface Percentiles {
	readonly p50: number;
	readonly p99: number;
	readonly p999: number;
	readonly max: number;
}

const topic = 'order.created';

function createTrial(count: number): Trial {
	return {
		scheduled: new Float64Array(count),
		published: new Float64Array(count),
		fromSchedule: new Float64Array(count).fill(Number.NaN),
		fromPublish: new Float64Array(count).fill(Number.NaN),
	};
}

/**
 * Publishes the events due by now, then yields to the event loop (`setImmediate`) and repeats: at 100k events/s
 * an event is due every 10 µs, finer than `setTimeout`'s 1 ms, so the clock decides and each loop turn paces.
 */
async function produce(library: Library, trial: Trial, ratePerSecond: number): Promise<number> {
	const interval = 1000 / ratePerSecond;
	const {scheduled, published} = trial;
	const total = scheduled.length;
	const start = performance.now();
	let sent = 0;
	await new Promise<void>(resolve => {
		const tick = (): void => {
			const due = Math.min(total, Math.floor((performance.now() - start) / interval) + 1);
			while (sent < due) {
				scheduled[sent] = start + sent * interval;
				published[sent] = performance.now();
				library.publish(topic, {n: sent});
				sent++;
			}
			if (sent < total) nextTurn(tick);
			else resolve();
		};
		nextTurn(tick);
	});
	await library.flush();
	const elapsed = performance.now() - start;
	resetProcessState();
	return elapsed;
}

function percentiles(values: Float64Array, label: string): Percentiles {
	const sorted = values.slice().sort();
	if (Number.isNaN(sorted[sorted.length - 1]!)) throw new Error(`${label} did not handle every event`);
	return {p50: quantile(sorted, 0.5), p99: quantile(sorted, 0.99), p999: quantile(sorted, 0.999), max: sorted[sorted.length - 1]!};
}

function medianOf(trials: readonly Percentiles[]): Percentiles {
	return {
		p50: median(trials.map(trial => trial.p50)),
		p99: median(trials.map(trial => trial.p99)),
		p999: median(trials.map(trial => trial.p999)),
		max: median(trials.map(trial => trial.max)),
	};
}

/**
 * Per library, `rounds` trials of `seconds` each (libraries interleaved, after one warm-up trial each), reported
 * as the median of each percentile over the trials, in µs. Two rows per library: from `publish()` and from the
 * schedule; the headline value is the p99.
 */
export async function compareLatency(context: ScenarioContext, options: LatencyOptions): Promise<ResultRow[]> {
	const seconds = context.isQuick ? 0.05 : 1;
	const rounds = context.isQuick ? 1 : 5;
	const count = Math.round(options.ratePerSecond * seconds);
	const entries = options.contenders
		.map(({library, isBaseline}) => ({library, isBaseline, label: library.variant === undefined ? library.name : `${library.name} (${library.variant})`}))
		.filter(({label}) => context.isSelected(label))
		.map(entry => ({...entry, trial: createTrial(count), fromPublish: [] as Percentiles[], fromSchedule: [] as Percentiles[], rates: [] as number[]}));
	for (const entry of entries) {
		entry.library.subscribe(topic, (message: {readonly n: number} | {readonly payload: {readonly n: number}}) => {
			const now = performance.now();
			const {n} = 'payload' in message ? message.payload : message;
			const {trial} = entry;
			trial.fromPublish[n] = (now - trial.published[n]!) * 1000;
			trial.fromSchedule[n] = (now - trial.scheduled[n]!) * 1000;
		});
		if (!context.isQuick) await produce(entry.library, entry.trial, options.ratePerSecond);
	}
	context.collectGarbage();
	for (let round = 0; round < rounds; round++) {
		for (let index = 0; index < entries.length; index++) {
			const entry = entries[(index + round) % entries.length]!;
			entry.trial = createTrial(count);
			const elapsed = await produce(entry.library, entry.trial, options.ratePerSecond);
			entry.rates.push((count * 1000) / elapsed);
			entry.fromPublish.push(percentiles(entry.trial.fromPublish, entry.label));
			entry.fromSchedule.push(percentiles(entry.trial.fromSchedule, entry.label));
		}
	}
	const rows: ResultRow[] = [];
	for (const entry of entries) {
		const note = `${rounds} trials of ${seconds} s at ${Math.round(median(entry.rates)).toLocaleString('en-US')} events/s achieved`;
		for (const [metric, trials] of [
			['latency from publish()', entry.fromPublish],
			['latency from schedule', entry.fromSchedule],
		] as const) {
			const result = medianOf(trials);
			rows.push({library: entry.library.name, variant: entry.library.variant, metric, unit: 'µs', value: result.p99, better: 'lower', isBaseline: entry.isBaseline, ...result, rounds, note});
			context.log(`${entry.label}, ${metric}: p50 ${result.p50.toFixed(1)} µs, p99 ${result.p99.toFixed(1)} µs, p999 ${result.p999.toFixed(1)} µs, max ${result.max.toFixed(0)} µs`);
		}
	}
	return rows;
}
