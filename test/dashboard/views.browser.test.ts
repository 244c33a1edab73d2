import {afterAll, afterEach, beforeAll, describe, expect, test} from 'vitest';
import {launchBrowser, skipBrowser, type Browser} from './support/browser.js';
import {expectCleanAndClose, openPage, unique, type WatchedPage} from './support/page.js';
import {startTarget, type IngestEvent, type Target} from './support/target.js';

const HOUR_MS = 3_600_000;

describe.skipIf(skipBrowser)('dashboard: Search, Event, Trace and Overview', () => {
	let target: Target;
	let browser: Browser;
	const views: WatchedPage[] = [];
	const targets: Target[] = [];

	beforeAll(async () => {
		[target, browser] = await Promise.all([startTarget(), launchBrowser()]);
	});

	afterAll(async () => {
		await browser?.close();
		await target?.close();
	});

	afterEach(async () => {
		for (const view of views.splice(0)) {
			await expectCleanAndClose(view);
		}

		await Promise.all(targets.splice(0).map(async other => other.close()));
	});

	async function open(hash: string, on = target): Promise<WatchedPage> {
		const view = await openPage(browser, on.url + hash);
		views.push(view);
		return view;
	}

	async function post(events: IngestEvent[], on = target): Promise<void> {
		expect(await on.post(events)).toBeLessThan(300);
	}

	/** A collector of its own, for views that show everything the collector holds. */
	async function freshTarget(): Promise<Target> {
		const fresh = await startTarget();
		targets.push(fresh);
		return fresh;
	}

	const typesIn = (view: WatchedPage) => view.page.$$eval('#search-list .rows > .event-row .type', cells => cells.map(cell => cell.textContent));

	describe('Search', () => {
		test('the form puts the query in the address and lists only the matching events', async () => {
			const source = unique('search');
			await post([
				{source_system: source, event_type: 'order.created'},
				{source_system: source, event_type: 'order.paid'},
				{source_system: source, event_type: 'payment.failed', severity: 'error'},
				{source_system: unique('elsewhere'), event_type: 'order.created'},
			]);
			const view = await open('#/search');
			await view.page.fill('#search-form input[name="source_system"]', source);
			await view.page.fill('#search-form input[name="event_type"]', 'order.*');
			await view.page.click('#search-form button[type="submit"]');
			await view.page.waitForSelector('#search-list');
			const hash = new URLSearchParams((await view.page.evaluate('location.hash') as string).split('?')[1]);
			expect(hash.get('source_system')).toBe(source);
			expect(hash.get('event_type')).toBe('order.*');
			expect((await typesIn(view)).sort()).toEqual(['order.created', 'order.paid']);
			await view.screenshot('search');
		});

		test('the address alone reproduces a search, form included', async () => {
			const source = unique('shared');
			await post([{source_system: source, event_type: 'order.created', severity: 'warning'}, {source_system: source, event_type: 'order.paid', severity: 'info'}]);
			const view = await open(`#/search?source_system=${source}&min_severity=warning`);
			await view.page.waitForSelector('#search-list');
			expect(await typesIn(view)).toEqual(['order.created']);
			expect(await view.page.inputValue('#search-form input[name="source_system"]')).toBe(source);
			expect(await view.page.inputValue('#search-form select[name="min_severity"]')).toBe('warning');
		});

		test('a date typed in the form is sent as an ISO instant in UTC', async () => {
			const source = unique('dated');
			await post([{source_system: source, event_type: 'order.created'}]);
			const view = await open(`#/search?source_system=${source}`);
			await view.page.waitForSelector('#search-list');
			await view.page.fill('#search-form input[name="start_time"]', '2999-01-01');
			await view.page.click('#search-form button[type="submit"]');
			await view.page.waitForSelector('.results .empty');
			const hash = new URLSearchParams((await view.page.evaluate('location.hash') as string).split('?')[1]);
			expect(hash.get('start_time')).toBe('2999-01-01T00:00:00.000Z');
			expect(await view.page.textContent('.results .empty')).toBe('No events match.');
		});

		test('a search the collector rejects shows its reason', async () => {
			const view = await open('#/search?min_severity=loud');
			await view.page.waitForSelector('.results .error');
			expect(await view.page.textContent('.results .error')).toMatch(/^Search failed: HTTP 400: .*min_severity/);
		});

		test('next page follows the cursor, and each page has its own address', async () => {
			const source = unique('paged');
			const base = Date.now() - 60_000;
			await post(['step.one', 'step.two', 'step.three'].map((type, n) => ({source_system: source, event_type: type, timestamp: new Date(base + n * 1000).toISOString()})));
			const view = await open(`#/search?source_system=${source}&limit=2&sort=asc`);
			await view.page.waitForSelector('#search-list');
			expect(await typesIn(view)).toEqual(['step.one', 'step.two']);
			await view.page.click('.pager a.next-page');
			await view.page.waitForURL(/cursor=/);
			await view.page.waitForSelector('.pager a.first-page');
			expect(await typesIn(view)).toEqual(['step.three']);
			expect(await view.page.$('.pager a.next-page')).toBeNull();
			const secondPage = await view.page.evaluate('location.hash') as string;
			const again = await open(secondPage);
			await again.page.waitForSelector('#search-list');
			expect(await typesIn(again)).toEqual(['step.three']);
		});
	});

	describe('Event', () => {
		test('shows the envelope and the payload pretty-printed, with a link to its trace', async () => {
			const id = unique('evt');
			const correlation = unique('wf');
			const data = {order: {id: 7, lines: [{sku: 'A-1', qty: 2}]}, note: 'ok'};
			await post([{id, source_system: unique('detail'), event_type: 'order.created', correlation_id: correlation, tags: ['eu', 'prod'], data}]);
			const view = await open(`#/event/${encodeURIComponent(id)}`);
			await view.page.waitForSelector('.event-detail');
			expect(await view.page.textContent('pre.payload-json')).toBe(JSON.stringify(data, null, 2));
			expect(await view.page.$$eval('.envelope .tag', tags => tags.map(tag => tag.textContent))).toEqual(['eu', 'prod']);
			await view.screenshot('event');
			await view.page.click('a.trace-link');
			await view.page.waitForSelector(`.trace-tree .step[data-event-id="${id}"]`);
		});

		test('an unknown id says so', async () => {
			const view = await open(`#/event/${unique('missing')}`);
			await view.page.waitForSelector('.view-event .error');
			expect(await view.page.textContent('.view-event .error')).toContain('No event with id');
		});
	});

	describe('Trace', () => {
		test('renders the workflow as a causal tree, with timings and the failed step marked', async () => {
			const correlation = unique('wf');
			const source = unique('trace');
			const t0 = Date.now() - 120_000;
			const at = (ms: number) => new Date(t0 + ms).toISOString();
			const [e1, e2, e3, e4, e5] = [1, 2, 3, 4, 5].map(n => unique(`e${n}`)) as [string, string, string, string, string];
			// Posted out of order: the page must order by cause, not by arrival.
			await post([
				{id: e5, source_system: source, event_type: 'order.cancelled', severity: 'warning', correlation_id: correlation, causation_id: e3, timestamp: at(900)},
				{id: e3, source_system: source, event_type: 'payment.failed', severity: 'error', correlation_id: correlation, causation_id: e2, timestamp: at(480), data: {reason: 'card declined'}},
				{id: e1, source_system: source, event_type: 'order.created', correlation_id: correlation, timestamp: at(0)},
				{id: e4, source_system: source, event_type: 'shipment.reserved', correlation_id: correlation, causation_id: e1, timestamp: at(200)},
				{id: e2, source_system: source, event_type: 'payment.started', correlation_id: correlation, causation_id: e1, timestamp: at(120)},
			]);
			const view = await open(`#/trace/${encodeURIComponent(correlation)}`);
			await view.page.waitForSelector('.trace-tree');
			const steps = await view.page.$$eval('.trace-tree .step', items => items.map(item => ({
				id: item.getAttribute('data-event-id'),
				parent: item.parentElement?.closest('.step')?.getAttribute('data-event-id') ?? null,
				failed: item.classList.contains('failed'),
				delta: item.querySelector(':scope > .step-line .step-delta')?.textContent ?? null,
			})));
			expect(steps).toEqual([
				{id: e1, parent: null, failed: false, delta: null},
				{id: e2, parent: e1, failed: false, delta: '+120 ms after cause'},
				{id: e3, parent: e2, failed: true, delta: '+360 ms after cause'},
				{id: e5, parent: e3, failed: false, delta: '+420 ms after cause'},
				{id: e4, parent: e1, failed: false, delta: '+200 ms after cause'},
			]);
			expect(await view.page.textContent('.trace-summary')).toContain('1 failed');
			await view.screenshot('trace');
		});
	});

	test('Trace: an unknown correlation id says so', async () => {
		const view = await open(`#/trace/${unique('nothing')}`);
		await view.page.waitForSelector('.trace-result .empty, .trace-result .error');
		expect(await view.page.textContent('.trace-result')).toMatch(/No events (carry this|with) correlation id/);
	});

	describe('Overview', () => {
		test('the chart has a bar for each hour that has events, with its count', async () => {
			const fresh = await freshTarget();
			const now = Date.now();
			const times = [now - 1 * HOUR_MS, now - 3 * HOUR_MS, now - 3 * HOUR_MS, now - 5 * HOUR_MS].map(time => Math.floor(time / HOUR_MS) * HOUR_MS + 60_000);
			await post(times.map(time => ({source_system: 'chart', event_type: 'order.created', timestamp: new Date(time).toISOString()})), fresh);
			const view = await open('#/overview', fresh);
			await view.page.waitForSelector('svg.hour-chart');
			const bars = await view.page.$$eval('svg.hour-chart g.bar:not(.empty)', groups => groups.map(group => [group.getAttribute('data-hour'), Number(group.getAttribute('data-total'))]));
			const expected = new Map<string, number>();
			for (const time of times) {
				const hour = new Date(time - 60_000).toISOString();
				expected.set(hour, (expected.get(hour) ?? 0) + 1);
			}

			expect(Object.fromEntries(bars)).toEqual(Object.fromEntries(expected));
			// Hours without events between them are drawn empty, so the axis is continuous.
			expect(await view.page.$$eval('svg.hour-chart g.bar.empty', groups => groups.length)).toBeGreaterThanOrEqual(2);
		});

		test('bars by source stack one segment per source, named in the legend', async () => {
			const fresh = await freshTarget();
			const hour = Math.floor(Date.now() / HOUR_MS) * HOUR_MS - 2 * HOUR_MS;
			await post([
				...Array.from({length: 3}, () => ({source_system: 'orders', event_type: 'order.created', timestamp: new Date(hour + 1000).toISOString()})),
				{source_system: 'billing', event_type: 'payment.started', timestamp: new Date(hour + 2000).toISOString()},
			], fresh);
			const view = await open('#/overview?by=source', fresh);
			await view.page.waitForSelector('svg.hour-chart');
			expect(await view.page.$$eval('.legend li', items => items.map(item => item.textContent))).toEqual(['orders', 'billing', '▼anomaly']);
			const bar = `svg.hour-chart g.bar[data-hour="${new Date(hour).toISOString()}"]`;
			expect(await view.page.$$eval(`${bar} rect.seg`, rects => rects.length)).toBe(2);
			expect(await view.page.textContent(`${bar} title`)).toContain('orders: 3');
		});

		test('an hour the analysis flags as an anomaly is marked on the chart', async () => {
			const fresh = await freshTarget();
			const now = Math.floor(Date.now() / HOUR_MS) * HOUR_MS;
			const events: IngestEvent[] = [];
			for (let hour = 1; hour <= 8; hour++) {
				const count = hour === 4 ? 80 : 3;
				for (let n = 0; n < count; n++) {
					events.push({source_system: 'patterns', event_type: 'job.done', timestamp: new Date(now - hour * HOUR_MS + n * 1000).toISOString()});
				}
			}

			await post(events, fresh);
			const view = await open('#/overview', fresh);
			await view.page.waitForSelector('svg.hour-chart');
			const flagged = await view.page.$$eval('svg.hour-chart g.bar.anomaly', groups => groups.map(group => group.getAttribute('data-hour')));
			expect(flagged).toEqual([new Date(now - 4 * HOUR_MS).toISOString()]);
			expect(await view.page.$$eval('svg.hour-chart g.bar.anomaly .anomaly-mark', marks => marks.length)).toBe(1);
		});

		test('errors are counted by source and component, and refusals appear in the cards', async () => {
			const fresh = await freshTarget();
			await post([
				{source_system: 'billing', event_type: 'payment.failed', severity: 'error', metadata: {component: 'gateway'}},
				{source_system: 'billing', event_type: 'payment.failed', severity: 'critical', metadata: {component: 'gateway'}},
				{source_system: 'orders', event_type: 'order.failed', severity: 'error', metadata: {component: 'db'}},
				{source_system: 'orders', event_type: 'order.created', severity: 'info'},
			], fresh);
			expect(await fresh.post([{source_system: 'orders'} as IngestEvent])).toBe(400);
			const view = await open('#/overview', fresh);
			await view.page.waitForSelector('table.counts');
			const tables = await view.page.$$eval('table.counts', list => list.map(table => ({
				title: table.querySelector('caption')?.textContent ?? '',
				rows: Object.fromEntries([...table.querySelectorAll('tbody tr')].map(tr => [tr.cells[0]?.textContent, tr.cells[1]?.textContent])),
			})));
			const bySource = tables.find(table => /source|system/.test(table.title));
			expect(bySource?.rows).toEqual({billing: '2', orders: '1'});
			const byComponent = tables.find(table => /component/.test(table.title));
			expect(byComponent?.rows).toEqual({gateway: '2', db: '1'});
			await view.page.waitForSelector('[data-card="rejected"]');
			expect(Number(await view.page.textContent('[data-card="rejected"] .card-value'))).toBeGreaterThanOrEqual(1);
			expect(await view.page.textContent('[data-card="rate-limited"] .card-value')).toMatch(/^\d+$/);
			await view.screenshot('overview');
		});
	});
});
