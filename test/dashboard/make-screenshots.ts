/**
 * Screenshots of every dashboard view over a day of sample events, for the README and for review:
 *
 *   npx tsx test/dashboard/make-screenshots.ts
 *
 * Writes docs/images/dashboard-overview.png and docs/images/dashboard-trace.png, and every view under
 * test-output/dashboard/readme-*.png. The sample data is generated from a fixed seed, so reruns differ only in the
 * current time.
 */
import {mkdir} from 'node:fs/promises';
import {fileURLToPath} from 'node:url';
import {launchBrowser} from './support/browser.js';
import {screenshotDir} from './support/page.js';
import {startTarget, type IngestEvent} from './support/target.js';

const imagesDir = fileURLToPath(new URL('../../docs/images/', import.meta.url));
const HOUR = 3_600_000;

let seed = 42;
const random = (): number => {
	// Mulberry32: a small seeded generator, so the sample day looks the same on every run.
	seed = (seed + 0x6d2b79f5) | 0;
	let t = seed;
	t = Math.imul(t ^ (t >>> 15), t | 1);
	t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
	return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
};

const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;

function sampleDay(now: number): IngestEvent[] {
	const sources = ['orders', 'billing', 'shipping', 'inventory'];
	const types: Record<string, string[]> = {
		orders: ['order.created', 'order.updated', 'order.cancelled'],
		billing: ['payment.started', 'payment.succeeded', 'payment.failed', 'invoice.sent'],
		shipping: ['shipment.reserved', 'shipment.dispatched', 'shipment.delivered'],
		inventory: ['stock.reserved', 'stock.released', 'stock.low'],
	};
	const components = ['api', 'db', 'queue', 'gateway'];
	const events: IngestEvent[] = [];
	const firstHour = Math.floor(now / HOUR) * HOUR - 23 * HOUR;
	for (let hour = 0; hour < 24; hour++) {
		const daytime = Math.sin(((hour + 4) / 24) * Math.PI) ** 2;
		const count = Math.round(15 + 45 * daytime + random() * 10) + (hour === 17 ? 260 : 0);
		for (let n = 0; n < count; n++) {
			const time = Math.min(now - 1000, firstHour + hour * HOUR + Math.floor(random() * HOUR));
			const source = hour === 17 && n >= count - 260 ? 'billing' : pick(sources);
			const roll = random();
			const severity = hour === 17 && source === 'billing' ? (roll < 0.6 ? 'error' : 'warning') : roll < 0.05 ? 'error' : roll < 0.07 ? 'critical' : roll < 0.2 ? 'warning' : roll < 0.3 ? 'debug' : 'info';
			const failed = severity === 'error' || severity === 'critical';
			events.push({
				source_system: source,
				event_type: failed ? `${types[source]![0]!.split('.')[0]}.failed` : pick(types[source]!),
				severity,
				timestamp: new Date(time).toISOString(),
				data: {order_id: `ord-${1000 + Math.floor(random() * 9000)}`, amount: Math.round(random() * 20_000) / 100},
				metadata: severity === 'error' || severity === 'critical' ? {component: pick(components)} : {},
				tags: ['prod', pick(['eu', 'us'])],
			});
		}
	}

	return events;
}

function workflow(now: number): IngestEvent[] {
	const t0 = now - 5 * 60_000;
	const at = (ms: number) => new Date(t0 + ms).toISOString();
	const base = {correlation_id: 'wf-order-4711', tags: ['prod', 'eu']};
	return [
		{...base, id: 'evt-4711-01', source_system: 'orders', event_type: 'order.created', timestamp: at(0), data: {order_id: 'ord-4711', lines: 3, total: 129.9}},
		{...base, id: 'evt-4711-02', causation_id: 'evt-4711-01', source_system: 'inventory', event_type: 'stock.reserved', timestamp: at(84), data: {order_id: 'ord-4711', skus: ['A-1', 'B-7', 'C-3']}},
		{...base, id: 'evt-4711-03', causation_id: 'evt-4711-01', source_system: 'billing', event_type: 'payment.started', timestamp: at(131), data: {order_id: 'ord-4711', amount: 129.9, method: 'card'}},
		{...base, id: 'evt-4711-04', causation_id: 'evt-4711-03', source_system: 'billing', event_type: 'payment.failed', severity: 'error', timestamp: at(2_417), data: {order_id: 'ord-4711', error: 'card declined', code: 'do_not_honor'}, metadata: {component: 'gateway'}},
		{...base, id: 'evt-4711-05', causation_id: 'evt-4711-04', source_system: 'inventory', event_type: 'stock.released', timestamp: at(2_503), data: {order_id: 'ord-4711'}},
		{...base, id: 'evt-4711-06', causation_id: 'evt-4711-04', source_system: 'orders', event_type: 'order.cancelled', severity: 'warning', timestamp: at(2_560), data: {order_id: 'ord-4711', reason: 'payment failed'}},
		{...base, id: 'evt-4711-07', causation_id: 'evt-4711-06', source_system: 'orders', event_type: 'customer.notified', timestamp: at(3_912), data: {order_id: 'ord-4711', channel: 'email'}},
	];
}

const target = await startTarget();
const browser = await launchBrowser();
try {
	const now = Date.now();
	const day = sampleDay(now);
	for (let start = 0; start < day.length; start += 500) {
		// Spread over sources and batches, inside the collector's default per-source rate limit.
		const status = await target.post(day.slice(start, start + 500));
		if (status >= 300) throw new Error(`collector answered ${status}`);
	}

	await target.post(workflow(now));
	await mkdir(imagesDir, {recursive: true});
	await mkdir(screenshotDir, {recursive: true});
	const page = await browser.context.newPage();
	const shoot = async (hash: string, ready: string, name: string, readme?: string): Promise<void> => {
		await page.goto(target.url + hash);
		await page.waitForSelector(ready);
		await page.evaluate('new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))');
		await page.screenshot({path: `${screenshotDir}readme-${name}.png`, fullPage: true});
		if (readme) await page.screenshot({path: `${imagesDir}${readme}`});
	};

	// The ingest rate card needs two metric polls (5 s apart) before it shows a rate.
	await shoot('#/overview', '[data-card="ingest-rate"] .card-value:not(:text("measuring"))', 'overview', 'dashboard-overview.png');
	await shoot('#/trace/wf-order-4711', '.trace-tree', 'trace', 'dashboard-trace.png');
	await shoot('#/search?source_system=billing&min_severity=error&limit=25', '#search-list', 'search');
	await shoot('#/event/evt-4711-04', '.event-detail', 'event');
	await page.goto(`${target.url}#/live`);
	await page.waitForSelector('.stream-state[data-state="live"]');
	await target.post(sampleDay(now).slice(0, 40).map(event => ({...event, timestamp: new Date().toISOString()})));
	await page.waitForSelector('#live-list .rows > .event-row:nth-child(40)');
	await page.screenshot({path: `${screenshotDir}readme-live.png`});
	console.log(`wrote ${imagesDir}dashboard-overview.png, ${imagesDir}dashboard-trace.png and ${screenshotDir}readme-*.png`);
} finally {
	await browser.close();
	await target.close();
}
