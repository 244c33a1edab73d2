import {join} from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {main} from '../../src/collector/cli.js';
import {startCollector, tempDir, type TestCollector} from './helpers.js';

function capture() {
	const out: string[] = [];
	const err: string[] = [];
	return {io: {stdout: (text: string) => out.push(text), stderr: (text: string) => err.push(text)}, out: () => out.join(''), err: () => err.join('')};
}

// Relative to now, so that `analyze --hours 24` sees them whenever the test runs.
const at = (offsetMs: number) => new Date(Date.now() - 7_200_000 + offsetMs).toISOString();
const events = [
	{id: 'a', source_system: 'orders', event_type: 'order.created', correlation_id: 'wf-1', timestamp: at(0)},
	{id: 'b', source_system: 'orders', event_type: 'order.failed', severity: 'error', correlation_id: 'wf-1', causation_id: 'a', timestamp: at(1000), metadata: {source_component: 'checkout'}},
	{id: 'c', source_system: 'billing', event_type: 'invoice.sent', timestamp: at(3_600_000)},
];

describe('topicbus-collector query|stats|trace|analyze over --url', () => {
	let api: TestCollector;

	beforeEach(async () => {
		api = await startCollector({memory: true, apiKeys: ['cli-key-0001']});
		await api.post('/events/batch', events, {'x-api-key': 'cli-key-0001'});
	});

	afterEach(async () => {
		await api.close();
	});

	const run = async (...argv: string[]) => {
		const output = capture();
		const code = await main([...argv, '--url', api.url, '--api-key', 'cli-key-0001'], output.io);
		return {code, out: output.out(), err: output.err()};
	};

	it('query prints a table of the matching events', async () => {
		const {code, out} = await run('query', '--source-system', 'orders', '--sort', 'asc');
		expect(code).toBe(0);
		expect(out.split('\n')[0]).toMatch(/^timestamp\s+severity\s+source_system\s+event_type\s+event_id\s+correlation_id$/);
		expect(out).toMatch(/order\.created\s+a\s+wf-1/);
		expect(out).not.toContain('invoice.sent');
		expect(out).toContain('2 events');
	});

	it('query --json prints the API response', async () => {
		const {out} = await run('query', '--event-type', '**.failed', '--json');
		expect(JSON.parse(out)).toMatchObject({count: 1, events: [{event_id: 'b'}]});
	});

	it('stats prints totals by source, severity and type', async () => {
		const {out} = await run('stats');
		expect(out).toContain('total_events: 3');
		expect(out).toMatch(/orders\s+2/);
	});

	it('trace prints the causal tree, indented', async () => {
		const {out} = await run('trace', 'wf-1');
		expect(out).toMatch(/^\S.*order\.created \(a\)\n  \S.*order\.failed \(b\)\n2 events in wf-1\n$/);
	});

	it('analyze errors prints errors by source and component', async () => {
		const {out} = await run('analyze', 'errors', '--hours', '24');
		expect(out).toContain('total_errors: 1');
		expect(out).toMatch(/checkout\s+1/);
	});

	it('reports a refused request (bad filter) with exit code 1', async () => {
		const {code, err} = await run('query', '--severity', 'loud');
		expect(code).toBe(1);
		expect(err).toContain('400');
	});

	it('reports usage errors with exit code 2', async () => {
		expect((await run('frobnicate')).code).toBe(2);
		expect((await run('trace')).code).toBe(2);
		expect((await run('analyze', 'tea-leaves')).code).toBe(2);
		const output = capture();
		expect(await main(['--no-such-flag'], output.io)).toBe(2);
	});
});

describe('topicbus-collector serve and --db', () => {
	it('serves a db file until a signal, then the read commands work on that file', async () => {
		const temp = tempDir();
		const db = join(temp.dir, 'events.db');
		let stop!: (signal: string) => void;
		let url = '';
		const output = capture();
		const served = main(['serve', '--db', db, '--port', '0'], {
			...output.io,
			untilSignal: () => new Promise(resolve => (stop = resolve)),
			onListening: (_collector, listeningUrl) => (url = listeningUrl),
		});
		await expect.poll(() => url).not.toBe('');
		expect(output.out()).toContain(`listening on ${url}`);
		await fetch(`${url}/events/batch`, {method: 'POST', headers: {'content-type': 'application/json'}, body: JSON.stringify(events)});
		stop('SIGTERM');
		expect(await served).toBe(0);
		const query = capture();
		expect(await main(['query', '--db', db, '--json'], query.io)).toBe(0);
		expect(JSON.parse(query.out()).count).toBe(3);
		temp.remove();
	});

	it('--query-rate-limit N limits reads per client (N/s, burst 2N) and publishes it on /health', async () => {
		let stop!: (signal: string) => void;
		let url = '';
		const served = main(['serve', '--memory', '--port', '0', '--query-rate-limit', '1'], {
			...capture().io,
			untilSignal: () => new Promise(resolve => (stop = resolve)),
			onListening: (_collector, listeningUrl) => (url = listeningUrl),
		});
		await expect.poll(() => url).not.toBe('');
		const health = (await (await fetch(`${url}/health`)).json()) as {limits: {query_rate_limit: unknown}};
		expect(health.limits.query_rate_limit).toEqual({rate_per_second: 1, burst: 2});
		const statuses = [];
		for (let index = 0; index < 3; index++) statuses.push((await fetch(`${url}/events`, {method: index === 1 ? 'HEAD' : 'GET'})).status);
		// HEAD runs the same query as GET, so it is counted as a read.
		expect(statuses).toEqual([200, 200, 429]);
		stop('SIGTERM');
		expect(await served).toBe(0);
	});

	it('refuses --query-rate-limit with a non-number (exit 2, usage)', async () => {
		const output = capture();
		expect(await main(['serve', '--memory', '--port', '0', '--query-rate-limit', 'fast'], output.io)).toBe(2);
		expect(output.err()).toContain('--query-rate-limit expects read requests per second per client, or off, got `fast`');
	});

	it('refuses to serve on a public host without an API key (exit 1, clear message)', async () => {
		const output = capture();
		expect(await main(['serve', '--memory', '--host', '0.0.0.0', '--port', '0'], output.io)).toBe(1);
		expect(output.err()).toContain('no API key');
	});
});
