/** Turns results into the console table, the JSON file and the README's Markdown section. */
import type {ReportedRow, ResultRow, TargetResult, Unit} from './scenario.js';

/** Where and how the numbers were measured. */
export interface Machine {
	readonly cpu: string;
	readonly cores: number;
	readonly memoryGb: number;
	readonly node: string;
	readonly v8: string;
	readonly platform: string;
}

/** The content of `benchmarks/results/latest.json`. */
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

const headers = ['library', 'metric', 'value', 'vs topicbus', 'p50', 'p99', 'p999', 'spread'] as const;

function cells(row: ReportedRow): string[] {
	const latencyUnit: Unit = 'µs';
	const hasPercentiles = row.p50 !== undefined;
	return [
		row.variant === undefined ? row.library : `${row.library} (${row.variant})`,
		row.metric,
		formatValue(row.value, row.unit),
		row.ratio === undefined ? '' : `${row.ratio.toFixed(2)}x`,
		hasPercentiles ? formatValue(row.p50, latencyUnit) : '',
		hasPercentiles ? formatValue(row.p99, latencyUnit) : '',
		hasPercentiles ? formatValue(row.p999, latencyUnit) : '',
		row.spread === undefined ? '' : `±${((row.spread / 2) * 100).toFixed(0)}%`,
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
	return ['', 'Targets (measured, not enforced):', ...targets.map(target => `  ${target.status === 'met' ? 'met   ' : target.status === 'missed' ? 'MISSED' : '  -   '}  ${target.text.padEnd(width)}  ${target.actual}`)].join('\n');
}

/** The README section: machine, table, targets. */
export function toMarkdown(report: Report): string {
	const {machine} = report;
	const lines = [
		`Measured ${report.date.slice(0, 10)} on ${machine.cpu} (${machine.cores} cores, ${machine.memoryGb} GB), Node ${machine.node} (V8 ${machine.v8}), ${machine.platform}; full run took ${Math.round(report.durationSeconds)} s.`,
		`Peers: ${Object.entries(report.versions)
			.map(([name, version]) => `${name} ${version}`)
			.join(', ')}.`,
		'',
		`| scenario | ${headers.join(' | ')} |`,
		`| --- | ${headers.map((_, index) => (index >= 2 ? '---:' : '---')).join(' | ')} |`,
	];
	for (const {name} of report.scenarios) {
		let isFirst = true;
		for (const row of report.results.filter(result => result.scenario === name)) {
			lines.push(`| ${isFirst ? name : ''} | ${cells(row).join(' | ')} |`);
			isFirst = false;
		}
	}
	lines.push('', '| target (from issue 3) | status | where topicbus stands |', '| --- | --- | --- |');
	for (const target of report.targets) lines.push(`| ${target.text} | ${target.status === 'missed' ? '**missed**' : target.status} | ${target.actual} |`);
	return lines.join('\n');
}
