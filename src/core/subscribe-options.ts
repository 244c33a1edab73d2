import {resolveRetryPolicy} from '../delivery/backoff.js';
import type {SubscriberSettings} from '../delivery/subscriber-settings.js';
import {
	assertAbortSignal,
	assertBoolean,
	assertFiniteNumber,
	assertFunction,
	assertInteger,
	assertOneOf,
	assertOptionalFunction,
	assertOptionalObject,
	assertOptionalString,
} from '../internal/assert.js';
import type {SubscribeOptions} from '../types.js';

/** Validates `subscribe()` arguments (`TypeError` on a bad one) and fills in the defaults. */
export function resolveSubscriberSettings(
	seq: number,
	patterns: readonly string[],
	handler: unknown,
	options: SubscribeOptions<never> | undefined,
): SubscriberSettings {
	assertFunction('handler', handler);
	assertOptionalObject('options', options);
	const given = options ?? {};
	assertFiniteNumber('options.priority', given.priority);
	assertOptionalFunction('options.filter', given.filter);
	assertOptionalFunction('options.transform', given.transform);
	assertBoolean('options.once', given.once);
	assertAbortSignal('options.signal', given.signal);
	assertOptionalString('options.name', given.name);
	assertInteger('options.concurrency', given.concurrency, 1);
	assertInteger('options.timeoutMs', given.timeoutMs, 1);
	assertInteger('options.maxPending', given.maxPending, 0, true);
	assertOneOf('options.overflow', given.overflow, ['wait', 'drop-oldest', 'drop-newest']);
	const id = `sub_${seq}`;
	return {
		id,
		seq,
		pattern: patterns.join(', '),
		patterns,
		name: given.name ?? id,
		handler: handler as SubscriberSettings['handler'],
		priority: given.priority ?? 0,
		filter: given.filter as SubscriberSettings['filter'],
		transform: given.transform as SubscriberSettings['transform'],
		isOnce: given.once ?? false,
		concurrency: given.concurrency ?? 1,
		timeoutMs: given.timeoutMs,
		retry: resolveRetryPolicy('options.retry', given.retry),
		maxPending: given.maxPending ?? 10_000,
		overflow: given.overflow ?? 'wait',
	};
}
