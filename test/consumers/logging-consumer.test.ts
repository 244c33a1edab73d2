import {Writable} from 'node:stream';
import pino from 'pino';
import {afterEach, describe, expect, test, vi} from 'vitest';
import {LoggingConsumer, type Logger, type LogRecord} from '../../src/consumers/logging-consumer.js';
import {EventBus, InvalidTopicError} from '../../src/index.js';
import {makeEvent} from './events.js';

function pinoInto(lines: Record<string, unknown>[]): pino.Logger {
	const stream = new Writable({
		write(chunk: Buffer, _encoding, callback) {
			for (const line of chunk.toString('utf8').split('\n')) if (line !== '') lines.push(JSON.parse(line) as Record<string, unknown>);
			callback();
		},
	});
	return pino({level: 'debug'}, stream);
}

function lineWriter(): {lines: Record<string, unknown>[]; write: (line: string) => void} {
	const lines: Record<string, unknown>[] = [];
	return {lines, write: line => lines.push(JSON.parse(line) as Record<string, unknown>)};
}

function recordingLogger(): Logger & {calls: [string, LogRecord, string][]} {
	const calls: [string, LogRecord, string][] = [];
	return {
		calls,
		info: (record, message) => calls.push(['info', record, message]),
		warn: (record, message) => calls.push(['warn', record, message]),
		error: (record, message) => calls.push(['error', record, message]),
	};
}

afterEach(() => {
	vi.restoreAllMocks();
});

describe('LoggingConsumer', () => {
	test('with pino on a stream, writes one structured line per event', () => {
		const lines: Record<string, unknown>[] = [];
		const consumer = new LoggingConsumer({sink: pinoInto(lines)});
		const event = makeEvent('order.created', {id: 'o-1'}, {causationId: 'evt-0', source: 'shop'});
		consumer.consume(event);
		expect(lines).toEqual([
			expect.objectContaining({level: 30, msg: 'order.created', topic: 'order.created', id: event.id, correlationId: event.correlationId, causationId: 'evt-0', source: 'shop', timestamp: event.timestamp, payload: {id: 'o-1'}}),
		]);
	});

	test('with a line writer, writes JSON lines with time, level and msg', () => {
		const {lines, write} = lineWriter();
		new LoggingConsumer({sink: write}).consume(makeEvent('order.created', {id: 1}));
		expect(lines[0]).toEqual(expect.objectContaining({time: expect.any(Number), level: 'info', msg: 'order.created', topic: 'order.created', payload: {id: 1}}));
	});

	test('escapes ids and sources that need it, so the line is still valid JSON', () => {
		const {lines, write} = lineWriter();
		const id = 'id "quoted" \\ \n \u2028';
		new LoggingConsumer({sink: write}).consume(makeEvent('a', 1, {id, correlationId: id, source: 'src\t"x"'}));
		expect(lines[0]).toMatchObject({id, correlationId: id, source: 'src\t"x"'});
	});

	test('keeps the right level for each topic past the topic cache size (high cardinality)', () => {
		const consumer = new LoggingConsumer({sink: () => {}, levels: {'user.*.deleted': 'warn'}});
		for (let index = 0; index < 3000; index++) consumer.levelOf(`user.${index}.updated`);
		expect([consumer.levelOf('user.1.deleted'), consumer.levelOf('user.2999.updated')]).toEqual(['warn', 'info']);
	});

	test('leaves causationId out when the event has none', () => {
		const {lines, write} = lineWriter();
		new LoggingConsumer({sink: write}).consume(makeEvent('a'));
		expect(lines[0]).not.toHaveProperty('causationId');
	});

	test('writes JSON lines to the console by default', () => {
		const info = vi.spyOn(console, 'info').mockImplementation(() => {});
		new LoggingConsumer().consume(makeEvent('order.created', {id: 1}));
		expect(JSON.parse(info.mock.calls[0]?.[0] as string)).toMatchObject({level: 'info', topic: 'order.created'});
	});

	test('logs at the level of the first matching pattern, in insertion order', () => {
		const logger = recordingLogger();
		const consumer = new LoggingConsumer({sink: logger, levels: {'payment.failed': 'error', '**.failed': 'warn'}});
		consumer.consume([makeEvent('payment.failed'), makeEvent('order.failed'), makeEvent('order.created')]);
		expect(logger.calls.map(([level, record]) => [level, record.topic])).toEqual([
			['error', 'payment.failed'],
			['warn', 'order.failed'],
			['info', 'order.created'],
		]);
	});

	test('`off` skips a topic and counts it', () => {
		const logger = recordingLogger();
		const consumer = new LoggingConsumer({sink: logger, levels: {'debug.**': 'off'}});
		consumer.consume(makeEvent('debug.trace'));
		expect(logger.calls).toEqual([]);
		expect(consumer.stats()).toMatchObject({logged: 0, skipped: 1});
	});

	test('the default level applies to topics no pattern matches', () => {
		const consumer = new LoggingConsumer({sink: () => {}, level: 'warn', levels: {'a.*': 'error'}});
		expect([consumer.levelOf('a.b'), consumer.levelOf('c')]).toEqual(['error', 'warn']);
	});

	test('debug goes to info on a logger without a debug method', () => {
		const logger = recordingLogger();
		new LoggingConsumer({sink: logger, level: 'debug'}).consume(makeEvent('a'));
		expect(logger.calls[0]?.[0]).toBe('info');
	});

	test('redacts passwords and tokens by default', () => {
		const {lines, write} = lineWriter();
		new LoggingConsumer({sink: write}).consume(makeEvent('user.login', {user: 'ada', password: 'hunter2', session: {token: 't'}}));
		expect(lines[0]?.['payload']).toEqual({user: 'ada', password: '[REDACTED]', session: {token: '[REDACTED]'}});
	});

	test('redact adds key paths to the defaults, with the given censor', () => {
		const {lines, write} = lineWriter();
		new LoggingConsumer({sink: write, redact: ['card.number'], censor: '***'}).consume(makeEvent('pay', {card: {number: '4111', brand: 'visa'}, password: 'p'}));
		expect(lines[0]?.['payload']).toEqual({card: {number: '***', brand: 'visa'}, password: '***'});
	});

	test('redactDefaults: false applies only the given key paths', () => {
		const {lines, write} = lineWriter();
		new LoggingConsumer({sink: write, redact: ['card.number'], redactDefaults: false}).consume(makeEvent('pay', {card: {number: '4111'}, password: 'kept'}));
		expect(lines[0]?.['payload']).toEqual({card: {number: '[REDACTED]'}, password: 'kept'});
	});

	test.each([['redact', 'password'], ['redactDefaults', 'no']])('rejects options.%s of the wrong type with a TypeError', (option, value) => {
		expect(() => new LoggingConsumer({[option]: value})).toThrow(`Expected \`options.${option}\``);
	});

	test('default redaction ignores key case (Authorization, Cookie, PASSWORD)', () => {
		const {lines, write} = lineWriter();
		new LoggingConsumer({sink: write}).consume(makeEvent('http', {headers: {Authorization: 'Bearer x', Cookie: 'c', 'X-Api-Key': 'k'}, PASSWORD: 'p'}));
		expect(lines[0]?.['payload']).toEqual({headers: {Authorization: '[REDACTED]', Cookie: '[REDACTED]', 'X-Api-Key': '[REDACTED]'}, PASSWORD: '[REDACTED]'});
	});

	test('redacts inside class instances', () => {
		class User {
			readonly name = 'ada';
			readonly password = 'hunter2';
		}
		const {lines, write} = lineWriter();
		new LoggingConsumer({sink: write}).consume(makeEvent('user.created', {user: new User()}));
		expect(lines[0]?.['payload']).toEqual({user: {name: 'ada', password: '[REDACTED]'}});
	});

	test('redacts metadata too, on both sinks', () => {
		const {lines, write} = lineWriter();
		const logger = recordingLogger();
		const event = makeEvent('a', 1, {metadata: {region: 'eu', authorization: 'Bearer x'}});
		new LoggingConsumer({sink: write, includeMetadata: true}).consume(event);
		new LoggingConsumer({sink: logger, includeMetadata: true}).consume(event);
		expect(lines[0]?.['metadata']).toEqual({region: 'eu', authorization: '[REDACTED]'});
		expect(logger.calls[0]?.[1].metadata).toEqual({region: 'eu', authorization: '[REDACTED]'});
	});

	test('a cyclic payload is logged with a marker where the cycle closes, and never leaks through it', () => {
		const {lines, write} = lineWriter();
		const payload: Record<string, unknown> = {password: 'secret', child: {}};
		(payload['child'] as Record<string, unknown>)['back'] = payload;
		new LoggingConsumer({sink: write}).consume(makeEvent('cyclic', payload));
		expect(lines[0]?.['payload']).toEqual({password: '[REDACTED]', child: {back: '[Circular]'}});
		expect(JSON.stringify(lines[0])).not.toContain('secret');
	});

	test('a cyclic payload through a bus reaches the logger (pino) without blowing up', async () => {
		const lines: Record<string, unknown>[] = [];
		const bus = new EventBus();
		const logging = new LoggingConsumer({sink: pinoInto(lines)});
		bus.use(logging);
		const payload: Record<string, unknown> = {token: 't'};
		payload['self'] = payload;
		await bus.publish('cyclic', payload);
		await bus.drain();
		await bus.close();
		expect(lines[0]?.['payload']).toEqual({token: '[REDACTED]', self: '[Circular]'});
		expect(logging.stats()).toMatchObject({logged: 1, sinkFailures: 0});
	});

	test('a DAG with 2^60 paths is logged in time linear in its size (a naive walk would never finish)', () => {
		const {lines, write} = lineWriter();
		let node: unknown = {leaf: 'x', password: 'p'};
		for (let level = 0; level < 60; level++) node = {left: node, right: node};
		const consumer = new LoggingConsumer({sink: write, maxPayloadLength: 100, includeMetadata: true});
		consumer.consume(makeEvent('dag', node, {metadata: {shared: node}}));
		expect(lines[0]?.['payload']).toMatchObject({$truncated: true, preview: expect.any(String)});
		expect(JSON.stringify(lines[0])).not.toContain('"p"');
		expect(consumer.stats().logged).toBe(1);
	});

	test('cuts a payload longer than maxPayloadLength to a preview and counts it', () => {
		const {lines, write} = lineWriter();
		const consumer = new LoggingConsumer({sink: write, maxPayloadLength: 8});
		consumer.consume(makeEvent('big', {text: 'x'.repeat(100)}));
		expect(lines[0]?.['payload']).toEqual({$truncated: true, length: 111, preview: '{"text":'});
		expect(consumer.stats().truncated).toBe(1);
	});

	test('adds metadata with includeMetadata', () => {
		const {lines, write} = lineWriter();
		new LoggingConsumer({sink: write, includeMetadata: true}).consume(makeEvent('a', 1, {metadata: {region: 'eu'}}));
		expect(lines[0]?.['metadata']).toEqual({region: 'eu'});
	});

	test('logs a batch in order', () => {
		const logger = recordingLogger();
		new LoggingConsumer({sink: logger}).consume([makeEvent('a'), makeEvent('b')]);
		expect(logger.calls.map(([, , message]) => message)).toEqual(['a', 'b']);
	});

	test('a sink that throws: consume rethrows its error and counts it', () => {
		const failure = new Error('disk full');
		const consumer = new LoggingConsumer({
			sink: () => {
				throw failure;
			},
		});
		expect(() => consumer.consume(makeEvent('a'))).toThrow(failure);
		expect(consumer.stats()).toMatchObject({logged: 0, sinkFailures: 1});
	});

	test('a sink that rejects: consume rejects with its error and counts it', async () => {
		const failure = new Error('remote down');
		const consumer = new LoggingConsumer({sink: async () => Promise.reject(failure)});
		await expect(consumer.consume(makeEvent('a'))).rejects.toBe(failure);
		expect(consumer.stats().sinkFailures).toBe(1);
	});

	test('logs the next event as usual after a sink failure', () => {
		let isFailing = true;
		const consumer = new LoggingConsumer({
			sink: () => {
				if (isFailing) throw new Error('once');
			},
		});
		expect(() => consumer.consume(makeEvent('a'))).toThrow('once');
		isFailing = false;
		consumer.consume(makeEvent('b'));
		expect(consumer.stats()).toMatchObject({logged: 1, sinkFailures: 1});
	});

	test('on a bus, a failing sink is reported as a failed delivery naming the consumer, and the bus keeps delivering', async () => {
		const bus = new EventBus();
		const failure = new Error('logger broke');
		bus.use(
			new LoggingConsumer({
				sink: () => {
					throw failure;
				},
			}),
		);
		const received: string[] = [];
		bus.subscribe('**', event => received.push(event.topic));
		const letters: {name: string | undefined; error: unknown}[] = [];
		bus.on('deadLetter', letter => letters.push({name: letter.subscription?.name, error: letter.error}));
		await bus.publish('order.created', {});
		await bus.publish('order.paid', {});
		await bus.drain();
		expect(received).toEqual(['order.created', 'order.paid']);
		expect(letters).toEqual([
			{name: 'logging', error: failure},
			{name: 'logging', error: failure},
		]);
		expect(bus.getMetrics()).toMatchObject({failed: 2, deadLettered: 2});
		await bus.close();
	});

	test('close() flushes a logger that has flush()', async () => {
		const flush = vi.fn();
		await new LoggingConsumer({sink: {...recordingLogger(), flush}}).close();
		expect(flush).toHaveBeenCalledOnce();
	});

	test('is closed by the bus when the bus closes', async () => {
		const bus = new EventBus();
		const flush = vi.fn();
		bus.use(new LoggingConsumer({sink: {...recordingLogger(), flush}}));
		await bus.close();
		expect(flush).toHaveBeenCalledOnce();
	});

	test('rejects an unknown level with a TypeError', () => {
		expect(() => new LoggingConsumer({level: 'verbose' as never})).toThrow('Expected `options.level` to be one of');
	});

	test('rejects a sink that is neither a logger nor a function', () => {
		expect(() => new LoggingConsumer({sink: {info() {}} as never})).toThrow('Expected `options.sink` to be a logger');
	});

	test('rejects an invalid levels pattern with InvalidTopicError', () => {
		expect(() => new LoggingConsumer({levels: {'a**': 'warn'}})).toThrow(InvalidTopicError);
	});

	test('rejects a negative maxPayloadLength', () => {
		expect(() => new LoggingConsumer({maxPayloadLength: -1})).toThrow(TypeError);
	});
});
