import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import type {BusEvent} from '../../src/index.js';
import {Forwarder} from '../../src/forwarder/index.js';
import {SegmentSpool} from '../../src/forwarder/segment-spool.js';
import {FaultServer} from './fault-server.js';
import {fast, recorder, tempDir, until} from './helpers.js';

let dir: string;
let remove: () => void;
let server: FaultServer;

beforeEach(async () => {
	({dir, remove} = tempDir());
	server = await FaultServer.start();
});

afterEach(async () => {
	await server.close();
	remove();
});

let sequence = 0;
function events(count: number): BusEvent[] {
	return Array.from({length: count}, () => {
		const id = `s-${++sequence}`;
		return Object.freeze({id, topic: 'job.done', payload: {id}, timestamp: Date.now(), source: 'test', correlationId: id, causationId: undefined, priority: 0, metadata: {}});
	});
}

/** A URL where nothing listens (a server that was started and closed). */
async function deadUrl(): Promise<string> {
	const probe = await FaultServer.start();
	await probe.close();
	return `${probe.url}/events/batch`;
}

describe('Forwarder with a spool', () => {
	it('has the events on disk when consume returns', async () => {
		const forwarder = new Forwarder({url: await deadUrl(), spool: {dir, fsync: 'never'}, ...fast});
		await forwarder.consume(events(5));
		// Closing writes nothing (fsync 'never'): what the reader finds was on disk when consume returned.
		await forwarder.close({timeoutMs: 0});
		const reader = new SegmentSpool({dir, fsync: 'never'});
		expect(reader.depth).toBe(5);
		reader.close();
	});

	it('refuses a second forwarder on a spool directory in use, and allows it once the first closed', async () => {
		const first = new Forwarder({url: `${server.url}/events/batch`, spool: {dir}, ...fast});
		expect(() => new Forwarder({url: `${server.url}/events/batch`, spool: {dir: `${dir}/.`}, ...fast})).toThrow(/options\.spool\.dir/);
		await first.close();
		const second = new Forwarder({url: `${server.url}/events/batch`, spool: {dir}, ...fast});
		await second.close();
	});

	it('says in health that the buffer is durable', async () => {
		const forwarder = new Forwarder({url: `${server.url}/events/batch`, spool: {dir, maxBytes: 4_000_000}, ...fast});
		expect(forwarder.health().buffer).toMatchObject({durable: true, maxBytes: 4_000_000, events: 0});
		await forwarder.close();
	});

	it('says in health that the memory buffer is not durable', async () => {
		const forwarder = new Forwarder({url: `${server.url}/events/batch`, ...fast});
		expect(forwarder.health().buffer).toMatchObject({durable: false, maxBytes: 64 * 1024 * 1024});
		await forwarder.close();
	});

	it('leaves unsent events in the spool at close and sends them from the next start', async () => {
		const url = await deadUrl();
		const first = new Forwarder({url, spool: {dir}, ...fast});
		const sent = events(30);
		await first.consume(sent);
		await first.close({timeoutMs: 50});
		expect(first.metrics().dropped).toBe(0);

		const second = new Forwarder({url: `${server.url}/events/batch`, spool: {dir}, ...fast});
		expect(second.health().buffer.events).toBe(30);
		await until(() => second.health().buffer.events === 0, 'the spool to empty');
		expect(server.acknowledgedIds).toEqual(sent.map(event => event.id));
		await second.close();
		const reader = new SegmentSpool({dir, fsync: 'never'});
		expect(reader.depth).toBe(0);
		reader.close();
	});

	it('dead-letters a rejected event read back from disk with its decoded envelope', async () => {
		const url = await deadUrl();
		const first = new Forwarder({url, spool: {dir}, ...fast});
		const [event] = events(1);
		await first.consume(event!);
		await first.close({timeoutMs: 0});
		server.script({status: 400, body: 'bad event'});
		const {letters, onDeadLetter} = recorder();
		const second = new Forwarder({url: `${server.url}/events/batch`, spool: {dir}, ...fast, onDeadLetter});
		await until(() => letters.length === 1, 'the dead letter');
		expect(letters[0]!.event).toMatchObject({id: event!.id, topic: 'job.done', payload: {id: event!.id}, source: 'test', correlationId: event!.id});
		await second.close();
	});

	it('reports a damaged spool as a diagnostic and a warning, and starts anyway', async () => {
		const first = new Forwarder({url: await deadUrl(), spool: {dir}, ...fast});
		await first.consume(events(3));
		await first.close({timeoutMs: 0});
		const {appendFileSync, readdirSync} = await import('node:fs');
		appendFileSync(`${dir}/${readdirSync(dir).find(name => name.endsWith('.seg'))!}`, Buffer.alloc(30, 9));
		const {notices, onDiagnostic} = recorder();
		const warnings: string[] = [];
		const onWarning = (warning: Error): void => void warnings.push(warning.message);
		process.on('warning', onWarning);
		const second = new Forwarder({url: `${server.url}/events/batch`, spool: {dir}, ...fast, onDiagnostic});
		expect(notices[0]).toMatchObject({type: 'spool-recovered', recovery: {records: 3, skipped: [{bytes: 30}]}});
		await until(() => second.metrics().sent === 3, 'the recovered events sent');
		await new Promise(resolve => setImmediate(resolve));
		process.off('warning', onWarning);
		expect(warnings.some(message => message.includes('30 damaged byte'))).toBe(true);
		await second.close();
	});

	it('blocks consume when the spool is full until the collector acknowledges', async () => {
		server.script({status: 503}, {status: 503});
		const forwarder = new Forwarder({url: `${server.url}/events/batch`, spool: {dir, maxBytes: 4096}, batch: {maxBytes: 4096, lingerMs: 0}, retry: {initialMs: 50, maxMs: 50}});
		const big = events(60);
		const accepted = forwarder.consume(big);
		expect(accepted).toBeInstanceOf(Promise);
		expect(forwarder.health().buffer.bytes).toBeLessThanOrEqual(4096);
		await accepted;
		await until(() => forwarder.metrics().sent === 60, 'every event sent');
		expect(new Set(server.acknowledgedIds).size).toBe(60);
		await forwarder.close();
	});
});
