import {describe, expect, it} from 'vitest';
import {toRecords} from '../../src/collector/wire-format.js';

const context = {receivedAt: Date.UTC(2026, 0, 1), limits: {maxEventBytes: 1_000, maxDepth: 4}};
const event = (data: unknown, metadata: unknown = {}) => ({id: 'e1', source_system: 'orders', event_type: 'order.created', data, metadata});

describe('toRecords() depth and size limits', () => {
	it('accepts the shortest JSON exactly maxDepth deep', () => {
		const {records, problems} = toRecords([event([[[[]]]])], false, context);
		expect(problems).toEqual([]);
		expect(records[0]!.json).toEqual({data: '[[[[]]]]', metadata: '{}'});
	});

	it('refuses the shortest JSON one level deeper than maxDepth (10 characters)', () => {
		expect(toRecords([event([[[[[]]]]])], false, context).problems).toEqual([{index: 0, field: 'data', message: 'nested deeper than 4 levels'}]);
	});

	it('names metadata when metadata is the deep one', () => {
		expect(toRecords([event({}, {a: {b: {c: {d: {}}}}})], false, context).problems).toEqual([{index: 0, field: 'metadata', message: 'nested deeper than 4 levels'}]);
	});

	it('refuses nesting deep enough to exhaust the stack, as too deep', () => {
		let deep: unknown = 1;
		for (let level = 0; level < 200_000; level++) deep = [deep];
		expect(toRecords([event(deep)], false, context).problems).toEqual([{index: 0, field: 'data', message: 'nested deeper than 4 levels'}]);
	});

	it('counts UTF-8 bytes of data and metadata together against maxEventBytes', () => {
		const fits = toRecords([event('é'.repeat(400), {note: 'x'.repeat(180)})], false, context);
		expect(fits.problems).toEqual([]);
		const tooLarge = toRecords([event('é'.repeat(400), {note: 'x'.repeat(200)})], false, context);
		expect(tooLarge.problems).toEqual([{index: 0, field: 'data', message: 'data and metadata take 1013 bytes, more than the limit of 1000'}]);
	});
});
