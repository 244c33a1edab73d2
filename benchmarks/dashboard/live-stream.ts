/**
 * The dashboard's Live view under a stream of events, against a naive page in the same run.
 *
 *   npx tsx benchmarks/dashboard/live-stream.ts [--events N] [--rounds N] [--quick]
 *
 * A real collector (in memory, rate limit off) streams N events (default 10,000, posted in batches of 1,000) over
 * its WebSocket into headless chromium, once per round into each page, rounds interleaved:
 * - dashboard: the Live view (a bounded window of rows, drawn once per animation frame);
 * - naive: the same row renderer and stylesheet, one row prepended per message with no bound: what a page
 *   written without those two choices does.
 * Measured per round in the page's renderer: main-thread busy time (CDP Performance.TaskDuration; CPU time of the
 * page's thread, not wall time), of which layout and style, the longest task (PerformanceObserver 'longtask'),
 * the longest input-to-paint latency of clicks made during the stream (Event Timing), the time until the last
 * event is on screen, and the elements in the document and the JS heap at the end. Medians over rounds; ratio = naive / dashboard.
 * Nothing is enforced: the figures are printed for the benchmarks README. Needs chromium (CHROMIUM_PATH).
 */
import {cp, mkdtemp, rm, writeFile} from 'node:fs/promises';
import {cpus, tmpdir} from 'node:os';
import {join} from 'node:path';
import {performance} from 'node:perf_hooks';
import type {CDPSession} from 'playwright-core';
import {createCollector} from '../../src/collector/index.js';
import {launchBrowser, chromiumPath, isChromiumAvailable} from '../../test/dashboard/support/browser.js';
import {installProbes, readProbes, resetProbes} from '../../test/dashboard/support/responsiveness.js';
import {dashboardDir} from '../../test/dashboard/support/target.js';
import {median} from '../lib/stats.js';

const argument = (name: string, fallback: number): number => {
	const index = process.argv.indexOf(`--${name}`);
	return index === -1 ? fallback : Number(process.argv[index + 1]);
};

const quick = process.argv.includes('--quick');
const eventCount = argument('events', quick ? 2000 : 10_000);
const rounds = argument('rounds', quick ? 1 : 3);
const batchSize = 1000;

if (!isChromiumAvailable) {
	console.error(`chromium not found at ${chromiumPath}; set CHROMIUM_PATH`);
	process.exit(process.env.CI === 'true' ? 1 : 0);
}

// Served by the collector from a copy of the dashboard folder, under the same CSP (hence no inline script).
const naiveHtml = `<!doctype html>
<html><head><meta charset="utf-8"><link rel="stylesheet" href="style.css"><script type="module" src="naive.js"></script></head>
<body><main><button type="button" id="probe">probe</button>
<div class="event-list" id="naive-list"><div class="rows"></div></div></main></body></html>`;
const naiveJs = `import {eventRow} from './format.js';
const rows = document.querySelector('#naive-list .rows');
window.__received = 0;
const socket = new WebSocket(new URL('/events/stream', location.href).href.replace(/^http/, 'ws'));
socket.onopen = () => { document.body.dataset.state = 'live'; };
socket.onmessage = message => {
	const parsed = JSON.parse(message.data);
	if (parsed.type === 'event') { rows.prepend(eventRow(parsed.event)); window.__received++; }
};
document.querySelector('#probe').onclick = event => { event.target.textContent = event.target.textContent === 'probe' ? 'probed' : 'probe'; };
`;

type Variant = 'dashboard' | 'naive';
type Round = {taskMs: number; layoutStyleMs: number; longestTaskMs: number; longestInputMs: number; drawnAfterMs: number; elements: number; heapMiB: number};

const servedDir = await mkdtemp(join(tmpdir(), 'topicbus-dashboard-bench-'));
await cp(dashboardDir, servedDir, {recursive: true});
await writeFile(join(servedDir, 'naive.html'), naiveHtml);
await writeFile(join(servedDir, 'naive.js'), naiveJs);
const collector = createCollector({memory: true, dashboardDir: servedDir, rateLimit: false, maxBatchEvents: batchSize});
const {url} = await collector.listen({host: '127.0.0.1', port: 0});
const base = url.replace(/\/?$/, '/');
const browser = await launchBrowser();
const version = browser.context.browser()?.version() ?? (await chromiumVersion());

async function chromiumVersion(): Promise<string> {
	const page = await browser.context.newPage();
	const agent = await page.evaluate('navigator.userAgent') as string;
	await page.close();
	return /Chrome\/([\d.]+)/.exec(agent)?.[1] ?? 'unknown';
}

let sequence = 0;

async function post(events: unknown[]): Promise<void> {
	const response = await fetch(`${base}events/batch`, {method: 'POST', headers: {'content-type': 'application/json'}, body: JSON.stringify(events)});
	await response.arrayBuffer();
	if (response.status >= 300) throw new Error(`collector answered ${response.status}`);
}

async function metrics(session: CDPSession): Promise<Record<string, number>> {
	const {metrics: list} = await session.send('Performance.getMetrics');
	return Object.fromEntries(list.map(({name, value}) => [name, value]));
}

async function round(variant: Variant): Promise<Round> {
	const page = await browser.context.newPage();
	page.on('console', message => process.env.DEBUG && console.error(message.text()));
	page.on('pageerror', error => console.error(`${variant} page error: ${error.message}`));
	await installProbes(page);
	if (variant === 'naive') {
		await page.goto(`${base}dashboard/naive.html`);
		await page.waitForSelector('body[data-state="live"]');
	} else {
		await page.goto(`${base}#/live`);
		await page.waitForSelector('.stream-state[data-state="live"]');
	}

	const session = await page.context().newCDPSession(page);
	await session.send('Performance.enable', {timeDomain: 'threadTicks'});
	await resetProbes(page);
	const before = await metrics(session);
	const started = performance.now();
	// Something that changes nothing in the list, so both pages do the same work apart from the rendering.
	const click = variant === 'naive' ? '#probe' : '.stream-counts';
	for (let start = 0; start < eventCount; start += batchSize) {
		const events = [];
		for (let n = start; n < Math.min(eventCount, start + batchSize); n++) {
			events.push({source_system: `bench-${n % 10}`, event_type: 'load.tick', severity: n % 50 === 0 ? 'error' : 'info', data: {n, round: sequence, text: 'x'.repeat(40)}});
		}

		await post(events);
		// A click while the stream is busy, answered or not: Event Timing records how long until it painted.
		await page.click(click);
	}

	if (variant === 'naive') {
		await page.waitForFunction(count => (globalThis as unknown as {__received: number}).__received >= count, eventCount, {polling: 50});
	} else {
		await page.locator('.stream-counts', {hasText: new RegExp(`^${eventCount.toLocaleString('en-US')} received`)}).waitFor();
	}

	await page.evaluate('new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))');
	const drawnAfterMs = performance.now() - started;
	const after = await metrics(session);
	const probes = await readProbes(page, '.rows > .event-row');
	await page.close();
	sequence++;
	const delta = (name: string) => ((after[name] ?? 0) - (before[name] ?? 0)) * 1000;
	return {
		taskMs: delta('TaskDuration'),
		layoutStyleMs: delta('LayoutDuration') + delta('RecalcStyleDuration'),
		longestTaskMs: probes.longestTaskMs,
		longestInputMs: probes.longestInputMs,
		drawnAfterMs,
		elements: probes.elements,
		heapMiB: (after['JSHeapUsedSize'] ?? Number.NaN) / 1_048_576,
	};
}

const results: Record<Variant, Round[]> = {dashboard: [], naive: []};
// Warm-up: the first page load pays for compiling the modules.
await round('dashboard');
for (let index = 0; index < rounds; index++) {
	for (const variant of (index % 2 === 0 ? ['dashboard', 'naive'] : ['naive', 'dashboard']) as Variant[]) {
		results[variant].push(await round(variant));
	}
}

await browser.close();
await collector.close();
await rm(servedDir, {recursive: true, force: true});

const rows: Array<[string, keyof Round, number]> = [
	['main-thread busy (CPU ms)', 'taskMs', 0],
	['  of which layout + style (ms)', 'layoutStyleMs', 0],
	['longest task (ms)', 'longestTaskMs', 0],
	['longest click-to-paint (ms)', 'longestInputMs', 0],
	['last event on screen after (ms)', 'drawnAfterMs', 0],
	['elements in the page at the end', 'elements', 0],
	['JS heap at the end (MiB)', 'heapMiB', 1],
];
const cpu = cpus();
console.log(`Live view, ${eventCount.toLocaleString('en-US')} streamed events, ${rounds} round(s) each, medians`);
console.log(`machine: ${cpu.length} × ${cpu[0]?.model ?? 'unknown CPU'}; Node ${process.version}; chromium ${version} headless`);
console.log('| measure | dashboard | naive | naive / dashboard |');
console.log('| --- | ---: | ---: | ---: |');
for (const [label, key, digits] of rows) {
	const mine = median(results.dashboard.map(result => result[key]));
	const theirs = median(results.naive.map(result => result[key]));
	const ratio = mine > 0 ? `${(theirs / mine).toFixed(2)}x` : 'n/a';
	console.log(`| ${label} | ${mine.toFixed(digits)} | ${theirs.toFixed(digits)} | ${ratio} |`);
}
