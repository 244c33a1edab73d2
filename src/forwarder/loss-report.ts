/** Turns records the engine gave up on into dead letters, in the shape the dead-letter store records. */
import type {DeadLetterInput} from '../consumers/stored-dead-letter.js';
import type {BusEvent} from '../types.js';
import {callSafely, report} from './delivery-options.js';
import type {LossKind} from './delivery-engine.js';
import {ForwarderClosedError} from './errors.js';
import type {QueuedRecord} from './record-queue.js';
import {decodeRecord, type RecordFormat} from './wire-format.js';

/** Who lost the records: shown as the dead letter's subscription. */
export interface LossSource {
	readonly id: string;
	readonly name: string;
	readonly pattern: string;
	readonly format: RecordFormat;
}

/** An `onLoss` for the engine: one dead letter per record, or one warning per call when nobody listens. */
export function createLossReporter(source: LossSource, onDeadLetter: ((letter: DeadLetterInput) => void) | undefined) {
	return (records: readonly QueuedRecord[], error: Error, kind: LossKind, attempts: number): void => {
		if (onDeadLetter === undefined) {
			report('ERR_FORWARDER_DEAD_LETTER', `${source.name}: ${records.length} event(s) will not be delivered (${kind})`, error);
			return;
		}
		const reason = kind === 'failed' ? 'handler-failed' : error instanceof ForwarderClosedError ? 'shutdown' : 'subscriber-overflow';
		const failedAt = Date.now();
		const subscription = {id: source.id, name: source.name, pattern: source.pattern};
		for (const record of records) {
			const event = record.event ?? decodeSafely(record, source.format);
			callSafely(onDeadLetter, {event, error, reason, subscription, attempts, failedAt}, 'options.onDeadLetter');
		}
	};
}

function decodeSafely(record: QueuedRecord, format: RecordFormat): BusEvent {
	try {
		return decodeRecord(record.body, format);
	} catch {
		return Object.freeze({id: record.id, topic: '', payload: record.body.toString('utf8'), timestamp: record.at, source: '', correlationId: record.id, causationId: undefined, priority: 0, metadata: Object.freeze({})});
	}
}
