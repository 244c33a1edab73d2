import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import {expect, test} from 'vitest';
import {MetricsConsumer} from '../../src/consumers/metrics-consumer.js';
import {EventBus} from '../../src/index.js';

// The families, their types and label names of a populated exposition: what scrapers and dashboards depend on.
test('the Prometheus exposition of a busy bus has a fixed set of families, types and labels', async () => {
	const bus = new EventBus();
	const metrics = new MetricsConsumer({bus});
	bus.use(metrics);
	bus.subscribe('order.*', () => {}, {name: 'billing'});
	bus.subscribe('order.created', () => {
		throw new Error('no');
	}, {name: 'flaky', retry: {attempts: 2, backoff: {initialMs: 0, jitter: 'none'}}});
	for (let index = 0; index < 40; index++) await bus.publish(index % 2 === 0 ? 'order.created' : 'order.paid', {index});
	await bus.drain();
	const text = metrics.toPrometheus();
	const shape = parsePrometheusTextFormat(text).map(family => `${family.name} ${family.type}`);
	const labelNames = [...new Set(text.split('\n').filter(line => !line.startsWith('#') && line !== '').map(line => line.replace(/\{.*\}/, match => `{${[...match.matchAll(/(\w+)="/g)].map(label => label[1]).join(',')}}`).replace(/ \S+$/, '')))];
	expect(shape).toMatchInlineSnapshot(`
		[
		  "topicbus_events_published_total COUNTER",
		  "topicbus_events_delivered_total COUNTER",
		  "topicbus_attempts_failed_total COUNTER",
		  "topicbus_attempts_retried_total COUNTER",
		  "topicbus_events_dropped_total COUNTER",
		  "topicbus_events_dead_lettered_total COUNTER",
		  "topicbus_events_rejected_total COUNTER",
		  "topicbus_queue_size GAUGE",
		  "topicbus_in_flight GAUGE",
		  "topicbus_waiting_producers GAUGE",
		  "topicbus_subscriptions GAUGE",
		  "topicbus_observed_events_per_second GAUGE",
		  "topicbus_topic_events_published_total COUNTER",
		  "topicbus_topic_events_delivered_total COUNTER",
		  "topicbus_topic_attempts_failed_total COUNTER",
		  "topicbus_topic_attempts_retried_total COUNTER",
		  "topicbus_topic_events_dropped_total COUNTER",
		  "topicbus_topic_events_dead_lettered_total COUNTER",
		  "topicbus_topic_events_per_second GAUGE",
		  "topicbus_subscription_events_delivered_total COUNTER",
		  "topicbus_subscription_attempts_failed_total COUNTER",
		  "topicbus_subscription_attempts_retried_total COUNTER",
		  "topicbus_subscription_events_dropped_total COUNTER",
		  "topicbus_subscription_events_dead_lettered_total COUNTER",
		  "topicbus_handler_duration_seconds SUMMARY",
		  "topicbus_event_lag_seconds SUMMARY",
		]
	`);
	expect(labelNames).toMatchInlineSnapshot(`
		[
		  "topicbus_events_published_total",
		  "topicbus_events_delivered_total",
		  "topicbus_attempts_failed_total",
		  "topicbus_attempts_retried_total",
		  "topicbus_events_dropped_total",
		  "topicbus_events_dead_lettered_total",
		  "topicbus_events_rejected_total",
		  "topicbus_queue_size",
		  "topicbus_in_flight",
		  "topicbus_waiting_producers",
		  "topicbus_subscriptions",
		  "topicbus_observed_events_per_second",
		  "topicbus_topic_events_published_total{topic}",
		  "topicbus_topic_events_delivered_total{topic}",
		  "topicbus_topic_attempts_failed_total{topic}",
		  "topicbus_topic_attempts_retried_total{topic}",
		  "topicbus_topic_events_dropped_total{topic}",
		  "topicbus_topic_events_dead_lettered_total{topic}",
		  "topicbus_topic_events_per_second{topic}",
		  "topicbus_subscription_events_delivered_total{subscription,subscription_id}",
		  "topicbus_subscription_attempts_failed_total{subscription,subscription_id}",
		  "topicbus_subscription_attempts_retried_total{subscription,subscription_id}",
		  "topicbus_subscription_events_dropped_total{subscription,subscription_id}",
		  "topicbus_subscription_events_dead_lettered_total{subscription,subscription_id}",
		  "topicbus_handler_duration_seconds{subscription,subscription_id,quantile}",
		  "topicbus_handler_duration_seconds_sum{subscription,subscription_id}",
		  "topicbus_handler_duration_seconds_count{subscription,subscription_id}",
		  "topicbus_event_lag_seconds{quantile}",
		  "topicbus_event_lag_seconds_sum",
		  "topicbus_event_lag_seconds_count",
		]
	`);
	await bus.close();
});
