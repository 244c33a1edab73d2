import {describe, expect, it} from 'vitest';
import {classifyStatus, maxRetryAfterMs, parseRetryAfter, retryDelay} from '../../src/forwarder/retry-policy.js';

describe('classifyStatus()', () => {
	it.each([200, 201, 202, 204, 299])('%i is delivered', status => expect(classifyStatus(status)).toBe('delivered'));
	it.each([408, 429, 500, 502, 503, 504, 599])('%i is retried', status => expect(classifyStatus(status)).toBe('retry'));
	it.each([300, 400, 401, 403, 404, 409, 413, 422, 501])('%i is rejected for good', status => expect(classifyStatus(status)).toBe('reject'));
	it('410 is gone', () => expect(classifyStatus(410)).toBe('gone'));
});

describe('parseRetryAfter()', () => {
	const now = Date.parse('2026-01-01T00:00:00Z');
	it('reads delay-seconds', () => expect(parseRetryAfter('120', now)).toBe(120_000));
	it('reads fractional seconds', () => expect(parseRetryAfter('1.5', now)).toBe(1500));
	it('reads an HTTP date', () => expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:30 GMT', now)).toBe(30_000));
	it('reads a date in the past as no wait', () => expect(parseRetryAfter('Wed, 31 Dec 2025 00:00:00 GMT', now)).toBe(0));
	it('caps the wait at ten minutes', () => expect(parseRetryAfter('999999', now)).toBe(maxRetryAfterMs));
	it.each([null, undefined, '', 'soon', '-5', '1e9'])('ignores %j', header => expect(parseRetryAfter(header, now)).toBeUndefined());
});

describe('retryDelay()', () => {
	const backoff = {initialMs: 1000, maxMs: 30_000};
	it('draws from [0, cap) with the cap doubling per retry', () => {
		expect([1, 2, 3, 4, 5].map(retry => retryDelay(retry, backoff, undefined, () => 0.999_999))).toEqual([999, 1999, 3999, 7999, 15_999]);
	});
	it('stops growing at maxMs', () => expect(retryDelay(40, backoff, undefined, () => 0.5)).toBe(15_000));
	it('can be zero (full jitter)', () => expect(retryDelay(3, backoff, undefined, () => 0)).toBe(0));
	it('never waits less than Retry-After', () => expect(retryDelay(1, backoff, 5000, () => 0.1)).toBe(5000));
	it('keeps a longer jittered delay over a short Retry-After', () => expect(retryDelay(5, backoff, 10, () => 0.5)).toBe(8000));
});
