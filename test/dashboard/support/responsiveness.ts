// Probes for how responsive a page stays: long tasks, gaps between animation frames, and input-to-paint latency
// (Event Timing), collected in the page from its first script on.

import type {Page} from 'playwright-core';
import type {IngestEvent, Target} from './target.js';

export type Responsiveness = {
	/** Longest main-thread task (PerformanceObserver 'longtask', tasks over 50 ms), 0 when there was none. */
	longestTaskMs: number;
	longTasks: number;
	/** Longest gap between two animation frames while the probes ran (a frozen page shows as a long gap). */
	longestFrameGapMs: number;
	frames: number;
	/** Longest input-to-next-paint duration of the clicks and key presses during the run (Event Timing). */
	longestInputMs: number;
	inputs: number;
	/** Rows in the list, elements in the document, and the page's JS heap (Chromium's performance.memory) in MiB. */
	rows: number;
	elements: number;
	heapMiB: number;
};

const probeScript = `
	window.__probes = {tasks: [], inputs: [], gaps: [], last: 0};
	new PerformanceObserver(list => { for (const entry of list.getEntries()) window.__probes.tasks.push(entry.duration); })
		.observe({type: 'longtask', buffered: true});
	new PerformanceObserver(list => { for (const entry of list.getEntries()) if (entry.interactionId) window.__probes.inputs.push(entry.duration); })
		.observe({type: 'event', durationThreshold: 16, buffered: true});
	const frame = time => {
		const probes = window.__probes;
		if (probes.last) probes.gaps.push(time - probes.last);
		probes.last = time;
		requestAnimationFrame(frame);
	};
	requestAnimationFrame(frame);
`;

export async function installProbes(page: Page): Promise<void> {
	await page.addInitScript(probeScript);
}

/** Clears what the probes collected so far (e.g. the page load). */
export async function resetProbes(page: Page): Promise<void> {
	await page.evaluate('Object.assign(window.__probes, {tasks: [], inputs: [], gaps: [], last: 0})');
}

export async function readProbes(page: Page, rowsSelector: string): Promise<Responsiveness> {
	return page.evaluate(`(() => {
		const probes = window.__probes;
		const max = list => list.reduce((a, b) => Math.max(a, b), 0);
		return {
			longestTaskMs: max(probes.tasks), longTasks: probes.tasks.length,
			longestFrameGapMs: max(probes.gaps), frames: probes.gaps.length,
			longestInputMs: max(probes.inputs), inputs: probes.inputs.length,
			rows: document.querySelectorAll(${JSON.stringify(rowsSelector)}).length,
			elements: document.getElementsByTagName('*').length,
			heapMiB: performance.memory ? performance.memory.usedJSHeapSize / 1048576 : NaN,
		};
	})()`);
}

/** Waits two animation frames, so a render scheduled for the next frame has happened. */
export async function nextFrames(page: Page): Promise<void> {
	await page.evaluate('new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))');
}

/**
 * Posts `count` events in batches, spread over ten sources so a per-source rate limit (1000/s, burst 2000 by
 * default) does not refuse them; `during` runs between batches (e.g. clicks while the stream is busy).
 */
export async function flood(target: Target, count: number, options: {batch?: number; prefix?: string; during?: (batch: number) => Promise<void>} = {}): Promise<void> {
	const batch = options.batch ?? 500;
	const prefix = options.prefix ?? 'flood';
	for (let start = 0, index = 0; start < count; start += batch, index++) {
		const events: IngestEvent[] = [];
		for (let n = start; n < Math.min(count, start + batch); n++) {
			events.push({source_system: `${prefix}-${n % 10}`, event_type: 'load.tick', severity: n % 50 === 0 ? 'error' : 'info', data: {n, text: 'x'.repeat(40)}});
		}

		const status = await target.post(events);
		if (status >= 300) {
			throw new Error(`The collector answered ${status} to a batch of ${events.length} events`);
		}

		await options.during?.(index);
	}
}
