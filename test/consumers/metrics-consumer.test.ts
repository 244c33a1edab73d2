import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import {afterEach, beforeEach, describe, expect, test, vi} from 'vitest';
import {MetricsConsumer} from '../../src/consumers/metrics-consumer.js';
import {EventBus} from '../../src/index.js';
import type {DeadLetter} from '../../src/types.js';
import {DiagnosticsBus} from './diagnostics-bus.js';
import {makeEvent} from './events.js';

const subscription = {id: 'sub_1', name: 'billing', pattern: 'order.*'};

function letter(topic: string, reason: DeadLetter['reason'], fields?: Partial<DeadLetter>): DeadLetter {
	return {event: makeEvent(topic), error: new Error('x'), reason, subscription, attempts: 1, failedAt: Date.now(), ...fields};
}

beforeEach(() => {
	vi.useFakeTimers({toFake: ['Date']});
	vi.setSystemTime(1_000_000);
});

afterEach(() => {
	vi.useRealTimers();
});

describe('MetricsConsumer', () => {
	test('counts the events it receives per topic', () => {
		const metrics = new MetricsConsumer();
		metrics.consume([makeEvent('a'), makeEvent('a'), makeEvent('b')]);
		expect(metrics.snapshot().topics.map(({topic, published}) => [topic, published])).toEqual([
			['a', 2],
			['b', 1],
		]);
	});

	test('rates cover the sliding window only', () => {
		const metrics = new MetricsConsumer({windowMs: 10_000, windowBuckets: 10});
		for (let index = 0; index < 20; index++) metrics.consume(makeEvent('a'));
		vi.advanceTimersByTime(10_000);
		for (let index = 0; index < 10; index++) metrics.consume(makeEvent('a'));
		vi.advanceTimersByTime(5000);
		expect(metrics.snapshot().topics[0]).toMatchObject({published: 30, ratePerSecond: 1});
	});

	test('the overall observed rate follows the same window', () => {
		const metrics = new MetricsConsumer({windowMs: 10_000, windowBuckets: 10});
		vi.advanceTimersByTime(10_000);
		for (let index = 0; index < 50; index++) metrics.consume(makeEvent(`t${index % 5}`));
		expect(metrics.snapshot().observed).toEqual({total: 50, ratePerSecond: 5});
	});

	test('topTopics lists the busiest topics of the window first, up to topN', () => {
		const metrics = new MetricsConsumer({topN: 2});
		for (const [topic, count] of [['a', 1], ['b', 3], ['c', 2]] as const) for (let index = 0; index < count; index++) metrics.consume(makeEvent(topic));
		expect(metrics.snapshot().topTopics.map(topic => topic.topic)).toEqual(['b', 'c']);
	});

	test('topics past maxTopics are counted under the overflow label, so memory stays bounded', () => {
		const metrics = new MetricsConsumer({maxTopics: 2});
		for (let index = 0; index < 1000; index++) metrics.consume(makeEvent(`user.${index}.updated`));
		const {topics} = metrics.snapshot();
		expect(topics.map(({topic, published}) => [topic, published])).toEqual([
			['user.0.updated', 1],
			['user.1.updated', 1],
			['~other', 998],
		]);
	});

	test('the overflow series is not a top topic', () => {
		const metrics = new MetricsConsumer({maxTopics: 1});
		for (let index = 0; index < 5; index++) metrics.consume(makeEvent(`t${index}`));
		expect(metrics.snapshot().topTopics.map(topic => topic.topic)).toEqual(['t0']);
	});

	test('records the lag from acceptance to arrival', () => {
		const metrics = new MetricsConsumer();
		metrics.consume(makeEvent('a', undefined, {timestamp: Date.now() - 40}));
		expect(metrics.snapshot().lag).toMatchObject({count: 1, p50Ms: 40, maxMs: 40});
	});

	test('without a bus, has no bus counters and no handler latency', () => {
		const snapshot = new MetricsConsumer().snapshot();
		expect([snapshot.bus, snapshot.hasHandlerLatency, snapshot.subscriptions]).toEqual([undefined, false, []]);
	});

	test('a retry counts as a failed and a retried attempt, per topic and per subscription', () => {
		const bus = new DiagnosticsBus();
		bus.infos = [{id: 'sub_1', name: 'billing', pattern: 'order.*', priority: 0, isEnabled: true, concurrency: 1, pending: 0, inFlight: 0}];
		const metrics = new MetricsConsumer({bus});
		bus.emit('retry', {event: makeEvent('order.created'), error: new Error('x'), subscriptionId: 'sub_1', attempt: 1, delayMs: 10});
		const snapshot = metrics.snapshot();
		expect(snapshot.topics[0]).toMatchObject({topic: 'order.created', failedAttempts: 1, retried: 1});
		expect(snapshot.subscriptions[0]).toMatchObject({id: 'sub_1', name: 'billing', failedAttempts: 1, retried: 1});
	});

	test('a handler failure dead letter counts as failed and dead-lettered', () => {
		const bus = new DiagnosticsBus();
		const metrics = new MetricsConsumer({bus});
		bus.emit('deadLetter', letter('order.created', 'handler-failed'));
		expect(metrics.snapshot().topics[0]).toMatchObject({failedAttempts: 1, dropped: 0, deadLettered: 1, published: 0});
	});

	test('a drop before dispatch counts as published, dropped and dead-lettered', () => {
		const bus = new DiagnosticsBus();
		const metrics = new MetricsConsumer({bus});
		bus.emit('deadLetter', letter('order.created', 'queue-overflow', {subscription: undefined}));
		expect(metrics.snapshot().topics[0]).toMatchObject({published: 1, dropped: 1, deadLettered: 1, failedAttempts: 0});
	});

	test('an event dropped from its own buffer still counts as published', () => {
		const bus = new DiagnosticsBus();
		const metrics = new MetricsConsumer({bus});
		bus.emit('deadLetter', letter('a', 'subscriber-overflow', {subscription: {id: 'sub_9', name: 'metrics', pattern: '**'}}));
		expect(metrics.snapshot().topics[0]).toMatchObject({published: 1, dropped: 1});
	});

	test('the `delivered` diagnostic gives per-subscription latency percentiles and per-topic delivered counts', () => {
		const bus = new DiagnosticsBus();
		const metrics = new MetricsConsumer({bus});
		for (let ms = 1; ms <= 100; ms++) bus.emit('delivered', {subscriptionId: 'sub_1', subscriptionName: 'billing', durationMs: ms, event: makeEvent('order.created')});
		const snapshot = metrics.snapshot();
		expect(snapshot.hasHandlerLatency).toBe(true);
		expect(snapshot.topics[0]).toMatchObject({topic: 'order.created', delivered: 100});
		const latency = snapshot.subscriptions[0]?.latency;
		expect(latency).toMatchObject({count: 100, sumMs: 5050, minMs: 1, maxMs: 100});
		expect(Math.abs(latency!.p50Ms - 50) / 50).toBeLessThan(0.02);
		expect(Math.abs(latency!.p99Ms - 99) / 99).toBeLessThan(0.02);
	});

	test('subscriptions past maxSubscriptions are summed under the overflow label', () => {
		const bus = new DiagnosticsBus();
		const metrics = new MetricsConsumer({bus, maxSubscriptions: 1});
		for (const id of ['s1', 's2', 's3']) bus.emit('delivered', {subscriptionId: id, durationMs: 1});
		expect(metrics.snapshot().subscriptions.map(({id, delivered}) => [id, delivered])).toEqual([
			['s1', 1],
			['~other', 2],
		]);
	});

	test('a bus that refuses the unknown `delivered` diagnostic is fine', () => {
		const bus = new DiagnosticsBus();
		const on = bus.on.bind(bus);
		bus.on = (name, listener) => {
			if (name === 'delivered') throw new TypeError('unknown diagnostic');
			return on(name, listener);
		};
		expect(new MetricsConsumer({bus}).snapshot().hasHandlerLatency).toBe(false);
	});

	test('close() stops listening to the bus', () => {
		const bus = new DiagnosticsBus();
		new MetricsConsumer({bus}).close();
		expect(bus.emitter.eventNames()).toEqual([]);
	});

	test('on a real bus, reads its counters, gauges, retries and dead letters', async () => {
		vi.useRealTimers();
		const bus = new EventBus();
		const metrics = new MetricsConsumer({bus});
		bus.use(metrics);
		bus.subscribe('order.*', () => {
			throw new Error('no');
		}, {name: 'flaky', retry: {attempts: 2, backoff: {initialMs: 0, jitter: 'none'}}});
		await bus.publish('order.created', {});
		await bus.drain();
		const snapshot = metrics.snapshot();
		expect(snapshot.bus).toMatchObject({published: 2, failed: 2, retried: 1, deadLettered: 1, queueSize: 0, inFlight: 0});
		expect(snapshot.topics.find(topic => topic.topic === 'order.created')).toMatchObject({published: 1, failedAttempts: 2, retried: 1, deadLettered: 1});
		// The bus now reports per-delivery timings, so the consumer's own subscription is listed too.
		expect(snapshot.subscriptions).toContainEqual(expect.objectContaining({name: 'flaky', failedAttempts: 2, retried: 1, deadLettered: 1}));
		expect(snapshot.hasHandlerLatency).toBe(true);
		await bus.close();
	});

	test('the bus\'s own $bus.dead-letter events are observed but never counted as published', async () => {
		vi.useRealTimers();
		const bus = new EventBus();
		const metrics = new MetricsConsumer({bus, topics: ['**', '$bus.dead-letter']});
		bus.use(metrics);
		bus.subscribe('order.*', () => {
			throw new Error('no');
		}, {name: 'failing'});
		await bus.publish('order.created', {});
		await bus.drain();
		const snapshot = metrics.snapshot();
		expect(snapshot.observed.total).toBe(2);
		expect(snapshot.topics.find(topic => topic.topic === 'order.created')?.published).toBe(1);
		expect(snapshot.topics.find(topic => topic.topic === '$bus.dead-letter')?.published ?? 0).toBe(0);
		const published = parsePrometheusTextFormat(metrics.toPrometheus()).find(family => family.name === 'topicbus_topic_events_published_total');
		expect(published?.metrics.filter(sample => sample.labels?.['topic'] === '$bus.dead-letter' && Number(sample.value) > 0)).toEqual([]);
		await bus.close();
	});

	test('Prometheus names say whether they count events or handler attempts', () => {
		const bus = new DiagnosticsBus();
		const metrics = new MetricsConsumer({bus});
		bus.emit('retry', {event: makeEvent('order.created'), subscriptionId: 'sub_1', attempt: 1, delayMs: 0, error: new Error('x')});
		const families = parsePrometheusTextFormat(metrics.toPrometheus()).map(family => family.name);
		expect(families).toEqual(expect.arrayContaining(['topicbus_attempts_failed_total', 'topicbus_attempts_retried_total', 'topicbus_topic_attempts_failed_total', 'topicbus_subscription_attempts_failed_total', 'topicbus_events_dead_lettered_total']));
		expect(families.filter(name => /events_(failed|retried)/.test(name))).toEqual([]);
	});

	test('rejects a bad option with a TypeError', () => {
		expect(() => new MetricsConsumer({windowMs: 0})).toThrow('Expected `options.windowMs` to be an integer >= 1');
		expect(() => new MetricsConsumer({prefix: 'bad-prefix'})).toThrow(TypeError);
		expect(() => new MetricsConsumer({bus: {} as never})).toThrow('Expected `options.bus` to be a bus');
	});
});

describe('MetricsConsumer.toPrometheus()', () => {
	function parsed(metrics: MetricsConsumer): Map<string, ReturnType<typeof parsePrometheusTextFormat>[number]> {
		return new Map(parsePrometheusTextFormat(metrics.toPrometheus()).map(family => [family.name, family]));
	}

	test('exposes the bus counters and gauges with their types', () => {
		const bus = new DiagnosticsBus();
		bus.metrics = {...bus.metrics, published: 7, queueSize: 3};
		const families = parsed(new MetricsConsumer({bus}));
		expect(families.get('topicbus_events_published_total')).toMatchObject({type: 'COUNTER', metrics: [{value: '7'}]});
		expect(families.get('topicbus_queue_size')).toMatchObject({type: 'GAUGE', metrics: [{value: '3'}]});
	});

	test('exposes per-topic counters and rates with a topic label', () => {
		const metrics = new MetricsConsumer();
		metrics.consume([makeEvent('order.created'), makeEvent('order.created')]);
		const families = parsed(metrics);
		expect(families.get('topicbus_topic_events_published_total')).toMatchObject({type: 'COUNTER', metrics: [{labels: {topic: 'order.created'}, value: '2'}]});
		expect(families.get('topicbus_topic_events_per_second')?.type).toBe('GAUGE');
	});

	test('handler latency is a summary in seconds with quantile labels, then _sum and _count', () => {
		const bus = new DiagnosticsBus();
		const metrics = new MetricsConsumer({bus});
		for (const ms of [100, 200, 300]) bus.emit('delivered', {subscriptionId: 'sub_1', subscriptionName: 'audit', durationMs: ms});
		const text = metrics.toPrometheus();
		expect(parsed(metrics).get('topicbus_handler_duration_seconds')?.type).toBe('SUMMARY');
		// The parser folds labelled summaries into one entry (dropping labels, sum and count), so the lines are checked here.
		const lines = text.split('\n').filter(line => line.startsWith('topicbus_handler_duration_seconds'));
		expect(lines.map(line => line.replace(/ [\d.e+-]+$/, ''))).toEqual([
			'topicbus_handler_duration_seconds{subscription="audit",subscription_id="sub_1",quantile="0.5"}',
			'topicbus_handler_duration_seconds{subscription="audit",subscription_id="sub_1",quantile="0.9"}',
			'topicbus_handler_duration_seconds{subscription="audit",subscription_id="sub_1",quantile="0.99"}',
			'topicbus_handler_duration_seconds_sum{subscription="audit",subscription_id="sub_1"}',
			'topicbus_handler_duration_seconds_count{subscription="audit",subscription_id="sub_1"}',
		]);
		expect(Number(lines[0]?.split(' ')[1])).toBeCloseTo(0.2, 2);
		expect(lines.slice(3).map(line => line.split(' ')[1])).toEqual(['0.6', '3']);
	});

	test('subscription names with quotes and backslashes are escaped so that a parser reads them back', () => {
		const bus = new DiagnosticsBus();
		const metrics = new MetricsConsumer({bus});
		const name = 'audit "v2"\\eu';
		bus.emit('deadLetter', letter('a', 'handler-failed', {subscription: {id: 'sub_1', name, pattern: 'a'}}));
		expect(parsed(metrics).get('topicbus_subscription_attempts_failed_total')?.metrics[0]?.labels).toEqual({subscription: name, subscription_id: 'sub_1'});
	});

	test('leaves out delivered counts when the bus gives no `delivered` diagnostic', () => {
		const metrics = new MetricsConsumer();
		metrics.consume(makeEvent('a'));
		expect(parsed(metrics).has('topicbus_topic_events_delivered_total')).toBe(false);
	});

	test('the lag summary reports NaN quantiles while empty, as Prometheus clients do', () => {
		const family = parsed(new MetricsConsumer()).get('topicbus_event_lag_seconds');
		expect(family?.metrics[0]).toMatchObject({quantiles: {'0.5': 'NaN'}, count: '0'});
	});

	test('every family has HELP and TYPE exactly once', () => {
		const metrics = new MetricsConsumer({bus: new DiagnosticsBus()});
		metrics.consume(makeEvent('a'));
		const text = metrics.toPrometheus();
		const types = text.split('\n').filter(line => line.startsWith('# TYPE '));
		const helps = text.split('\n').filter(line => line.startsWith('# HELP '));
		expect(new Set(types.map(line => line.split(' ')[2])).size).toBe(types.length);
		expect(helps.length).toBe(types.length);
	});

	test('uses the given prefix', () => {
		const metrics = new MetricsConsumer({prefix: 'shop_'});
		metrics.consume(makeEvent('a'));
		expect(parsed(metrics).has('shop_topic_events_published_total')).toBe(true);
	});
});
