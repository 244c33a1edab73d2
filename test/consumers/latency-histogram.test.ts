import {describe, expect, test} from 'vitest';
import {LatencyHistogram} from '../../src/consumers/latency-histogram.js';

describe('LatencyHistogram', () => {
	test('quantiles are within 2% of the nearest-rank ones', () => {
		const histogram = new LatencyHistogram();
		for (let ms = 1; ms <= 1000; ms++) histogram.record(ms);
		for (const [q, exact] of [[0.5, 500], [0.9, 900], [0.99, 990]] as const) {
			expect(Math.abs(histogram.quantile(q) - exact) / exact).toBeLessThan(0.02);
		}
	});

	test('summarizes count, sum, min and max exactly', () => {
		const histogram = new LatencyHistogram();
		for (const ms of [3, 1, 2]) histogram.record(ms);
		expect(histogram.summary()).toMatchObject({count: 3, sumMs: 6, minMs: 1, maxMs: 3});
	});

	test('a quantile between two values is the higher one (nearest rank)', () => {
		const histogram = new LatencyHistogram();
		for (const ms of [100, 200, 300]) histogram.record(ms);
		expect(Math.abs(histogram.quantile(0.9) - 300) / 300).toBeLessThan(0.02);
	});

	test('a single value is every quantile', () => {
		const histogram = new LatencyHistogram();
		histogram.record(42);
		expect(histogram.summary()).toMatchObject({p50Ms: 42, p90Ms: 42, p99Ms: 42});
	});

	test('is all zeros while empty', () => {
		expect(new LatencyHistogram().summary()).toEqual({count: 0, sumMs: 0, minMs: 0, maxMs: 0, p50Ms: 0, p90Ms: 0, p99Ms: 0});
	});

	test('counts a negative latency (clock skew) as zero and ignores NaN', () => {
		const histogram = new LatencyHistogram();
		histogram.record(-5);
		histogram.record(Number.NaN);
		expect(histogram.summary()).toMatchObject({count: 1, minMs: 0, p50Ms: 0});
	});

	test('clamps huge values into its range without losing the exact max', () => {
		const histogram = new LatencyHistogram();
		histogram.record(1e12);
		expect(histogram.summary()).toMatchObject({count: 1, maxMs: 1e12, p99Ms: 1e12});
	});
});
