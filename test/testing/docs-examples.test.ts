/**
 * The examples of the testing guide (docs/testing.md), run as written. Each ```ts block's code (imports aside) is copied below verbatim,
 * and the last test checks that the copies still match the docs.
 */
import {readFileSync} from 'node:fs';
import {afterEach, describe, expect, test, vi} from 'vitest';
import '../../src/testing/vitest.js';
import type {Bus} from '../../src/index.js';
import {createMockBus, createTestBus, useIsolatedBus} from '../../src/testing/index.js';

// shop.ts
export type ShopEvents = {
	'order.created': {id: string; total: number};
	'order.paid': {id: string; amount: number};
	'invoice.created': {orderId: string; amount: number};
};

export async function placeOrder(bus: Bus<ShopEvents>, id: string, lines: ReadonlyArray<{price: number; quantity: number}>): Promise<void> {
	const total = lines.reduce((sum, line) => sum + line.price * line.quantity, 0);
	await bus.publish('order.created', {id, total}, {source: 'shop'});
}

// invoicing.ts
export function startInvoicing(bus: Bus<ShopEvents>): void {
	bus.subscribe(
		'order.paid',
		async event => {
			await bus.publish('invoice.created', {orderId: event.payload.id, amount: event.payload.amount});
		},
		{name: 'invoicing', retry: {attempts: 3, backoff: {initialMs: 1000, jitter: 'none'}}},
	);
}

// shop.test.ts
test('placeOrder() publishes order.created with the total', async () => {
	const bus = createMockBus<ShopEvents>();
	await placeOrder(bus, 'o-1', [{price: 4.5, quantity: 2}]);
	expect(bus).toHavePublished('order.created', {id: 'o-1', total: 9});
	expect(bus).toHavePublishedTimes('order.*', 1);
	expect(bus.published('order.created')[0]?.source).toBe('shop');
});

test('a failing subscriber is reported, never thrown at the producer', async () => {
	const bus = createMockBus<ShopEvents>();
	bus.subscribe('order.created', () => {}, {name: 'mailer'});
	bus.failOn('mailer', new Error('SMTP down'));
	await placeOrder(bus, 'o-2', []);
	expect(bus.failed().map(letter => letter.subscription?.name)).toEqual(['mailer']);
});

// invoicing.test.ts
test('an invoice is created for each paid order', async () => {
	const harness = createTestBus<ShopEvents>();
	startInvoicing(harness.bus);
	await harness.bus.publish('order.paid', {id: 'o-1', amount: 9});
	const invoice = await harness.waitFor('invoice.created', event => event.payload.orderId === 'o-1');
	expect(invoice.payload.amount).toBe(9);
	expect(invoice.causationId).toBe(harness.published('order.paid')[0]?.id);
	await harness.drain();
	expect(harness).toHavePublishedInOrder(['order.paid', 'invoice.created']);
	expect(harness).toHaveSubscriber('order.paid');
});

// invoicing-retry.test.ts
afterEach(() => {
	vi.useRealTimers();
});

test('invoicing retries with backoff until the ledger is back', async () => {
	vi.useFakeTimers({now: 0});
	const harness = createTestBus<ShopEvents>();
	startInvoicing(harness.bus);
	harness.failOn('invoicing', new Error('ledger down'), {times: 2});
	await harness.bus.publish('order.paid', {id: 'o-1', amount: 9});
	await harness.drain();
	expect(harness.delivered('order.paid')[0]?.attempts).toBe(3);
	expect(Date.now()).toBe(3000); // 1 s, then 2 s of backoff, in fake time
	expect(harness).toHavePublished('invoice.created', {orderId: 'o-1'});
});

// notifications.test.ts
const bus = useIsolatedBus({source: 'test'});

test('each test gets its own process-wide bus', () => {
	expect(bus().subscriptions()).toEqual([]);
});

describe('the testing guide (docs/testing.md)', () => {
	const docs = readFileSync(new URL('../../docs/testing.md', import.meta.url), 'utf8');
	const blocks = [...docs.matchAll(/```(ts|text)\n([\s\S]*?)```/g)].map(match => ({language: match[1]!, code: match[2]!}));

	test('the testing guide - every ts block (imports aside) is run by this file, verbatim', () => {
		// Blank lines aside too: removing a block's imports leaves one behind.
		const normalize = (code: string): string =>
			code
				.split('\n')
				.filter(line => line.trim() !== '' && !line.startsWith('import '))
				.join('\n');
		const source = normalize(readFileSync(new URL(import.meta.url), 'utf8'));
		const runnable = blocks.filter(block => block.language === 'ts' && !block.code.includes('./my-bus.js'));
		expect(runnable.length).toBeGreaterThanOrEqual(6);
		for (const {code} of runnable) expect(source).toContain(normalize(code));
	});

	test('the testing guide - the failure message shown is the one the matcher gives', async () => {
		const shown = blocks.find(block => block.language === 'text')?.code.trim();
		const mock = createMockBus<ShopEvents>();
		await placeOrder(mock, 'o-1', [{price: 4.5, quantity: 1}]);
		expect(() => expect(mock).toHavePublished('order.created', {id: 'o-1', total: 9})).toThrow(shown);
	});
});
