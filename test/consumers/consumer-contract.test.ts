import {afterEach, describe, expect, test, vi} from 'vitest';
import {DeadLetterConsumer} from '../../src/consumers/dead-letter-consumer.js';
import {LoggingConsumer, type LogRecord} from '../../src/consumers/logging-consumer.js';
import {MetricsConsumer} from '../../src/consumers/metrics-consumer.js';
import {EventBus} from '../../src/index.js';
import type {BusEvent, Consumer} from '../../src/types.js';

afterEach(() => {
	vi.useRealTimers();
});

function recorder(fields?: Partial<Consumer>): Consumer & {calls: (BusEvent | readonly BusEvent[])[]} {
	const calls: (BusEvent | readonly BusEvent[])[] = [];
	return {
		name: 'recorder',
		topics: '**',
		calls,
		consume(events) {
			calls.push(events);
		},
		...fields,
	};
}

const topicsOf = (events: BusEvent | readonly BusEvent[]): string | string[] => (Array.isArray(events) ? events.map(event => event.topic) : (events as BusEvent).topic);

describe('bus.use(consumer)', () => {
	test('a consumer with several matching patterns gets each event once', async () => {
		const bus = new EventBus();
		const consumer = recorder({topics: ['order.*', 'order.**', '*.created']});
		bus.use(consumer);
		await bus.publish('order.created', {});
		await bus.drain();
		expect(consumer.calls.map(topicsOf)).toEqual(['order.created']);
		await bus.close();
	});

	test('with batchSize, delivers arrays of that size', async () => {
		const bus = new EventBus();
		const consumer = recorder({batchSize: 2});
		bus.use(consumer);
		for (const topic of ['a', 'b', 'c', 'd']) await bus.publish(topic, {});
		await bus.drain();
		expect(consumer.calls.map(topicsOf)).toEqual([
			['a', 'b'],
			['c', 'd'],
		]);
		await bus.close();
	});

	test('delivers a partial batch batchTimeoutMs after its first event', async () => {
		vi.useFakeTimers({toFake: ['setTimeout', 'clearTimeout']});
		const bus = new EventBus();
		const consumer = recorder({batchSize: 10, batchTimeoutMs: 500});
		bus.use(consumer);
		await bus.publish('a', {});
		await vi.waitFor(() => {
			expect(vi.getTimerCount()).toBe(1);
		});
		expect(consumer.calls).toEqual([]);
		await vi.advanceTimersByTimeAsync(500);
		expect(consumer.calls.map(topicsOf)).toEqual([['a']]);
		await bus.close();
	});

	test('a retry policy retries a failed consume instead of dead-lettering it', async () => {
		const bus = new EventBus();
		let attempts = 0;
		bus.use(
			recorder({
				retry: {attempts: 2, backoff: {initialMs: 0, jitter: 'none'}},
				consume() {
					if (++attempts === 1) throw new Error('once');
				},
			}),
		);
		await bus.publish('a', {});
		await bus.drain();
		expect([attempts, bus.getMetrics().deadLettered]).toEqual([2, 0]);
		await bus.close();
	});

	test('close() is called when the bus closes, after the last consume', async () => {
		const bus = new EventBus();
		const order: string[] = [];
		bus.use(recorder({consume: event => void order.push((event as BusEvent).topic), close: () => void order.push('close')}));
		await bus.publish('a', {});
		await bus.close();
		expect(order).toEqual(['a', 'close']);
	});

	test('the handle names the consumer, exposes its subscription and closes it', async () => {
		const bus = new EventBus();
		const close = vi.fn();
		const handle = bus.use(recorder({close}));
		expect([handle.name, handle.subscription.pattern]).toEqual(['recorder', '**']);
		await handle.close();
		expect([close.mock.calls.length, handle.subscription.isActive]).toEqual([1, false]);
		await bus.close();
	});

	test('the built-ins are consumers, each under its own name', async () => {
		const bus = new EventBus();
		const handles = [bus.use(new LoggingConsumer({sink: () => {}})), bus.use(new MetricsConsumer()), bus.use(new DeadLetterConsumer())];
		expect(handles.map(handle => [handle.name, handle.subscription.pattern])).toEqual([
			['logging', '**'],
			['metrics', '**'],
			['dead-letters', '$bus.dead-letter'],
		]);
		await bus.close();
	});

	test('the built-ins pass their subscription settings (filter, priority) to the bus', async () => {
		const bus = new EventBus();
		const logged: string[] = [];
		const logger = {info: (record: LogRecord) => void logged.push(record.topic), warn() {}, error() {}};
		bus.use(new LoggingConsumer({sink: logger, filter: event => event.topic !== 'noise', priority: 5}));
		await bus.publish('noise', {});
		await bus.publish('signal', {});
		await bus.drain();
		expect(logged).toEqual(['signal']);
		expect(bus.subscriptions()[0]?.priority).toBe(5);
		await bus.close();
	});
});
