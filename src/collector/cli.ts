#!/usr/bin/env node
/**
 * The `topicbus-collector` command line: `serve` (the default) runs the collector; `query`, `stats`, `trace` and
 * `analyze` read from a running collector (`--url`) or a database file (`--db`), printing tables or `--json`.
 * Importing this module has no side effects; it runs {@link main} only when executed directly.
 */
import {readFileSync} from 'node:fs';
import {parseArgs} from 'node:util';
import {isEntryPoint} from '../internal/entry-point.js';
import {parseKeysFile} from './auth.js';
import {createCollector, type Collector, type CollectorOptions} from './create-collector.js';
import type {CollectedEvent} from './types.js';

/** Where {@link main} writes, and how it waits for a shutdown signal (replaceable in tests). */
export interface CollectorCliIo {
	readonly stdout: (text: string) => void;
	readonly stderr: (text: string) => void;
	/** Resolves when the server should stop (SIGTERM or SIGINT by default). */
	readonly untilSignal?: () => Promise<string>;
	/** Receives the collector once it listens (for tests). */
	readonly onListening?: (collector: Collector, url: string) => void;
}

const usage = `Usage:
  topicbus-collector [serve] [--db events.db | --memory] [--port 8000] [--host 127.0.0.1]
                     [--api-key KEY[:source]]... [--keys-file FILE] [--signing-secret whsec_...]... [--insecure]
                     [--retention-days N] [--max-events N] [--synchronous normal|full] [--rate-limit N|off]
                     [--query-rate-limit N|off]
  topicbus-collector query   [--url URL [--api-key KEY] | --db FILE] [filters] [--limit N] [--sort asc|desc] [--cursor C] [--json]
  topicbus-collector stats   [--url URL | --db FILE] [filters] [--json]
  topicbus-collector trace   CORRELATION_ID [--url URL | --db FILE] [--json]
  topicbus-collector analyze [errors|patterns|report] [--hours N] [--url URL | --db FILE] [--json]

Filters: --source-system S  --event-type T (a topic pattern with * and ** too)  --severity L  --min-severity L
         --start-time ISO  --end-time ISO  --correlation-id ID  --tags a,b  --q TEXT
`;

const queryOptions = ['source-system', 'event-type', 'severity', 'min-severity', 'start-time', 'end-time', 'correlation-id', 'tags', 'q', 'limit', 'sort', 'cursor'] as const;

const options = {
	db: {type: 'string'},
	memory: {type: 'boolean'},
	port: {type: 'string'},
	host: {type: 'string'},
	'api-key': {type: 'string', multiple: true},
	'keys-file': {type: 'string'},
	'signing-secret': {type: 'string', multiple: true},
	insecure: {type: 'boolean'},
	'retention-days': {type: 'string'},
	'max-events': {type: 'string'},
	'rate-limit': {type: 'string'},
	'query-rate-limit': {type: 'string'},
	synchronous: {type: 'string'},
	url: {type: 'string'},
	json: {type: 'boolean'},
	hours: {type: 'string'},
	help: {type: 'boolean', short: 'h'},
	...Object.fromEntries(queryOptions.map(name => [name, {type: 'string'}])),
} as const;

type Values = Record<string, string | boolean | string[] | undefined>;

class UsageError extends Error {}

const defaultIo: CollectorCliIo = {stdout: text => process.stdout.write(text), stderr: text => process.stderr.write(text)};

const untilSignal = () =>
	new Promise<string>(resolve => {
		const handler = (signal: string) => {
			process.off('SIGTERM', handler);
			process.off('SIGINT', handler);
			resolve(signal);
		};
		process.on('SIGTERM', handler);
		process.on('SIGINT', handler);
	});

function integer(values: Values, name: string): number | undefined {
	const value = values[name];
	if (value === undefined) return undefined;
	if (typeof value !== 'string' || !/^\d{1,15}$/.test(value)) throw new UsageError(`--${name} expects a non-negative integer, got \`${String(value)}\``);
	return Number(value);
}

function serverOptions(values: Values): CollectorOptions {
	const keys = [...((values['api-key'] as string[] | undefined) ?? [])];
	if (typeof values['keys-file'] === 'string') keys.push(...parseKeysFile(readFileSync(values['keys-file'], 'utf8')).map(key => (key.source === undefined ? key.key : `${key.key}:${key.source}`)));
	const retentionDays = integer(values, 'retention-days');
	const maxEvents = integer(values, 'max-events');
	const synchronous = values['synchronous'];
	if (synchronous !== undefined && synchronous !== 'normal' && synchronous !== 'full') throw new UsageError(`--synchronous expects normal or full, got \`${String(synchronous)}\``);
	const rate = values['rate-limit'];
	if (rate !== undefined && rate !== 'off' && (typeof rate !== 'string' || !/^[1-9]\d{0,8}$/.test(rate))) throw new UsageError(`--rate-limit expects events per second per source, or off, got \`${String(rate)}\``);
	const queryRate = values['query-rate-limit'];
	if (queryRate !== undefined && queryRate !== 'off' && (typeof queryRate !== 'string' || !/^[1-9]\d{0,8}$/.test(queryRate))) {
		throw new UsageError(`--query-rate-limit expects read requests per second per client, or off, got \`${String(queryRate)}\``);
	}
	return {
		...(queryRate === undefined || queryRate === 'off' ? {} : {queryRateLimit: {ratePerSecond: Number(queryRate), burst: 2 * Number(queryRate)}}),
		...(rate === undefined ? {} : {rateLimit: rate === 'off' ? false : {ratePerSecond: Number(rate), burst: 2 * Number(rate)}}),
		...(values['memory'] === true ? {memory: true} : {db: (values['db'] as string | undefined) ?? 'events.db'}),
		apiKeys: keys,
		signingSecrets: (values['signing-secret'] as string[] | undefined) ?? [],
		insecure: values['insecure'] === true,
		...(synchronous === undefined ? {} : {synchronous}),
		...(retentionDays === undefined && maxEvents === undefined
			? {}
			: {retention: {...(retentionDays === undefined ? {} : {maxAgeMs: retentionDays * 86_400_000}), ...(maxEvents === undefined ? {} : {maxEvents})}}),
	};
}

async function serve(values: Values, io: CollectorCliIo): Promise<number> {
	const collector = createCollector(serverOptions(values));
	const port = integer(values, 'port') ?? 8000;
	let url: string;
	try {
		({url} = await collector.listen({host: (values['host'] as string | undefined) ?? '127.0.0.1', port}));
	} catch (error) {
		// The store (and its checkpoint worker) is open already: close it, or the process never exits.
		await collector.close();
		throw error;
	}
	const storage = values['memory'] === true ? 'in memory' : `in ${String(values['db'] ?? 'events.db')}`;
	io.stdout(`topicbus-collector listening on ${url} (events stored ${storage})\n`);
	io.onListening?.(collector, url);
	const signal = await (io.untilSignal ?? untilSignal)();
	io.stdout(`topicbus-collector: ${signal}, closing after committing what was acknowledged\n`);
	await collector.close();
	return 0;
}

/** Fetches a JSON path from `--url`, or from a collector opened on `--db` for the duration of the call. */
async function readJson(values: Values, path: string): Promise<unknown> {
	let url = values['url'] as string | undefined;
	let local: Collector | undefined;
	try {
		if (url === undefined) {
			local = createCollector({db: (values['db'] as string | undefined) ?? 'events.db', rateLimit: false});
			url = (await local.listen({port: 0})).url;
		}
		const key = (values['api-key'] as string[] | undefined)?.[0];
		const response = await fetch(new URL(path, url), {headers: key === undefined ? {} : {'x-api-key': key}});
		const body = (await response.json()) as {message?: string};
		if (!response.ok) throw new Error(`${response.status}: ${body.message ?? JSON.stringify(body)}`);
		return body;
	} finally {
		await local?.close();
	}
}

function table(rows: ReadonlyArray<readonly string[]>): string {
	const widths = rows[0]!.map((_, column) => Math.max(...rows.map(row => row[column]!.length)));
	return rows.map(row => row.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd()).join('\n') + '\n';
}

const counts = (title: string, record: Record<string, number>): string =>
	Object.keys(record).length === 0
		? ''
		: `\n${table([
				[title, 'count'],
				...Object.entries(record)
					.sort(([, a], [, b]) => b - a)
					.map(([key, value]) => [key, String(value)]),
			])}`;

const eventRows = (events: readonly CollectedEvent[]): string =>
	table([['timestamp', 'severity', 'source_system', 'event_type', 'event_id', 'correlation_id'], ...events.map(event => [event.timestamp, event.severity, event.source_system, event.event_type, event.event_id, event.correlation_id ?? ''])]);

interface TraceNodeJson {
	event: CollectedEvent;
	children: TraceNodeJson[];
}

async function read(command: string, positionals: readonly string[], values: Values): Promise<{json: unknown; text: string}> {
	const parameters = new URLSearchParams();
	for (const name of queryOptions) {
		const value = values[name];
		if (typeof value === 'string') parameters.set(name.replaceAll('-', '_'), value);
	}
	switch (command) {
		case 'query': {
			const body = (await readJson(values, `/events?${parameters}`)) as {events: CollectedEvent[]; count: number; next_cursor: string | null};
			return {json: body, text: `${eventRows(body.events)}${body.count} events${body.next_cursor === null ? '' : ` (more: --cursor ${body.next_cursor})`}\n`};
		}
		case 'stats': {
			const body = (await readJson(values, `/events/stats?${parameters}`)) as {total_events: number; by_source_system: Record<string, number>; by_event_type: Record<string, number>; by_severity: Record<string, number>};
			return {json: body, text: `total_events: ${body.total_events}\n${counts('source_system', body.by_source_system)}${counts('severity', body.by_severity)}${counts('event_type', body.by_event_type)}`};
		}
		case 'trace': {
			const id = positionals[0];
			if (id === undefined) throw new UsageError('trace needs a correlation id');
			const body = (await readJson(values, `/events/correlation/${encodeURIComponent(id)}`)) as {count: number; tree: TraceNodeJson[]};
			const lines: string[] = [];
			const walk = (nodes: readonly TraceNodeJson[], depth: number) => {
				for (const node of nodes) {
					lines.push(`${'  '.repeat(depth)}${node.event.timestamp} ${node.event.severity.padEnd(8)} ${node.event.source_system} ${node.event.event_type} (${node.event.event_id})`);
					walk(node.children, depth + 1);
				}
			};
			walk(body.tree, 0);
			return {json: body, text: `${lines.join('\n')}${lines.length > 0 ? '\n' : ''}${body.count} events in ${id}\n`};
		}
		case 'analyze': {
			const kind = positionals[0] ?? 'report';
			if (!['errors', 'patterns', 'report'].includes(kind)) throw new UsageError(`analyze expects errors, patterns or report, got \`${kind}\``);
			const hours = integer(values, 'hours');
			const body = (await readJson(values, `/analysis/${kind}${hours === undefined ? '' : `?hours=${hours}`}`)) as Record<string, any>;
			return {json: body, text: analysisText(kind, body)};
		}
		default:
			throw new UsageError(`Unknown command \`${command}\``);
	}
}

function analysisText(kind: string, body: Record<string, any>): string {
	if (kind === 'errors') return `total_errors: ${body['total_errors']}  critical: ${body['critical_errors']}\n${counts('source_system', body['errors_by_system'])}${counts('component', body['errors_by_component'])}`;
	if (kind === 'patterns') {
		const rows = (body['hourly_distribution'] as Array<{hour: string; count: number; score: number; anomaly: boolean}>).map(hour => [hour.hour, String(hour.count), String(hour.score), hour.anomaly ? 'ANOMALY' : '']);
		return table([['hour', 'count', 'score', ''], ...rows]);
	}
	const summary = body['summary'] as {total_events: number; total_errors: number; critical_errors: number; systems: Record<string, number>};
	const anomalies = body['anomalies'] as Array<{hour: string; count: number; direction: string}>;
	return `events: ${summary.total_events}  errors: ${summary.total_errors}  critical: ${summary.critical_errors}\n${counts('source_system', summary.systems)}\nanomalies: ${anomalies.length === 0 ? 'none' : anomalies.map(anomaly => `${anomaly.hour} ${anomaly.direction} (${anomaly.count})`).join(', ')}\n`;
}

/** Runs the command line; resolves with the exit code (0 ok, 1 failure, 2 usage). */
export async function main(argv: readonly string[], io: CollectorCliIo = defaultIo): Promise<number> {
	let parsed: {values: Values; positionals: string[]};
	try {
		parsed = parseArgs({args: [...argv], options, allowPositionals: true, strict: true}) as {values: Values; positionals: string[]};
	} catch (error) {
		io.stderr(`topicbus-collector: ${(error as Error).message}\n\n${usage}`);
		return 2;
	}
	const {values, positionals} = parsed;
	if (values['help'] === true) {
		io.stdout(usage);
		return 0;
	}
	const [command = 'serve', ...rest] = positionals;
	try {
		if (command === 'serve') return await serve(values, io);
		const {json, text} = await read(command, rest, values);
		io.stdout(values['json'] === true ? `${JSON.stringify(json, null, 2)}\n` : text);
		return 0;
	} catch (error) {
		if (error instanceof UsageError) {
			io.stderr(`topicbus-collector: ${error.message}\n\n${usage}`);
			return 2;
		}
		io.stderr(`topicbus-collector: ${error instanceof Error ? error.message : String(error)}\n`);
		return 1;
	}
}

if (isEntryPoint(import.meta.url)) {
	main(process.argv.slice(2)).then(code => (process.exitCode = code));
}
