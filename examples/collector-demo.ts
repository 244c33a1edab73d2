/**
 * The central half in one process: a collector (in memory), a bus whose events are forwarded to it in batches, then
 * queries, a causal trace and the error analysis read back over HTTP, and a live WebSocket subscriber.
 * Run it with `npx tsx examples/collector-demo.ts` (no server to start by hand).
 */
import WebSocket from 'ws';
import {createCollector, fromBusEvent} from '../src/collector/index.js';
import {EventBus, type BusEvent} from '../src/index.js';

const collector = createCollector({memory: true, apiKeys: ['demo-key-123']});
const {url} = await collector.listen({port: 0});
const headers = {'content-type': 'application/json', 'x-api-key': 'demo-key-123'};
console.log(`== collector listening on ${url}`);

// A live subscriber: only errors and above.
const live = new WebSocket(`${url.replace('http', 'ws')}/events/stream?min_severity=error&api_key=demo-key-123`);
await new Promise(resolve => live.once('open', resolve));
live.on('message', data => {
	const {event} = JSON.parse(String(data)) as {event: {event_type: string; source_system: string}};
	console.log(`  [live] ${event.source_system} ${event.event_type}`);
});

// The forwarding side, reduced to its core: batches of bus events POSTed in the reference format.
// (The forwarder consumer adds retries, a circuit breaker and a disk spool on top of this.)
const bus = new EventBus({source: 'shop'});
bus.use({
	name: 'to-collector',
	topics: '**',
	batchSize: 50,
	batchTimeoutMs: 100,
	async consume(events: BusEvent | readonly BusEvent[]) {
		const batch = (Array.isArray(events) ? events : [events]) as readonly BusEvent[];
		const response = await fetch(`${url}/events/batch`, {method: 'POST', headers, body: JSON.stringify(batch.map(fromBusEvent))});
		if (!response.ok) throw new Error(`collector answered ${response.status}`);
	},
});

// A workflow: the order handler publishes follow-ups, which inherit its correlation id and name it as their cause.
bus.subscribe('order.created', async event => {
	await bus.publish('payment.requested', {orderId: (event.payload as {orderId: string}).orderId});
});
bus.subscribe('payment.requested', async event => {
	await bus.publish('payment.failed', {orderId: (event.payload as {orderId: string}).orderId, reason: 'card declined'}, {metadata: {source_component: 'payments'}});
});
const first = await bus.publish('order.created', {orderId: 'o-1'});
for (let index = 2; index <= 5; index++) await bus.publish('order.shipped', {orderId: `o-${index}`});
await bus.close();

const get = async (path: string) => (await fetch(url + path, {headers})).json() as Promise<any>;

console.log('\n== GET /events?event_type=payment.*');
for (const event of (await get('/events?event_type=payment.*&sort=asc')).events) console.log(`  ${event.timestamp} ${event.severity.padEnd(7)} ${event.event_type}`);

console.log(`\n== GET /events/correlation/${first.correlationId} (causal tree)`);
const print = (nodes: Array<{event: {event_type: string}; children: unknown[]}>, depth: number): void => {
	for (const node of nodes) {
		console.log(`  ${'  '.repeat(depth)}${node.event.event_type}`);
		print(node.children as never, depth + 1);
	}
};
print((await get(`/events/correlation/${first.correlationId}`)).tree, 0);

console.log('\n== GET /events/stats');
const stats = await get('/events/stats');
console.log(`  total ${stats.total_events}, by type ${JSON.stringify(stats.by_event_type)}`);

console.log('\n== GET /analysis/errors');
const errors = await get('/analysis/errors');
console.log(`  ${errors.total_errors} error(s), by component ${JSON.stringify(errors.errors_by_component)}`);

live.close();
await collector.close();
