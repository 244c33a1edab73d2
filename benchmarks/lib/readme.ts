/**
 * The README's results section, built from the saved full runs (`results/node<major>.json`), one column per Node
 * major: the machine of each run, one targets table, then one table per scenario. A run on one Node version
 * replaces only its own column's file, so the other columns stay as they were measured.
 */
import {formatSpread, formatValue, rowLabel, sortTargets, type Report} from './report.js';
import type {ReportedRow, TargetResult} from './scenario.js';

/** 20 for `v20.20.2`. */
export function nodeMajor(version: string): number {
	const major = Number.parseInt(version.replace(/^v/, ''), 10);
	if (!Number.isInteger(major)) throw new TypeError(`Not a Node version: ${version}`);
	return major;
}

/** The file a full run on Node `version` is saved in, relative to `benchmarks/results/`. */
export function resultsFileName(version: string): string {
	return `node${nodeMajor(version)}.json`;
}

/** One report per Node major (the newest where several share one), oldest major first. */
function columns(reports: readonly Report[]): Report[] {
	const byMajor = new Map<number, Report>();
	for (const report of reports) {
		const major = nodeMajor(report.machine.node);
		const known = byMajor.get(major);
		if (known === undefined || known.date < report.date) byMajor.set(major, report);
	}
	return [...byMajor.entries()].sort(([a], [b]) => a - b).map(([, report]) => report);
}

/** Items of every list, each once (by `keyOf`), in the order they first appear. */
function union<T>(lists: readonly (readonly T[])[], keyOf: (item: T) => string): T[] {
	const seen = new Map<string, T>();
	for (const list of lists) for (const item of list) if (!seen.has(keyOf(item))) seen.set(keyOf(item), item);
	return [...seen.values()];
}

const rowKey = (row: ReportedRow): string => `${row.scenario}\u0000${rowLabel(row)}\u0000${row.metric}`;

/** Targets keyed by scenario, text and occurrence, so that two `  ... with publishSync()` lines stay apart. */
function keyedTargets(targets: readonly TargetResult[]): Map<string, TargetResult> {
	const keyed = new Map<string, TargetResult>();
	const seen = new Map<string, number>();
	for (const target of targets) {
		const base = `${target.scenario}\u0000${target.text}`;
		const occurrence = seen.get(base) ?? 0;
		seen.set(base, occurrence + 1);
		keyed.set(`${base}\u0000${occurrence}`, target);
	}
	return keyed;
}

function valueCell(row: ReportedRow | undefined): string {
	if (row === undefined) return '-';
	const value = formatValue(row.value, row.unit);
	if (row.p50 !== undefined) return `${value} (p50 ${formatValue(row.p50, 'µs')}, p999 ${formatValue(row.p999, 'µs')})`;
	return row.spread === undefined ? value : `${value} ${formatSpread(row.spread)}`;
}

function ratioCell(row: ReportedRow | undefined): string {
	return row?.ratio === undefined ? '' : `${row.ratio.toFixed(2)}x`;
}

function targetCell(target: TargetResult | undefined): string {
	if (target === undefined) return '-';
	const status = target.status === 'missed' ? '**missed**' : target.status;
	return `${status}: ${target.actual}`;
}

function machineLine(report: Report): string {
	const {machine} = report;
	const load = machine.load === undefined ? '' : `; load average ${machine.load.start.toFixed(1)} at the start, ${machine.load.end.toFixed(1)} at the end`;
	return (
		`- **Node ${nodeMajor(machine.node)}**: measured ${report.date.slice(0, 10)} on ${machine.cpu} (${machine.cores} cores, ${machine.memoryGb} GB), ` +
		`Node ${machine.node} (V8 ${machine.v8}), ${machine.platform}; full run took ${Math.round(report.durationSeconds)} s${load}.`
	);
}

function peersLines(reports: readonly Report[]): string[] {
	const describe = (report: Report): string =>
		Object.entries(report.versions)
			.map(([name, version]) => `${name} ${version}`)
			.join(', ');
	const distinct = new Set(reports.map(describe));
	if (distinct.size <= 1) return [`Peers: ${[...distinct][0] ?? 'none'}.`];
	return reports.map(report => `Peers on Node ${nodeMajor(report.machine.node)}: ${describe(report)}.`);
}

/** The Markdown between the README's results markers. */
export function toReadmeSection(reports: readonly Report[]): string {
	const runs = columns(reports);
	if (runs.length === 0) throw new Error('No saved full run to write the README from');
	const nodes = runs.map(report => `Node ${nodeMajor(report.machine.node)}`);
	const lines = [
		...runs.map(machineLine),
		'',
		...peersLines(runs),
		'',
		'Rates (events/s, ops/s) are per second of the process\'s CPU time, the median of the rounds; ± is half the range',
		'between the slowest and the fastest round. "vs topicbus" is the ratio to the scenario\'s baseline row in the same',
		'run. Latency rows show the p99, with the p50 and p999.',
		'',
		'### Targets',
		'',
		`| target | issue | ${nodes.join(' | ')} |`,
		`| --- | --- | ${nodes.map(() => '---').join(' | ')} |`,
	];
	const targetsByRun = runs.map(report => keyedTargets(report.targets));
	const targetKeys = union(
		targetsByRun.map(keyed => [...keyed.entries()].map(([key, target]) => ({key, target}))),
		entry => entry.key,
	);
	for (const {key, target} of sortTargets(targetKeys.map(entry => ({...entry, issue: entry.target.issue})))) {
		const issue = target.issue === undefined ? '' : `#${target.issue}`;
		lines.push(`| ${target.text.trim()} | ${issue} | ${targetsByRun.map(keyed => targetCell(keyed.get(key))).join(' | ')} |`);
	}
	const scenarios = union(
		// The newest run's title first: the scenario may have been reworded since the older run.
		[...runs].sort((a, b) => b.date.localeCompare(a.date)).map(report => report.scenarios),
		scenario => scenario.name,
	);
	const order = union(
		runs.map(report => report.scenarios.map(scenario => scenario.name)),
		name => name,
	);
	const rowsByRun = runs.map(report => new Map(report.results.map(row => [rowKey(row), row])));
	for (const name of order) {
		const title = scenarios.find(scenario => scenario.name === name)?.title ?? '';
		const rows = union(
			runs.map(report => report.results.filter(row => row.scenario === name)),
			rowKey,
		);
		if (rows.length === 0) continue;
		lines.push(
			'',
			`### ${name}`,
			'',
			title,
			'',
			`| library | metric | ${nodes.map(node => `${node} | vs topicbus`).join(' | ')} |`,
			`| --- | --- | ${nodes.map(() => '---: | ---:').join(' | ')} |`,
		);
		for (const row of rows) {
			const cells = rowsByRun.map(byKey => {
				const measured = byKey.get(rowKey(row));
				return `${valueCell(measured)} | ${ratioCell(measured)}`;
			});
			lines.push(`| ${rowLabel(row)} | ${row.metric} | ${cells.join(' | ')} |`);
		}
	}
	return lines.join('\n');
}
