import * as fs from 'node:fs';
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, beforeEach, describe, expect, test} from 'vitest';
import {DeadLetterConsumer, type DeadLetterWarning} from '../../src/consumers/dead-letter-consumer.js';
import {EventBus} from '../../src/index.js';
import type {DeadLetter} from '../../src/types.js';
import {DiagnosticsBus} from './diagnostics-bus.js';
import {makeEvent} from './events.js';

const disk = {failures: 0, isPartial: false};

// A disk that fills up on demand, through the consumer's file-system seam: the next `disk.failures` writes fail
// with ENOSPC (after writing half, if partial).
const fileSystem = {
	...fs,
	writeSync: ((fd: number, buffer: Uint8Array, offset: number, length: number) => {
		if (disk.failures > 0) {
			disk.failures--;
			if (disk.isPartial) fs.writeSync(fd, buffer, offset, Math.floor(length / 2));
			throw Object.assign(new Error('ENOSPC: no space left on device, write'), {code: 'ENOSPC'});
		}
		return fs.writeSync(fd, buffer, offset, length);
	}) as typeof fs.writeSync,
};

let directory: string;
let file: string;

beforeEach(() => {
	directory = mkdtempSync(join(tmpdir(), 'topicbus-dlq-full-'));
	file = join(directory, 'dead-letters.jsonl');
	disk.failures = 0;
	disk.isPartial = false;
});

afterEach(() => {
	rmSync(directory, {recursive: true, force: true});
});

function letter(topic: string): DeadLetter {
	return {event: makeEvent(topic), error: new Error('boom'), reason: 'handler-failed', subscription: {id: 'sub_1', name: 'billing', pattern: '**'}, attempts: 1, failedAt: Date.now()};
}

async function failingBus(store: DeadLetterConsumer): Promise<{bus: EventBus; reported: DeadLetter[]; received: string[]}> {
	const bus = new EventBus();
	bus.use(store);
	const reported: DeadLetter[] = [];
	bus.on('deadLetter', deadLetter => reported.push(deadLetter));
	const received: string[] = [];
	bus.subscribe('order.*', event => {
		received.push(event.topic);
		throw new Error('handler failed');
	});
	disk.failures = 1;
	await bus.publish('order.created', {});
	await bus.drain();
	await bus.publish('order.paid', {});
	await bus.drain();
	return {bus, reported, received};
}

describe('DeadLetterConsumer when the disk is full', () => {
	test('a failed write is thrown from consume, so the bus reports a failed delivery of this consumer, and keeps working', async () => {
		const store = new DeadLetterConsumer({fileSystem, file});
		const {bus, reported, received} = await failingBus(store);
		expect(received).toEqual(['order.created', 'order.paid']);
		expect(reported.map(({event, subscription}) => [event.topic, subscription?.name])).toEqual([
			['order.created', expect.any(String)],
			['$bus.dead-letter', 'dead-letters'],
			['order.paid', expect.any(String)],
		]);
		expect(reported[1]?.error).toMatchObject({code: 'ENOSPC'});
		expect(store.stats()).toMatchObject({stored: 2, persistFailures: 1});
		await bus.close();
	});

	test('given the bus, a failed write is thrown from consume of the letter\'s published copy', async () => {
		const bus = new EventBus();
		const store = new DeadLetterConsumer({fileSystem, file, bus});
		const {reported} = await failingBus(store);
		expect(reported.filter(deadLetter => deadLetter.subscription?.name === 'dead-letters').map(deadLetter => deadLetter.error)).toEqual([expect.objectContaining({code: 'ENOSPC'})]);
		expect(store.stats()).toMatchObject({stored: 2, persistFailures: 1});
		await bus.close();
	});

	test('the letter stays in memory, and later letters are written once the disk has space', () => {
		const store = new DeadLetterConsumer({fileSystem, file, onWarning: () => {}});
		disk.failures = 1;
		expect(() => store.record(letter('a'))).toThrow(expect.objectContaining({code: 'ENOSPC'}));
		store.record(letter('b'));
		expect(store.list().map(stored => stored.event.topic)).toEqual(['a', 'b']);
		store.close();
		expect(new DeadLetterConsumer({fileSystem, file}).list().map(stored => stored.event.topic)).toEqual(['b']);
	});

	test('a half-written line is cut back, so the file loads without a skipped line', () => {
		const store = new DeadLetterConsumer({fileSystem, file});
		store.record(letter('a'));
		disk.failures = 1;
		disk.isPartial = true;
		expect(() => store.record(letter('b'))).toThrow(expect.objectContaining({code: 'ENOSPC'}));
		store.record(letter('c'));
		store.close();
		const warnings: DeadLetterWarning[] = [];
		const reloaded = new DeadLetterConsumer({fileSystem, file, onWarning: warning => warnings.push(warning)});
		expect(reloaded.list().map(stored => stored.event.topic)).toEqual(['a', 'c']);
		expect(warnings).toEqual([]);
	});

	test('a letter the bus never publishes has its failed write reported with onWarning', () => {
		const bus = new DiagnosticsBus();
		const warnings: DeadLetterWarning[] = [];
		const store = new DeadLetterConsumer({fileSystem, file, bus, onWarning: warning => warnings.push(warning)});
		disk.failures = 1;
		bus.emit('deadLetter', letter('$bus.audit'));
		expect(warnings).toEqual([{code: 'ERR_DEAD_LETTER_WRITE_FAILED', message: expect.stringContaining('kept in memory only'), error: expect.objectContaining({code: 'ENOSPC'})}]);
		expect(store.size).toBe(1);
	});

	test('a letter the bus could not publish (queue full) has its failed write reported with onWarning', () => {
		const bus = new DiagnosticsBus();
		const warnings: DeadLetterWarning[] = [];
		new DeadLetterConsumer({fileSystem, file, bus, onWarning: warning => warnings.push(warning)});
		disk.failures = 1;
		const deadLetter = letter('order.created');
		bus.emit('deadLetter', deadLetter);
		bus.emit('warning', {code: 'ERR_DEAD_LETTER_NOT_PUBLISHED', message: `The queue is full: the dead letter of event ${deadLetter.event.id} was emitted but not published`});
		expect(warnings.map(warning => warning.code)).toEqual(['ERR_DEAD_LETTER_WRITE_FAILED']);
	});

	test('a removal that cannot be written is reported with onWarning', async () => {
		const warnings: DeadLetterWarning[] = [];
		const store = new DeadLetterConsumer({fileSystem, file, bus: new DiagnosticsBus(), onWarning: warning => warnings.push(warning)});
		store.record(letter('a'));
		disk.failures = 1;
		expect((await store.replay({})).replayed).toHaveLength(1);
		expect(warnings).toEqual([expect.objectContaining({code: 'ERR_DEAD_LETTER_WRITE_FAILED', message: expect.stringContaining('back after a restart')})]);
	});
});
