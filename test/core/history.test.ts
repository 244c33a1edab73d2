import {afterEach, describe, expect, test, vi} from 'vitest';
import {EventBus, InvalidTopicError, type BusEvent} from '../../src/index.js';
import {rejectionOf, thrownBy} from './helpers.js';

afterEach(() => {
	vi.useRealTimers();
});

const payloads = (events: readonly BusEvent[]): unknown[] => events.map(event => event.payload);

describe('history()', () => {
	test('history() - returns accepted events oldest first', async () => {
		const bus = new EventBus();
		const published = [await bus.publish('a', 1), await bus.publish('b', 2), await bus.publish('c', 3)];
		expect(bus.history()).toEqual(published);
	});

	test('history() - records events that no subscription matched', async () => {
		const bus = new EventBus();
		await bus.publish('unheard', 1);
		expect(payloads(bus.history())).toEqual([1]);
	});

	test('history() - keeps the historySize most recent events', async () => {
		const bus = new EventBus({historySize: 3});
		for (let index = 1; index <= 7; index++) await bus.publish('a', index);
		expect(payloads(bus.history())).toEqual([5, 6, 7]);
	});

	test('history() - historySize 0 records nothing', async () => {
		const bus = new EventBus({historySize: 0});
		await bus.publish('a', 1);
		expect(bus.history()).toEqual([]);
		await expect(bus.replay('**', () => {})).resolves.toBe(0);
	});

	test('history() - filters by pattern', async () => {
		const bus = new EventBus();
		await bus.publish('order.created', 1);
		await bus.publish('user.created', 2);
		await bus.publish('order.paid', 3);
		expect(payloads(bus.history({pattern: 'order.*'}))).toEqual([1, 3]);
		expect(payloads(bus.history({pattern: '*.created'}))).toEqual([1, 2]);
	});

	test('history() - since and until are inclusive bounds on the timestamp', async () => {
		vi.useFakeTimers({now: 1000});
		const bus = new EventBus();
		for (const time of [1000, 2000, 3000, 4000]) {
			vi.setSystemTime(time);
			await bus.publish('a', time);
		}
		expect(payloads(bus.history({since: 2000}))).toEqual([2000, 3000, 4000]);
		expect(payloads(bus.history({until: 3000}))).toEqual([1000, 2000, 3000]);
		expect(payloads(bus.history({since: 2000, until: 3000}))).toEqual([2000, 3000]);
	});

	test('history() - filters by correlationId', async () => {
		const bus = new EventBus();
		bus.subscribe('start', () => {
			void bus.publish('next', 'child');
		});
		const start = await bus.publish('start', 'root');
		await bus.publish('unrelated', 'other');
		await bus.drain();
		expect(payloads(bus.history({correlationId: start.id}))).toEqual(['root', 'child']);
	});

	test('history() - limit returns the most recent N matches, oldest first', async () => {
		const bus = new EventBus();
		for (let index = 1; index <= 6; index++) await bus.publish(index % 2 === 0 ? 'even' : 'odd', index);
		expect(payloads(bus.history({limit: 2}))).toEqual([5, 6]);
		expect(payloads(bus.history({pattern: 'odd', limit: 2}))).toEqual([3, 5]);
	});

	test('history() - limit 0 returns no events', async () => {
		const bus = new EventBus();
		await bus.publish('a', 1);
		await bus.publish('a', 2);
		expect(bus.history({limit: 0})).toEqual([]);
	});

	test('history() - filters combine with AND', async () => {
		vi.useFakeTimers({now: 1000});
		const bus = new EventBus();
		await bus.publish('a', 'early-a');
		vi.setSystemTime(2000);
		await bus.publish('b', 'late-b');
		await bus.publish('a', 'late-a');
		expect(payloads(bus.history({pattern: 'a', since: 2000}))).toEqual(['late-a']);
	});

	test('history() - refused publishes are not recorded', async () => {
		const bus = new EventBus();
		await rejectionOf(bus.publish('a..b', 1));
		expect(bus.history()).toEqual([]);
	});

	test('history() - an invalid pattern throws InvalidTopicError', () => {
		const bus = new EventBus();
		expect(thrownBy(() => bus.history({pattern: 'a..b'}))).toBeInstanceOf(InvalidTopicError);
	});

	test('history() - a bad limit throws a TypeError', () => {
		const bus = new EventBus();
		expect(() => bus.history({limit: -1})).toThrow(new TypeError('Expected `query.limit` to be an integer >= 0, got `-1` (number)'));
	});

	test.each([
		['since', {since: 'yesterday'}],
		['until', {until: Number.NaN}],
		['correlationId', {correlationId: 42}],
	])('history() - a bad %s throws a TypeError', (_, query) => {
		const bus = new EventBus();
		expect(thrownBy(() => bus.history(query as never))).toBeInstanceOf(TypeError);
	});

	test('history() - a query that is not an object throws a TypeError', () => {
		const bus = new EventBus();
		expect(() => bus.history('a' as never)).toThrow(TypeError);
	});
});

describe('replay()', () => {
	test('replay() - re-delivers matching past events oldest first and resolves with the count', async () => {
		const bus = new EventBus();
		await bus.publish('order.created', 1);
		await bus.publish('user.created', 2);
		await bus.publish('order.paid', 3);
		const seen: unknown[] = [];
		const count = await bus.replay('order.*', event => {
			seen.push(event.payload);
		});
		expect(count).toBe(2);
		expect(seen).toEqual([1, 3]);
	});

	test('replay() - awaits each async handler call before the next', async () => {
		const bus = new EventBus();
		for (let index = 0; index < 3; index++) await bus.publish('a', index);
		const log: string[] = [];
		await bus.replay('a', async event => {
			log.push(`start ${event.payload as number}`);
			await Promise.resolve();
			await Promise.resolve();
			log.push(`end ${event.payload as number}`);
		});
		expect(log).toEqual(['start 0', 'end 0', 'start 1', 'end 1', 'start 2', 'end 2']);
	});

	test('replay() - since limits it to events at or after that time', async () => {
		vi.useFakeTimers({now: 1000});
		const bus = new EventBus();
		await bus.publish('a', 'old');
		vi.setSystemTime(5000);
		await bus.publish('a', 'new');
		const seen: unknown[] = [];
		const count = await bus.replay(
			'a',
			event => {
				seen.push(event.payload);
			},
			{since: 5000},
		);
		expect(count).toBe(1);
		expect(seen).toEqual(['new']);
	});

	test('replay() - rejects with the handler\'s error and stops there', async () => {
		const bus = new EventBus();
		for (let index = 0; index < 4; index++) await bus.publish('a', index);
		const failure = new Error('replay failed');
		const seen: unknown[] = [];
		const error = await rejectionOf(
			bus.replay('a', event => {
				seen.push(event.payload);
				if (event.payload === 1) throw failure;
			}),
		);
		expect(error).toBe(failure);
		expect(seen).toEqual([0, 1]);
	});

	test('replay() - rejects with an async handler\'s rejection', async () => {
		const bus = new EventBus();
		await bus.publish('a', 1);
		const failure = new Error('async replay failure');
		await expect(bus.replay('a', async () => Promise.reject(failure))).rejects.toBe(failure);
	});

	test('replay() - does not re-publish: subscribers and the history are untouched', async () => {
		const bus = new EventBus();
		let delivered = 0;
		bus.subscribe('a', () => {
			delivered++;
		});
		await bus.publish('a', 1);
		await bus.drain();
		await bus.replay('a', () => {});
		await bus.drain();
		expect(delivered).toBe(1);
		expect(bus.history()).toHaveLength(1);
	});

	test('replay() - a handler that is not a function rejects with a TypeError', async () => {
		const bus = new EventBus();
		await expect(bus.replay('a', 1 as never)).rejects.toThrow(new TypeError('Expected `handler` to be a function, got `1` (number)'));
	});
});
