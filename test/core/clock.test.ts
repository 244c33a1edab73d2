import {afterEach, describe, expect, test, vi} from 'vitest';
import {EventBus} from '../../src/index.js';

afterEach(() => {
	vi.useRealTimers();
});

describe('event timestamps', () => {
	test('timestamp - an event published after synchronous work gets the time of its own acceptance', () => {
		vi.useFakeTimers({now: 1_700_000_000_000});
		const bus = new EventBus();
		const first = bus.publishSync('a', null);
		// Synchronous work that takes 250 ms, with no await in between.
		vi.setSystemTime(1_700_000_000_250);
		const second = bus.publishSync('a', null);
		expect(second.timestamp - first.timestamp).toBe(250);
	});

	test('timestamp - never decreases when the wall clock steps back', () => {
		vi.useFakeTimers({now: 1_700_000_000_000});
		const bus = new EventBus();
		const first = bus.publishSync('a', null);
		vi.setSystemTime(1_699_999_999_000);
		const second = bus.publishSync('a', null);
		expect(second.timestamp).toBe(first.timestamp);
		expect(second.id > first.id).toBe(true);
	});
});
