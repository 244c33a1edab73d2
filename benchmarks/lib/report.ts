/** The results file's shape, and the console's tables. The README's section is `readme.ts`'s. */
import type {ReportedRow, ResultRow, TargetResult, Unit} from './scenario.js';

/** Where and how the numbers were measured. */
export interface Machine {
	readonly cpu: string;
	readonly cores: number;
	readonly memoryGb: number;
	readonly node: string;
	readonly v8: string;
	readonly platform: string;
	/** The 1-minute load average when the run started and when it ended (other tenants' work shows here). */
	readonly load?: {readonly start: number; readonly end: number} | undefined;
}

/** The content of `benchmarks/results/latest.json`, and of `results/node<major>.json` for a full run. */
export interface Report {
	readonly date: string;
	readonly mode: 'full' | 'quick';
	readonly filters: readonly string[];
	readonly libraries: readonly string[];
	readonly durationSeconds: number;
	readonly machine: Machine;
	readonly versions: Readonly<Record<string, string>>;
	readonly scenarios: readonly {readonly name: string; readonly title: string}[];
	readonly results: readonly ReportedRow[];
	readonly targets: readonly TargetResult[];
	readonly failures: readonly {readonly scenario: string; readonly message: string}[];
}

/** Adds the scenario and the ratio to the baseline row of the same metric. */
export function withRatios(scenario: string, rows: readonly ResultRow[]): ReportedRow[] {
	return rows.map(row => {
		const baseline = rows.find(other => other.metric === row.metric && other.isBaseline === true);
		// A ratio of two values near zero or of opposite signs (heap growth) says nothing.
		const isComparable = baseline !== undefined && baseline.value > 0 && row.value > 0;
		return {scenario, ...row, ratio: isComparable ? row.value / baseline.value : undefined};
	});
}

export function formatValue(value: number | undefined, unit: Unit): string {
	if (value === undefined || Number.isNaN(value)) return '';
	switch (unit) {
		case 'events/s':
		case 'ops/s': {
			return `${compact(value)}/s`;
		}
		case 'µs': {
			return `${value < 10 ? value.toFixed(1) : Math.round(value).toLocaleString('en-US')} µs`;
		}
		case 'ms': {
			return `${value.toFixed(1)} ms`;
		}
		case 'bytes': {
			return `${Math.round(value).toLocaleString('en-US')} B`;
		}
		case 'MB': {
			return `${value.toFixed(1)} MB`;
		}
	}
}

function compact(value: number): string {
	if (value >= 1e6) return `${(value / 1e6).toFixed(2)}M`;
	if (value >= 1e3) return `${(value / 1e3).toFixed(1)}k`;
	return value.toFixed(value < 10 ? 2 : 0);
}

/** `library (variant)`, or `library`. */
export function rowLabel(row: Pick<ResultRow, 'library' | 'variant'>): string {
	return row.variant === undefined ? row.library : `${row.library} (${row.variant})`;
}

/** ± half the range between the slowest and the fastest round, as a percentage of the median. */
export function formatSpread(spread: number | undefined): string {
	return spread === undefined ? '' : `±${((spread / 2) * 100).toFixed(0)}%`;
}

const headers = ['library', 'metric', 'value', 'vs topicbus', 'spread', 'wall clock', 'p50', 'p99', 'p999'] as const;

function cells(row: ReportedRow): string[] {
	const latencyUnit: Unit = 'µs';
	const hasPercentiles = row.p50 !== undefined;
	return [
		rowLabel(row),
		row.clock === 'cpu' ? `${row.metric} (CPU time)` : row.metric,
		formatValue(row.value, row.unit),
		row.ratio === undefined ? '' : `${row.ratio.toFixed(2)}x`,
		formatSpread(row.spread),
		row.wallValue === undefined ? '' : `${formatValue(row.wallValue, row.unit)} ${formatSpread(row.wallSpread)}`,
		hasPercentiles ? formatValue(row.p50, latencyUnit) : '',
		hasPercentiles ? formatValue(row.p99, latencyUnit) : '',
		hasPercentiles ? formatValue(row.p999, latencyUnit) : '',
	];
}

/** A plain-text table for the console, one block per scenario. */
export function toConsoleTable(report: Report): string {
	const lines: string[] = [];
	for (const {name, title} of report.scenarios) {
		const rows = report.results.filter(row => row.scenario === name).map(cells);
		if (rows.length === 0) continue;
		const widths = headers.map((header, index) => Math.max(header.length, ...rows.map(row => row[index]!.length)));
		const format = (row: readonly string[]): string => row.map((cell, index) => (index >= 2 ? cell.padStart(widths[index]!) : cell.padEnd(widths[index]!))).join('  ').trimEnd();
		lines.push('', `${name}: ${title}`, format(headers), format(widths.map(width => '-'.repeat(width))), ...rows.map(format));
	}
	return lines.join('\n');
}

export function toConsoleTargets(targets: readonly TargetResult[]): string {
	if (targets.length === 0) return '';
	const width = Math.max(...targets.map(target => target.text.length));
	const status = (target: TargetResult): string => (target.status === 'met' ? 'met   ' : target.status === 'missed' ? 'MISSED' : '  -   ');
	const issue = (target: TargetResult): string => (target.issue === undefined ? '   ' : `#${target.issue}`.padEnd(3));
	return ['', 'Targets (measured, not enforced):', ...sortTargets(targets).map(target => `  ${status(target)}  ${issue(target)}  ${target.text.padEnd(width)}  ${target.actual}`)].join('\n');
}

/** The newest issue's targets first; within an issue (and among targets without one, last), in the order given. */
export function sortTargets<T extends Pick<TargetResult, 'issue'>>(targets: readonly T[]): T[] {
	return targets
		.map((target, index) => ({target, index}))
		.sort((a, b) => (b.target.issue ?? -1) - (a.target.issue ?? -1) || a.index - b.index)
		.map(({target}) => target);
}
