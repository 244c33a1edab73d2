import type {BusEvent} from '../../src/types.js';

let sequence = 0;

/** A frozen envelope as the bus would deliver it, with every field overridable. */
export function makeEvent<Payload = unknown>(topic: string, payload?: Payload, fields?: Partial<BusEvent>): BusEvent<Payload> {
	const id = fields?.id ?? `evt-${++sequence}`;
	return Object.freeze({
		id,
		topic,
		payload: payload as Payload,
		timestamp: Date.now(),
		source: 'test',
		correlationId: id,
		causationId: undefined,
		priority: 0,
		metadata: Object.freeze({}),
		...fields,
	} as BusEvent<Payload>);
}
