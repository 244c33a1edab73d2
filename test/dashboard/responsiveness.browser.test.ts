import {afterAll, beforeAll, describe, expect, test} from 'vitest';
import {launchBrowser, skipBrowser, type Browser} from './support/browser.js';
import {expectCleanAndClose, openPage} from './support/page.js';
import {flood, installProbes, nextFrames, readProbes, resetProbes} from './support/responsiveness.js';
import {startTarget, type Target} from './support/target.js';

const EVENTS = 10_000;

// The figures are printed, not asserted: timing on a shared machine is noise. What is asserted is what keeps the
// page responsive by construction: a bounded list, every event counted, and clicks handled while events pour in.
// `npx tsx benchmarks/dashboard/live-stream.ts` measures the same run against a naive page for ratios.
describe.skipIf(skipBrowser)('dashboard: Live under load', () => {
	let target: Target;
	let browser: Browser;

	beforeAll(async () => {
		[target, browser] = await Promise.all([startTarget(), launchBrowser()]);
	});

	afterAll(async () => {
		await browser?.close();
		await target?.close();
	});

	test(`${EVENTS.toLocaleString('en-US')} streamed events: the list stays bounded and clicks are handled during the stream`, async () => {
		const view = await openPage(browser, 'about:blank');
		const {page} = view;
		await installProbes(page);
		await page.goto(`${target.url}#/live`);
		await page.waitForSelector('.stream-state[data-state="live"]');
		const window = Number(await page.getAttribute('#live-list', 'data-max-rows'));
		await resetProbes(page);

		let clicks = 0;
		await flood(target, EVENTS, {
			async during(batch) {
				if (batch % 4 === 1) {
					// Pause and resume while the stream is busy: each click must take effect.
					await page.click('button.pause');
					await page.waitForSelector(`button.pause[aria-pressed="${clicks % 2 === 0}"]`);
					clicks++;
				}
			},
		});
		if (clicks % 2 === 1) {
			await page.click('button.pause');
		}

		await page.locator('.stream-counts', {hasText: new RegExp(`^${EVENTS.toLocaleString('en-US')} received`)}).waitFor();
		await nextFrames(page);
		const figures = await readProbes(page, '#live-list .rows > .event-row');
		console.info(`dashboard Live, ${EVENTS} streamed events (in-memory collector, chromium headless): ${JSON.stringify(figures)}`);

		expect(figures.rows).toBe(window);
		expect(clicks).toBeGreaterThanOrEqual(4);
		expect(figures.frames).toBeGreaterThan(0);
		expect(await page.textContent('#live-list .rows > .event-row:first-child .source')).toMatch(/^flood-\d$/);
		await view.screenshot('live-10k');
		await expectCleanAndClose(view);
	});
});
