/**
 * What an HTTP answer means for delivery, and how long to wait before the next attempt. Pure functions: the engine
 * applies them, the tests check them without a server.
 */

/** What to do with a batch after one attempt. */
export type Outcome = 'delivered' | 'retry' | 'reject' | 'gone';

/**
 * 2xx delivered; 408, 429 and 5xx other than 501 retried (the destination may recover); 410 `gone` (a webhook
 * endpoint that asks to be removed); every other status rejected for good (the request itself is wrong).
 */
export function classifyStatus(status: number): Outcome {
	if (status >= 200 && status < 300) return 'delivered';
	if (status === 408 || status === 429) return 'retry';
	if (status === 410) return 'gone';
	if (status >= 500 && status !== 501) return 'retry';
	return 'reject';
}

/** Longest wait a `Retry-After` may impose; a hostile or broken header cannot park delivery for days. */
export const maxRetryAfterMs = 10 * 60_000;

/**
 * Parses `Retry-After` (delay-seconds or an HTTP date) into milliseconds from `now`, capped at 10 minutes; undefined
 * when absent or unreadable.
 */
export function parseRetryAfter(header: string | null | undefined, now: number): number | undefined {
	if (header === null || header === undefined) return undefined;
	const text = header.trim();
	if (/^\d+(\.\d+)?$/.test(text)) return Math.min(Math.round(Number(text) * 1000), maxRetryAfterMs);
	// An HTTP date has a weekday and a month name; `Date.parse` alone would read "-5" as a year.
	if (!/[A-Za-z]{3}/.test(text)) return undefined;
	const date = Date.parse(text);
	if (Number.isNaN(date)) return undefined;
	return Math.min(Math.max(0, date - now), maxRetryAfterMs);
}

/** Exponential backoff with full jitter. */
export interface RetryBackoff {
	/** First retry's cap. @default 1_000 */
	readonly initialMs?: number;
	/** Largest cap. @default 30_000 */
	readonly maxMs?: number;
}

/**
 * The wait before retry number `retry` (1 for the first retry): uniform in [0, min(maxMs, initialMs * 2^(retry-1))]
 * (full jitter, so that many forwarders recovering together do not knock in step), but never shorter than what the
 * destination asked for with `Retry-After`.
 */
export function retryDelay(retry: number, backoff: Required<RetryBackoff>, retryAfterMs: number | undefined, random: () => number = Math.random): number {
	const cap = Math.min(backoff.maxMs, backoff.initialMs * 2 ** Math.min(retry - 1, 52));
	const jittered = Math.floor(random() * cap);
	return retryAfterMs === undefined ? jittered : Math.max(jittered, retryAfterMs);
}
