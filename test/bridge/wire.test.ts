import {describe, expect, it} from 'vitest';
import {BridgeMessageError} from '../../src/bridge/errors.js';
import {IdWindow} from '../../src/bridge/id-window.js';
import type {LinkMessage} from '../../src/bridge/nats-link.js';
import {decodeMessage, encodeEvent, jsonCodec, wireHeaders, type DecodeSettings} from '../../src/bridge/wire.js';
import type {BusEvent} from '../../src/types.js';

const settings: DecodeSettings = {prefix: 'p', codec: jsonCodec, maxBodyBytes: 1_000, plainSource: 'nats', plainId: undefined};

function event(overrides: Partial<BusEvent> = {}): BusEvent {
	return {
		id: 'e1',
		topic: 'order.created',
		payload: {amount: 3},
		timestamp: 1,
		source: 'shop',
		correlationId: 'c1',
		causationId: 'k1',
		priority: 5,
		metadata: {tenant: 't'},
		...overrides,
	};
}

function message(subject: string, headers: Record<string, string>, data: Uint8Array | string): LinkMessage {
	return {
		subject,
		data: typeof data === 'string' ? new TextEncoder().encode(data) : data,
		headerNames: Object.keys(headers),
		header: name => headers[name],
	};
}

function decodeError(input: LinkMessage, options: DecodeSettings = settings): BridgeMessageError {
	try {
		decodeMessage(input, options);
	} catch (error) {
		if (error instanceof BridgeMessageError) return error;
		throw error;
	}
	throw new Error('decodeMessage did not throw');
}

describe('wire envelope', () => {
	it('round-trips every envelope field but the timestamp', () => {
		const wire = encodeEvent(event(), 'origin-1', jsonCodec);
		const decoded = decodeMessage(message('p.order.created', {...wire.headers}, wire.data), settings);
		expect(decoded).toEqual({
			topic: 'order.created',
			payload: {amount: 3},
			id: 'e1',
			source: 'shop',
			correlationId: 'c1',
			causationId: 'k1',
			priority: 5,
			metadata: {tenant: 't'},
			origin: 'origin-1',
		});
	});

	it('percent-encodes text headers so a newline cannot break the header block', () => {
		const wire = encodeEvent(event({source: 'evil\r\nX-Injected: 1', id: 'é 1'}), 'o', jsonCodec);
		expect(wire.headers[wireHeaders.source]).toBe('evil%0D%0AX-Injected%3A%201');
		const decoded = decodeMessage(message('p.order.created', {...wire.headers}, wire.data), settings);
		expect(decoded.source).toBe('evil\r\nX-Injected: 1');
		expect(decoded.id).toBe('é 1');
	});

	it('an undefined payload is an empty body, and back', () => {
		const wire = encodeEvent(event({payload: undefined, metadata: {}, causationId: undefined}), 'o', jsonCodec);
		expect(wire.data.length).toBe(0);
		expect(wire.headers[wireHeaders.metadata]).toBeUndefined();
		expect(wire.headers[wireHeaders.causationId]).toBeUndefined();
		expect(decodeMessage(message('p.order.created', {...wire.headers}, wire.data), settings).payload).toBeUndefined();
	});

	it('leaves defaults off the wire: correlation equal to the id, priority 0', () => {
		const wire = encodeEvent(event({correlationId: 'e1', priority: 0}), 'o', jsonCodec);
		expect(Object.keys(wire.headers).sort()).toEqual([wireHeaders.causationId, wireHeaders.id, wireHeaders.metadata, wireHeaders.origin, wireHeaders.source, wireHeaders.topic].sort());
		const decoded = decodeMessage(message('p.order.created', {...wire.headers}, wire.data), settings);
		expect(decoded).toMatchObject({priority: 0, correlationId: undefined});
	});

	it('a plain message (no topicbus headers) gets a generated envelope', () => {
		const decoded = decodeMessage(message('p.sensor.read', {}, '{"t":21}'), {...settings, plainId: 'S-7'});
		expect(decoded).toMatchObject({topic: 'sensor.read', payload: {t: 21}, id: 'S-7', source: 'nats', priority: 0, origin: undefined, correlationId: undefined});
	});

	it.each([
		['a non-JSON body', message('p.a', {}, '{not json'), 'invalid-body'],
		['a body that is not UTF-8', message('p.a', {}, new Uint8Array([0xff, 0xfe, 0x22])), 'invalid-body'],
		['a body over maxBodyBytes', message('p.a', {}, `"${'x'.repeat(1_000)}"`), 'too-large'],
		['a subject that is not a topic', message('p.a$b', {}, '1'), 'invalid-subject'],
		['a subject outside the prefix', message('q.a', {}, '1'), 'invalid-subject'],
		['a $ topic', message('p.$bus.x', {}, '1'), 'invalid-subject'],
		['topicbus headers without an id', message('p.a', {[wireHeaders.source]: 's'}, '1'), 'invalid-header'],
		['an empty id', message('p.a', {[wireHeaders.id]: ''}, '1'), 'invalid-header'],
		['a priority that is not a number', message('p.a', {[wireHeaders.id]: 'x', [wireHeaders.priority]: 'high'}, '1'), 'invalid-header'],
		['an infinite priority', message('p.a', {[wireHeaders.id]: 'x', [wireHeaders.priority]: '1e999'}, '1'), 'invalid-header'],
		['metadata that is not JSON', message('p.a', {[wireHeaders.id]: 'x', [wireHeaders.metadata]: '%7Bnope'}, '1'), 'invalid-header'],
		['metadata that is an array', message('p.a', {[wireHeaders.id]: 'x', [wireHeaders.metadata]: '%5B1%5D'}, '1'), 'invalid-header'],
		['a bad percent-encoding', message('p.a', {[wireHeaders.id]: '%E0%A4%A'}, '1'), 'invalid-header'],
		['an over-long header', message('p.a', {[wireHeaders.id]: 'x'.repeat(2_000)}, '1'), 'invalid-header'],
		['a topic header that contradicts the subject', message('p.a', {[wireHeaders.id]: 'x', [wireHeaders.topic]: 'b'}, '1'), 'invalid-header'],
	])('refuses %s with a BridgeMessageError', (_name, input, reason) => {
		const error = decodeError(input);
		expect(error).toMatchObject({code: 'ERR_BRIDGE_MESSAGE', reason, subject: input.subject});
	});
});

describe('IdWindow', () => {
	it('remembers ids and reports a repeat', () => {
		const window = new IdWindow(3);
		expect(window.add('a')).toBe(true);
		expect(window.add('a')).toBe(false);
		expect(window.has('a')).toBe(true);
	});

	it('forgets the oldest id beyond its capacity', () => {
		const window = new IdWindow(2);
		window.add('a');
		window.add('b');
		window.add('c');
		expect(window.has('a')).toBe(false);
		expect(window.has('b')).toBe(true);
		expect(window.size).toBe(2);
	});

	it('with capacity 0 remembers nothing', () => {
		const window = new IdWindow(0);
		window.add('a');
		expect(window.has('a')).toBe(false);
	});
});
