import {afterEach, beforeEach, describe, expect, test, vi} from 'vitest';
import {MetricsConsumer} from '../../src/consumers/metrics-consumer.js';
import {EventBus} from '../../src/index.js';
import {DiagnosticsBus} from './diagnostics-bus.js';
import {makeEvent} from './events.js';

async function publishAll(bus: EventBus, topics: readonly string[], count: number): Promise<void> {
	for (let index = 0; index < count; index++) await bus.publish(topics[index % topics.length]!, index);
	await bus.drain();
}

function observed(bus: EventBus): MetricsConsumer {
	const metrics = new MetricsConsumer({bus});
	bus.use(metrics);
	return metrics;
}

describe('MetricsConsumer on a bus that samples `delivered`', () => {
	test('per-subscription delivered counts are exact; latency comes from the sampled calls', async () => {
		const bus = new EventBus({deliveredSampleInterval: 8});
		const metrics = observed(bus);
		bus.subscribe('order.created', () => {}, {name: 'billing'});
		await publishAll(bus, ['order.created'], 50);
		const billing = metrics.snapshot().subscriptions.find(subscription => subscription.name === 'billing');
		expect(billing).toMatchObject({delivered: 50, latency: {count: 7}});
		await bus.close();
	});

	test('delivered stays exact when a call that settles later starts buffered calls that succeed at once', async () => {
		const bus = new EventBus({deliveredSampleInterval: 1});
		const metrics = new MetricsConsumer({bus});
		const pending: (() => void)[] = [];
		bus.subscribe('job', event => (event.payload === 'slow' ? new Promise<void>(resolve => void pending.push(resolve)) : undefined), {name: 'mixed'});
		for (let round = 0; round < 3; round++) {
			void bus.publish('job', 'slow');
			// Buffered behind the slow call (concurrency 1), started when it settles.
			void bus.publish('job', 'fast');
			await vi.waitFor(() => expect(pending).toHaveLength(round + 1));
			pending[round]!();
		}
		await bus.drain();
		const exact = bus.subscriptions().find(subscription => subscription.name === 'mixed')!.delivered;
		expect(exact).toBe(6);
		const snapshot = metrics.snapshot();
		expect(snapshot.subscriptions.find(subscription => subscription.name === 'mixed')?.delivered).toBe(6);
		expect(snapshot.topics.find(topic => topic.topic === 'job')?.delivered).toBe(6);
		await bus.close();
	});

	test('between scrapes, the tallies of subscriptions that came and went are caught up with the bus (bounded)', async () => {
		const bus = new EventBus({deliveredSampleInterval: 1});
		// Listens through the bus: no scrape, no snapshot() in this test.
		void new MetricsConsumer({bus});
		const listed = vi.spyOn(bus, 'subscriptions');
		for (let index = 0; index < 1500; index++) {
			bus.subscribe('job', () => {}, {once: true});
			await bus.publish('job', index);
		}
		await bus.drain();
		expect(listed).toHaveBeenCalled();
		await bus.close();
	});

	test('per-topic delivered counts are exact for subscriptions that receive one topic', async () => {
		const bus = new EventBus({deliveredSampleInterval: 8});
		// Not registered with use(): its own subscription would receive both topics.
		const metrics = new MetricsConsumer({bus});
		bus.subscribe('order.created', () => {});
		bus.subscribe('order.paid', () => {});
		await publishAll(bus, ['order.created', 'order.paid', 'order.created'], 30);
		const delivered = Object.fromEntries(metrics.snapshot().topics.map(topic => [topic.topic, topic.delivered]));
		expect(delivered).toEqual({'order.created': 20, 'order.paid': 10});
		await bus.close();
	});

	test('per-topic delivered counts add up to the bus\'s delivered count when subscriptions receive several topics', async () => {
		const bus = new EventBus({deliveredSampleInterval: 4});
		const metrics = observed(bus);
		bus.subscribe('order.*', () => {});
		await publishAll(bus, ['order.created', 'order.paid', 'order.shipped'], 31);
		const snapshot = metrics.snapshot();
		expect(snapshot.topics.reduce((sum, topic) => sum + topic.delivered, 0)).toBe(62);
		expect(snapshot.subscriptions.reduce((sum, subscription) => sum + subscription.delivered, 0)).toBe(snapshot.bus?.delivered);
		await bus.close();
	});

	test('counts only the calls made since the consumer was created', async () => {
		const bus = new EventBus();
		bus.subscribe('a', () => {}, {name: 'early'});
		await publishAll(bus, ['a'], 5);
		const metrics = new MetricsConsumer({bus});
		await publishAll(bus, ['a'], 3);
		expect(metrics.snapshot().subscriptions).toEqual([expect.objectContaining({name: 'early', delivered: 3})]);
		await bus.close();
	});
});

describe('MetricsConsumer and `delivered` notices', () => {
	test('a notice credits the calls since the subscription\'s previous notice to its topic', () => {
		const bus = new DiagnosticsBus();
		const metrics = new MetricsConsumer({bus});
		bus.emit('delivered', {subscriptionId: 's1', subscriptionName: 'billing', durationMs: 1, event: makeEvent('a'), delivered: 1});
		bus.emit('delivered', {subscriptionId: 's1', subscriptionName: 'billing', durationMs: 3, event: makeEvent('b'), delivered: 5});
		const snapshot = metrics.snapshot();
		expect(snapshot.topics.map(({topic, delivered}) => [topic, delivered])).toEqual([
			['a', 1],
			['b', 4],
		]);
		expect(snapshot.subscriptions[0]).toMatchObject({delivered: 5, latency: {count: 2, sumMs: 4}});
	});

	test('a snapshot credits the calls the bus counted since the last notice to that notice\'s topic', () => {
		const bus = new DiagnosticsBus();
		const metrics = new MetricsConsumer({bus});
		bus.emit('delivered', {subscriptionId: 's1', subscriptionName: 'billing', durationMs: 1, event: makeEvent('a'), delivered: 1});
		bus.infos = [{id: 's1', name: 'billing', pattern: 'a', priority: 0, isEnabled: true, concurrency: 1, pending: 0, inFlight: 0, delivered: 7}];
		expect(metrics.snapshot().subscriptions[0]?.delivered).toBe(7);
		bus.emit('delivered', {subscriptionId: 's1', subscriptionName: 'billing', durationMs: 1, event: makeEvent('a'), delivered: 9});
		const snapshot = metrics.snapshot();
		expect([snapshot.subscriptions[0]?.delivered, snapshot.topics[0]?.delivered]).toEqual([9, 9]);
	});

	test('subscriptions past maxSubscriptions are counted exactly under the overflow label', () => {
		const bus = new DiagnosticsBus();
		const metrics = new MetricsConsumer({bus, maxSubscriptions: 1});
		for (const [id, delivered] of [['s1', 1], ['s2', 1], ['s3', 1], ['s2', 6], ['s3', 4]] as const) bus.emit('delivered', {subscriptionId: id, durationMs: 1, event: makeEvent('a'), delivered});
		expect(metrics.snapshot().subscriptions.map(({id, delivered}) => [id, delivered])).toEqual([
			['s1', 1],
			['~other', 10],
		]);
	});
});

describe('MetricsConsumer.consume()', () => {
	beforeEach(() => {
		vi.useFakeTimers({toFake: ['Date']});
		vi.setSystemTime(1_000_000);
	});

	afterEach(() => {
		vi.useRealTimers();
		vi.restoreAllMocks();
	});

	test('reads the clock only for the events whose lag it samples, one in 64 by default', () => {
		const metrics = new MetricsConsumer();
		const events = Array.from({length: 200}, (_, index) => makeEvent(`t${index % 3}`));
		const now = vi.spyOn(Date, 'now');
		for (const event of events) metrics.consume(event);
		expect(now).toHaveBeenCalledTimes(4);
	});

	test('samples the lag of the first event, then one in lagSampleInterval', () => {
		const metrics = new MetricsConsumer({lagSampleInterval: 10});
		for (let index = 0; index < 25; index++) metrics.consume(makeEvent('a', undefined, {timestamp: Date.now() - index}));
		expect(metrics.snapshot().lag).toMatchObject({count: 3, minMs: 0, maxMs: 20});
	});

	test('counts events with an old or a future timestamp in the current window, without losing the others', () => {
		const metrics = new MetricsConsumer({windowMs: 10_000, windowBuckets: 10});
		vi.advanceTimersByTime(10_000);
		for (let index = 0; index < 4; index++) metrics.consume(makeEvent('a'));
		metrics.consume(makeEvent('a', undefined, {timestamp: Date.now() - 3_600_000}));
		metrics.consume(makeEvent('a', undefined, {timestamp: Date.now() + 3_600_000}));
		for (let index = 0; index < 4; index++) metrics.consume(makeEvent('a'));
		vi.advanceTimersByTime(500);
		expect(metrics.snapshot().topics[0]).toMatchObject({published: 10, ratePerSecond: 1});
	});

	test('rejects a lagSampleInterval that is not an integer >= 1', () => {
		expect(() => new MetricsConsumer({lagSampleInterval: 0})).toThrow('Expected `options.lagSampleInterval` to be an integer >= 1');
	});
});
