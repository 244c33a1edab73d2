/**
 * The central half in one process: a collector (SQLite in a temp folder), a bus whose events the forwarder sends to it
 * with a disk spool, an outage of the collector ridden out (the spool holds the events, the breaker opens, the
 * collector comes back on the same port and file, every event arrives once), then queries, a causal trace and the
 * error analysis read back over HTTP, and a live WebSocket subscriber.
 * Run it with `npm run demo:collector` (no server to start by hand).
 */
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import WebSocket from 'ws';
import {createCollector, type Collector} from '../src/collector/index.js';
import {Forwarder} from '../src/forwarder/index.js';
import {EventBus} from '../src/index.js';

const apiKey = 'demo-key-123';
const folder = mkdtempSync(join(tmpdir(), 'topicbus-demo-'));
const db = join(folder, 'events.db');
const sleep = (ms: number): Promise<void> => new Promise(resolve => setTimeout(resolve, ms));

async function startCollector(port = 0): Promise<{collector: Collector; url: string}> {
	const collector = createCollector({db, apiKeys: [apiKey]});
	const {url} = await collector.listen({port});
	return {collector, url};
}

let {collector, url} = await startCollector();
const port = Number(new URL(url).port);
console.log(`== collector listening on ${url} (SQLite: ${db})`);

const bus = new EventBus({source: 'shop'});
const forwarder = new Forwarder({
	url: `${url}/events/batch`,
	apiKey,
	spool: {dir: join(folder, 'spool')},
	batch: {lingerMs: 50},
	retry: {initialMs: 100, maxMs: 400},
	breaker: {failureThreshold: 3, cooldownMs: 500},
	onDiagnostic(notice) {
		if (notice.type === 'breaker') console.log(`  breaker: ${notice.transition.from} -> ${notice.transition.to}`);
	},
});
bus.use(forwarder);
const status = (label: string): void => {
	const health = forwarder.health();
	console.log(`  ${label.padEnd(34)} forwarder ${health.status.padEnd(8)} spooled ${String(health.buffer.events).padEnd(4)} sent ${forwarder.metrics().sent}`);
};

// A workflow: the order handler publishes follow-ups, which inherit its correlation id and name it as their cause.
bus.subscribe('order.created', async event => {
	await bus.publish('payment.requested', {orderId: (event.payload as {orderId: string}).orderId});
});
bus.subscribe('payment.requested', async event => {
	const {orderId} = event.payload as {orderId: string};
	await bus.publish('payment.failed', {orderId, reason: 'card declined'}, {metadata: {component: 'payments'}});
});

console.log('\n== forwarding, then an outage');
const first = await bus.publish('order.created', {orderId: 'o-1'});
for (let index = 2; index <= 50; index++) await bus.publish('order.shipped', {orderId: `o-${index}`});
await bus.drain();
await forwarder.flush({timeoutMs: 2000});
status('50 events, collector up:');

await collector.close();
for (let index = 51; index <= 150; index++) await bus.publish('order.shipped', {orderId: `o-${index}`});
await bus.drain();
await sleep(1200);
status('100 more, collector down:');

({collector, url} = await startCollector(port));
await forwarder.flush({timeoutMs: 5000});
status('collector back (same port, same db):');
await bus.close();

const headers = {'x-api-key': apiKey};
const get = async (path: string) => (await fetch(url + path, {headers})).json() as Promise<any>;

// A live subscriber: only errors and above.
const live = new WebSocket(`${url.replace('http', 'ws')}/events/stream?min_severity=error&api_key=${apiKey}`);
await new Promise(resolve => live.once('open', resolve));
const seenLive = new Promise<string>(resolve => live.once('message', data => resolve(String(data))));
await fetch(`${url}/events`, {
	method: 'POST',
	headers: {...headers, 'content-type': 'application/json'},
	body: JSON.stringify({source_system: 'billing', event_type: 'invoice.failed', severity: 'error', data: {invoice: 7}}),
});
const {event: liveEvent} = JSON.parse(await seenLive) as {event: {source_system: string; event_type: string}};
console.log(`\n== live stream (min_severity=error): ${liveEvent.source_system} ${liveEvent.event_type}`);

const stats = await get('/events/stats');
console.log(`\n== GET /events/stats: ${stats.by_source_system.shop} events from the shop stored, of 152 published (none lost or doubled in the outage)`);

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

console.log('\n== GET /analysis/errors');
const errors = await get('/analysis/errors');
console.log(`  ${errors.total_errors} error(s), by component ${JSON.stringify(errors.errors_by_component)}`);
console.log('\nThe dashboard: run `npx topicbus-collector --db events.db`, then open http://127.0.0.1:8000/');

live.close();
await collector.close();
rmSync(folder, {recursive: true, force: true});
