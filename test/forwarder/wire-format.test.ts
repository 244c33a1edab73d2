import {describe, expect, it} from 'vitest';
import type {BusEvent} from '../../src/index.js';
import {decodeRecord, defaultSeverity, defaultTags, encodeCloudEvent, encodeCollector, encodeWebhook, isoTime} from '../../src/forwarder/wire-format.js';

function event(overrides: Partial<BusEvent> = {}): BusEvent {
	return {id: 'e-1', topic: 'order.created', payload: {n: 1, text: 'a "quoted"\nline ✓'}, timestamp: 1_733_000_000_123, source: 'shop', correlationId: 'c-1', causationId: 'p-1', priority: 3, metadata: {tags: ['prod'], severity: 'warning'}, ...overrides};
}

const fields = {severity: defaultSeverity, tags: defaultTags};

describe('encodeCollector()', () => {
	it.each([
		['a full envelope', event()],
		['no causation', event({causationId: undefined})],
		['a string payload', event({payload: 'text'})],
		['a null payload', event({payload: null})],
		['an array payload', event({payload: [1, {a: [2]}]})],
		['odd ids', event({id: 'a"b\\c', source: '\u2028', correlationId: '</script>'})],
	])('writes the same JSON as JSON.stringify of the reference object, for %s', (_name, input) => {
		const expected = JSON.stringify({
			id: input.id,
			source_system: input.source,
			event_type: input.topic,
			severity: defaultSeverity(input),
			timestamp: new Date(input.timestamp).toISOString(),
			correlation_id: input.correlationId,
			causation_id: input.causationId ?? null,
			data: input.payload,
			tags: defaultTags(input),
			metadata: input.metadata,
			priority: input.priority,
		});
		expect(encodeCollector(input, fields).toString('utf8')).toBe(expected);
	});

	it('throws for a payload JSON cannot encode', () => {
		expect(() => encodeCollector(event({payload: {n: 1n}}), fields)).toThrow(TypeError);
	});
});

describe('defaultSeverity()', () => {
	it.each([
		['job.failed', {}, 'error'],
		['db.error', {}, 'error'],
		['disk.critical', {}, 'critical'],
		['cpu.warn', {}, 'warning'],
		['trace.debug', {}, 'debug'],
		['order.created', {}, 'info'],
		['order.created', {severity: 'critical'}, 'critical'],
		['order.created', {severity: 'loud'}, 'info'],
	])('%s with metadata %j is %s', (topic, metadata, severity) => {
		expect(defaultSeverity(event({topic, metadata}))).toBe(severity);
	});
});

describe('decodeRecord()', () => {
	it.each([
		['collector', (input: BusEvent) => encodeCollector(input, fields)],
		['cloudevents', encodeCloudEvent],
		['webhook', encodeWebhook],
	] as const)('gives back the envelope fields the %s format keeps', (format, encode) => {
		const input = event();
		const decoded = decodeRecord(encode(input), format);
		expect(decoded).toMatchObject({id: input.id, topic: input.topic, payload: input.payload, timestamp: input.timestamp, source: input.source, correlationId: input.correlationId, causationId: input.causationId});
	});
});

describe('isoTime()', () => {
	it('equals toISOString for timestamps across hours, days, years and the edges of its fast path', () => {
		const samples = [0, 1, 999, 1000, 59_999, 60_000, 3_599_999, 3_600_000, 1_733_000_000_123, 951_782_400_000, 253_402_300_799_999, 253_402_300_800_000, -1, -62_198_755_200_000, 1.5];
		let seed = 7;
		for (let index = 0; index < 2000; index++) {
			seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
			samples.push(1_600_000_000_000 + seed * 37 + (index % 3) * 3_599_999);
		}
		for (const timestamp of samples) expect(isoTime(timestamp)).toBe(new Date(timestamp).toISOString());
	});
});
