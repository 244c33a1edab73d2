import {describe, expect, it} from 'vitest';
import {writeFully} from '../../src/internal/write-fully.js';

describe('writeFully()', () => {
	it('calls write again for the rest after short writes, until every byte is written', () => {
		const written: number[] = [];
		writeFully((buffer, offset, length) => {
			const count = Math.min(3, length);
			for (let index = 0; index < count; index++) written.push(buffer[offset + index]!);
			return count;
		}, Uint8Array.from([1, 2, 3, 4, 5, 6, 7]), () => new Error('stalled'));
		expect(written).toEqual([1, 2, 3, 4, 5, 6, 7]);
	});

	it('throws what onStall makes when a write accepts no bytes, instead of looping forever', () => {
		let calls = 0;
		const write = (): number => (++calls === 1 ? 2 : 0);
		expect(() => writeFully(write, new Uint8Array(5), written => new Error(`stalled after ${written}`))).toThrow('stalled after 2');
		expect(calls).toBe(2);
	});
});
