// The page's pure functions, run in Node: the dashboard's modules are plain browser ES modules with no build step,
// and these parts touch no DOM.

import {describe, expect, test} from 'vitest';

type Sample = {name: string; labels: Record<string, string>; value: number};
type Bin = {hour: string; total: number; by_severity?: Record<string, number>; by_source_system?: Record<string, number>};
type TraceNode = {event: {event_id: string}; children: TraceNode[]};

type OverviewData = {
	parsePrometheus(text: string): Sample[];
	declaredMetrics(text: string): Set<string>;
	ingestFigures(samples: Sample[], declared?: Set<string>): {ingested?: number; duplicates?: number; rejected?: number; rejectedBy: Record<string, number>; rateLimited?: number; wsClients?: number};
	anomalyMatcher(patterns: unknown): (bin: {hour: string}) => boolean;
	countTables(answer: unknown): Array<{title: string; rows: Array<[string, number]>}>;
};

const load = async <T>(path: string): Promise<T> => (await import(new URL(`../../dashboard/${path}`, import.meta.url).href)) as T;
const {parsePrometheus, declaredMetrics, ingestFigures, anomalyMatcher, countTables} = await load<OverviewData>('overview-data.js');
const {fillHours} = await load<{fillHours(bins: unknown): Bin[]}>('chart.js');
const {buildTree} = await load<{buildTree(events: unknown[]): TraceNode[]}>('views/trace.js');
const {isFailure, formatDuration, summarize} = await load<{isFailure(event: unknown): boolean; formatDuration(ms: number): string; summarize(value: unknown, max?: number): string}>('format.js');

const HOUR = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();

describe('parsePrometheus()', () => {
	test('reads samples with labels, escaped quotes included, and skips comments and junk', () => {
		const samples = parsePrometheus([
			'# HELP x_total Things.',
			'# TYPE x_total counter',
			'x_total 3',
			'y_total{reason="say \\"hi\\"",kind="a"} 4.5',
			'not a sample line',
			'z_gauge NaNish',
			'',
		].join('\n'));
		expect(samples).toEqual([
			{name: 'x_total', labels: {}, value: 3},
			{name: 'y_total', labels: {reason: 'say "hi"', kind: 'a'}, value: 4.5},
		]);
	});
});

describe('ingestFigures()', () => {
	test('finds the collector figures by name, sums rejections by reason, and ignores histogram series', () => {
		const figures = ingestFigures(parsePrometheus([
			'topicbus_collector_events_ingested_total 120',
			'topicbus_collector_events_duplicate_total 7',
			'topicbus_collector_rejected_total{reason="validation"} 2',
			'topicbus_collector_rejected_total{reason="body_too_large"} 1',
			'topicbus_collector_rate_limited_total 5',
			'topicbus_collector_stream_slow_clients_closed_total 9',
			'topicbus_collector_ws_clients 3',
			'topicbus_collector_write_batch_rows_bucket{le="10"} 40',
			'topicbus_collector_write_batch_rows_count 40',
		].join('\n')));
		expect(figures).toEqual({ingested: 120, duplicates: 7, rejected: 3, rejectedBy: {validation: 2, body_too_large: 1}, rateLimited: 5, wsClients: 3});
	});

	test('a figure the collector does not export is undefined, not zero', () => {
		expect(ingestFigures(parsePrometheus('topicbus_collector_events_ingested_total 1')).rateLimited).toBeUndefined();
	});

	test('a family declared with no samples yet is zero', () => {
		const text = '# HELP topicbus_collector_rejected_total Refused, by reason.\n# TYPE topicbus_collector_rejected_total counter\nother_total 1\n';
		expect(ingestFigures(parsePrometheus(text), declaredMetrics(text))).toMatchObject({rejected: 0, rejectedBy: {}, rateLimited: undefined});
	});
});

describe('anomalyMatcher()', () => {
	test('matches the flagged hours of an hourly distribution by their start', () => {
		const start = Date.UTC(2026, 0, 1, 10);
		const isAnomaly = anomalyMatcher({hourly_distribution: [
			{hour: iso(start), count: 3, anomaly: false},
			{hour: iso(start + HOUR), count: 90, anomaly: true},
		]});
		expect(isAnomaly({hour: iso(start)})).toBe(false);
		expect(isAnomaly({hour: iso(start + HOUR)})).toBe(true);
		expect(isAnomaly({hour: iso(start + HOUR + 60_000)})).toBe(true);
	});

	test('an hour of day (0-23) flags that hour on every day', () => {
		const isAnomaly = anomalyMatcher({patterns: {by_hour_of_day: [{hour: 14, anomaly: true}, {hour: 3, anomaly: false}]}});
		expect(isAnomaly({hour: iso(Date.UTC(2026, 0, 1, 14))})).toBe(true);
		expect(isAnomaly({hour: iso(Date.UTC(2026, 0, 2, 14))})).toBe(true);
		expect(isAnomaly({hour: iso(Date.UTC(2026, 0, 2, 3))})).toBe(false);
	});

	test('an answer with no flags, or of another shape, flags nothing', () => {
		for (const answer of [{}, null, 'text', [1, 2], {hourly_distribution: [{hour: 'not a time', anomaly: true}]}]) {
			expect(anomalyMatcher(answer)({hour: iso(Date.UTC(2026, 0, 1))})).toBe(false);
		}
	});
});

describe('countTables()', () => {
	test('maps of counts and name/count arrays become tables sorted by count; scalars and event lists are left out', () => {
		const tables = countTables({
			window: {start: 'a', end: 'b', hours: 24},
			total_errors: 6,
			errors_by_system: {orders: 1, billing: 5},
			errors_by_component: {},
			recent_errors: [{event_id: 'x', source_system: 'orders'}],
			nested: {top_types: [{event_type: 'a.failed', count: 2}, {event_type: 'b.failed', count: 4}]},
		});
		expect(tables).toEqual([
			{title: 'errors by system', rows: [['billing', 5], ['orders', 1]]},
			{title: 'nested top types', rows: [['b.failed', 4], ['a.failed', 2]]},
		]);
	});
});

describe('fillHours()', () => {
	test('orders the bins and adds the empty hours between them', () => {
		const start = Date.UTC(2026, 0, 1, 8);
		const filled = fillHours([{hour: iso(start + 3 * HOUR), total: 2}, {hour: iso(start), total: 1}]);
		expect(filled.map(bin => [bin.hour, bin.total])).toEqual([
			[iso(start), 1], [iso(start + HOUR), 0], [iso(start + 2 * HOUR), 0], [iso(start + 3 * HOUR), 2],
		]);
	});

	test('keeps at most 31 days of bars, the newest', () => {
		const end = Date.UTC(2026, 5, 1);
		const filled = fillHours([{hour: iso(end - 400 * 24 * HOUR), total: 1}, {hour: iso(end), total: 1}]);
		expect(filled).toHaveLength(24 * 31);
		expect(filled.at(-1)?.hour).toBe(iso(end));
	});

	test('bins whose hour is not a time are kept as they are, in order', () => {
		expect(fillHours([{hour: 'monday', total: 1}, {hour: 'tuesday', total: 2}]).map(bin => bin.hour)).toEqual(['monday', 'tuesday']);
		expect(fillHours(undefined)).toEqual([]);
	});
});

describe('buildTree()', () => {
	const event = (id: string, cause: string | null, ms: number) => ({event_id: id, causation_id: cause, timestamp: iso(Date.UTC(2026, 0, 1) + ms)});
	const shape = (nodes: TraceNode[]): unknown[] => nodes.map(node => [node.event.event_id, shape(node.children)]);

	test('nests events under their cause, siblings by time; an unknown cause makes a root', () => {
		const tree = buildTree([event('c', 'a', 30), event('b', 'a', 20), event('a', null, 0), event('x', 'not-here', 5), event('d', 'b', 25)]);
		expect(shape(tree)).toEqual([['a', [['b', [['d', []]]], ['c', []]]], ['x', []]]);
	});

	test('a cycle of causes and an event that causes itself are still shown', () => {
		const tree = buildTree([event('p', 'q', 0), event('q', 'p', 10), event('s', 's', 20)]);
		expect(shape(tree).map(node => (node as [string])[0]).sort()).toEqual(['p', 'q', 's']);
	});
});

describe('format', () => {
	test('a failed step is an error or critical event, or a type ending in failed', () => {
		expect([
			{severity: 'error'}, {severity: 'critical'}, {severity: 'info', event_type: 'order.failed'}, {severity: 'info', event_type: 'job_failed'},
			{severity: 'warning'}, {severity: 'info', event_type: 'failed.retry'}, {event_type: 'unfailed'},
		].map(isFailure)).toEqual([true, true, true, true, false, false, false]);
	});

	test('durations and payload summaries', () => {
		expect([formatDuration(0), formatDuration(120), formatDuration(2500), formatDuration(90_000), formatDuration(-5)]).toEqual(['+0 ms', '+120 ms', '+2.50 s', '+1.5 min', '-5 ms']);
		expect(summarize({a: 'x'.repeat(10)}, 8)).toBe('{"a":"x…');
		const cyclic: Record<string, unknown> = {};
		cyclic.self = cyclic;
		expect(summarize(cyclic)).toBe('[object Object]');
	});
});
