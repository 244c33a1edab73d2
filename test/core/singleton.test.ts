import {afterEach, describe, expect, test, vi} from 'vitest';
import {BusClosedError, BusOptionsConflictError, EventBus, getEventBus, resetEventBus} from '../../src/index.js';

afterEach(async () => {
	await resetEventBus();
	vi.doUnmock('../../src/core/event-bus.js');
	vi.resetModules();
});

describe('getEventBus()', () => {
	test('getEventBus() - returns the same instance every time', () => {
		const bus = getEventBus();
		expect(bus).toBeInstanceOf(EventBus);
		expect(getEventBus()).toBe(bus);
	});

	test('getEventBus() - applies options on the first call; later calls without options or with the same ones get that bus', async () => {
		const bus = getEventBus({source: 'first', limits: {maxSegments: 8}});
		expect(getEventBus()).toBe(bus);
		expect(getEventBus({source: 'first', limits: {maxSegments: 8}})).toBe(bus);
		const event = await bus.publish('a', 1);
		expect(event.source).toBe('first');
	});

	test('getEventBus() - different options after the bus exists throw BusOptionsConflictError', () => {
		getEventBus({source: 'first'});
		expect(() => getEventBus({source: 'second'})).toThrow(BusOptionsConflictError);
		expect(() => getEventBus({source: 'first', limits: {maxSegments: 3}})).toThrow(expect.objectContaining({code: 'ERR_BUS_OPTIONS_CONFLICT', option: 'limits'}));
	});

	test('getEventBus() - after resetEventBus() new options apply', async () => {
		getEventBus({source: 'first'});
		await resetEventBus();
		expect(getEventBus({source: 'second'})).toBeInstanceOf(EventBus);
	});

	test('getEventBus() - importing topicbus creates no bus; the first call does', async () => {
		vi.resetModules();
		let constructed = 0;
		vi.doMock('../../src/core/event-bus.js', async importOriginal => {
			const actual = await importOriginal<typeof import('../../src/core/event-bus.js')>();
			class CountingEventBus extends actual.EventBus {
				constructor(...args: ConstructorParameters<typeof actual.EventBus>) {
					super(...args);
					constructed++;
				}
			}
			return {...actual, EventBus: CountingEventBus};
		});
		const fresh = await import('../../src/index.js');
		expect(constructed).toBe(0);
		fresh.getEventBus();
		fresh.getEventBus();
		expect(constructed).toBe(1);
		await fresh.resetEventBus();
	});
});

describe('resetEventBus()', () => {
	test('resetEventBus() - closes the current bus', async () => {
		const bus = getEventBus();
		const seen: unknown[] = [];
		bus.subscribe('a', event => {
			seen.push(event.payload);
		});
		void bus.publish('a', 1);
		await resetEventBus();
		expect(seen).toEqual([1]);
		expect(bus.state).toBe('closed');
		await expect(bus.publish('a', 2)).rejects.toBeInstanceOf(BusClosedError);
	});

	test('resetEventBus() - forgets it: the next getEventBus() makes a new one', async () => {
		const bus = getEventBus();
		await resetEventBus();
		const next = getEventBus();
		expect(next).not.toBe(bus);
		expect(next.state).toBe('running');
	});

	test('resetEventBus() - resolves when there is no bus', async () => {
		await expect(resetEventBus()).resolves.toBeUndefined();
	});
});
