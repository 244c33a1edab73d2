import {afterAll, afterEach, beforeAll, describe, expect, test} from 'vitest';
import {launchBrowser, skipBrowser, type Browser} from './support/browser.js';
import {expectCleanAndClose, openPage, unique, type WatchedPage} from './support/page.js';
import {startTarget, type Target} from './support/target.js';

// Each string tries a different way to run script if the page ever parsed data as HTML.
const hostile = {
	img: '<img src=x onerror="window.__xss=1;alert(1)">',
	script: '<script>window.__xss=2;alert(2)</script>',
	svg: '<svg onload="window.__xss=3"><circle r=1 /></svg>',
	iframe: '<iframe srcdoc="<script>parent.__xss=4</script>"></iframe>',
	link: 'javascript:window.__xss=5',
	closer: '"></pre></td></tr><img src=y onerror="window.__xss=6">',
};

/** Elements a hostile payload would create if it were parsed; the page itself creates none of these. */
const injectedElements = 'main img, main script, main iframe, main svg:not(.hour-chart), main [onerror], main [onload], main a[href^="javascript:"]';

describe.skipIf(skipBrowser)('dashboard: untrusted event data', () => {
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

	async function expectNothingRan(page: WatchedPage['page']): Promise<void> {
		expect(await page.evaluate('window.__xss')).toBeUndefined();
		expect(await page.$$eval(injectedElements, elements => elements.map(element => element.outerHTML))).toEqual([]);
	}

	test('HTML and script in an event are shown as text in every view and never run', async () => {
		const id = unique('xss');
		const correlation = `${unique('wf')}<img src=z onerror=window.__xss=7>`;
		view = await openPage(browser, `${target.url}#/live`);
		const {page} = view;
		await page.waitForSelector('.stream-state[data-state="live"]');
		expect(await target.post([{
			id,
			source_system: `${unique('hostile')}${hostile.svg}`,
			event_type: `order.created${hostile.img}`,
			correlation_id: correlation,
			tags: [hostile.img, hostile.script],
			metadata: {note: hostile.svg},
			data: hostile,
		}])).toBeLessThan(300);

		await page.waitForSelector(`#live-list .event-row[data-event-id="${id}"]`);
		expect(await page.textContent(`#live-list .event-row[data-event-id="${id}"] .payload`)).toContain(hostile.script.slice(0, 20));
		await expectNothingRan(page);

		await page.goto(`${target.url}#/search?correlation_id=${encodeURIComponent(correlation)}`);
		await page.waitForSelector(`#search-list .event-row[data-event-id="${id}"]`);
		await expectNothingRan(page);

		await page.goto(`${target.url}#/event/${encodeURIComponent(id)}`);
		await page.waitForSelector('pre.payload-json');
		expect(JSON.parse(await page.textContent('pre.payload-json') ?? '')).toEqual(hostile);
		expect(await page.$$eval('.envelope .tag', tags => tags.map(tag => tag.textContent))).toEqual([hostile.img, hostile.script]);
		await page.click('details summary');
		await expectNothingRan(page);
		await view.screenshot('event-hostile');

		await page.click('a.trace-link');
		await page.waitForSelector(`.trace-tree .step[data-event-id="${id}"]`);
		expect(await page.inputValue('#trace-form input[name="correlation_id"]')).toBe(correlation);
		await expectNothingRan(page);
		expect(view.dialogs).toEqual([]);
	});

	test('hostile text in the address is shown as text', async () => {
		view = await openPage(browser, `${target.url}#/event/${encodeURIComponent(hostile.closer)}`);
		await view.page.waitForSelector('.view-event .error');
		expect(await view.page.textContent('.view-event .error')).toContain(hostile.closer);
		await view.page.goto(`${target.url}#/search?source_system=${encodeURIComponent(hostile.closer)}`);
		await view.page.waitForSelector('.results .empty, .results .error');
		expect(await view.page.inputValue('#search-form input[name="source_system"]')).toBe(hostile.closer);
		await expectNothingRan(view.page);
	});
});

describe.skipIf(skipBrowser)('dashboard: API key', () => {
	const key = 'dashboard-test-key-0123456789abcdef';
	let target: Target;
	let browser: Browser;
	const views: WatchedPage[] = [];

	beforeAll(async () => {
		[target, browser] = await Promise.all([startTarget({apiKey: key}), launchBrowser()]);
	});

	afterAll(async () => {
		await browser?.close();
		await target?.close();
	});

	afterEach(async () => {
		for (const view of views.splice(0)) {
			await expectCleanAndClose(view);
		}
	});

	async function open(hash: string): Promise<WatchedPage> {
		const view = await openPage(browser, target.url + hash);
		views.push(view);
		return view;
	}

	test('without a key, the page asks for one and says the collector refused', async () => {
		const {page} = await open('#/search?sort=desc');
		await page.waitForSelector('#key-form:not([hidden])');
		expect(await page.textContent('#key-message')).toMatch(/needs an API key \(401\)/);
		expect(await page.textContent('.results .error')).toMatch(/401/);
	});

	test('a wrong key gets a clear refusal; the right one is used for every request and kept for the session', async () => {
		const source = unique('keyed');
		expect(await target.post([{source_system: source, event_type: 'order.created'}])).toBeLessThan(300);
		const view = await open(`#/search?source_system=${source}`);
		const {page} = view;
		await page.waitForSelector('#key-form:not([hidden])');
		await page.fill('#key-input', 'not-the-key');
		await page.click('#key-form button[type="submit"]');
		await page.locator('#key-message', {hasText: /did not accept|refused this/}).waitFor();
		await page.waitForSelector('#key-form:not([hidden])');
		expect(await page.textContent('#key-message')).toMatch(/did not accept this API key \(401\)|refused this API key \(403\)/);
		await view.screenshot('api-key-refused');

		await page.fill('#key-input', key);
		await page.click('#key-form button[type="submit"]');
		await page.waitForSelector('#search-list');
		expect(await page.isHidden('#key-form')).toBe(true);
		expect(await page.evaluate('sessionStorage.getItem("topicbus.collector.apiKey")')).toBe(key);

		// Kept for the session: a reload asks nothing, and the live stream authenticates with it.
		await page.goto(`${target.url}#/live`);
		await page.waitForSelector('.stream-state[data-state="live"]');
		const id = unique('after-key');
		await target.post([{id, source_system: source, event_type: 'order.paid'}]);
		await page.waitForSelector(`#live-list .event-row[data-event-id="${id}"]`);
		expect(await page.isHidden('#key-form')).toBe(true);
	});

	test('the live view says when the stream is refused', async () => {
		const {page} = await open('#/live');
		await page.waitForSelector('.stream-state[data-state="refused"]');
		expect(await page.textContent('.stream-state')).toMatch(/refused/);
		await page.waitForSelector('#key-form:not([hidden])');
	});
});
