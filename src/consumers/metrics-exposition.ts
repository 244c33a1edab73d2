/** Renders a {@link MetricsSnapshot} in the Prometheus text format: a pure function of the snapshot. */
import type {LatencySummary} from './latency-histogram.js';
import type {MetricsSnapshot, SubscriptionMetrics, TopicMetrics} from './metrics-snapshot.js';
import {PrometheusText, type PrometheusLabels, type PrometheusSample} from './prometheus-text.js';

type TopicCounter = Exclude<keyof TopicMetrics, 'topic' | 'ratePerSecond'>;
type SubscriptionCounter = Exclude<keyof SubscriptionMetrics, 'id' | 'name' | 'latency'>;

const counterHelp: Readonly<Record<TopicCounter, string>> = {
	published: 'Events published (the bus\'s own $-topics not included)',
	delivered: 'Successful handler calls',
	failedAttempts: 'Failed handler attempts, retried or not',
	retried: 'Handler attempts that were retried',
	dropped: 'Events dropped by an overflow policy or a stop timeout',
	deadLettered: 'Events that became dead letters',
};
// Events and handler attempts are counted apart, and their names say which: `<scope>_events_*` and `<scope>_attempts_*`.
const counterNames: Readonly<Record<TopicCounter, string>> = {
	published: 'events_published',
	delivered: 'events_delivered',
	failedAttempts: 'attempts_failed',
	retried: 'attempts_retried',
	dropped: 'events_dropped',
	deadLettered: 'events_dead_lettered',
};
const counters = Object.keys(counterHelp) as TopicCounter[];
const subscriptionCounters = counters.filter((counter): counter is SubscriptionCounter => counter !== 'published');

/** The Prometheus exposition text of `snapshot`, every metric name starting with `prefix`. */
export function renderPrometheus(snapshot: MetricsSnapshot, prefix: string): string {
	const text = new PrometheusText();
	const {bus} = snapshot;
	if (bus !== undefined) {
		const total = (name: string, help: string, value: number): void => {
			text.family(`${prefix}${name}_total`, 'counter', help, [{value}]);
		};
		total('events_published', 'Events accepted by the bus.', bus.published);
		total('events_delivered', 'Successful handler calls (one event to three subscribers counts three).', bus.delivered);
		total('attempts_failed', 'Failed handler attempts, including those that were retried.', bus.failed);
		total('attempts_retried', 'Handler attempts that were retried.', bus.retried);
		total('events_dropped', 'Events dropped by an overflow policy or a stop timeout.', bus.dropped);
		total('events_dead_lettered', 'Events that became dead letters.', bus.deadLettered);
		total('events_rejected', 'Publishes refused: invalid topic or payload, queue full, bus closed.', bus.rejected);
		text.family(`${prefix}queue_size`, 'gauge', 'Events accepted and not yet dispatched.', [{value: bus.queueSize}]);
		text.family(`${prefix}in_flight`, 'gauge', 'Deliveries started or waiting in subscriber buffers.', [{value: bus.inFlight}]);
		text.family(`${prefix}waiting_producers`, 'gauge', 'Producers waiting for queue space.', [{value: bus.waitingProducers}]);
		text.family(`${prefix}subscriptions`, 'gauge', 'Active subscriptions.', [{value: bus.subscriptions}]);
	}
	text.family(`${prefix}observed_events_per_second`, 'gauge', `Events seen by the metrics consumer per second, over ${snapshot.windowMs} ms.`, [{value: snapshot.observed.ratePerSecond}]);
	// Without the bus's `delivered` diagnostic, delivered counts are unknown, not zero: those series are left out.
	const topicCounters = snapshot.hasHandlerLatency ? counters : counters.filter(counter => counter !== 'delivered');
	for (const counter of topicCounters) {
		const samples = snapshot.topics.map(topic => ({labels: {topic: topic.topic}, value: topic[counter]}));
		text.family(`${prefix}topic_${counterNames[counter]}_total`, 'counter', `${counterHelp[counter]}, per topic.`, samples);
	}
	text.family(
		`${prefix}topic_events_per_second`,
		'gauge',
		`Events published per second, per topic, over ${snapshot.windowMs} ms.`,
		snapshot.topics.map(topic => ({labels: {topic: topic.topic}, value: topic.ratePerSecond})),
	);
	for (const counter of subscriptionCounters.filter(counter => snapshot.hasHandlerLatency || counter !== 'delivered')) {
		const samples = snapshot.subscriptions.map(subscription => ({labels: subscriptionLabels(subscription), value: subscription[counter]}));
		text.family(`${prefix}subscription_${counterNames[counter]}_total`, 'counter', `${counterHelp[counter]}, per subscription.`, samples);
	}
	text.family(
		`${prefix}handler_duration_seconds`,
		'summary',
		'Handler call duration per subscription, in seconds.',
		snapshot.subscriptions.flatMap(subscription => (subscription.latency === undefined ? [] : summarySamples(subscription.latency, subscriptionLabels(subscription)))),
	);
	text.family(`${prefix}event_lag_seconds`, 'summary', 'Time from acceptance to arrival at the metrics consumer, in seconds.', summarySamples(snapshot.lag, {}));
	return text.toString();
}

function subscriptionLabels(subscription: SubscriptionMetrics): PrometheusLabels {
	return {subscription: subscription.name, subscription_id: subscription.id};
}

/** Quantiles 0.5, 0.9 and 0.99 (NaN while empty, as Prometheus clients do), then `_sum` and `_count`, in seconds. */
function summarySamples(summary: LatencySummary, labels: PrometheusLabels): PrometheusSample[] {
	const quantile = (q: string, ms: number): PrometheusSample => ({labels: {...labels, quantile: q}, value: summary.count === 0 ? Number.NaN : ms / 1000});
	return [
		quantile('0.5', summary.p50Ms),
		quantile('0.9', summary.p90Ms),
		quantile('0.99', summary.p99Ms),
		{suffix: '_sum', labels, value: summary.sumMs / 1000},
		{suffix: '_count', labels, value: summary.count},
	];
}
