/**
 * Whatever a handler, filter or transform throws (or a handler returns), isolation holds: the other subscribers
 * get the event, the failure is a dead letter, `drain()` and delivery reports settle, and nothing escapes as an
 * unhandled rejection (vitest fails the run on one).
 */
import fc from 'fast-check';
import {describe, expect, test} from 'vitest';
import {EventBus, FilterError, type SubscribeOptions} from '../../src/index.js';
import {createMockBus} from '../../src/testing/index.js';
import {collectDeadLetters} from './helpers.js';

/** Values that break naive error handling: each one throws when turned into text or inspected. */
function hostileValues(): Record<string, () => unknown> {
	return {
		'an object without a prototype': () => Object.create(null),
		'an object whose toString throws': () => ({
			toString() {
				throw new Error('toString');
			},
		}),
		'a revoked Proxy': () => {
			const {proxy, revoke} = Proxy.revocable({}, {});
			revoke();
			return proxy;
		},
		'an Error whose stack getter throws': () => {
			const error = new Error('stack');
			Object.defineProperty(error, 'stack', {
				get() {
					throw new Error('stack getter');
				},
			});
			return error;
		},
		'an Error whose message getter throws': () => {
			const error = new Error('x');
			Object.defineProperty(error, 'message', {
				get() {
					throw new Error('message getter');
				},
			});
			return error;
		},
		'a Proxy whose every trap throws': () =>
			new Proxy(
				{},
				{
					get() {
						throw new Error('get');
					},
					getPrototypeOf() {
						throw new Error('getPrototypeOf');
					},
					has() {
						throw new Error('has');
					},
					ownKeys() {
						throw new Error('ownKeys');
					},
				},
			),
		'a symbol': () => Symbol('thrown'),
		undefined: () => undefined,
		null: () => null,
	};
}

type Stage = 'handler throws' | 'handler rejects' | 'handler returns' | 'filter throws' | 'transform throws';
const stages: readonly Stage[] = ['handler throws', 'handler rejects', 'handler returns', 'filter throws', 'transform throws'];

function hostileSubscription(stage: Stage, make: () => unknown): {handler: () => unknown; options: SubscribeOptions} {
	switch (stage) {
		case 'handler throws': {
			return {
				handler() {
					throw make();
				},
				options: {},
			};
		}
		case 'handler rejects': {
			return {handler: async () => Promise.reject(make()), options: {}};
		}
		case 'handler returns': {
			return {handler: () => make(), options: {}};
		}
		case 'filter throws': {
			return {
				handler() {},
				options: {
					filter() {
						throw make();
					},
				},
			};
		}
		case 'transform throws': {
			return {
				handler() {},
				options: {
					transform() {
						throw make();
					},
				},
			};
		}
	}
}

const values = hostileValues();

describe('hostile thrown values keep isolation', () => {
	test('property - any hostile value at any stage, on EventBus: the others get every event, reports and drain settle', async () => {
		await fc.assert(
			fc.asyncProperty(fc.constantFrom(...Object.keys(values)), fc.constantFrom(...stages), fc.integer({min: 1, max: 4}), async (name, stage, events) => {
				const bus = new EventBus();
				const letters = collectDeadLetters(bus);
				const received: unknown[] = [];
				const hostile = hostileSubscription(stage, values[name]!);
				bus.subscribe('a', hostile.handler, {...hostile.options, priority: 10, name: 'hostile'});
				bus.subscribe('a', event => {
					received.push(event.payload);
				});
				const reports = [];
				for (let index = 0; index < events; index++) reports.push(await bus.publish('a', index, {awaitDelivery: true}));
				await bus.drain();
				expect(received).toHaveLength(events);
				for (const report of reports) expect(report.matched).toBe(2);
				const failedHere = stage === 'handler returns' && name !== 'a revoked Proxy' && name !== 'a Proxy whose every trap throws' ? 0 : events;
				expect(letters.filter(letter => letter.subscription?.name === 'hostile')).toHaveLength(failedHere);
				expect(bus.getMetrics()).toMatchObject({inFlight: 0, queueSize: 0});
				await bus.close();
			}),
			{numRuns: 60},
		);
	});

	test.each(stages)('mock bus - %s with every hostile value: the others get the event and drain settles', async stage => {
		for (const make of Object.values(values)) {
			const bus = createMockBus();
			const received: unknown[] = [];
			const hostile = hostileSubscription(stage, make);
			bus.subscribe('a', hostile.handler, {...hostile.options, priority: 10});
			bus.subscribe('a', event => {
				received.push(event.payload);
			});
			await bus.publish('a', 1);
			await bus.drain();
			expect(received).toEqual([1]);
		}
	});

	test('a filter that throws a revoked Proxy is a FilterError whose message says it cannot describe it', async () => {
		const bus = new EventBus();
		const letters = collectDeadLetters(bus);
		bus.subscribe('a', () => {}, {
			filter() {
				throw values['a revoked Proxy']!();
			},
		});
		await bus.publish('a', 1);
		await bus.drain();
		expect(letters[0]?.error).toBeInstanceOf(FilterError);
		expect((letters[0]?.error as Error).message).toMatch(/threw: /);
	});
});
