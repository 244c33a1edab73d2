import {describe, expect, it} from 'vitest';
import {analyzeErrors, detectPatterns, generateReport, robustScores, traceCorrelation} from '../../src/collector/analysis.js';
import {MemoryStore} from '../../src/collector/memory-store.js';
import {record} from './helpers.js';

const hour = 3_600_000;
const now = Date.UTC(2026, 0, 2, 0, 30, 0);

async function storeWithHourlyCounts(counts: readonly number[]): Promise<MemoryStore> {
	const store = new MemoryStore();
	const firstHour = Math.floor(now / hour) * hour - (counts.length - 1) * hour;
	for (const [index, count] of counts.entries()) {
		await store.insert(Array.from({length: count}, (_, n) => record({timestamp: firstHour + index * hour + n})));
	}
	return store;
}

describe('robustScores()', () => {
	it('scores by median and MAD', () => {
		const {median, mad, scores} = robustScores([10, 11, 9, 10, 50]);
		expect(median).toBe(10);
		expect(mad).toBe(1);
		expect(scores[4]).toBeCloseTo(0.6745 * 40);
		expect(Math.abs(scores[0]!)).toBeLessThan(3.5);
	});

	it('falls back to the mean absolute deviation when MAD is 0', () => {
		const {scores} = robustScores([5, 5, 5, 5, 5, 5, 5, 40]);
		expect(scores[7]).toBeGreaterThan(3.5);
		expect(scores[0]).toBe(0);
	});

	it('flags nothing when every value is equal', () => {
		expect(robustScores([3, 3, 3]).scores).toEqual([0, 0, 0]);
	});
});

describe('detectPatterns()', () => {
	it('lists every hour of the window (empty hours as 0) and flags a spike as an anomaly', async () => {
		const counts = [10, 12, 9, 11, 10, 13, 10, 90, 11, 10];
		const store = await storeWithHourlyCounts(counts);
		const patterns = await detectPatterns(store, {hours: counts.length - 1, now});
		expect(patterns.hourly_distribution.map(bucket => bucket.count)).toEqual(counts);
		expect(patterns.hourly_distribution.filter(bucket => bucket.anomaly).map(bucket => bucket.count)).toEqual([90]);
		expect(patterns.patterns).toEqual([expect.objectContaining({count: 90, direction: 'spike'})]);
		expect(patterns.total_events).toBe(counts.reduce((sum, count) => sum + count, 0));
	});

	it('flags no anomaly in a steady stream', async () => {
		const store = await storeWithHourlyCounts([10, 11, 10, 9, 10, 11]);
		expect((await detectPatterns(store, {hours: 5, now})).patterns).toEqual([]);
	});
});

describe('analyzeErrors() and generateReport()', () => {
	it('counts errors and above by source and component within the window', async () => {
		const store = new MemoryStore();
		await store.insert([
			record({timestamp: now - 10, severity: 'error', sourceSystem: 'a', metadata: {source_component: 'db'}}),
			record({timestamp: now - 20, severity: 'critical', sourceSystem: 'b', metadata: {component: 'api'}}),
			record({timestamp: now - 30, severity: 'warning', sourceSystem: 'a'}),
			record({timestamp: now - 25 * hour, severity: 'error', sourceSystem: 'a'}),
		]);
		const errors = await analyzeErrors(store, {hours: 24, now});
		expect(errors).toMatchObject({total_errors: 2, critical_errors: 1, errors_by_system: {a: 1, b: 1}, errors_by_component: {db: 1, api: 1}});
		expect(errors.recent_errors.map(event => event.severity)).toEqual(['error', 'critical']);
		const report = await generateReport(store, {hours: 24, now});
		expect(report.summary).toMatchObject({total_events: 3, total_errors: 2, critical_errors: 1});
		expect(report.generated_at).toBe(new Date(now).toISOString());
	});
});

describe('traceCorrelation()', () => {
	it('breaks a causation cycle instead of losing its events', () => {
		const a = record({eventId: 'a', causationId: 'b', timestamp: 1});
		const b = record({eventId: 'b', causationId: 'a', timestamp: 2});
		const {events, tree} = traceCorrelation([a, b]);
		expect(events.map(event => event.event_id)).toEqual(['a', 'b']);
		expect(tree).toHaveLength(1);
	});

	it('walks a long causal chain without exhausting the stack', () => {
		const chain = Array.from({length: 20_000}, (_, index) => record({eventId: `n${index}`, causationId: index === 0 ? null : `n${index - 1}`, timestamp: index}));
		const {events, tree} = traceCorrelation(chain);
		expect(events).toHaveLength(20_000);
		expect(tree).toHaveLength(1);
	});
});
