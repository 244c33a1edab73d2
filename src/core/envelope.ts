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

// Objects known to be frozen all the way down, so that publishing the same payload again costs one lookup.
const deepFrozen = new WeakSet<object>();

/**
 * Checks a payload and, with `shouldFreeze`, freezes it and everything reachable from it, so that no subscriber can
 * change what another one sees. Walks first and freezes after, so that a refused payload is left as it was;
 * iterative, so a deeply nested payload cannot overflow the stack. Refuses, with `InvalidPayloadError`, nesting
 * deeper than `maxDepth` (`too-deep`) and a payload that throws when read (`unreadable`: a throwing getter, a
 * revoked or hostile Proxy). An object frozen by its owner is still walked: `Object.freeze` is shallow. Typed arrays
 * are left alone (freezing one throws); Map, Set and Date objects are frozen as objects, but their entries and time
 * stay mutable (`Object.freeze` does not reach internal slots) and the walk does not enter a Map's or Set's entries.
 */
export function deepFreeze(topic: string, value: unknown, maxDepth: number, shouldFreeze = true): void {
	try {
		walk(topic, value, maxDepth, shouldFreeze);
	} catch (error) {
		if (error instanceof InvalidPayloadError) throw error;
		throw new InvalidPayloadError(topic, 'unreadable', 'reading it threw (a throwing getter or a hostile Proxy)', error);
	}
}

function walk(topic: string, value: unknown, maxDepth: number, shouldFreeze: boolean): void {
	if (typeof value !== 'object' || value === null || deepFrozen.has(value)) return;
	// The common payload is one flat object: freeze it without allocating anything.
	if (!Array.isArray(value) && isFlat(value)) {
		if (shouldFreeze && !ArrayBuffer.isView(value)) Object.freeze(value);
		return;
	}
	const objects: object[] = [];
	const visited = new Set<object>();
	const stack: object[] = [value];
	const depths: number[] = [0];
	while (stack.length > 0) {
		const current = stack.pop()!;
		const depth = depths.pop()!;
		if (depth > maxDepth) {
			throw new InvalidPayloadError(topic, 'too-deep', `nested deeper than ${maxDepth} levels (option \`maxPayloadDepth\`)`);
		}
		if (visited.has(current)) continue;
		visited.add(current);
		if (ArrayBuffer.isView(current)) continue;
		objects.push(current);
		// Own enumerable values only: payloads are data.
		const children: unknown[] = Array.isArray(current) ? current : Object.values(current);
		for (const child of children) {
			if (typeof child === 'object' && child !== null && !deepFrozen.has(child)) {
				stack.push(child);
				depths.push(depth + 1);
			}
		}
	}
	if (!shouldFreeze) return;
	for (const object of objects) {
		Object.freeze(object);
		deepFrozen.add(object);
	}
}

function isFlat(value: object): boolean {
	for (const key in value) {
		const child: unknown = (value as Record<string, unknown>)[key];
		if (typeof child === 'object' && child !== null) return false;
	}
	return true;
}
