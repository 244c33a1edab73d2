/**
 * The forwarder riding out a collector outage: events go to a local sink (a stand-in for the collector's
 * `POST /events/batch`), the sink goes down, the app keeps publishing into the spool, the breaker opens, the sink
 * comes back and every event arrives, each once. Run it with `npx tsx examples/forwarder-outage.ts`.
 */
import {mkdtempSync, rmSync} from 'node:fs';
import {createServer, type Server} from 'node:http';
import type {AddressInfo} from 'node:net';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {EventBus} from '../src/index.js';
import {Forwarder} from '../src/forwarder/index.js';

const received = new Set<string>();
let deliveries = 0;

function startSink(port = 0): Promise<Server> {
	const server = createServer((request, response) => {
		const chunks: Buffer[] = [];
		request.on('data', (chunk: Buffer) => chunks.push(chunk));
		request.on('end', () => {
			const events = JSON.parse(Buffer.concat(chunks).toString()) as Array<{id: string}>;
			for (const event of events) received.add(event.id);
			deliveries += events.length;
			response.writeHead(201, {'content-type': 'application/json'}).end(JSON.stringify({collected: events.length, failed: 0}));
		});
	});
	return new Promise(resolve => server.listen(port, '127.0.0.1', () => resolve(server)));
}

const sleep = (ms: number): Promise<void> => new Promise(resolve => setTimeout(resolve, ms));
const dir = mkdtempSync(join(tmpdir(), 'topicbus-demo-spool-'));
let sink = await startSink();
const {port} = sink.address() as AddressInfo;

const bus = new EventBus({source: 'demo-shop'});
const forwarder = new Forwarder({
	url: `http://127.0.0.1:${port}/events/batch`,
	spool: {dir},
	batch: {lingerMs: 100},
	retry: {initialMs: 100, maxMs: 400},
	breaker: {failureThreshold: 3, cooldownMs: 500},
	onDiagnostic(notice) {
		if (notice.type === 'breaker') console.log(`  breaker: ${notice.transition.from} -> ${notice.transition.to}`);
	},
});
bus.use(forwarder);

const status = (label: string): void => {
	const health = forwarder.health();
	console.log(`${label.padEnd(28)} status=${health.status.padEnd(8)} spooled=${String(health.buffer.events).padEnd(4)} sent=${forwarder.metrics().sent}`);
};

for (let index = 0; index < 100; index++) await bus.publish('order.created', {index});
await sleep(300);
status('100 events, sink up:');

await new Promise(resolve => sink.close(resolve));
sink.closeAllConnections();
for (let index = 100; index < 300; index++) await bus.publish('order.created', {index});
await sleep(1500);
status('200 more, sink down:');

sink = await startSink(port);
while (forwarder.health().buffer.events > 0) await sleep(50);
status('sink back up:');
console.log(`sink holds ${received.size} distinct events (${deliveries} deliveries) of 300 published`);

await bus.close();
sink.close();
rmSync(dir, {recursive: true, force: true});
