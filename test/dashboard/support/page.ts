// A page on the dashboard that records what must never happen (script errors, dialogs) and saves screenshots.

import {mkdir} from 'node:fs/promises';
import {fileURLToPath} from 'node:url';
import type {Page} from 'playwright-core';
import {expect} from 'vitest';
import type {Browser} from './browser.js';

export const screenshotDir = fileURLToPath(new URL('../../../test-output/dashboard/', import.meta.url));

export type WatchedPage = {
	page: Page;
	/** Uncaught exceptions in the page. */
	errors: string[];
	/** alert/confirm/prompt dialogs that opened (each is dismissed). */
	dialogs: string[];
	/** Console messages of type error, except 4xx answers, refused WebSocket upgrades and refused connections, which the page reports itself. */
	consoleErrors: string[];
	/** Content-Security-Policy violations the page reported (an inline script or style would be one). */
	cspViolations(): Promise<string[]>;
	screenshot(name: string): Promise<void>;
	close(): Promise<void>;
};

export async function openPage(browser: Browser, url: string): Promise<WatchedPage> {
	const page = await browser.context.newPage();
	const errors: string[] = [];
	const dialogs: string[] = [];
	const consoleErrors: string[] = [];
	page.on('pageerror', error => errors.push(error.message));
	page.on('dialog', dialog => {
		dialogs.push(`${dialog.type()}: ${dialog.message()}`);
		void dialog.dismiss();
	});
	page.on('console', message => {
		if (message.type() === 'error' && !/status of 4\d\d|WebSocket connection|net::ERR_CONNECTION_REFUSED/.test(message.text())) {
			consoleErrors.push(message.text());
		}
	});
	await page.addInitScript(`
		window.__cspViolations = [];
		document.addEventListener('securitypolicyviolation', event => window.__cspViolations.push(event.violatedDirective + ' ' + event.blockedURI));
	`);
	await page.goto(url);
	return {
		page,
		errors,
		dialogs,
		consoleErrors,
		cspViolations: async () => page.evaluate('window.__cspViolations') as Promise<string[]>,
		async screenshot(name) {
			await mkdir(screenshotDir, {recursive: true});
			await page.screenshot({path: `${screenshotDir}${name}.png`, fullPage: true});
		},
		close: () => page.close(),
	};
}

let counter = 0;

/** A name no other test in this run uses, so tests sharing one collector do not see each other's events. */
export function unique(prefix: string): string {
	counter++;
	return `${prefix}-${process.pid}-${counter}-${Math.random().toString(36).slice(2, 8)}`;
}

/** Asserts the page threw nothing, logged no error, opened no dialog and broke no CSP rule; then closes it. */
export async function expectCleanAndClose(view: WatchedPage): Promise<void> {
	try {
		expect(view.errors).toEqual([]);
		expect(view.consoleErrors).toEqual([]);
		expect(view.dialogs).toEqual([]);
		expect(await view.cspViolations()).toEqual([]);
	} finally {
		await view.close();
	}
}
