import {afterEach, describe, expect, it, vi} from 'vitest';
import {createCollector} from '../../src/collector/index.js';
import {record} from './helpers.js';

afterEach(() => {
	vi.useRealTimers();
});

describe('retention', () => {
	it('deletes events older than maxAgeMs and beyond maxEvents every intervalMs', async () => {
		vi.useFakeTimers({toFake: ['setInterval', 'clearInterval', 'Date']});
		vi.setSystemTime(Date.UTC(2026, 0, 10));
		const collector = createCollector({memory: true, retention: {maxAgeMs: 86_400_000, maxEvents: 3, intervalMs: 60_000}});
		const now = Date.now();
		await collector.store.insert([
			record({eventId: 'old', timestamp: now - 2 * 86_400_000}),
			...['a', 'b', 'c', 'd'].map((eventId, index) => record({eventId, timestamp: now - 1000 + index})),
		]);
		await vi.advanceTimersByTimeAsync(59_000);
		expect(collector.store.health().total_events).toBe(5);
		await vi.advanceTimersByTimeAsync(1000);
		expect((await collector.store.query({sort: 'asc'})).events.map(event => event.eventId)).toEqual(['b', 'c', 'd']);
		await collector.close();
	});

	it('refuses a non-positive interval with a TypeError', () => {
		expect(() => createCollector({memory: true, retention: {maxEvents: 1, intervalMs: 0}})).toThrow(/Expected `retention.intervalMs`/);
	});
});
