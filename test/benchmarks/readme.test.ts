/**
 * The benchmarks README's results section, built from the saved full runs of several Node versions: one column per
 * Node major, one targets table, the newest issue's targets first. Pure data in, Markdown out.
 */
import {describe, expect, test} from 'vitest';
import {nodeMajor, resultsFileName, toReadmeSection} from '../../benchmarks/lib/readme.js';
import type {Report} from '../../benchmarks/lib/report.js';
import type {ReportedRow, TargetResult} from '../../benchmarks/lib/scenario.js';

function row(fields: Partial<ReportedRow> & Pick<ReportedRow, 'library' | 'value'>): ReportedRow {
	return {scenario: 'exact-topic', metric: 'throughput', unit: 'events/s', better: 'higher', ratio: undefined, ...fields};
}

function target(fields: Partial<TargetResult> & Pick<TargetResult, 'text'>): TargetResult {
	return {scenario: 'exact-topic', status: 'met', actual: 'fine', ...fields};
}

function report(node: string, fields: Partial<Report> = {}): Report {
	return {
		date: '2026-12-02T10:00:00.000Z',
		mode: 'full',
		filters: [],
		libraries: [],
		durationSeconds: 200,
		machine: {cpu: 'AMD EPYC', cores: 2, memoryGb: 24, node, v8: '11.3', platform: 'linux x64'},
		versions: {eventemitter2: '6.4.9'},
		scenarios: [{name: 'exact-topic', title: 'one exact-topic subscriber'}],
		results: [],
		targets: [],
		failures: [],
		...fields,
	};
}

/** The Markdown table rows (lines starting with `|`) that mention `text`. */
function linesWith(markdown: string, text: string): string[] {
	return markdown.split('\n').filter(line => line.startsWith('|') && line.includes(text));
}

describe('nodeMajor() and resultsFileName()', () => {
	test('a version string names its major and its results file', () => {
		expect(nodeMajor('v24.22.3')).toBe(24);
		expect(resultsFileName('v20.20.2')).toBe('node20.json');
	});

	test('something that is not a version is a TypeError', () => {
		expect(() => nodeMajor('latest')).toThrow(TypeError);
	});
});

describe('toReadmeSection()', () => {
	test('one value column and one ratio column per Node major, the older major first', () => {
		const node24 = report('v24.22.3', {results: [row({library: 'topicbus', value: 4e6, ratio: 1, isBaseline: true, spread: 0.1})]});
		const node20 = report('v20.20.2', {results: [row({library: 'topicbus', value: 3e6, ratio: 1, isBaseline: true, spread: 0.2})]});
		const markdown = toReadmeSection([node24, node20]);
		expect(linesWith(markdown, 'library | metric')).toEqual(['| library | metric | Node 20 | vs topicbus | Node 24 | vs topicbus |']);
		expect(linesWith(markdown, '| topicbus |')).toEqual(['| topicbus | throughput | 3.00M/s ±10% | 1.00x | 4.00M/s ±5% | 1.00x |']);
	});

	test('a row measured on one Node only shows "-" in the other column', () => {
		const node20 = report('v20.20.2', {results: [row({library: 'topicbus', value: 3e6, ratio: 1, isBaseline: true})]});
		const node24 = report('v24.22.3', {
			results: [row({library: 'topicbus', value: 4e6, ratio: 1, isBaseline: true}), row({library: 'topicbus', variant: 'lean profile', value: 8e6, ratio: 2})],
		});
		expect(linesWith(toReadmeSection([node20, node24]), 'lean profile')).toEqual(['| topicbus (lean profile) | throughput | - |  | 8.00M/s | 2.00x |']);
	});

	test('of two saved runs on the same major, the newer one is shown', () => {
		const older = report('v20.19.0', {date: '2026-11-01T00:00:00.000Z', results: [row({library: 'topicbus', value: 1e6})]});
		const newer = report('v20.20.2', {date: '2026-12-01T00:00:00.000Z', results: [row({library: 'topicbus', value: 2e6})]});
		const markdown = toReadmeSection([newer, older]);
		expect(linesWith(markdown, '| topicbus |')).toEqual(['| topicbus | throughput | 2.00M/s |  |']);
		expect(markdown).not.toContain('v20.19.0');
	});

	test('latency rows show the p99 with the p50 and p999', () => {
		const latency = row({library: 'topicbus', metric: 'latency from publish()', unit: 'µs', better: 'lower', value: 42, p50: 2.1, p99: 42, p999: 77});
		expect(linesWith(toReadmeSection([report('v20.20.2', {results: [latency]})]), 'latency')).toEqual([
			'| topicbus | latency from publish() | 42 µs (p50 2.1 µs, p999 77 µs) |  |',
		]);
	});

	test('one targets table: a column per Node, the missed ones in bold, "-" where a Node did not evaluate it', () => {
		const node20 = report('v20.20.2', {targets: [target({text: 'publish() >= 0.6x EventEmitter2', issue: 12, status: 'missed', actual: '0.44x eventemitter2'})]});
		const node24 = report('v24.22.3', {
			targets: [
				target({text: 'publish() >= 0.6x EventEmitter2', issue: 12, actual: '0.71x eventemitter2'}),
				target({text: 'lean profile >= 1.2x EventEmitter2', issue: 12, status: 'not measured', actual: 'no row'}),
			],
		});
		const markdown = toReadmeSection([node20, node24]);
		expect(linesWith(markdown, 'target |')).toEqual(['| target | issue | Node 20 | Node 24 |']);
		expect(linesWith(markdown, 'EventEmitter2 |')).toEqual([
			'| publish() >= 0.6x EventEmitter2 | #12 | **missed**: 0.44x eventemitter2 | met: 0.71x eventemitter2 |',
			'| lean profile >= 1.2x EventEmitter2 | #12 | - | not measured: no row |',
		]);
	});

	test('the newest issue\'s targets come first, then older issues, then targets without an issue', () => {
		const targets = [
			target({text: 'old absolute rate', issue: 3}),
			target({scenario: 'memory', text: 'no issue named'}),
			target({text: 'new ratio', issue: 12}),
		];
		const markdown = toReadmeSection([report('v20.20.2', {targets})]);
		const order = ['new ratio', 'old absolute rate', 'no issue named'].map(text => markdown.indexOf(`| ${text} |`));
		expect(order.every(index => index > 0)).toBe(true);
		expect([...order].sort((a, b) => a - b)).toEqual(order);
	});

	test('two targets of a scenario with the same text stay two rows', () => {
		const targets = [
			target({text: 'rate >= 5M/s', issue: 3}),
			target({text: '  ... with publishSync()', issue: 3, actual: 'first'}),
			target({text: 'hits >= 3M/s', issue: 3}),
			target({text: '  ... with publishSync()', issue: 3, actual: 'second'}),
		];
		expect(linesWith(toReadmeSection([report('v20.20.2', {targets})]), 'with publishSync()')).toEqual([
			'| ... with publishSync() | #3 | met: first |',
			'| ... with publishSync() | #3 | met: second |',
		]);
	});

	test('without a saved run there is nothing to write', () => {
		expect(() => toReadmeSection([])).toThrow(/No saved full run/);
	});
});
