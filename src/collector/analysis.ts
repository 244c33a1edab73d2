/**
 * The reference `EventAnalyzer`: errors by source and component, the hourly distribution with anomalies, a report,
 * and correlation traces as causal trees. Pure functions over an {@link EventStore}.
 *
 * Anomalies: over the hours of the window (empty hours count as 0), the median m and the median absolute deviation
 * MAD; an hour is an anomaly when its modified z-score 0.6745 (x - m) / MAD exceeds 3.5 in absolute value
 * (Iglewicz and Hoaglin). When MAD is 0 (most hours alike), the mean absolute deviation replaces it
 * (z = (x - m) / (1.253314 * meanAD)); when that is 0 too, every hour is alike and none is an anomaly. The window
 * starts at a whole hour; the current hour is still filling, so it is shown (`partial: true`) but not scored.
 */
import {hourOf} from './stats.js';
import type {EventRecord, EventStore} from './types.js';
import {toCollectedEvent} from './wire-format.js';
import type {CollectedEvent} from './types.js';

const hourMs = 3_600_000;
/** The modified z-score beyond which an hour is an anomaly. */
export const anomalyThreshold = 3.5;

/** A window of time ending now (or at `now`), in whole hours. */
export interface AnalysisWindow {
	readonly hours: number;
	readonly now?: number;
}

function windowOf({hours, now = Date.now()}: AnalysisWindow): {start: number; end: number} {
	return {start: now - hours * hourMs, end: now};
}

const median = (values: readonly number[]): number => {
	const sorted = [...values].sort((a, b) => a - b);
	const middle = sorted.length >> 1;
	return sorted.length === 0 ? 0 : sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

/** Robust scores of `values` (see the module comment); 0 for every value when they do not spread. */
export function robustScores(values: readonly number[]): {median: number; mad: number; scores: number[]} {
	const center = median(values);
	const deviations = values.map(value => Math.abs(value - center));
	const mad = median(deviations);
	if (mad > 0) return {median: center, mad, scores: values.map(value => (0.6745 * (value - center)) / mad)};
	const meanDeviation = deviations.reduce((sum, value) => sum + value, 0) / Math.max(1, deviations.length);
	if (meanDeviation === 0) return {median: center, mad, scores: values.map(() => 0)};
	return {median: center, mad, scores: values.map(value => (value - center) / (1.253314 * meanDeviation))};
}

/** Errors (severity `error` and above) in the window, by source, component and type, with the latest ten. */
export async function analyzeErrors(store: EventStore, window: AnalysisWindow) {
	const {start, end} = windowOf(window);
	const filter = {minSeverity: 'error', startTime: start, endTime: end} as const;
	const stats = await store.stats(filter);
	const recent = await store.query({...filter, limit: 10});
	return {
		window: {start: new Date(start).toISOString(), end: new Date(end).toISOString(), hours: window.hours},
		total_errors: stats.total_events,
		critical_errors: stats.by_severity['critical'] ?? 0,
		errors_by_system: stats.by_source_system,
		errors_by_component: stats.by_component,
		errors_by_type: stats.by_event_type,
		recent_errors: recent.events.map(toCollectedEvent),
	};
}

/** The hourly distribution over the window, every hour present, with anomalies flagged. */
export async function detectPatterns(store: EventStore, window: AnalysisWindow) {
	const end = window.now ?? Date.now();
	// Whole hours: the first hour of the window is counted entirely, so that it cannot look like a drop.
	const start = hourOf(end - window.hours * hourMs);
	const stats = await store.stats({startTime: start, endTime: end});
	const counts = new Map(stats.by_hour.map(bucket => [Date.parse(bucket.hour), bucket]));
	const hours: number[] = [];
	for (let hour = start; hour <= end; hour += hourMs) hours.push(hour);
	const values = hours.map(hour => counts.get(hour)?.total ?? 0);
	// The current hour is still filling: it is shown but neither scored nor part of the baseline.
	const complete = values.slice(0, -1);
	const {median: center, mad, scores} = robustScores(complete);
	const distribution = hours.map((hour, index) => {
		const partial = index === hours.length - 1;
		const score = partial ? 0 : scores[index]!;
		return {
			hour: new Date(hour).toISOString(),
			count: values[index]!,
			by_severity: counts.get(hour)?.by_severity ?? {},
			by_source_system: counts.get(hour)?.by_source_system ?? {},
			score: Math.round(score * 100) / 100,
			anomaly: !partial && Math.abs(score) > anomalyThreshold,
			partial,
		};
	});
	return {
		window: {start: new Date(start).toISOString(), end: new Date(end).toISOString(), hours: window.hours},
		total_events: stats.total_events,
		event_types: stats.by_event_type,
		systems: stats.by_source_system,
		baseline: {median: center, mad, method: 'modified z-score (median/MAD), threshold 3.5'},
		hourly_distribution: distribution,
		patterns: distribution.filter(hour => hour.anomaly).map(hour => ({hour: hour.hour, count: hour.count, score: hour.score, direction: hour.score > 0 ? 'spike' : 'drop'})),
	};
}

/** The report: totals, errors and anomalies over the window. */
export async function generateReport(store: EventStore, window: AnalysisWindow) {
	const [errors, patterns] = await Promise.all([analyzeErrors(store, window), detectPatterns(store, window)]);
	const topTypes = Object.entries(patterns.event_types)
		.sort(([, a], [, b]) => b - a)
		.slice(0, 10)
		.map(([event_type, count]) => ({event_type, count}));
	return {
		generated_at: new Date(window.now ?? Date.now()).toISOString(),
		window: patterns.window,
		summary: {total_events: patterns.total_events, total_errors: errors.total_errors, critical_errors: errors.critical_errors, systems: patterns.systems, top_event_types: topTypes},
		errors,
		anomalies: patterns.patterns,
	};
}

/** A node of a correlation tree: an event and the events it caused. */
export interface TraceNode {
	readonly event: CollectedEvent;
	readonly children: TraceNode[];
}

/**
 * Orders one workflow causally: a tree by causation id (an event whose cause is not in the set is a root),
 * siblings by time, and the events in depth-first order of that tree. Cycles are broken at the oldest event.
 */
export function traceCorrelation(records: readonly EventRecord[]): {events: CollectedEvent[]; tree: TraceNode[]} {
	const byId = new Map<string, EventRecord>();
	for (const record of records) if (!byId.has(record.eventId)) byId.set(record.eventId, record);
	const children = new Map<string, EventRecord[]>();
	const roots: EventRecord[] = [];
	for (const record of byId.values()) {
		const parent = record.causationId;
		if (parent !== null && parent !== record.eventId && byId.has(parent)) {
			const list = children.get(parent) ?? [];
			list.push(record);
			children.set(parent, list);
		} else {
			roots.push(record);
		}
	}
	const visited = new Set<string>();
	const ordered: CollectedEvent[] = [];
	const tree: TraceNode[] = [];
	// Iterative depth-first walk: a long causal chain must not exhaust the stack.
	const walk = (root: EventRecord): void => {
		const stack: Array<{record: EventRecord; siblings: TraceNode[]}> = [{record: root, siblings: tree}];
		while (stack.length > 0) {
			const {record, siblings} = stack.pop()!;
			if (visited.has(record.eventId)) continue;
			visited.add(record.eventId);
			const event = toCollectedEvent(record);
			ordered.push(event);
			const node: TraceNode = {event, children: []};
			siblings.push(node);
			const caused = children.get(record.eventId) ?? [];
			for (let index = caused.length - 1; index >= 0; index--) stack.push({record: caused[index]!, siblings: node.children});
		}
	};
	for (const root of roots) walk(root);
	for (const record of byId.values()) if (!visited.has(record.eventId)) walk(record);
	return {events: ordered, tree};
}
