import {describe, expect, test} from 'vitest';
import {backoffDelay, noRetry, resolveRetryPolicy} from '../../src/delivery/backoff.js';

describe('resolveRetryPolicy()', () => {
	test('resolveRetryPolicy() - no options means a single attempt', () => {
		expect(resolveRetryPolicy('retry', undefined)).toBe(noRetry);
		expect(noRetry.attempts).toBe(1);
	});

	test('resolveRetryPolicy() - fills in the backoff defaults', () => {
		expect(resolveRetryPolicy('retry', {attempts: 3})).toEqual({attempts: 3, initialMs: 100, maxMs: 30_000, factor: 2, jitter: 'full'});
	});

	test('resolveRetryPolicy() - an initialMs above the default maxMs raises the default cap to it', () => {
		expect(resolveRetryPolicy('retry', {backoff: {initialMs: 60_000}})).toMatchObject({initialMs: 60_000, maxMs: 60_000});
	});

	test('resolveRetryPolicy() - the policy is frozen', () => {
		expect(Object.isFrozen(resolveRetryPolicy('retry', {attempts: 2}))).toBe(true);
	});

	test.each([
		['Expected `retry` to be an object, got `3` (number)', 3],
		['Expected `retry.attempts` to be an integer >= 1, got `0` (number)', {attempts: 0}],
		['Expected `retry.attempts` to be an integer >= 1, got `1.5` (number)', {attempts: 1.5}],
		['Expected `retry.backoff` to be an object, got `fast` (string)', {backoff: 'fast'}],
		['Expected `retry.backoff.initialMs` to be a number >= 0, got `-1` (number)', {backoff: {initialMs: -1}}],
		['Expected `retry.backoff.initialMs` to be a finite number, got `Infinity` (number)', {backoff: {initialMs: Number.POSITIVE_INFINITY}}],
		['Expected `retry.backoff.maxMs` to be a number >= initialMs (500), got `100` (number)', {backoff: {initialMs: 500, maxMs: 100}}],
		['Expected `retry.backoff.factor` to be a number >= 1, got `0.5` (number)', {backoff: {factor: 0.5}}],
		['Expected `retry.backoff.jitter` to be one of `full`, `none`, got `half` (string)', {backoff: {jitter: 'half'}}],
	])('resolveRetryPolicy() - rejects bad options with a TypeError: %s', (message, options) => {
		expect(() => resolveRetryPolicy('retry', options as never)).toThrow(new TypeError(message));
	});
});

describe('backoffDelay()', () => {
	test('backoffDelay() - without jitter grows by factor from initialMs', () => {
		const policy = resolveRetryPolicy('retry', {attempts: 5, backoff: {initialMs: 100, factor: 3, jitter: 'none'}});
		expect([1, 2, 3, 4].map(retry => backoffDelay(policy, retry))).toEqual([100, 300, 900, 2700]);
	});

	test('backoffDelay() - is capped at maxMs', () => {
		const policy = resolveRetryPolicy('retry', {attempts: 9, backoff: {initialMs: 100, maxMs: 1000, jitter: 'none'}});
		expect([4, 5, 6, 50].map(retry => backoffDelay(policy, retry))).toEqual([800, 1000, 1000, 1000]);
	});

	test('backoffDelay() - full jitter draws uniformly from [0, cap]', () => {
		const policy = resolveRetryPolicy('retry', {attempts: 3, backoff: {initialMs: 100}});
		expect(backoffDelay(policy, 2, () => 0)).toBe(0);
		expect(backoffDelay(policy, 2, () => 0.5)).toBe(100);
		expect(backoffDelay(policy, 2, () => 0.999_999_9)).toBe(200);
	});

	test('backoffDelay() - full jitter never exceeds the cap', () => {
		const policy = resolveRetryPolicy('retry', {attempts: 3, backoff: {initialMs: 10, maxMs: 50}});
		for (let draw = 0; draw < 1; draw += 0.01) expect(backoffDelay(policy, 10, () => draw)).toBeLessThanOrEqual(50);
	});
});
