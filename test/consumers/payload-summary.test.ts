import {describe, expect, test} from 'vitest';
import {summarizePayload} from '../../src/consumers/payload-summary.js';

describe('summarizePayload()', () => {
	test('keeps a payload within the cap whole', () => {
		const payload = {id: 1};
		expect(summarizePayload(payload, 100)).toEqual({json: '{"id":1}', value: payload, isTruncated: false});
	});

	test('cuts a longer payload to a preview with its full length', () => {
		const summary = summarizePayload({text: 'x'.repeat(50)}, 10);
		expect(summary.isTruncated).toBe(true);
		expect(summary.value).toEqual({$truncated: true, length: 61, preview: '{"text":"x'});
		expect(JSON.parse(summary.json)).toEqual(summary.value);
	});

	test('replaces a payload JSON cannot carry by a placeholder, without throwing', () => {
		const summary = summarizePayload({big: 1n}, 100);
		expect(summary.value).toEqual({$unserializable: expect.stringContaining('BigInt')});
	});

	test('logs undefined as null', () => {
		expect(summarizePayload(undefined, 100).json).toBe('null');
	});
});
