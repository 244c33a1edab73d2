/** Benchmark targets evaluated against a scenario's rows: what each reports when met, missed, or without its row. */
import {describe, expect, test} from 'vitest';
import {costTarget, fromIssue, ratioTarget, type ResultRow} from '../../benchmarks/lib/scenario.js';

function rate(library: string, value: number, fields: Partial<ResultRow> = {}): ResultRow {
	return {library, metric: 'throughput', unit: 'events/s', value, better: 'higher', ...fields};
}

const flat = rate('topicbus', 3e6, {variant: 'flat {n}', isBaseline: true});

describe('costTarget()', () => {
	const target = costTarget('3 objects within 1.5x of flat', 'throughput', '3 objects', 1.5);

	test('met when the variant costs at most the factor times the baseline', () => {
		expect(target.evaluate([flat, rate('topicbus', 2.5e6, {variant: '3 objects'})])).toEqual({status: 'met', actual: '1.20x the cost of flat {n}'});
	});

	test('missed beyond the factor, with the speed-up it needs', () => {
		expect(target.evaluate([flat, rate('topicbus', 1e6, {variant: '3 objects'})])).toEqual({
			status: 'missed',
			actual: '3.00x the cost of flat {n} (needs 2.0x its speed)',
		});
	});

	test('not measured when the variant has no row', () => {
		expect(target.evaluate([flat])).toEqual({status: 'not measured', actual: 'no row'});
	});
});

describe('ratioTarget()', () => {
	test('a variant the run did not measure (the lean profile before it exists) says "no row"', () => {
		const target = ratioTarget('lean >= 1.2x EventEmitter2', 'throughput', 'eventemitter2', 1.2, 'lean profile');
		expect(target.evaluate([flat, rate('eventemitter2', 8e6)])).toEqual({status: 'not measured', actual: 'no row'});
	});
});

describe('fromIssue()', () => {
	test('marks the target with its issue and keeps its evaluation', () => {
		const target = fromIssue(12, ratioTarget('>= 5x Emittery', 'throughput', 'emittery', 5));
		expect(target.issue).toBe(12);
		expect(target.evaluate([flat, rate('emittery', 1e6)])).toEqual({status: 'missed', actual: '3.00x emittery (needs 1.7x its speed)'});
	});
});
