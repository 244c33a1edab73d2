import {assertBoolean, assertFiniteNumber, assertOptionalObject, assertOptionalString, fail} from '../internal/assert.js';
import type {PublishOptions} from '../types.js';

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
