/**
 * The contract between the runner and a scenario file. A scenario is one module under `benchmarks/scenarios/`
 * whose default export is `defineScenario({...})`; the runner runs each in its own child process (`--expose-gc`).
 */

/** Units the report knows how to format. */
export type Unit = 'events/s' | 'ops/s' | 'µs' | 'ms' | 'bytes' | 'MB';

/** One measured number for one library. */
export interface ResultRow {
	/** The package measured (`topicbus`, `eventemitter2`, ...). */
	readonly library: string;
	/** How it was used, when that needs saying (`wildcard: true`, `one task per event (floor)`). */
	readonly variant?: string | undefined;
	/** What was measured (`throughput`, `p99 latency`, `bytes per subscription`). */
	readonly metric: string;
	readonly unit: Unit;
	/** The headline number: the median over rounds for throughput, the p99 for latency. */
	readonly value: number;
	readonly better: 'higher' | 'lower';
	/** The row every other row of the same metric is compared with (`ratio`); one per metric. */
	readonly isBaseline?: boolean | undefined;
	readonly p50?: number | undefined;
	readonly p99?: number | undefined;
	readonly p999?: number | undefined;
	readonly max?: number | undefined;
	/** (slowest round - fastest round) / median, so a noisy number shows as noisy. */
	readonly spread?: number | undefined;
	readonly rounds?: number | undefined;
	/**
	 * What a rate's seconds are: `cpu` is the process's CPU time during the rounds (user + system, all threads),
	 * `wall` the wall clock. Absent for rows that are not rates.
	 */
	readonly clock?: 'cpu' | 'wall' | undefined;
	/** For a `cpu` rate: the same rounds' median rate by the wall clock, and its spread. */
	readonly wallValue?: number | undefined;
	readonly wallSpread?: number | undefined;
	readonly note?: string | undefined;
}

/** A row as reported: with its scenario and its ratio to the topicbus baseline of the same metric. */
export interface ReportedRow extends ResultRow {
	readonly scenario: string;
	/** `value / baseline value`, so for `higher` metrics below 1 means slower than topicbus. */
	readonly ratio: number | undefined;
}

export type TargetStatus = 'met' | 'missed' | 'not measured';

/** A target from an issue, evaluated against the rows of its scenario. */
export interface Target {
	/** The target as the issue states it. */
	readonly text: string;
	/** The issue that set it; the report lists the newest issue's targets first. */
	readonly issue?: number | undefined;
	readonly evaluate: (rows: readonly ResultRow[]) => {readonly status: TargetStatus; readonly actual: string};
}

export interface TargetResult {
	readonly scenario: string;
	readonly text: string;
	readonly issue?: number | undefined;
	readonly status: TargetStatus;
	readonly actual: string;
}

/** `target`, marked as set by issue `issue`. */
export function fromIssue(issue: number, target: Target): Target {
	return {...target, issue};
}

/** What a target shows when a row it needs was not measured (filtered out, or not in this version of the scenario). */
const noRow = {status: 'not measured', actual: 'no row'} as const;

/** What a scenario gets from the runner. */
export interface ScenarioContext {
	/** A smoke run: every measurement for a moment, numbers meaningless. */
	readonly isQuick: boolean;
	/** Measure only libraries whose name contains one of these (empty: all). */
	readonly libraries: readonly string[];
	/** Progress for the person watching (stderr). */
	log(message: string): void;
	/** A full, synchronous garbage collection (the worker runs with `--expose-gc`). */
	collectGarbage(): void;
	/** True when a row labelled `label` (`library` or `library (variant)`) is selected by `--library`. */
	isSelected(label: string): boolean;
}

export interface Scenario {
	/** kebab-case; equals the file name, and is what `npm run bench -- <filter>` matches. */
	readonly name: string;
	/** One line for the table: what is measured. */
	readonly title: string;
	readonly targets?: readonly Target[];
	run(context: ScenarioContext): Promise<ResultRow[]>;
}

/** Identity, for type checking a scenario module's default export. */
export function defineScenario(scenario: Scenario): Scenario {
	return scenario;
}

/** The baseline row of `metric` (topicbus), or with `variant` the topicbus row of that variant. */
export function baselineOf(rows: readonly ResultRow[], metric: string, variant?: string): ResultRow | undefined {
	if (variant !== undefined) return rows.find(row => row.metric === metric && row.library === 'topicbus' && row.variant === variant);
	return rows.find(row => row.metric === metric && row.isBaseline === true);
}

/**
 * Target: the baseline's `metric` (or that of the topicbus row of `variant`) is at least `limit` (for `higher`
 * metrics) or below it (for `lower` ones).
 */
export function thresholdTarget(text: string, metric: string, limit: number, format: (value: number) => string, variant?: string): Target {
	return {
		text,
		evaluate(rows) {
			const row = baselineOf(rows, metric, variant);
			if (row === undefined) return noRow;
			const isMet = row.better === 'higher' ? row.value >= limit : row.value < limit;
			const percent = (value: number): string => `${Math.round(Math.abs(value) * 100)}%`;
			const verdict =
				row.better === 'higher'
					? isMet
						? `${(row.value / limit).toFixed(2)}x the target`
						: `${percent(1 - row.value / limit)} below the target: needs ${(limit / row.value).toFixed(1)}x`
					: `${percent(row.value / limit - 1)} ${isMet ? 'under' : 'over'} the target`;
			return {status: isMet ? 'met' : 'missed', actual: `${format(row.value)} (${verdict})`};
		},
	};
}

/** Target: the baseline (or the topicbus row of `variant`) is at least `factor` times as fast as `library` on `metric`. */
export function ratioTarget(text: string, metric: string, library: string, factor: number, variant?: string): Target {
	return {
		text,
		evaluate(rows) {
			const base = baselineOf(rows, metric, variant);
			const peer = rows.find(row => row.metric === metric && row.library === library && row.isBaseline !== true);
			if (base === undefined || peer === undefined) return noRow;
			const times = base.value / peer.value;
			const isMet = times >= factor;
			const verdict = isMet ? '' : ` (needs ${(factor / times).toFixed(1)}x its speed)`;
			return {status: isMet ? 'met' : 'missed', actual: `${times.toFixed(2)}x ${library}${verdict}`};
		},
	};
}

/**
 * Target: the topicbus row of `variant` costs at most `factor` times what the baseline row costs per operation,
 * on a `higher` rate metric (so its value is at least the baseline's divided by `factor`).
 */
export function costTarget(text: string, metric: string, variant: string, factor: number): Target {
	return {
		text,
		evaluate(rows) {
			const base = baselineOf(rows, metric);
			const row = baselineOf(rows, metric, variant);
			if (base === undefined || row === undefined) return noRow;
			const cost = base.value / row.value;
			const isMet = cost <= factor;
			const verdict = isMet ? '' : ` (needs ${(cost / factor).toFixed(1)}x its speed)`;
			return {status: isMet ? 'met' : 'missed', actual: `${cost.toFixed(2)}x the cost of ${base.variant ?? 'the baseline'}${verdict}`};
		},
	};
}
