import {InvalidPayloadError} from '../errors.js';
import type {BusEvent} from '../types.js';

const emptyMetadata: Readonly<Record<string, unknown>> = Object.freeze({});

/** The parts of an envelope decided at publish time. */
export interface EnvelopeFields {
	readonly id: string;
	readonly topic: string;
	readonly payload: unknown;
	readonly timestamp: number;
	readonly source: string;
	readonly correlationId: string;
	readonly causationId: string | undefined;
	readonly priority: number;
	readonly metadata: Readonly<Record<string, unknown>> | undefined;
}

/** Builds a frozen envelope. Every field is always present so that all events share one hidden class. */
export function createEnvelope(fields: EnvelopeFields): BusEvent {
	return Object.freeze({
		id: fields.id,
		topic: fields.topic,
		payload: fields.payload,
		timestamp: fields.timestamp,
		source: fields.source,
		correlationId: fields.correlationId,
		causationId: fields.causationId,
		priority: fields.priority,
		metadata: fields.metadata === undefined ? emptyMetadata : Object.freeze({...fields.metadata}),
	});
}

/**
 * Freezes `value` and everything reachable from it, so that no subscriber can change what another one sees.
 * Iterative (a deeply nested payload cannot overflow the stack); refuses nesting deeper than `maxDepth`.
 * Typed arrays are left alone (freezing one with elements throws); Maps and Sets are frozen as objects only.
 */
export function deepFreeze(topic: string, value: unknown, maxDepth: number): void {
	if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return;
	const stack: unknown[] = [value];
	const depths: number[] = [0];
	while (stack.length > 0) {
		const current = stack.pop() as object;
		const depth = depths.pop()!;
		if (depth > maxDepth) {
			throw new InvalidPayloadError(topic, 'too-deep', `nested deeper than ${maxDepth} levels (option \`maxPayloadDepth\`)`);
		}
		if (ArrayBuffer.isView(current)) continue; // Freezing a typed array with elements throws.
		Object.freeze(current);
		// Own enumerable values only: payloads are data, and this is the publish hot path.
		const children: unknown[] = Array.isArray(current) ? current : Object.values(current);
		for (const child of children) {
			if (typeof child === 'object' && child !== null && !Object.isFrozen(child)) {
				stack.push(child);
				depths.push(depth + 1);
			}
		}
	}
}
