import {appendFileSync, closeSync, mkdirSync, openSync, readdirSync, readFileSync, rmdirSync, statSync, truncateSync, writeFileSync, writeSync} from 'node:fs';
import {join} from 'node:path';
import {crc32} from 'node:zlib';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import type {QueuedRecord} from '../../src/forwarder/record-queue.js';
import {SegmentSpool, type SpoolOptions} from '../../src/forwarder/segment-spool.js';
import {tempDir} from './helpers.js';

let dir: string;
let remove: () => void;
const open: SegmentSpool[] = [];

beforeEach(() => {
	({dir, remove} = tempDir());
});

afterEach(() => {
	for (const spool of open.splice(0)) spool.close();
	remove();
});

function spool(options: Partial<SpoolOptions> = {}): SegmentSpool {
	const instance = new SegmentSpool({dir, fsync: 'never', ...options});
	open.push(instance);
	return instance;
}

function reopen(instance: SegmentSpool, options: Partial<SpoolOptions> = {}): SegmentSpool {
	instance.close();
	return spool(options);
}

function records(from: number, count: number, size = 20): QueuedRecord[] {
	return Array.from({length: count}, (_, index) => {
		const id = `e-${from + index}`;
		return {id, at: 1_700_000_000_000 + from + index, body: Buffer.from(JSON.stringify({id, pad: 'x'.repeat(size)}))};
	});
}

const arrayOverhead = (count: number): number => count + 1;

function ids(instance: SegmentSpool, max = 10_000): string[] {
	return instance.peek(max, Number.MAX_SAFE_INTEGER, arrayOverhead).records.map(record => (JSON.parse(record.body.toString()) as {id: string}).id);
}

function segments(): string[] {
	return readdirSync(dir).filter(name => name.endsWith('.seg')).sort();
}

describe('SegmentSpool', () => {
	it('gives back appended records in order, with their acceptance time', () => {
		const instance = spool();
		instance.append(records(0, 3));
		const batch = instance.peek(10, 1_000_000, arrayOverhead);
		expect(batch.records.map(record => record.body.toString())).toEqual(records(0, 3).map(record => record.body.toString()));
		expect(batch.records.map(record => record.at)).toEqual(records(0, 3).map(record => record.at));
		expect(batch.records[0]!.id).toBe('e-0');
		expect(instance.oldestAt).toBe(records(0, 1)[0]!.at);
	});

	it('counts depth and framed bytes, and frees them on ack', () => {
		const instance = spool();
		const input = records(0, 4);
		instance.append(input);
		expect(instance.depth).toBe(4);
		expect(instance.bytes).toBe(input.reduce((sum, record) => sum + 16 + record.body.length, 0));
		instance.ack(instance.peek(3, 1_000_000, arrayOverhead));
		expect(instance.depth).toBe(1);
		expect(instance.bytes).toBe(16 + input[3]!.body.length);
		expect(instance.oldestAt).toBe(input[3]!.at);
	});

	it('takes at most maxCount records and at most maxBytes of request body (at least one)', () => {
		const instance = spool();
		instance.append(records(0, 10));
		expect(instance.peek(4, 1_000_000, arrayOverhead).records).toHaveLength(4);
		const length = records(0, 1)[0]!.body.length;
		expect(instance.peek(100, length * 3 + 4, arrayOverhead).records).toHaveLength(3);
		expect(instance.peek(100, 1, arrayOverhead).records).toHaveLength(1);
	});

	it('keeps unacknowledged records across a reopen, and only those', () => {
		let instance = spool();
		instance.append(records(0, 5));
		instance.ack(instance.peek(2, 1_000_000, arrayOverhead));
		instance = reopen(instance);
		expect(instance.depth).toBe(3);
		expect(ids(instance)).toEqual(['e-2', 'e-3', 'e-4']);
		expect(instance.recovery).toEqual({records: 3, skipped: []});
	});

	it('starts new segments past segmentBytes and deletes each once acknowledged', () => {
		let instance = spool({segmentBytes: 1024});
		for (let round = 0; round < 10; round++) instance.append(records(round * 5, 5, 40));
		expect(segments().length).toBeGreaterThan(2);
		instance.ack(instance.peek(25, 1_000_000, arrayOverhead));
		instance = reopen(instance, {segmentBytes: 1024});
		expect(ids(instance)[0]).toBe('e-25');
		expect(instance.depth).toBe(25);
		while (instance.depth > 0) instance.ack(instance.peek(7, 1_000_000, arrayOverhead));
		expect(segments()).toHaveLength(1);
		instance.append(records(50, 1));
		expect(ids(reopen(instance, {segmentBytes: 1024}))).toEqual(['e-50']);
	});

	it('reads a batch that spans segments in order', () => {
		const instance = spool({segmentBytes: 1024});
		for (let round = 0; round < 6; round++) instance.append(records(round * 5, 5, 40));
		expect(ids(instance)).toEqual(records(0, 30).map(record => record.id));
	});

	it('skips and reports a torn tail (a frame cut short), keeps every complete record, and appends after it', () => {
		let instance = spool();
		instance.append(records(0, 3));
		instance.close();
		const [segment] = segments();
		const path = join(dir, segment!);
		const size = statSync(path).size;
		truncateSync(path, size - 5);
		instance = spool();
		expect(instance.recovery.records).toBe(2);
		expect(instance.recovery.skipped).toEqual([{segment, offset: expect.any(Number), bytes: expect.any(Number), reason: 'a frame is cut short'}]);
		expect(statSync(path).size).toBe(instance.recovery.skipped[0]!.offset);
		instance.append(records(3, 1));
		expect(ids(reopen(instance))).toEqual(['e-0', 'e-1', 'e-3']);
	});

	it('skips garbage appended after the last frame', () => {
		let instance = spool();
		instance.append(records(0, 2));
		instance.close();
		appendFileSync(join(dir, segments()[0]!), Buffer.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20]));
		instance = spool();
		expect(ids(instance)).toEqual(['e-0', 'e-1']);
		expect(instance.recovery.skipped).toHaveLength(1);
	});

	it('ends a segment at a frame that fails its checksum, and still reads the later segments', () => {
		let instance = spool({segmentBytes: 1024});
		for (let round = 0; round < 4; round++) instance.append(records(round * 10, 10, 40));
		instance.close();
		const [first] = segments();
		const path = join(dir, first!);
		const fd = openSync(path, 'r+');
		writeSync(fd, Buffer.from('XX'), 0, 2, 16 + 5);
		closeSync(fd);
		instance = spool({segmentBytes: 1024});
		expect(instance.recovery.skipped).toMatchObject([{segment: first, offset: 0, reason: 'a frame fails its checksum'}]);
		// The first segment held the first two appends (it rolls once past 1024 bytes).
		expect(ids(instance)[0]).toBe('e-20');
		expect(instance.depth).toBe(20);
	});

	it('resends everything, losing nothing, when the cursor file is unreadable', () => {
		let instance = spool();
		instance.append(records(0, 3));
		instance.ack(instance.peek(1, 1_000_000, arrayOverhead));
		instance.close();
		writeFileSync(join(dir, 'cursor'), 'garbage');
		instance = spool();
		expect(ids(instance)).toEqual(['e-0', 'e-1', 'e-2']);
	});

	it('moves a cursor that points inside a frame back to that frame', () => {
		let instance = spool();
		instance.append(records(0, 3));
		instance.ack(instance.peek(1, 1_000_000, arrayOverhead));
		instance.close();
		const [seq, offset] = readFileSync(join(dir, 'cursor'), 'latin1').split(' ').map(Number);
		const body = `${String(seq).padStart(12, '0')} ${String(offset! + 7).padStart(12, '0')} `;
		writeFileSync(join(dir, 'cursor'), `${body}${crc32(Buffer.from(body)).toString(16).padStart(8, '0')}\n`);
		instance = spool();
		expect(ids(instance)).toEqual(['e-1', 'e-2']);
		expect(instance.recovery.skipped).toEqual([]);
	});

	it('resends from the oldest segment when the cursor fails its checksum (a torn cursor write)', () => {
		let instance = spool();
		instance.append(records(0, 3));
		instance.ack(instance.peek(2, 1_000_000, arrayOverhead));
		instance.close();
		const text = readFileSync(join(dir, 'cursor'), 'latin1');
		writeFileSync(join(dir, 'cursor'), `${text.slice(0, 20)}9${text.slice(21)}`);
		instance = spool();
		expect(ids(instance)).toEqual(['e-0', 'e-1', 'e-2']);
	});

	it('throws SpoolIoError when a segment cannot be created, and keeps working once it can', () => {
		const instance = spool({segmentBytes: 1024});
		instance.append(records(0, 20, 60));
		// A directory where the next segment file should go: creating the file fails, as on a full or broken disk.
		const blocker = join(dir, '000000000002.seg');
		mkdirSync(blocker);
		expect(() => instance.append(records(20, 1))).toThrow(expect.objectContaining({code: 'ERR_FORWARDER_SPOOL_IO', operation: 'write'}));
		expect(instance.depth).toBe(20);
		rmdirSync(blocker);
		instance.append(records(20, 1));
		expect(ids(reopen(instance, {segmentBytes: 1024}))).toEqual(records(0, 21).map(record => record.id));
	});

	it('opens an empty directory, and a missing one', () => {
		expect(spool().depth).toBe(0);
		const nested = new SegmentSpool({dir: join(dir, 'a', 'b'), fsync: 'always'});
		open.push(nested);
		nested.append(records(0, 1));
		expect(nested.depth).toBe(1);
	});
});
