import {assertFiniteNumber, assertInteger, assertOneOf, assertOptionalObject, fail} from '../internal/assert.js';
import type {RetryOptions} from '../types.js';

/** A validated retry policy with every default filled in. */
export interface RetryPolicy {
	readonly attempts: number;
	readonly initialMs: number;
	readonly maxMs: number;
	readonly factor: number;
	readonly jitter: 'full' | 'none';
}

export const noRetry: RetryPolicy = Object.freeze({attempts: 1, initialMs: 100, maxMs: 30_000, factor: 2, jitter: 'full'});

/** Validates `retry` options (TypeError on a bad value) and fills in the defaults. */
export function resolveRetryPolicy(name: string, options: RetryOptions | undefined): RetryPolicy {
	if (options === undefined) return noRetry;
	assertOptionalObject(name, options);
	assertInteger(`${name}.attempts`, options.attempts, 1);
	assertOptionalObject(`${name}.backoff`, options.backoff);
	const backoff = options.backoff ?? {};
	assertFiniteNumber(`${name}.backoff.initialMs`, backoff.initialMs);
	assertFiniteNumber(`${name}.backoff.maxMs`, backoff.maxMs);
	assertFiniteNumber(`${name}.backoff.factor`, backoff.factor);
	assertOneOf(`${name}.backoff.jitter`, backoff.jitter, ['full', 'none']);
	const initialMs = backoff.initialMs ?? noRetry.initialMs;
	const policy: RetryPolicy = {
		attempts: options.attempts ?? 1,
		initialMs,
		// A default cap below a given initialMs would refuse options the caller never set.
		maxMs: backoff.maxMs ?? Math.max(noRetry.maxMs, initialMs),
		factor: backoff.factor ?? noRetry.factor,
		jitter: backoff.jitter ?? noRetry.jitter,
	};
	if (policy.initialMs < 0) fail(`${name}.backoff.initialMs`, 'a number >= 0', policy.initialMs);
	if (policy.maxMs < policy.initialMs) fail(`${name}.backoff.maxMs`, `a number >= initialMs (${policy.initialMs})`, policy.maxMs);
	if (policy.factor < 1) fail(`${name}.backoff.factor`, 'a number >= 1', policy.factor);
	return Object.freeze(policy);
}

/**
 * The delay before retry number `retry` (1 = the first retry): exponential, capped, with full jitter
 * ("Exponential Backoff And Jitter", AWS Architecture Blog), which spreads retries of many failing events apart.
 */
export function backoffDelay(policy: RetryPolicy, retry: number, random: () => number = Math.random): number {
	const cap = Math.min(policy.maxMs, policy.initialMs * policy.factor ** (retry - 1));
	return policy.jitter === 'full' ? Math.floor(random() * (cap + 1)) : cap;
}
