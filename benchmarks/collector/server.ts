/**
 * One benchmark server in its own process: `topicbus` (createCollector on SQLite) or `naive` (the baseline: fastify
 * plus better-sqlite3 with the reference's schema and indexes, one insert transaction per request). Prints
 * `listening <url>` on stdout.
 */
import {monitorEventLoopDelay} from 'node:perf_hooks';
import {createInterface} from 'node:readline';
import Database from 'better-sqlite3';
import Fastify from 'fastify';
import {createCollector} from '../../src/collector/index.js';

const [kind, db] = process.argv.slice(2);
if (db === undefined || (kind !== 'topicbus' && kind !== 'naive' && kind !== 'floor')) throw new Error('usage: server.ts topicbus|naive|floor DB');

// `eld` on stdin prints the event loop's delay since the last `eld` (ms): how long the server itself kept
// requests waiting, apart from the machine's scheduling of the process.
const delay = monitorEventLoopDelay({resolution: 5});
delay.enable();
createInterface({input: process.stdin}).on('line', line => {
	if (line.trim() !== 'eld') return;
	const ms = (ns: number) => Math.round(ns / 1e4) / 100;
	console.log(`eld ${JSON.stringify({p50: ms(delay.percentile(50)), p99: ms(delay.percentile(99)), max: ms(delay.max)})}`);
	delay.reset();
});

if (kind === 'topicbus') {
	const collector = createCollector({db, rateLimit: false, bodyLimit: 8 * 1024 * 1024});
	const {url} = await collector.listen({port: 0});
	console.log(`listening ${url}`);
	// A clean exit on SIGTERM, so that --cpu-prof can write its profile.
	process.once('SIGTERM', () => void collector.close().then(() => process.exit(0)));
} else if (kind === 'floor') {
	// No storage at all: fastify parses the JSON body and answers 201. Its latency is what the machine and the load
	// generator allow any Node HTTP server; a collector's latency above it is the collector's own.
	const app = Fastify({bodyLimit: 8 * 1024 * 1024});
	app.post('/events', async (_request, reply) => reply.code(201).send({status: 'collected'}));
	await app.listen({port: 0, host: '127.0.0.1'});
	const address = app.server.address() as {port: number};
	console.log(`listening http://127.0.0.1:${address.port}`);
} else {
	// The reference implementation's schema (central-event-logging.md), as a user would first write it.
	const sqlite = new Database(db);
	sqlite.pragma('journal_mode = WAL');
	sqlite.pragma('synchronous = NORMAL');
	sqlite.exec(`
		CREATE TABLE IF NOT EXISTS events (id TEXT PRIMARY KEY, timestamp TEXT NOT NULL, system TEXT NOT NULL, event_type TEXT NOT NULL,
			severity TEXT NOT NULL, data TEXT NOT NULL, tags TEXT NOT NULL, correlation_id TEXT, causation_id TEXT, metadata TEXT NOT NULL);
		CREATE INDEX IF NOT EXISTS idx_events_timestamp ON events(timestamp);
		CREATE INDEX IF NOT EXISTS idx_events_system ON events(system);
		CREATE INDEX IF NOT EXISTS idx_events_type ON events(event_type);
		CREATE INDEX IF NOT EXISTS idx_events_severity ON events(severity);
		CREATE INDEX IF NOT EXISTS idx_events_correlation ON events(correlation_id);
	`);
	const insert = sqlite.prepare('INSERT OR IGNORE INTO events VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
	type Item = Record<string, unknown>;
	const insertAll = sqlite.transaction((items: Item[]) => {
		for (const item of items) {
			insert.run(
				String(item['id']),
				String(item['timestamp'] ?? new Date().toISOString()),
				String(item['source_system']),
				String(item['event_type']),
				String(item['severity'] ?? 'info'),
				JSON.stringify(item['data'] ?? {}),
				JSON.stringify(item['tags'] ?? []),
				(item['correlation_id'] as string | undefined) ?? null,
				(item['causation_id'] as string | undefined) ?? null,
				JSON.stringify(item['metadata'] ?? {}),
			);
		}
	});
	const app = Fastify({bodyLimit: 8 * 1024 * 1024});
	app.post('/events', async (request, reply) => {
		insertAll([request.body as Item]);
		return reply.code(201).send({status: 'collected'});
	});
	app.post('/events/batch', async (request, reply) => {
		insertAll(request.body as Item[]);
		return reply.code(201).send({status: 'batch_completed'});
	});
	await app.listen({port: 0, host: '127.0.0.1'});
	const address = app.server.address() as {port: number};
	console.log(`listening http://127.0.0.1:${address.port}`);
}
