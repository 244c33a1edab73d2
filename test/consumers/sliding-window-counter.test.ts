import {describe, expect, test} from 'vitest';
import {SlidingWindowCounter} from '../../src/consumers/sliding-window-counter.js';

describe('SlidingWindowCounter', () => {
	test('counts what was added within the window', () => {
		const counter = new SlidingWindowCounter(10_000, 10);
		counter.add(1000);
		counter.add(5000, 2);
		expect(counter.count(9000)).toBe(3);
	});

	test('forgets buckets that slid out of the window', () => {
		const counter = new SlidingWindowCounter(10_000, 10);
		counter.add(1000);
		counter.add(9000);
		expect(counter.count(11_500)).toBe(1);
	});

	test('a slot reused after a full turn starts from zero', () => {
		const counter = new SlidingWindowCounter(10_000, 10);
		counter.add(1000, 5);
		counter.add(11_000);
		expect(counter.count(11_000)).toBe(1);
	});

	test('rate() divides by the whole window once it has passed', () => {
		const counter = new SlidingWindowCounter(10_000, 10);
		for (let time = 20_000; time < 30_000; time += 100) counter.add(time);
		expect(counter.rate(29_999, 0)).toBe(10);
	});

	test('rate() divides by the elapsed time before a full window has passed', () => {
		const counter = new SlidingWindowCounter(10_000, 10);
		counter.add(1000, 4);
		expect(counter.rate(2000, 0)).toBe(2);
	});
});
