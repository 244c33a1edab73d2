/**
 * Where accepted events wait for their request: one encoded record per event, in order, taken from the head in
 * batches and removed only when the destination acknowledged them. Two implementations: {@link MemoryQueue}
 * (lost on a crash) and the disk spool (`segment-spool.ts`, survives one).
 */
import type {BusEvent} from '../types.js';

/** One event as it travels: its id, its encoded wire form, when it was accepted, and (in memory only) the event. */
export interface QueuedRecord {
	/** The event's id; read back from disk, only the first record of a batch has it ('' for the others). */
	readonly id: string;
	readonly body: Buffer;
	/** When the forwarder accepted it (milliseconds since the epoch). */
	readonly at: number;
	/** The original event, while this process holds it; after a restart the face decodes `body` instead. */
	readonly event?: BusEvent | undefined;
}

/** A run of records taken from the head of a queue; `ack` it to remove exactly those records. */
export interface QueueBatch {
	readonly records: readonly QueuedRecord[];
	/** Where the head moves when this batch is acknowledged (opaque to the caller). */
	readonly end: unknown;
}

/** The contract both queues keep. */
export interface RecordQueue {
	/** True when the records survive a crash of the process. */
	readonly isDurable: boolean;
	/** The bound on {@link bytes}. */
	readonly maxBytes: number;
	/** Records waiting (not yet acknowledged), in-flight ones included. */
	readonly depth: number;
	/** Bytes they take (on disk: frames included). */
	readonly bytes: number;
	/** When the oldest waiting record was accepted. */
	readonly oldestAt: number | undefined;
	/** What storing `record` costs against {@link maxBytes}. */
	sizeOf(record: QueuedRecord): number;
	/** Appends, in order. The caller checked the room; a durable queue has the records on disk when it returns. */
	append(records: readonly QueuedRecord[]): void;
	/** The records at the head, at most `maxCount` and as many as fit in `maxBytes` of body (at least one). */
	peek(maxCount: number, maxBytes: number, bodyOverhead: (count: number, bodyBytes: number) => number): QueueBatch;
	/** Removes the records of `batch`, which must be the head (the last `peek`). */
	ack(batch: QueueBatch): void;
	/** Releases files and timers; what is still waiting stays (on disk) or is lost (in memory). */
	close(): void;
}

/**
 * Picks the longest prefix of `records` (in order) that fits `maxCount` and `maxBytes` once framed by the encoder;
 * always at least one record.
 */
export function fitPrefix(count: number, bodyAt: (index: number) => number, maxCount: number, maxBytes: number, bodyOverhead: (count: number, bodyBytes: number) => number): number {
	let bodyBytes = 0;
	let taken = 0;
	while (taken < count && taken < maxCount) {
		const next = bodyBytes + bodyAt(taken);
		if (taken > 0 && next + bodyOverhead(taken + 1, next) > maxBytes) break;
		bodyBytes = next;
		taken++;
	}
	return taken;
}

// Per-record bookkeeping of the memory queue, counted so that many tiny events cannot exceed the bound unnoticed.
const recordOverhead = 64;

/** A bounded FIFO in memory. Lost on a crash; `health()` says so. */
export class MemoryQueue implements RecordQueue {
	readonly isDurable = false;
	readonly maxBytes: number;
	#records: QueuedRecord[] = [];
	#head = 0;
	#bytes = 0;

	constructor(maxBytes: number) {
		this.maxBytes = maxBytes;
	}

	get depth(): number {
		return this.#records.length - this.#head;
	}

	get bytes(): number {
		return this.#bytes;
	}

	get oldestAt(): number | undefined {
		return this.#records[this.#head]?.at;
	}

	sizeOf(record: QueuedRecord): number {
		return record.body.length + recordOverhead;
	}

	append(records: readonly QueuedRecord[]): void {
		for (const record of records) {
			this.#records.push(record);
			this.#bytes += this.sizeOf(record);
		}
	}

	peek(maxCount: number, maxBytes: number, bodyOverhead: (count: number, bodyBytes: number) => number): QueueBatch {
		const head = this.#head;
		const taken = fitPrefix(this.depth, index => this.#records[head + index]!.body.length, maxCount, maxBytes, bodyOverhead);
		return {records: this.#records.slice(head, head + taken), end: head + taken};
	}

	ack(batch: QueueBatch): void {
		const end = batch.end as number;
		for (let index = this.#head; index < end; index++) this.#bytes -= this.sizeOf(this.#records[index]!);
		this.#head = end;
		// Compact now and then: shifting on every ack would be quadratic.
		if (this.#head > 1024 && this.#head * 2 > this.#records.length) {
			this.#records = this.#records.slice(this.#head);
			this.#head = 0;
		}
	}

	/** Takes every waiting record out (the forwarder closing with no spool: they are reported as dropped). */
	takeAll(): QueuedRecord[] {
		const rest = this.#records.slice(this.#head);
		this.#records = [];
		this.#head = 0;
		this.#bytes = 0;
		return rest;
	}

	close(): void {}
}
