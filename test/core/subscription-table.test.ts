import {getEventListeners} from 'node:events';
import {describe, expect, test} from 'vitest';
import {resolveSubscriberSettings} from '../../src/core/subscribe-options.js';
import {InvalidTopicError} from '../../src/errors.js';
import {Router} from '../../src/routing/router.js';
import {SubscriptionTable, type TableSubscriber} from '../../src/core/subscription-table.js';

const noop = (): void => {};

interface FakeSubscriber extends TableSubscriber {
	readonly settings: ReturnType<typeof resolveSubscriberSettings>;
}

function createTable(): {table: SubscriptionTable<FakeSubscriber>; router: Router<FakeSubscriber>; subscriber: (patterns: string[], pending?: number) => FakeSubscriber} {
	const router = new Router<FakeSubscriber>();
	let seq = 0;
	const subscriber = (patterns: string[], pending = 0): FakeSubscriber => {
		const settings = resolveSubscriberSettings(++seq, patterns, noop, undefined);
		// What the table reads: its routing keys, its settings, whether it has unfinished work, and abandonPending().
		return {settings, priority: settings.priority, seq: settings.seq, isActive: true, pending, running: 0, abandonPending: () => pending};
	};
	return {table: new SubscriptionTable<FakeSubscriber>(router), router, subscriber};
}

const ids = (subscribers: Iterable<FakeSubscriber>): string[] => [...subscribers].map(each => each.settings.id);

describe('SubscriptionTable', () => {
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

	test('abandonPending() - reaches every subscriber in the table', () => {
		const {table, subscriber} = createTable();
		for (const patterns of [['a'], ['b']]) table.add(subscriber(patterns, 1), undefined);
		expect(table.abandonPending()).toBe(2);
	});

	test('abandonPending() - also reaches a removed subscriber that still had work buffered', () => {
		const {table, subscriber} = createTable();
		const busy = subscriber(['a'], 3);
		table.add(busy, undefined);
		table.add(subscriber(['b'], 0), undefined);
		table.remove(busy);
		expect(table.size).toBe(1);
		expect(table.abandonPending()).toBe(3);
	});

	test('abandonPending() - forgets a removed subscriber that had no work left', () => {
		const {table, subscriber} = createTable();
		const idle = subscriber(['a'], 0);
		table.add(idle, undefined);
		table.remove(idle);
		expect(table.abandonPending()).toBe(0);
	});

	test('remove() - stops listening to the subscriber\'s abort signal', () => {
		const {table, subscriber} = createTable();
		const controller = new AbortController();
		const removed = subscriber(['a']);
		table.add(removed, controller.signal);
		expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
		table.remove(removed);
		expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
	});

	test('removeById() - removes the subscriber with that id once; an unknown id is false', () => {
		const {table, router, subscriber} = createTable();
		const removed = subscriber(['a']);
		table.add(removed, undefined);
		expect(table.removeById(removed.settings.id)).toBe(true);
		expect(table.removeById(removed.settings.id)).toBe(false);
		expect(removed.isActive).toBe(false);
		expect(router.route('a')).toEqual([]);
	});

	test('removeAll() - removes every subscriber', () => {
		const {table, subscriber} = createTable();
		const subscribers = [subscriber(['a']), subscriber(['b']), subscriber(['c'])];
		for (const each of subscribers) table.add(each, undefined);
		table.removeAll();
		expect(table.size).toBe(0);
		expect(subscribers.map(each => each.isActive)).toEqual([false, false, false]);
	});
});
