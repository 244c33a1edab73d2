import {describe, expect, test} from 'vitest';
import {BatchInterruptedError, BusClosedError, EventBus, InvalidPayloadError} from '../../src/index.js';
import {deferred, nested, nextMacrotask, rejectionOf} from './helpers.js';

describe('payloads that cannot be read are refused with a code', () => {
	const hostile: Record<string, () => unknown> = {
		'a throwing getter': () => ({
			get secret(): never {
				throw new Error('getter');
			},
		}),
		'a revoked Proxy': () => {
			const {proxy, revoke} = Proxy.revocable({}, {});
			revoke();
			return proxy;
		},
		'a nested throwing Proxy': () => ({
			inner: new Proxy(
				{a: 1},
				{
					ownKeys() {
						throw new Error('ownKeys');
					},
				},
			),
		}),
	};

	for (const freezePayloads of [true, false]) {
		test.each(Object.keys(hostile))(`%s - InvalidPayloadError (unreadable), freezePayloads ${freezePayloads}`, async name => {
			const bus = new EventBus({freezePayloads});
			const error = await rejectionOf(bus.publish('a', hostile[name]!()));
			expect(error).toBeInstanceOf(InvalidPayloadError);
			expect(error).toMatchObject({code: 'ERR_INVALID_PAYLOAD', reason: 'unreadable'});
			expect(bus.getMetrics()).toMatchObject({published: 0, rejected: 1});
		});
	}

	test('maxPayloadDepth is honoured with freezePayloads: false', async () => {
		const bus = new EventBus({freezePayloads: false, maxPayloadDepth: 3});
		expect(await rejectionOf(bus.publish('a', nested(5)))).toMatchObject({code: 'ERR_INVALID_PAYLOAD', reason: 'too-deep'});
		const accepted = await bus.publish('a', nested(2));
		expect(Object.isFrozen(accepted.payload)).toBe(false);
	});

	test('a Map inside a frozen payload: the Map object is frozen, its entries are not (documented)', async () => {
		const bus = new EventBus();
		const map = new Map([['k', 1]]);
		await bus.publish('a', {map});
		expect(Object.isFrozen(map)).toBe(true);
		map.set('k', 2);
		expect(map.get('k')).toBe(2);
	});
});

describe('publishBatch interrupted by stop()', () => {
	test('the error names the events accepted before the stop; the others were never accepted', async () => {
		const bus = new EventBus({maxQueueSize: 2});
		const gate = deferred();
		const handled: unknown[] = [];
		bus.subscribe(
			'a',
			async event => {
				handled.push(event.payload);
				await gate.promise;
			},
			{maxPending: 0},
		);
		const batch = bus.publishBatch([1, 2, 3, 4, 5, 6].map(payload => ({topic: 'a' as const, payload})));
		const outcome = rejectionOf(batch);
		await nextMacrotask();
		const stopped = bus.stop();
		gate.resolve();
		const error = await outcome;
		expect(error).toBeInstanceOf(BatchInterruptedError);
		const accepted = (error as BatchInterruptedError).accepted;
		expect(accepted.length).toBeGreaterThan(0);
		expect(accepted.length).toBeLessThan(6);
		expect((error as Error).cause).toBeInstanceOf(BusClosedError);
		await stopped;
		expect(handled).toEqual(accepted.map((_, index) => index + 1));
		expect(bus.getMetrics()).toMatchObject({published: accepted.length, rejected: 6 - accepted.length});
	});

	test('a batch interrupted before any of it was accepted rejects with the plain error', async () => {
		const bus = new EventBus({maxQueueSize: 1});
		bus.subscribe('a', async () => new Promise(() => {}), {maxPending: 0});
		await bus.publish('a', 0);
		await bus.publish('a', 1);
		await nextMacrotask();
		const batch = rejectionOf(bus.publishBatch([{topic: 'a', payload: 2}]));
		await nextMacrotask();
		void bus.stop({timeoutMs: 10});
		expect(await batch).toBeInstanceOf(BusClosedError);
	});
});
