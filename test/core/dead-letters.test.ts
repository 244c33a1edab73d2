import {afterEach, describe, expect, test, vi} from 'vitest';
import {EventBus, deadLetterTopic, type BusEvent, type DeadLetter} from '../../src/index.js';
import {collectDeadLetters} from './helpers.js';

afterEach(() => {
	vi.useRealTimers();
});

function failAlways(): never {
	throw new Error('always fails');
}

describe('dead letters', () => {
	test('deadLetter - after the last attempt the failure is emitted as {event, error, subscription, attempts, failedAt, reason}', async () => {
		vi.useFakeTimers({now: 1_700_000_000_000});
		const bus = new EventBus();
		const letters = collectDeadLetters(bus);
		const errors = [new Error('try 1'), new Error('try 2'), new Error('try 3')];
		let calls = 0;
		const subscription = bus.subscribe(
			'order.created',
			() => {
				throw errors[calls++]!;
			},
			{name: 'mailer', retry: {attempts: 3, backoff: {initialMs: 100, jitter: 'none'}}},
		);
		const event = await bus.publish('order.created', {id: 'o-1'});
		await vi.advanceTimersByTimeAsync(299);
		expect(letters).toEqual([]);
		await vi.advanceTimersByTimeAsync(1);
		await bus.drain();
		expect(letters).toEqual([
			{
				event,
				error: errors[2],
				reason: 'handler-failed',
				subscription: {id: subscription.id, name: 'mailer', pattern: 'order.created'},
				attempts: 3,
				failedAt: 1_700_000_000_300,
			},
		]);
	});

	test('deadLetter - is also published on $bus.dead-letter, its error as plain data', async () => {
		const bus = new EventBus();
		const letters = collectDeadLetters(bus);
		const published: BusEvent[] = [];
		bus.subscribe(deadLetterTopic, event => {
			published.push(event);
		});
		bus.subscribe('a', failAlways);
		const failed = await bus.publish('a', 1);
		await bus.drain();
		expect(deadLetterTopic).toBe('$bus.dead-letter');
		expect(published).toHaveLength(1);
		const {error, ...rest} = letters[0]!;
		expect(published[0]!.payload).toEqual({...rest, error: {name: 'Error', message: 'always fails', stack: (error as Error).stack}});
		expect(Object.isFrozen(published[0]!.payload)).toBe(true);
		expect(published[0]).toMatchObject({topic: '$bus.dead-letter', correlationId: failed.correlationId, causationId: failed.id});
	});

	test('deadLetter - the published error keeps an EventBusError\'s code', async () => {
		const bus = new EventBus();
		const published: BusEvent[] = [];
		bus.subscribe(deadLetterTopic, event => {
			published.push(event);
		});
		bus.subscribe('a', () => {}, {
			filter() {
				throw new Error('bad filter');
			},
		});
		await bus.publish('a', 1);
		await bus.drain();
		expect((published[0]!.payload as {error: unknown}).error).toMatchObject({name: 'FilterError', code: 'ERR_FILTER_FAILED'});
	});

	test('deadLetter - a `**` subscriber never sees $bus.dead-letter events', async () => {
		const bus = new EventBus();
		const topics: string[] = [];
		bus.subscribe('**', event => {
			topics.push(event.topic);
		});
		bus.subscribe('a', failAlways);
		await bus.publish('a', 1);
		await bus.drain();
		expect(topics).toEqual(['a']);
	});

	test('deadLetter - `$bus.**` receives them', async () => {
		const bus = new EventBus();
		const topics: string[] = [];
		bus.subscribe('$bus.**', event => {
			topics.push(event.topic);
		});
		bus.subscribe('a', failAlways);
		await bus.publish('a', 1);
		await bus.drain();
		expect(topics).toEqual(['$bus.dead-letter']);
	});

	test('deadLetter - a failing $bus.dead-letter subscriber is emitted but not republished, so nothing loops', async () => {
		const bus = new EventBus();
		const letters = collectDeadLetters(bus);
		let deadLetterEvents = 0;
		bus.subscribe(deadLetterTopic, () => {
			deadLetterEvents++;
			throw new Error('the dead-letter store is broken');
		});
		bus.subscribe('a', failAlways);
		await bus.publish('a', 1);
		await bus.drain();
		expect(deadLetterEvents).toBe(1);
		expect(letters.map(letter => letter.event.topic)).toEqual(['a', '$bus.dead-letter']);
	});

	test('deadLetter - a throwing deadLetter listener is reported as a warning and other listeners still run', async () => {
		const bus = new EventBus();
		const warnings: {code: string; error?: unknown}[] = [];
		const listenerError = new Error('listener broke');
		bus.on('warning', warning => {
			warnings.push(warning);
		});
		bus.on('deadLetter', () => {
			throw listenerError;
		});
		bus.subscribe('a', failAlways);
		await bus.publish('a', 1);
		await bus.drain();
		expect(warnings).toEqual([expect.objectContaining({code: 'ERR_LISTENER_FAILED', error: listenerError})]);
		await bus.publish('a', 2);
		await bus.drain();
		expect(warnings).toHaveLength(2);
	});

	test('deadLetter - a throwing warning listener cannot break delivery', async () => {
		const bus = new EventBus();
		const delivered: unknown[] = [];
		bus.on('warning', () => {
			throw new Error('warning listener broke');
		});
		bus.on('deadLetter', () => {
			throw new Error('dead-letter listener broke');
		});
		bus.subscribe('a', failAlways);
		bus.subscribe('a', event => {
			delivered.push(event.payload);
		});
		await bus.publish('a', 1);
		await bus.publish('a', 2);
		await bus.drain();
		expect(delivered).toEqual([1, 2]);
	});

	test('on() - the returned function stops listening', async () => {
		const bus = new EventBus();
		const letters: DeadLetter[] = [];
		const off = bus.on('deadLetter', letter => {
			letters.push(letter);
		});
		bus.subscribe('a', failAlways);
		await bus.publish('a', 1);
		await bus.drain();
		off();
		await bus.publish('a', 2);
		await bus.drain();
		expect(letters).toHaveLength(1);
	});

	test('on() - a listener that is not a function throws a TypeError', () => {
		const bus = new EventBus();
		expect(() => bus.on('deadLetter', 'nope' as never)).toThrow('Expected `listener` to be a function, got `nope` (string)');
	});

	test('deadLetter - metrics count failed attempts and dead letters', async () => {
		const bus = new EventBus();
		bus.subscribe('a', failAlways);
		await bus.publish('a', 1);
		await bus.publish('a', 2);
		await bus.drain();
		expect(bus.getMetrics()).toMatchObject({failed: 2, deadLettered: 2, delivered: 0});
	});
});
