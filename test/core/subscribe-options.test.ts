import {getEventListeners} from 'node:events';
import {describe, expect, test} from 'vitest';
import {EventBus, FilterError, InvalidTopicError, type BusEvent} from '../../src/index.js';
import {collectDeadLetters, deferred, nextMacrotask, thrownBy} from './helpers.js';

describe('subscribe() - priority', () => {
	test('priority - higher runs first, ties in subscription order', async () => {
		const bus = new EventBus();
		const order: string[] = [];
		const record = (name: string) => () => {
			order.push(name);
		};
		bus.subscribe('a', record('low'), {priority: -1});
		bus.subscribe('a', record('default-1'));
		bus.subscribe('**', record('high'), {priority: 10});
		bus.subscribe('a', record('mid-1'), {priority: 5});
		bus.subscribe('*', record('default-2'));
		bus.subscribe('a', record('mid-2'), {priority: 5});
		await bus.publish('a', null);
		await bus.drain();
		expect(order).toEqual(['high', 'mid-1', 'mid-2', 'default-1', 'default-2', 'low']);
	});

	test('priority - fractional priorities are ordered too', async () => {
		const bus = new EventBus();
		const order: string[] = [];
		bus.subscribe('a', () => order.push('half'), {priority: 0.5});
		bus.subscribe('a', () => order.push('one'), {priority: 1});
		await bus.publish('a', null);
		await bus.drain();
		expect(order).toEqual(['one', 'half']);
	});
});

describe('subscribe() - filter', () => {
	test('filter - only events it accepts reach the handler', async () => {
		const bus = new EventBus();
		const seen: unknown[] = [];
		bus.subscribe(
			'n',
			event => {
				seen.push(event.payload);
			},
			{filter: event => (event.payload as number) % 2 === 0},
		);
		for (let index = 0; index < 6; index++) await bus.publish('n', index);
		await bus.drain();
		expect(seen).toEqual([0, 2, 4]);
	});

	test('filter - a throwing filter dead-letters the event with a FilterError and skips the handler', async () => {
		const bus = new EventBus();
		const letters = collectDeadLetters(bus);
		const cause = new Error('bad filter');
		let calls = 0;
		const subscription = bus.subscribe(
			'a',
			() => {
				calls++;
			},
			{
				name: 'picky',
				filter() {
					throw cause;
				},
			},
		);
		const event = await bus.publish('a', 1);
		await bus.drain();
		expect(calls).toBe(0);
		expect(letters).toHaveLength(1);
		const letter = letters[0]!;
		expect(letter).toMatchObject({event, reason: 'filter-failed', attempts: 0, subscription: {id: subscription.id, name: 'picky', pattern: 'a'}});
		expect(letter.error).toBeInstanceOf(FilterError);
		expect(letter.error).toMatchObject({code: 'ERR_FILTER_FAILED', stage: 'filter', subscriptionId: subscription.id, cause});
	});

	test('filter - a throwing filter is not retried', async () => {
		const bus = new EventBus();
		let calls = 0;
		bus.subscribe('a', () => {}, {
			retry: {attempts: 5},
			filter() {
				calls++;
				throw new Error('bad filter');
			},
		});
		await bus.publish('a', 1);
		await bus.drain();
		expect(calls).toBe(1);
		expect(bus.getMetrics().retried).toBe(0);
	});

	test('filter - a throwing filter does not affect other subscriptions', async () => {
		const bus = new EventBus();
		const seen: unknown[] = [];
		bus.subscribe('a', () => {}, {
			filter() {
				throw new Error('bad filter');
			},
		});
		bus.subscribe('a', event => {
			seen.push(event.payload);
		});
		await bus.publish('a', 1);
		await bus.drain();
		expect(seen).toEqual([1]);
	});
});

describe('subscribe() - transform', () => {
	test('transform - the handler receives the transformed envelope', async () => {
		const bus = new EventBus();
		const seen: BusEvent[] = [];
		bus.subscribe(
			'a',
			event => {
				seen.push(event);
			},
			{transform: event => ({...event, payload: {wrapped: event.payload}})},
		);
		await bus.publish('a', 1);
		await bus.drain();
		expect(seen[0]!.payload).toEqual({wrapped: 1});
	});

	test('transform - the transformed envelope and its payload are frozen', async () => {
		const bus = new EventBus();
		const seen: BusEvent[] = [];
		bus.subscribe(
			'a',
			event => {
				seen.push(event);
			},
			{transform: event => ({...event, payload: {wrapped: {value: event.payload}}})},
		);
		await bus.publish('a', 1);
		await bus.drain();
		const transformed = seen[0]!;
		expect(Object.isFrozen(transformed)).toBe(true);
		expect(Object.isFrozen(transformed.payload)).toBe(true);
		expect(Object.isFrozen((transformed.payload as {wrapped: object}).wrapped)).toBe(true);
	});

	test('transform - other subscriptions and the history see the original envelope', async () => {
		const bus = new EventBus();
		const plain: BusEvent[] = [];
		bus.subscribe('a', () => {}, {transform: event => ({...event, payload: 'changed'}), priority: 1});
		bus.subscribe('a', event => {
			plain.push(event);
		});
		const published = await bus.publish('a', 'original');
		await bus.drain();
		expect(plain[0]).toBe(published);
		expect(plain[0]!.payload).toBe('original');
		expect(bus.history()[0]).toBe(published);
	});

	test('transform - a throwing transform dead-letters the event with a FilterError at stage transform', async () => {
		const bus = new EventBus();
		const letters = collectDeadLetters(bus);
		let calls = 0;
		const subscription = bus.subscribe(
			'a',
			() => {
				calls++;
			},
			{
				transform() {
					throw new Error('bad transform');
				},
			},
		);
		await bus.publish('a', 1);
		await bus.drain();
		expect(calls).toBe(0);
		expect(letters).toHaveLength(1);
		expect(letters[0]!.reason).toBe('filter-failed');
		expect(letters[0]!.error).toMatchObject({code: 'ERR_FILTER_FAILED', stage: 'transform', subscriptionId: subscription.id});
	});

	test('transform - returning something that is not an envelope dead-letters the event', async () => {
		const bus = new EventBus();
		const letters = collectDeadLetters(bus);
		bus.subscribe('a', () => {}, {transform: () => null as never});
		await bus.publish('a', 1);
		await bus.drain();
		expect(letters[0]!.error).toMatchObject({stage: 'transform', cause: expect.any(TypeError)});
	});

	test('transform - the filter sees the original event, before the transform', async () => {
		const bus = new EventBus();
		const filtered: unknown[] = [];
		bus.subscribe('a', () => {}, {
			filter(event) {
				filtered.push(event.payload);
				return true;
			},
			transform: event => ({...event, payload: 'changed'}),
		});
		await bus.publish('a', 'original');
		await bus.drain();
		expect(filtered).toEqual(['original']);
	});
});

describe('subscribe() - once', () => {
	test('once - the handler runs exactly once even with several events queued', async () => {
		const bus = new EventBus();
		const seen: unknown[] = [];
		bus.subscribe(
			'a',
			event => {
				seen.push(event.payload);
			},
			{once: true},
		);
		void bus.publish('a', 1);
		void bus.publish('a', 2);
		void bus.publish('a', 3);
		await bus.drain();
		expect(seen).toEqual([1]);
	});

	test('once - the subscription is inactive and removed after it fired', async () => {
		const bus = new EventBus();
		const subscription = bus.subscribe('a', () => {}, {once: true});
		await bus.publish('a', 1);
		await bus.drain();
		expect(subscription.isActive).toBe(false);
		expect(bus.subscriptions()).toEqual([]);
	});

	test('once - an event its filter rejects does not use it up', async () => {
		const bus = new EventBus();
		const seen: unknown[] = [];
		bus.subscribe(
			'a',
			event => {
				seen.push(event.payload);
			},
			{once: true, filter: event => event.payload === 'yes'},
		);
		await bus.publish('a', 'no');
		await bus.publish('a', 'yes');
		await bus.publish('a', 'yes again');
		await bus.drain();
		expect(seen).toEqual(['yes']);
	});

	test('once - with an async handler it still runs once', async () => {
		const bus = new EventBus();
		const gate = deferred();
		let calls = 0;
		bus.subscribe(
			'a',
			async () => {
				calls++;
				await gate.promise;
			},
			{once: true, concurrency: 4},
		);
		await bus.publishBatch([
			{topic: 'a', payload: 1},
			{topic: 'a', payload: 2},
		]);
		gate.resolve();
		await bus.drain();
		expect(calls).toBe(1);
	});
});

describe('subscribe() - signal', () => {
	test('signal - aborting unsubscribes', async () => {
		const bus = new EventBus();
		const controller = new AbortController();
		const seen: unknown[] = [];
		const subscription = bus.subscribe(
			'a',
			event => {
				seen.push(event.payload);
			},
			{signal: controller.signal},
		);
		await bus.publish('a', 1);
		await bus.drain();
		controller.abort();
		await bus.publish('a', 2);
		await bus.drain();
		expect(seen).toEqual([1]);
		expect(subscription.isActive).toBe(false);
		expect(bus.subscriptions()).toEqual([]);
	});

	test('signal - an already-aborted signal gives an inactive handle that never receives events', async () => {
		const bus = new EventBus();
		let calls = 0;
		const subscription = bus.subscribe(
			'a',
			() => {
				calls++;
			},
			{signal: AbortSignal.abort()},
		);
		await bus.publish('a', 1);
		await bus.drain();
		expect(subscription.isActive).toBe(false);
		expect(calls).toBe(0);
		expect(bus.subscriptions()).toEqual([]);
		expect(bus.getMetrics().subscriptions).toBe(0);
	});

	test('signal - unsubscribing removes the listener it added to the signal', () => {
		const bus = new EventBus();
		const controller = new AbortController();
		for (let index = 0; index < 20; index++) bus.subscribe('a', () => {}, {signal: controller.signal}).unsubscribe();
		expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
	});

	test('signal - a once subscription that fired removes the listener it added to the signal', async () => {
		const bus = new EventBus();
		const controller = new AbortController();
		bus.subscribe('a', () => {}, {once: true, signal: controller.signal});
		await bus.publish('a', 1);
		await bus.drain();
		expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
	});
});

describe('subscribe() - name', () => {
	test('name - defaults to the subscription id', () => {
		const bus = new EventBus();
		const subscription = bus.subscribe('a', () => {});
		expect(subscription.name).toBe(subscription.id);
		expect(subscription.id).toMatch(/^sub_\d+$/);
	});

	test('name - shows in subscriptions() and in dead letters', async () => {
		const bus = new EventBus();
		const letters = collectDeadLetters(bus);
		bus.subscribe(
			'a',
			() => {
				throw new Error('boom');
			},
			{name: 'mailer'},
		);
		await bus.publish('a', 1);
		await bus.drain();
		expect(bus.subscriptions()[0]!.name).toBe('mailer');
		expect(letters[0]!.subscription?.name).toBe('mailer');
	});

	test('subscribe() - ids are unique per bus', () => {
		const bus = new EventBus();
		const ids = Array.from({length: 10}, () => bus.subscribe('a', () => {}).id);
		expect(new Set(ids).size).toBe(10);
	});
});

describe('subscribe() - concurrency', () => {
	test('concurrency - 1 (the default) runs one handler call at a time, in order', async () => {
		const bus = new EventBus();
		const gates = [deferred(), deferred(), deferred()];
		const started: number[] = [];
		bus.subscribe('a', async event => {
			const index = event.payload as number;
			started.push(index);
			await gates[index]!.promise;
		});
		await bus.publishBatch([0, 1, 2].map(payload => ({topic: 'a', payload})));
		await nextMacrotask();
		expect(started).toEqual([0]);
		gates[0]!.resolve();
		await nextMacrotask();
		expect(started).toEqual([0, 1]);
		gates[2]!.resolve();
		gates[1]!.resolve();
		await bus.drain();
		expect(started).toEqual([0, 1, 2]);
	});

	test('concurrency - N allows N handler calls in flight at once, no more', async () => {
		const bus = new EventBus();
		const gates = Array.from({length: 5}, () => deferred());
		const started: number[] = [];
		let running = 0;
		let maxRunning = 0;
		bus.subscribe(
			'a',
			async event => {
				const index = event.payload as number;
				started.push(index);
				running++;
				maxRunning = Math.max(maxRunning, running);
				await gates[index]!.promise;
				running--;
			},
			{concurrency: 3},
		);
		await bus.publishBatch([0, 1, 2, 3, 4].map(payload => ({topic: 'a', payload})));
		await nextMacrotask();
		expect(started).toEqual([0, 1, 2]);
		expect(bus.subscriptions()[0]).toMatchObject({inFlight: 3, pending: 2});
		gates[1]!.resolve();
		await nextMacrotask();
		expect(started).toEqual([0, 1, 2, 3]);
		expect(running).toBe(3);
		for (const gate of gates) gate.resolve();
		await bus.drain();
		expect(started).toEqual([0, 1, 2, 3, 4]);
		expect(maxRunning).toBe(3);
	});
});

describe('subscribe() - bad arguments', () => {
	test.each([
		['Expected `options.priority` to be a finite number, got `high` (string)', {priority: 'high'}],
		['Expected `options.filter` to be a function, got `true` (boolean)', {filter: true}],
		['Expected `options.transform` to be a function, got `1` (number)', {transform: 1}],
		['Expected `options.once` to be a boolean, got `1` (number)', {once: 1}],
		['Expected `options.signal` to be an AbortSignal, got `{}` (object)', {signal: {}}],
		['Expected `options.name` to be a string, got `1` (number)', {name: 1}],
		['Expected `options.concurrency` to be an integer >= 1, got `0` (number)', {concurrency: 0}],
		['Expected `options.concurrency` to be an integer >= 1, got `1.5` (number)', {concurrency: 1.5}],
		['Expected `options.timeoutMs` to be an integer >= 1, got `0` (number)', {timeoutMs: 0}],
		['Expected `options.maxPending` to be an integer >= 0 or Infinity, got `-1` (number)', {maxPending: -1}],
		['Expected `options.overflow` to be one of `wait`, `drop-oldest`, `drop-newest`, got `nope` (string)', {overflow: 'nope'}],
		['Expected `options.retry.attempts` to be an integer >= 1, got `0` (number)', {retry: {attempts: 0}}],
		['Expected `options.retry.backoff.jitter` to be one of `full`, `none`, got `half` (string)', {retry: {backoff: {jitter: 'half'}}}],
	])('subscribe() - rejects bad options with a TypeError: %s', (message, options) => {
		const bus = new EventBus();
		const error = thrownBy(() => bus.subscribe('a', () => {}, options as never));
		expect(error).toBeInstanceOf(TypeError);
		expect((error as Error).message).toBe(message);
		expect(bus.subscriptions()).toEqual([]);
	});

	test('subscribe() - a handler that is not a function throws a TypeError', () => {
		const bus = new EventBus();
		const error = thrownBy(() => bus.subscribe('a', 'nope' as never));
		expect((error as Error).message).toBe('Expected `handler` to be a function, got `nope` (string)');
	});

	test('subscribe() - an invalid pattern throws InvalidTopicError and subscribes nothing', () => {
		const bus = new EventBus();
		const error = thrownBy(() => bus.subscribe('a.***', () => {}));
		expect(error).toBeInstanceOf(InvalidTopicError);
		expect(error).toMatchObject({code: 'ERR_INVALID_TOPIC', topic: 'a.***'});
		expect(bus.subscriptions()).toEqual([]);
	});

	test('subscribe() - maxPending accepts Infinity', () => {
		const bus = new EventBus();
		expect(() => bus.subscribe('a', () => {}, {maxPending: Number.POSITIVE_INFINITY})).not.toThrow();
	});
});
