import {describe, expect, it} from 'vitest';
import {resolveBridgeOptions, type NatsBridgeOptions} from '../../src/bridge/bridge-options.js';
import {bridgeToNats} from '../../src/bridge/index.js';

const base = {servers: 'nats://127.0.0.1:4222'};

describe('bridge options', () => {
	it('fills in the documented defaults', () => {
		const options = resolveBridgeOptions(base);
		expect(options).toMatchObject({
			mode: 'core',
			prefix: 'topicbus',
			exports: [],
			imports: [],
			maxBodyBytes: 1_048_576,
			dedupeWindow: 10_000,
			bufferSize: 10_000,
			overflow: 'drop-oldest',
			reconnect: {waitMs: 2_000, jitterMs: 500, maxAttempts: -1},
			jetstream: {stream: 'TOPICBUS', maxDeliver: 5, ackWaitMs: 30_000, maxAckPending: 1_000, deliverPolicy: 'new', storage: 'file', duplicateWindowMs: 120_000},
		});
		expect(options.name).toMatch(/^bridge-/);
	});

	it('the durable consumer is named after the bridge by default', () => {
		expect(resolveBridgeOptions({...base, mode: 'jetstream', name: 'billing'}).jetstream.durable).toBe('billing');
	});

	it.each<[string, NatsBridgeOptions, RegExp]>([
		['servers missing', {} as NatsBridgeOptions, /Expected `options.servers` to be a URL string/],
		['an unknown mode', {...base, mode: 'kafka' as 'core'}, /Expected `options.mode` to be one of/],
		['jetstream without a name', {...base, mode: 'jetstream'}, /Expected `options.name` to be a string in jetstream mode/],
		['jetstream without a prefix', {...base, mode: 'jetstream', name: 'n', prefix: ''}, /Expected `options.prefix` to be a non-empty prefix in jetstream mode/],
		['a prefix with a wildcard', {...base, prefix: 'a.*'}, /Expected `options.prefix` to be dot-separated tokens/],
		['a name with a dot', {...base, name: 'a.b'}, /Expected `options.name`/],
		['a negative bufferSize', {...base, bufferSize: -1}, /Expected `options.bufferSize` to be an integer >= 0/],
		['an unknown overflow', {...base, overflow: 'reject' as 'wait'}, /Expected `options.overflow` to be one of/],
		['exports that are not patterns', {...base, exports: [1 as unknown as string]}, /Expected `options.exports` to be a pattern or an array of patterns/],
		['a codec without decode', {...base, codec: {encode: () => new Uint8Array()} as never}, /Expected `options.codec.decode` to be a function/],
		['maxDeliver 0', {...base, jetstream: {maxDeliver: 0}}, /Expected `options.jetstream.maxDeliver` to be an integer >= 1/],
	])('refuses %s with a TypeError', (_name, options, message) => {
		expect(() => resolveBridgeOptions(options)).toThrow(TypeError);
		expect(() => resolveBridgeOptions(options)).toThrow(message);
	});
});

describe('bridgeToNats()', () => {
	it.each([
		['null', null],
		['an object without publish and use', {}],
	])('refuses %s as the bus with a TypeError, before connecting', async (_name, bus) => {
		await expect(bridgeToNats(bus as never, {servers: 'nats://127.0.0.1:1'})).rejects.toThrow(TypeError);
		await expect(bridgeToNats(bus as never, {servers: 'nats://127.0.0.1:1'})).rejects.toThrow('Expected `bus` to be a bus');
	});
});

