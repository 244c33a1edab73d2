import {describe, expect, test} from 'vitest';
import {resolveSubscriberSettings} from '../../src/core/subscribe-options.js';
import {InvalidTopicError} from '../../src/errors.js';
import {Router} from '../../src/routing/router.js';
import type {SyncSubscriber} from '../../src/testing/sync-subscriber.js';
import {SyncSubscriptionTable} from '../../src/testing/sync-subscription-table.js';

const noop = (): void => {};

function createTable(): {table: SyncSubscriptionTable; router: Router<SyncSubscriber>; subscriber: (patterns: string[]) => SyncSubscriber} {
	const router = new Router<SyncSubscriber>();
	let seq = 0;
	const subscriber = (patterns: string[]): SyncSubscriber => {
		const settings = resolveSubscriberSettings(++seq, patterns, noop, undefined);
		// The table reads only these fields and abandonPending(); delivery is SyncSubscriber's own concern.
		return {settings, priority: settings.priority, seq: settings.seq, isActive: true, abandonPending: () => 1} as unknown as SyncSubscriber;
	};
	return {table: new SyncSubscriptionTable(router), router, subscriber};
}

const ids = (subscribers: Iterable<SyncSubscriber>): string[] => [...subscribers].map(each => each.settings.id);

describe('SyncSubscriptionTable', () => {
	test('add() - routes a subscriber by each of its patterns; values() keeps subscription order', () => {
		const {table, router, subscriber} = createTable();
		const first = subscriber(['order.*']);
		const second = subscriber(['invoice.created', 'order.paid']);
		table.add(first, undefined);
		table.add(second, undefined);
		expect(table.size).toBe(2);
		expect(table.get('sub_2')).toBe(second);
		expect(ids(table.values())).toEqual(['sub_1', 'sub_2']);
		expect(ids(router.route('order.paid'))).toEqual(['sub_1', 'sub_2']);
		expect(ids(router.route('invoice.created'))).toEqual(['sub_2']);
	});

	test('add() - a pattern the router refuses leaves none of the others registered', () => {
		const {table, router, subscriber} = createTable();
		expect(() => table.add(subscriber(['order.created', 'order..bad']), undefined)).toThrow(InvalidTopicError);
		expect(table.size).toBe(0);
		expect(router.route('order.created')).toEqual([]);
	});

	test('add() - an aborted signal marks the subscriber inactive and registers nothing; a later abort removes it', () => {
		const {table, router, subscriber} = createTable();
		const aborted = subscriber(['order.*']);
		table.add(aborted, AbortSignal.abort());
		expect(aborted.isActive).toBe(false);
		expect(table.size).toBe(0);
		const controller = new AbortController();
		const live = subscriber(['order.*']);
		table.add(live, controller.signal);
		expect(table.size).toBe(1);
		controller.abort();
		expect(live.isActive).toBe(false);
		expect(table.size).toBe(0);
		expect(router.route('order.created')).toEqual([]);
	});

	test('remove(), removePattern() - remove once and unroute; again, they find nothing', () => {
		const {table, router, subscriber} = createTable();
		const kept = subscriber(['order.*']);
		const removed = subscriber(['user.*']);
		for (const each of [kept, subscriber(['invoice.*']), subscriber(['invoice.*']), removed]) table.add(each, undefined);
		expect(table.removePattern('invoice.*')).toBe(2);
		expect(table.removePattern('invoice.*')).toBe(0);
		const {remove} = table; // Bound: a handle holds it.
		remove(removed);
		remove(removed);
		expect(removed.isActive).toBe(false);
		expect(table.get(removed.settings.id)).toBeUndefined();
		expect(router.route('user.created')).toEqual([]);
		expect(ids(table.values())).toEqual([kept.settings.id]);
	});

	test('abandonPending(), removeAll() - reach every subscriber in the table', () => {
		const {table, subscriber} = createTable();
		const subscribers = [subscriber(['a']), subscriber(['b']), subscriber(['c'])];
		for (const each of subscribers) table.add(each, undefined);
		table.remove(subscribers[2]!);
		expect(table.abandonPending()).toBe(2);
		table.removeAll();
		expect(table.size).toBe(0);
		expect(subscribers.map(each => each.isActive)).toEqual([false, false, false]);
	});
});
