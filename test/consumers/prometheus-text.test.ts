import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import {describe, expect, test} from 'vitest';
import {escapeHelp, escapeLabelValue, formatValue, PrometheusText} from '../../src/consumers/prometheus-text.js';

describe('PrometheusText', () => {
	test('writes HELP and TYPE once, then the samples', () => {
		const text = new PrometheusText().family('jobs_total', 'counter', 'Jobs.', [{labels: {queue: 'a'}, value: 1}, {labels: {queue: 'b'}, value: 2}]).toString();
		expect(text).toBe('# HELP jobs_total Jobs.\n# TYPE jobs_total counter\njobs_total{queue="a"} 1\njobs_total{queue="b"} 2\n');
	});

	test('label values with backslashes, quotes and line feeds survive an independent parser', () => {
		const value = 'C:\\dir "quoted"\nnext';
		const text = new PrometheusText().family('files', 'gauge', 'Files.', [{labels: {path: value}, value: 1}]).toString();
		expect(parsePrometheusTextFormat(text)[0]?.metrics[0]?.labels).toEqual({path: value});
	});

	test('summaries get _sum and _count suffixes under one family', () => {
		const text = new PrometheusText()
			.family('rpc_seconds', 'summary', 'RPC.', [
				{labels: {quantile: '0.5'}, value: 0.25},
				{suffix: '_sum', value: 3},
				{suffix: '_count', value: 10},
			])
			.toString();
		expect(parsePrometheusTextFormat(text)).toEqual([{name: 'rpc_seconds', help: 'RPC.', type: 'SUMMARY', metrics: [{quantiles: {'0.5': '0.25'}, sum: '3', count: '10'}]}]);
	});

	test('leaves out a family without samples', () => {
		expect(new PrometheusText().family('empty', 'gauge', 'Nothing.', []).toString()).toBe('');
	});

	test('refuses a family written twice', () => {
		const text = new PrometheusText().family('a', 'gauge', 'A.', []);
		expect(() => text.family('a', 'gauge', 'A.', [])).toThrow(TypeError);
	});

	test('refuses an invalid metric name', () => {
		expect(() => new PrometheusText().family('1bad', 'gauge', 'Bad.', [{value: 1}])).toThrow(TypeError);
	});

	test('refuses a reserved label name', () => {
		expect(() => new PrometheusText().family('a', 'gauge', 'A.', [{labels: {__name__: 'x'}, value: 1}]).toString()).toThrow(TypeError);
	});

	test('escapeLabelValue() escapes backslash, quote and line feed', () => {
		expect(escapeLabelValue('a\\b"c\nd')).toBe('a\\\\b\\"c\\nd');
	});

	test('escapeHelp() escapes backslash and line feed but not quotes', () => {
		expect(escapeHelp('a\\b"c\nd')).toBe('a\\\\b"c\\nd');
	});

	test.each([
		[Number.NaN, 'NaN'],
		[Number.POSITIVE_INFINITY, '+Inf'],
		[Number.NEGATIVE_INFINITY, '-Inf'],
		[1.5, '1.5'],
	])('formatValue(%s) is %s', (value, text) => {
		expect(formatValue(value)).toBe(text);
	});
});
