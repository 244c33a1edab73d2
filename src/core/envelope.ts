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

/**
 * Builds an envelope, frozen with its metadata unless `freeze` is false (the metadata is copied either way). Every
 * field is always present so that all events share one hidden class.
 */
export function createEnvelope(fields: EnvelopeFields, freeze = true): BusEvent {
	// Two literals, so that the default is one frozen expression: one literal frozen afterwards measured 0.89-1.05x
	// of this in A/B runs of `publish()`.
	if (!freeze) {
		return {
			id: fields.id,
			topic: fields.topic,
			payload: fields.payload,
			timestamp: fields.timestamp,
			source: fields.source,
			correlationId: fields.correlationId,
			causationId: fields.causationId,
			priority: fields.priority,
			metadata: fields.metadata === undefined ? emptyMetadata : {...fields.metadata},
		};
	}
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
