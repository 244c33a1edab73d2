import {assertBoolean, assertFiniteNumber, assertOptionalObject, assertOptionalString, fail} from '../internal/assert.js';
import type {PublishOptions, PublishSyncOptions} from '../types.js';

/** Validates `publish()` options; `TypeError` on a bad one. */
export function validatePublishOptions(options: PublishOptions): void {
	assertOptionalObject('options', options);
	assertFiniteNumber('options.priority', options.priority);
	assertOptionalString('options.correlationId', options.correlationId);
	assertOptionalString('options.causationId', options.causationId);
	assertOptionalString('options.source', options.source);
	assertOptionalObject('options.metadata', options.metadata);
	assertOptionalString('options.id', options.id);
	assertBoolean('options.awaitDelivery', options.awaitDelivery);
	if (options.id === '') fail('options.id', 'a non-empty string', options.id);
}

/** Refuses `awaitDelivery: true` in `publishSync()` options, which has no promise to report delivery on. */
export function assertNoAwaitDelivery(options: PublishSyncOptions | undefined): void {
	if ((options as PublishOptions | undefined)?.awaitDelivery === true) {
		throw new TypeError('Expected `options.awaitDelivery` not to be true: publishSync() returns no promise to report delivery on; use publish()');
	}
}
