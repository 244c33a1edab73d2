import {performance} from 'node:perf_hooks';
import {afterAll, afterEach, beforeAll, describe, expect, test} from 'vitest';
import {launchBrowser, skipBrowser, type Browser} from './support/browser.js';
import {expectCleanAndClose, openPage, unique, type WatchedPage} from './support/page.js';
import {startTarget, type Target} from './support/target.js';

describe.skipIf(skipBrowser)('dashboard: Live', () => {
	let target: Target;
	let browser: Browser;
	let view: WatchedPage | undefined;

	beforeAll(async () => {
		[target, browser] = await Promise.all([startTarget(), launchBrowser()]);
	});

	afterAll(async () => {
		await browser?.close();
		await target?.close();
	});

	afterEach(async () => {
		const open = view;
		view = undefined;
		if (open) {
			await expectCleanAndClose(open);
		}
	});

	async function openLive(hash = '#/live'): Promise<WatchedPage> {
		view = await openPage(browser, target.url + hash);
		await view.page.waitForSelector('.stream-state[data-state="live"]');
		return view;
	}

	const row = (id: string) => `#live-list .event-row[data-event-id="${id}"]`;

	test('a posted event appears in the list', async () => {
		const {page, screenshot} = await openLive();
		const source = unique('live');
		const id = unique('event');
		const posted = performance.now();
		expect(await target.post([{id, source_system: source, event_type: 'order.created', data: {total: 42}}])).toBeLessThan(300);
		await page.waitForSelector(row(id));
		// Printed, not asserted (timing on a shared machine is noise); the issue asks for under a second.
		console.info(`dashboard Live: posted event on screen ${Math.round(performance.now() - posted)} ms after the POST began`);
		expect(await page.textContent(`${row(id)} .source`)).toBe(source);
		expect(await page.textContent(`${row(id)} .payload`)).toContain('"total":42');
		await screenshot('live');
	});

	test('newest events are listed first', async () => {
		const {page} = await openLive();
		const source = unique('order');
		const ids = [unique('first'), unique('second'), unique('third')];
		for (const id of ids) {
			await target.post([{id, source_system: source, event_type: 'order.created'}]);
		}

		await page.waitForSelector(row(ids[2]!));
		const listed = await page.$$eval(`#live-list .rows > .event-row`, rows => rows.map(tr => tr.getAttribute('data-event-id')));
		expect(listed.filter(id => ids.includes(id!))).toEqual([...ids].reverse());
	});

	test('the source filter narrows the list to that source', async () => {
		const {page} = await openLive();
		const wanted = unique('billing');
		const other = unique('shipping');
		await page.fill('#live-filters input[name="source_system"]', wanted);
		await page.click('#live-filters button[type="submit"]');
		await page.waitForURL(/#\/live\?.*source_system=/);
		await page.waitForSelector('.stream-state[data-state="live"]');
		const marker = unique('marker');
		// The other source's event is sent first: the stream is ordered, so once the marker is drawn it would be too.
		await target.post([{source_system: other, event_type: 'order.created'}]);
		await target.post([{source_system: wanted, event_type: 'payment.started'}, {id: marker, source_system: wanted, event_type: 'payment.done'}]);
		await page.waitForSelector(row(marker));
		const sources = await page.$$eval('#live-list .rows > .event-row .source', cells => cells.map(cell => cell.textContent));
		expect(sources).toEqual([wanted, wanted]);
	});

	test('a topic pattern and a minimum severity filter the stream', async () => {
		const source = unique('pattern');
		const {page} = await openLive(`#/live?event_type=order.**&min_severity=warning&source_system=${source}`);
		expect(await page.inputValue('#live-filters input[name="event_type"]')).toBe('order.**');
		const marker = unique('marker');
		await target.post([
			{source_system: source, event_type: 'order.created', severity: 'info'},
			{source_system: source, event_type: 'payment.failed', severity: 'error'},
			{source_system: source, event_type: 'order.item.failed', severity: 'error'},
			{id: marker, source_system: source, event_type: 'order', severity: 'warning'},
		]);
		await page.waitForSelector(row(marker));
		const types = await page.$$eval('#live-list .rows > .event-row .type', cells => cells.map(cell => cell.textContent));
		expect(types).toEqual(['order', 'order.item.failed']);
	});

	test('the text filter keeps the events that contain the text, ignoring case', async () => {
		const source = unique('text');
		const {page} = await openLive(`#/live?q=needle&source_system=${source}`);
		const marker = unique('marker');
		await target.post([
			{source_system: source, event_type: 'doc.saved', data: {body: 'only a haystack'}},
			{source_system: source, event_type: 'doc.found', data: {body: 'a needle in a haystack'}},
			{id: marker, source_system: source, event_type: 'doc.found', data: {body: 'haystack, then a NEEDLE'}},
		]);
		await page.waitForSelector(row(marker));
		expect(await page.$$eval('#live-list .rows > .event-row .payload', cells => cells.map(cell => cell.textContent))).toEqual([
			'{"body":"haystack, then a NEEDLE"}',
			'{"body":"a needle in a haystack"}',
		]);
	});

	test('a filter the collector rejects is reported, not retried', async () => {
		view = await openPage(browser, `${target.url}#/live?min_severity=loud`);
		await view.page.waitForSelector('.stream-state[data-state="invalid"]');
		expect(await view.page.textContent('.stream-state')).toMatch(/rejected these filters: .*400/);
	});

	test('when the collector goes away the view says so, and reconnects when it is back', async () => {
		const first = await startTarget();
		let second: Target | undefined;
		try {
			view = await openPage(browser, `${first.url}#/live`);
			const {page} = view;
			await page.waitForSelector('.stream-state[data-state="live"]');
			await first.close();
			await page.waitForSelector('.stream-state[data-state="retrying"]');
			// The next attempt fails too, and the page finds out the collector is unreachable, not refusing.
			await page.locator('.stream-state', {hasText: 'collector unreachable'}).waitFor();
			second = await startTarget({port: Number(new URL(first.url).port)});
			await page.waitForSelector('.stream-state[data-state="live"]', {timeout: 15_000});
			const id = unique('after-restart');
			await second.post([{id, source_system: unique('restart'), event_type: 'order.created'}]);
			await page.waitForSelector(row(id));
		} finally {
			await first.close();
			await second?.close();
		}
	});

	test('pause holds new events back and resume shows them', async () => {
		const {page} = await openLive();
		const source = unique('paused');
		await page.click('button.pause');
		const id = unique('held');
		await target.post([{id, source_system: source, event_type: 'order.created'}]);
		await page.waitForSelector('.stream-counts >> text=1 waiting');
		expect(await page.$(row(id))).toBeNull();
		await page.click('button.pause');
		await page.waitForSelector(row(id));
	});

	test('while paused, the newest window of events waits and the rest are counted as passed', async () => {
		const {page} = await openLive();
		const window = Number(await page.getAttribute('#live-list', 'data-max-rows'));
		const source = unique('held-many');
		await page.click('button.pause');
		const count = window + 120;
		const events = Array.from({length: count}, (_, n) => ({source_system: source, event_type: 'order.created', data: {n}}));
		for (let start = 0; start < count; start += 200) {
			expect(await target.post(events.slice(start, start + 200))).toBeLessThan(300);
		}

		await page.locator('.stream-counts', {hasText: `${window} waiting · 120 passed without being drawn`}).waitFor();
		expect(await page.$$eval('#live-list .rows > .event-row', rows => rows.length)).toBe(0);
		await page.click('button.pause');
		await page.locator('#live-list .rows > .event-row:first-child .payload', {hasText: `{"n":${count - 1}}`}).waitFor();
		expect(await page.$$eval('#live-list .rows > .event-row', rows => rows.length)).toBe(window);
		expect(await page.textContent('#live-list .rows > .event-row:last-child .payload')).toBe('{"n":120}');
		expect(await page.textContent('.stream-counts')).toContain('120 passed without being drawn');
	});

	test('the list keeps at most its window of rows', async () => {
		const {page} = await openLive();
		const window = Number(await page.getAttribute('#live-list', 'data-max-rows'));
		expect(window).toBeGreaterThan(0);
		const source = unique('flood');
		const count = window + 150;
		const events = Array.from({length: count}, (_, n) => ({source_system: source, event_type: 'order.created', data: {n}}));
		for (let start = 0; start < count; start += 200) {
			expect(await target.post(events.slice(start, start + 200))).toBeLessThan(300);
		}

		// The newest event on top means every event has been drawn.
		await page.locator('#live-list .rows > .event-row:first-child .payload', {hasText: new RegExp(`^\\{"n":${count - 1}\\}$`)}).waitFor();
		expect(await page.$$eval('#live-list .rows > .event-row', rows => rows.length)).toBe(window);
		expect(await page.textContent('#live-list .rows > .event-row:last-child .payload')).toBe(`{"n":${count - window}}`);
	});
});
