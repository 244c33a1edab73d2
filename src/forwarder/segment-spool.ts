/**
 * The durable queue: append-only segment files of framed records, and a cursor file naming the first record not yet
 * acknowledged. No native dependency.
 *
 * On disk, in `dir`:
 * - `000000000001.seg`, `000000000002.seg`, ...: frames `[u32 body length][u32 CRC-32 of time+body][f64 accepted-at]
 *   [body]`, little-endian. A new segment starts once the current one passes `segmentBytes`.
 * - `cursor`: `<segment> <offset>`, replaced atomically (write + rename) after every acknowledged batch. A segment is
 *   deleted once the cursor has moved past it.
 *
 * Durability: `append` writes with `writeSync` before it returns, so a record is in the OS page cache, which survives a
 * crash or SIGKILL of the process. `fsync` decides when it reaches the disk itself (survives a power loss):
 * `interval` (default, every `fsyncIntervalMs`: a power loss may lose that long of accepted events), `always` (before
 * `append` returns: nothing accepted is lost, at a large cost per batch), `never` (the OS decides). The cursor is not
 * fsynced: losing its last update resends some acknowledged records (duplicates, which the collector drops by id).
 *
 * Recovery: opening scans every unacknowledged frame. The first frame whose length or CRC is wrong ends its segment:
 * the file is truncated there, and the bytes cut are reported in {@link SpoolRecovery} (never a reason to refuse to
 * start). A cursor that does not point at a frame boundary is moved back to the last boundary before it (resending a
 * little, losing nothing).
 */
import {closeSync, fsyncSync, ftruncateSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, statSync, unlinkSync, writeSync} from 'node:fs';
import {join, resolve} from 'node:path';
import {fail} from '../internal/assert.js';
import {writeFully} from '../internal/write-fully.js';
import * as zlib from 'node:zlib';
import {SpoolIoError} from './errors.js';
import type {QueueBatch, QueuedRecord, RecordQueue} from './record-queue.js';

/** When appended records are forced to the disk. */
export type FsyncPolicy = 'interval' | 'always' | 'never';

/** Options of the spool. */
export interface SpoolOptions {
	/** The directory (created if missing). One spool per directory: two forwarders must not share one. */
	readonly dir: string;
	/** Bytes of unacknowledged records at most (frames included); then the overflow policy applies. @default 256 MiB */
	readonly maxBytes?: number;
	/** A segment file is closed and a new one started past this size. @default 16 MiB */
	readonly segmentBytes?: number;
	/** @default 'interval' */
	readonly fsync?: FsyncPolicy;
	/** With `fsync: 'interval'`. @default 1_000 */
	readonly fsyncIntervalMs?: number;
}

/** What opening the spool found. */
export interface SpoolRecovery {
	/** Unacknowledged records found, to be resent. */
	readonly records: number;
	/** Damaged regions cut off (a torn write after a crash or power loss, or disk corruption). */
	readonly skipped: ReadonlyArray<{readonly segment: string; readonly offset: number; readonly bytes: number; readonly reason: string}>;
}

const headerBytes = 16;
const openDirectories = new Set<string>();
// A frame claiming more than this is damage, not data (no request could carry it anyway).
const maxFrameBody = 256 * 1024 * 1024;
const segmentPattern = /^(\d{12})\.seg$/;

interface Position {
	readonly seq: number;
	readonly offset: number;
}

const crc32: (data: Uint8Array) => number = typeof (zlib as {crc32?: unknown}).crc32 === 'function' ? (zlib as unknown as {crc32: (data: Uint8Array) => number}).crc32 : tableCrc32;

export class SegmentSpool implements RecordQueue {
	readonly isDurable = true;
	readonly maxBytes: number;
	readonly recovery: SpoolRecovery;
	readonly #dir: string;
	readonly #segmentBytes: number;
	readonly #fsync: FsyncPolicy;
	readonly #sizes = new Map<number, number>();
	#head: Position;
	#headAt: number | undefined;
	#writeSeq: number;
	#writeFd: number;
	#readFd: {seq: number; fd: number} | undefined;
	#cursorFd: number | undefined;
	#depth = 0;
	#bytes = 0;
	#isDirty = false;
	#fsyncTimer: ReturnType<typeof setInterval> | undefined;
	#isClosed = false;

	/** @throws {TypeError} when another open spool of this process uses `dir`. */
	constructor(options: SpoolOptions) {
		this.#dir = resolve(options.dir);
		// Two spools appending to one directory would corrupt each other. Only within this process: a lock file could
		// outlive a crash and make the next start refuse, the very failure the spool exists to avoid.
		if (openDirectories.has(this.#dir)) fail('options.spool.dir', 'a directory no other open forwarder or endpoint uses', options.dir);
		openDirectories.add(this.#dir);
		this.maxBytes = options.maxBytes ?? 256 * 1024 * 1024;
		this.#segmentBytes = options.segmentBytes ?? 16 * 1024 * 1024;
		this.#fsync = options.fsync ?? 'interval';
		mkdirSync(this.#dir, {recursive: true});
		const cursor = this.#readCursor();
		const skipped: Array<SpoolRecovery['skipped'][number]> = [];
		const segments = this.#listSegments();
		for (const seq of segments) {
			if (seq < cursor.seq) unlinkSync(this.#path(seq));
		}
		const live = segments.filter(seq => seq >= cursor.seq);
		this.#head = {seq: live[0] ?? cursor.seq, offset: 0};
		for (const seq of live) this.#scan(seq, seq === cursor.seq ? cursor.offset : 0, skipped);
		this.#writeSeq = live.at(-1) ?? cursor.seq;
		if (!this.#sizes.has(this.#writeSeq)) this.#sizes.set(this.#writeSeq, 0);
		this.#writeFd = openSync(this.#path(this.#writeSeq), 'a');
		this.#headAt = this.#depth > 0 ? this.#readHeaderAt(this.#head) : undefined;
		this.recovery = {records: this.#depth, skipped};
		if (this.#fsync === 'interval') {
			this.#fsyncTimer = setInterval(() => this.#sync(), options.fsyncIntervalMs ?? 1000);
			this.#fsyncTimer.unref();
		}
	}

	get depth(): number {
		return this.#depth;
	}

	get bytes(): number {
		return this.#bytes;
	}

	get oldestAt(): number | undefined {
		return this.#headAt;
	}

	sizeOf(record: QueuedRecord): number {
		return headerBytes + record.body.length;
	}

	append(records: readonly QueuedRecord[]): void {
		if (records.length === 0) return;
		if ((this.#sizes.get(this.#writeSeq) ?? 0) >= this.#segmentBytes) {
			try {
				this.#roll();
			} catch (error) {
				throw new SpoolIoError('write', error);
			}
		}
		let total = 0;
		for (const record of records) total += headerBytes + record.body.length;
		const buffer = Buffer.allocUnsafe(total);
		let offset = 0;
		for (const record of records) {
			const {body} = record;
			buffer.writeUInt32LE(body.length, offset);
			buffer.writeDoubleLE(record.at, offset + 8);
			body.copy(buffer, offset + headerBytes);
			buffer.writeUInt32LE(crc32(buffer.subarray(offset + 8, offset + headerBytes + body.length)), offset + 4);
			offset += headerBytes + body.length;
		}
		const size = this.#sizes.get(this.#writeSeq) ?? 0;
		try {
			const fd = this.#writeFd;
			writeFully((chunk, at, length) => writeSync(fd, chunk, at, length), buffer, written => new Error(`the file system wrote ${written} of ${buffer.length} bytes and then nothing`));
		} catch (error) {
			// A partial frame would cut off every later frame of the segment at recovery: take it back.
			try {
				ftruncateSync(this.#writeFd, size);
			} catch {
				// Nothing more to do: recovery will cut at the partial frame.
			}
			throw new SpoolIoError('write', error);
		}
		this.#sizes.set(this.#writeSeq, size + total);
		if (this.#depth === 0) this.#headAt = records[0]!.at;
		this.#depth += records.length;
		this.#bytes += total;
		if (this.#fsync === 'always') fsyncSync(this.#writeFd);
		else this.#isDirty = true;
	}

	peek(maxCount: number, maxBytes: number, bodyOverhead: (count: number, bodyBytes: number) => number): QueueBatch {
		const records: QueuedRecord[] = [];
		let position = this.#head;
		let bodyBytes = 0;
		while (records.length < maxCount && records.length < this.#depth) {
			const size = this.#sizes.get(position.seq) ?? 0;
			if (position.offset >= size) {
				if (position.seq >= this.#writeSeq) break;
				position = {seq: this.#nextSeq(position.seq), offset: 0};
				continue;
			}
			// One read for about what the batch will use (frames average `bytes / depth`); a short guess reads again.
			const average = Math.ceil(this.#bytes / Math.max(1, this.#depth));
			const guess = Math.max(65_536, Math.ceil(average * Math.min(maxCount - records.length, this.#depth) * 1.1));
			const want = Math.min(size - position.offset, maxBytes + headerBytes * Math.min(maxCount - records.length, 65_536) + headerBytes, guess);
			const chunk = this.#read(position.seq, position.offset, want);
			let offset = 0;
			let isFull = false;
			while (offset + headerBytes <= chunk.length && records.length < maxCount && records.length < this.#depth) {
				const length = chunk.readUInt32LE(offset);
				if (offset + headerBytes + length > chunk.length) {
					if (records.length === 0 && offset === 0) {
						records.push(this.#readOne(position.seq, position.offset, length));
						offset = headerBytes + length;
					}
					break;
				}
				if (records.length > 0 && bodyBytes + length + bodyOverhead(records.length + 1, bodyBytes + length) > maxBytes) {
					isFull = true;
					break;
				}
				// A view, not a copy: the chunk was read for this batch alone.
				records.push({id: '', at: chunk.readDoubleLE(offset + 8), body: chunk.subarray(offset + headerBytes, offset + headerBytes + length)});
				bodyBytes += length;
				offset += headerBytes + length;
			}
			position = {seq: position.seq, offset: position.offset + offset};
			if (isFull || offset === 0) break;
		}
		if (records.length > 0) records[0] = {...records[0]!, id: recordId(records[0]!.body)};
		return {records, end: position};
	}

	ack(batch: QueueBatch): void {
		const end = batch.end as Position;
		let freed = 0;
		for (const record of batch.records) freed += headerBytes + record.body.length;
		this.#depth -= batch.records.length;
		this.#bytes -= freed;
		const previous = this.#head.seq;
		this.#head = end;
		for (let seq = previous; seq < end.seq; seq++) this.#deleteSegment(seq);
		if (end.offset >= (this.#sizes.get(end.seq) ?? 0) && end.seq < this.#writeSeq) {
			this.#deleteSegment(end.seq);
			this.#head = {seq: this.#nextSeq(end.seq), offset: 0};
		}
		this.#writeCursor();
		this.#headAt = this.#depth > 0 ? this.#readHeaderAt(this.#head) : undefined;
	}

	close(): void {
		if (this.#isClosed) return;
		this.#isClosed = true;
		clearInterval(this.#fsyncTimer);
		if (this.#fsync !== 'never') this.#sync();
		closeSync(this.#writeFd);
		if (this.#readFd !== undefined) closeSync(this.#readFd.fd);
		this.#readFd = undefined;
		if (this.#cursorFd !== undefined) closeSync(this.#cursorFd);
		this.#cursorFd = undefined;
		openDirectories.delete(this.#dir);
	}

	#sync(): void {
		if (!this.#isDirty || this.#isClosed) return;
		this.#isDirty = false;
		fsyncSync(this.#writeFd);
	}

	#roll(): void {
		// The new file first: if it cannot be created, the spool stays as it was and appends go on to the current one.
		const next = this.#writeSeq + 1;
		const fd = openSync(this.#path(next), 'a');
		const previous = this.#writeFd;
		this.#writeFd = fd;
		this.#writeSeq = next;
		this.#sizes.set(next, 0);
		if (this.#fsync !== 'never') fsyncSync(previous);
		this.#isDirty = false;
		closeSync(previous);
	}

	#nextSeq(seq: number): number {
		let next = seq + 1;
		while (!this.#sizes.has(next) && next < this.#writeSeq) next++;
		return next;
	}

	#deleteSegment(seq: number): void {
		if (!this.#sizes.has(seq) || seq === this.#writeSeq) return;
		if (this.#readFd?.seq === seq) {
			closeSync(this.#readFd.fd);
			this.#readFd = undefined;
		}
		this.#sizes.delete(seq);
		unlinkSync(this.#path(seq));
	}

	#read(seq: number, offset: number, length: number): Buffer {
		if (this.#readFd?.seq !== seq) {
			if (this.#readFd !== undefined) closeSync(this.#readFd.fd);
			this.#readFd = {seq, fd: openSync(this.#path(seq), 'r')};
		}
		const buffer = Buffer.allocUnsafe(length);
		let done = 0;
		while (done < length) {
			const read = readSync(this.#readFd.fd, buffer, done, length - done, offset + done);
			if (read === 0) break;
			done += read;
		}
		return done === length ? buffer : buffer.subarray(0, done);
	}

	#readOne(seq: number, offset: number, length: number): QueuedRecord {
		const frame = this.#read(seq, offset, headerBytes + length);
		return {id: '', at: frame.readDoubleLE(8), body: Buffer.from(frame.subarray(headerBytes))};
	}

	#readHeaderAt(position: Position): number | undefined {
		let {seq, offset} = position;
		while (offset >= (this.#sizes.get(seq) ?? 0)) {
			if (seq >= this.#writeSeq) return undefined;
			seq = this.#nextSeq(seq);
			offset = 0;
		}
		const header = this.#read(seq, offset, headerBytes);
		return header.length === headerBytes ? header.readDoubleLE(8) : undefined;
	}

	/** Validates the frames of one segment from `from`; truncates at the first damaged one. */
	#scan(seq: number, from: number, skipped: Array<SpoolRecovery['skipped'][number]>): void {
		const path = this.#path(seq);
		const data = readFileSync(path);
		let offset = 0;
		let start = 0;
		let reason: string | undefined;
		while (offset < data.length) {
			if (offset + headerBytes > data.length) {
				reason = 'a frame header is cut short';
				break;
			}
			const length = data.readUInt32LE(offset);
			if (length > maxFrameBody || offset + headerBytes + length > data.length) {
				reason = 'a frame is cut short';
				break;
			}
			if (data.readUInt32LE(offset + 4) !== crc32(data.subarray(offset + 8, offset + headerBytes + length))) {
				reason = 'a frame fails its checksum';
				break;
			}
			const next = offset + headerBytes + length;
			if (next <= from) {
				// Acknowledged already. A cursor inside a frame resends that frame (the last boundary at or before it).
				start = next;
			} else {
				this.#depth++;
				this.#bytes += headerBytes + length;
			}
			offset = next;
		}
		if (from > offset && reason === undefined) start = offset;
		if (reason !== undefined) {
			const fd = openSync(path, 'r+');
			ftruncateSync(fd, offset);
			closeSync(fd);
			skipped.push({segment: `${String(seq).padStart(12, '0')}.seg`, offset, bytes: data.length - offset, reason});
		}
		if (seq === this.#head.seq) this.#head = {seq, offset: start};
		this.#sizes.set(seq, offset);
	}

	#listSegments(): number[] {
		const segments: number[] = [];
		for (const name of readdirSync(this.#dir)) {
			const match = segmentPattern.exec(name);
			if (match !== null && statSync(join(this.#dir, name)).isFile()) segments.push(Number(match[1]));
		}
		return segments.sort((a, b) => a - b);
	}

	#readCursor(): Position {
		try {
			const text = readFileSync(join(this.#dir, 'cursor'), 'latin1');
			const match = /^(\d{12}) (\d{12}) ([0-9a-f]{8})\n/.exec(text);
			if (match !== null && crc32(Buffer.from(text.slice(0, 26), 'latin1')).toString(16).padStart(8, '0') === match[3]) {
				const seq = Number(match[1]);
				if (seq >= 1) return {seq, offset: Number(match[2])};
			}
		} catch {
			// No cursor yet: a new spool.
		}
		// None, or unreadable: start at the oldest segment (resending, never losing).
		return {seq: 1, offset: 0};
	}

	/**
	 * Overwrites the cursor in place: one write of 34 bytes at offset 0 (far cheaper than write + rename per batch). A
	 * torn write fails the checksum on the next start, which then resends from the oldest segment: duplicates, no loss.
	 */
	#writeCursor(): void {
		const body = `${String(this.#head.seq).padStart(12, '0')} ${String(this.#head.offset).padStart(12, '0')} `;
		const line = Buffer.from(`${body}${crc32(Buffer.from(body, 'latin1')).toString(16).padStart(8, '0')}\n`, 'latin1');
		this.#cursorFd ??= openSync(join(this.#dir, 'cursor'), 'w');
		writeSync(this.#cursorFd, line, 0, line.length, 0);
	}

	#path(seq: number): string {
		return join(this.#dir, `${String(seq).padStart(12, '0')}.seg`);
	}
}

// Only the first record of a batch needs its id (the batch's message id); the others are decoded only if lost.
function recordId(body: Buffer): string {
	try {
		const id: unknown = (JSON.parse(body.toString('utf8')) as {id?: unknown}).id;
		return typeof id === 'string' ? id : '';
	} catch {
		return '';
	}
}

let table: Int32Array | undefined;

/** CRC-32 (IEEE) for Node versions without `zlib.crc32` (before 20.15 and 22.2). */
function tableCrc32(data: Uint8Array): number {
	table ??= Int32Array.from({length: 256}, (_, index) => {
		let value = index;
		for (let bit = 0; bit < 8; bit++) value = value & 1 ? 0xed_b8_83_20 ^ (value >>> 1) : value >>> 1;
		return value;
	});
	let crc = -1;
	for (const byte of data) crc = table[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
	return (crc ^ -1) >>> 0;
}
