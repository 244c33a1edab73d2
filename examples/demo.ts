/**
 * A tour of topicbus in one process: wildcards, priorities, a failing handler retried then dead-lettered,
 * correlation, history and the bus's counters. Run it with `npm run demo`.
 */
import {fileURLToPath} from 'node:url';
import {DeadLetterConsumer, EventBus, MetricsConsumer, SchemaValidationError, type BusEvent, type DeadLetter} from '../src/index.js';

type Events = {
	'order.created': {orderId: string; amount: number};
	'order.paid': {orderId: string};
	'order.shipped.eu': {orderId: string; carrier: string};
	'payment.failed': {orderId: string; reason: string};
};

// One JSON Schema per topic, loaded from a folder: payloads are validated on publish.
const schemas = fileURLToPath(new URL('schemas', import.meta.url));
const bus = new EventBus<Events>({source: 'demo-shop', historySize: 100, schemas, validation: 'enforce'});

// Built-in consumers: metrics (with Prometheus output) and a dead-letter store that can replay.
const metricsConsumer = new MetricsConsumer({bus});
const deadLetterStore = new DeadLetterConsumer({bus});
bus.use(metricsConsumer);
bus.use(deadLetterStore);

function section(title: string): void {
	console.log(`\n== ${title}`);
}

function show(label: string, event: BusEvent): void {
	console.log(`  ${label.padEnd(22)} ${event.topic.padEnd(18)} ${JSON.stringify(event.payload)}`);
}

section('Wildcards: `*` is one segment, `**` is zero or more');
bus.subscribe('order.*', event => show('order.*', event));
bus.subscribe('order.**', event => show('order.**', event));
bus.subscribe('**.failed', event => show('**.failed', event));
await bus.publish('order.created', {orderId: 'o-1', amount: 42});
await bus.publish('order.shipped.eu', {orderId: 'o-1', carrier: 'DHL'});
await bus.publish('payment.failed', {orderId: 'o-2', reason: 'card declined'});
await bus.drain();
bus.unsubscribePattern('order.*');
bus.unsubscribePattern('order.**');
bus.unsubscribePattern('**.failed');

section('Priorities: higher-priority subscriptions run first');
bus.subscribe('order.paid', event => show('audit (priority 0)', event));
bus.subscribe('order.paid', event => show('fraud (priority 10)', event), {priority: 10});
await bus.publish('order.paid', {orderId: 'o-1'});
await bus.drain();

section('Correlation: events published by a handler join its workflow');
bus.subscribe('order.created', async event => {
	await bus.publish('order.paid', {orderId: event.payload.orderId});
});
const created = await bus.publish('order.created', {orderId: 'o-3', amount: 7});
await bus.drain();
const workflow = bus.history({correlationId: created.correlationId});
for (const event of workflow) console.log(`  ${event.topic.padEnd(14)} id=${event.id} causation=${event.causationId ?? '-'}`);

section('Retries and dead letters: a failing handler is retried, then dead-lettered');
const deadLetters: DeadLetter[] = [];
bus.on('deadLetter', letter => deadLetters.push(letter));
bus.on('retry', notice => console.log(`  attempt ${notice.attempt} failed (${String(notice.error)}); retrying in ${notice.delayMs} ms`));
let isPaymentServiceDown = true;
bus.subscribe(
	'payment.failed',
	event => {
		if (isPaymentServiceDown) throw new Error('the payment service is down');
		console.log(`  notify-customer handled ${event.topic} for ${(event.payload as {orderId: string}).orderId} (replayOf ${String(event.metadata['replayOf'] ?? '-')})`);
	},
	{name: 'notify-customer', retry: {attempts: 3, backoff: {initialMs: 20, factor: 2}}},
);
const report = await bus.publish('payment.failed', {orderId: 'o-4', reason: 'insufficient funds'}, {awaitDelivery: true});
console.log(`  delivery report: matched ${report.matched}, succeeded ${report.succeeded}, failed ${report.failed}, dead-lettered ${report.deadLettered}`);
for (const letter of deadLetters) {
	console.log(`  dead letter: ${letter.event.topic} for ${letter.subscription?.name} after ${letter.attempts} attempts, reason ${letter.reason}`);
}

section('Dead-letter store: the service is back, so the dead letter is replayed');
await bus.drain();
console.log(`  stored dead letters: ${deadLetterStore.list().map(letter => `${letter.event.topic} (${letter.reason})`).join(', ')}`);
isPaymentServiceDown = false;
const replay = await deadLetterStore.replay({topic: 'payment.*'});
await bus.drain();
console.log(`  replayed ${replay.replayed.length}, failed ${replay.failed.length}, left in the store ${deadLetterStore.list().length}`);

section('Schemas: an invalid payload is rejected before it is queued');
try {
	await bus.publish('order.created', {orderId: 'o-5', amount: -10});
} catch (error) {
	if (!(error instanceof SchemaValidationError)) throw error;
	console.log(`  ${error.name} (${error.code}): ${error.message}`);
}

section('History: the last accepted events, queried by pattern');
for (const event of bus.history({pattern: 'order.**', limit: 5})) show('history', event);

section("The bus's counters");
await bus.drain();
const metrics = bus.getMetrics();
console.log(
	`  published ${metrics.published}, delivered ${metrics.delivered}, failed ${metrics.failed}, retried ${metrics.retried}, ` +
		`dead-lettered ${metrics.deadLettered}, dropped ${metrics.dropped}, rejected ${metrics.rejected}, queue ${metrics.queueSize}, in flight ${metrics.inFlight}`,
);

section('Metrics consumer: a snapshot, and the Prometheus exposition (first lines)');
const snapshot = metricsConsumer.snapshot();
for (const topic of snapshot.topTopics.slice(0, 4)) console.log(`  top topic ${topic.topic.padEnd(18)} published ${topic.published}`);
for (const subscription of snapshot.subscriptions.filter(entry => entry.latency !== undefined).slice(0, 3)) {
	console.log(`  ${subscription.name.padEnd(22)} p50 ${subscription.latency?.p50Ms.toFixed(3)} ms, p99 ${subscription.latency?.p99Ms.toFixed(3)} ms`);
}
const exposition = metricsConsumer.toPrometheus().split('\n');
for (const line of exposition.filter(line => line.includes('events_published_total')).slice(0, 6)) console.log(`  ${line}`);

const closing = await bus.close();
console.log(`\nClosed: drained=${closing.drained}, abandoned=${closing.abandoned}`);
