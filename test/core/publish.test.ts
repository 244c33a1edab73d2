import {afterEach, describe, expect, test, vi} from 'vitest';
import {EventBus, InvalidPayloadError, InvalidTopicError, type BusEvent} from '../../src/index.js';
import {nested, rejectionOf} from './helpers.js';

afterEach(() => {
	vi.useRealTimers();
});

describe('publish()', () => {
	test('publish() - resolves with the frozen envelope once queued', async () => {
		const bus = new EventBus();
		const event = await bus.publish('order.created', {id: 'o-1'});
		expect(Object.isFrozen(event)).toBe(true);
		expect(event).toEqual({
			id: event.id,
			topic: 'order.created',
			payload: {id: 'o-1'},
			timestamp: event.timestamp,
			source: 'topicbus',
			correlationId: event.id,
			causationId: undefined,
			priority: 0,
			metadata: {},
		});
		expect(bus.getMetrics().published).toBe(1);
	});

	test('publish() - the id is 26 characters of lowercase base-32', async () => {
		const bus = new EventBus();
		const event = await bus.publish('a', null);
		expect(event.id).toMatch(/^[0-9a-v]{26}$/);
	});

	test('publish() - the timestamp is the time of acceptance', async () => {
		vi.useFakeTimers({now: 1_700_000_000_000});
		const bus = new EventBus();
		const event = await bus.publish('a', null);
		expect(event.timestamp).toBe(1_700_000_000_000);
	});

	test('publish() - source defaults to the bus option', async () => {
		const bus = new EventBus({source: 'billing'});
		const event = await bus.publish('a', null);
		expect(event.source).toBe('billing');
	});

	test('publish() - options set priority, source, metadata, id, correlationId and causationId', async () => {
		const bus = new EventBus();
		const event = await bus.publish('a', null, {
			priority: 7,
			source: 'svc',
			metadata: {tenant: 't-1'},
			id: 'my-id',
			correlationId: 'corr',
			causationId: 'cause',
		});
		expect(event).toMatchObject({priority: 7, source: 'svc', metadata: {tenant: 't-1'}, id: 'my-id', correlationId: 'corr', causationId: 'cause'});
	});

	test('publish() - metadata is a frozen copy: changing the caller\'s object later changes nothing', async () => {
		const bus = new EventBus();
		const metadata: Record<string, unknown> = {tenant: 't-1'};
		const event = await bus.publish('a', null, {metadata});
		metadata.tenant = 't-2';
		expect(Object.isFrozen(event.metadata)).toBe(true);
		expect(event.metadata.tenant).toBe('t-1');
	});

	test('publish() - never calls a handler synchronously', async () => {
		const bus = new EventBus();
		const seen: unknown[] = [];
		bus.subscribe('a', event => {
			seen.push(event.payload);
		});
		const published = bus.publish('a', 1);
		expect(seen).toEqual([]);
		await published;
		await bus.drain();
		expect(seen).toEqual([1]);
	});

	test('publish() - resolves while the matching handler is still running', async () => {
		const bus = new EventBus();
		bus.subscribe('a', async () => new Promise(() => {}));
		const event = await bus.publish('a', 1);
		await Promise.resolve();
		expect(event.topic).toBe('a');
		expect(bus.getMetrics().inFlight).toBe(1);
	});

	test('publish() - the payload is deep-frozen', async () => {
		const bus = new EventBus();
		const event = await bus.publish('a', {nested: {value: 1}, list: [{x: 1}]});
		const payload = event.payload as {nested: {value: number}; list: {x: number}[]};
		expect(Object.isFrozen(payload)).toBe(true);
		expect(Object.isFrozen(payload.nested)).toBe(true);
		expect(Object.isFrozen(payload.list)).toBe(true);
		expect(Object.isFrozen(payload.list[0])).toBe(true);
		expect(() => {
			payload.nested.value = 2;
		}).toThrow(TypeError);
	});

	test('publish() - a handler cannot change the payload another handler sees', async () => {
		const bus = new EventBus();
		const seen: unknown[] = [];
		bus.subscribe('a', event => {
			try {
				(event.payload as {value: number}).value = 666;
			} catch {}
		});
		bus.subscribe('a', event => {
			seen.push((event.payload as {value: number}).value);
		});
		await bus.publish('a', {value: 1});
		await bus.drain();
		expect(seen).toEqual([1]);
	});

	test('publish() - a payload frozen only at its root is still frozen all the way down', async () => {
		const bus = new EventBus();
		const event = await bus.publish('a', Object.freeze({nested: {value: 1}}));
		expect(Object.isFrozen((event.payload as {nested: object}).nested)).toBe(true);
	});

	test('publish() - a frozen object inside the payload does not stop the freeze below it', async () => {
		const bus = new EventBus();
		const event = await bus.publish('a', {outer: Object.freeze({inner: {value: 1}})});
		expect(Object.isFrozen((event.payload as {outer: {inner: object}}).outer.inner)).toBe(true);
	});

	test('publish() - with freezePayloads false the payload is left as it is', async () => {
		const bus = new EventBus({freezePayloads: false});
		const payload = {nested: {value: 1}};
		const event = await bus.publish('a', payload);
		expect(event.payload).toBe(payload);
		expect(Object.isFrozen(payload)).toBe(false);
		expect(Object.isFrozen(event)).toBe(true);
	});

	test('publish() - a payload with a cycle is accepted and frozen', async () => {
		const bus = new EventBus();
		const payload: {self?: unknown; value: number} = {value: 1};
		payload.self = payload;
		const event = await bus.publish('a', payload);
		expect(Object.isFrozen(event.payload)).toBe(true);
	});

	test('publish() - ids are unique and sort in creation order over many events', async () => {
		const bus = new EventBus();
		const ids: string[] = [];
		for (let round = 0; round < 5; round++) {
			const events = await Promise.all(Array.from({length: 2000}, async (_, index) => bus.publish('a', index)));
			ids.push(...events.map(event => event.id));
			await new Promise(resolve => {
				setTimeout(resolve, 1);
			});
		}
		expect(new Set(ids).size).toBe(ids.length);
		expect([...ids].sort()).toEqual(ids);
	});

	test('publish() - ids made in later milliseconds sort after earlier ones', async () => {
		vi.useFakeTimers({now: 1_700_000_000_000});
		const bus = new EventBus();
		const first = await bus.publish('a', 1);
		vi.setSystemTime(1_700_000_000_001);
		const second = await bus.publish('a', 2);
		vi.setSystemTime(1_700_000_086_400);
		const third = await bus.publish('a', 3);
		expect(first.id < second.id && second.id < third.id).toBe(true);
		expect([first.timestamp, second.timestamp, third.timestamp]).toEqual([1_700_000_000_000, 1_700_000_000_001, 1_700_000_086_400]);
	});

	test('publish() - timestamps never decrease when the wall clock steps back', async () => {
		vi.useFakeTimers({now: 1_700_000_000_000});
		const bus = new EventBus();
		const first = await bus.publish('a', 1);
		vi.setSystemTime(1_699_999_999_000);
		const second = await bus.publish('a', 2);
		expect(second.timestamp).toBeGreaterThanOrEqual(first.timestamp);
		expect(second.id > first.id).toBe(true);
	});
});

describe('publish() - bad arguments', () => {
	test.each([
		['Expected `options.priority` to be a finite number, got `high` (string)', {priority: 'high'}],
		['Expected `options.priority` to be a finite number, got `NaN` (number)', {priority: Number.NaN}],
		['Expected `options.priority` to be a finite number, got `Infinity` (number)', {priority: Number.POSITIVE_INFINITY}],
		['Expected `options.source` to be a string, got `1` (number)', {source: 1}],
		['Expected `options.correlationId` to be a string, got `1` (number)', {correlationId: 1}],
		['Expected `options.causationId` to be a string, got `false` (boolean)', {causationId: false}],
		['Expected `options.metadata` to be an object, got `x` (string)', {metadata: 'x'}],
		['Expected `options.metadata` to be an object, got `[]` (array)', {metadata: []}],
		['Expected `options.id` to be a non-empty string, got `` (string)', {id: ''}],
		['Expected `options.awaitDelivery` to be a boolean, got `yes` (string)', {awaitDelivery: 'yes'}],
	])('publish() - rejects bad options with a TypeError: %s', async (message, options) => {
		const bus = new EventBus();
		const error = await rejectionOf(bus.publish('a', null, options as never));
		expect(error).toBeInstanceOf(TypeError);
		expect((error as Error).message).toBe(message);
	});

	test('publish() - rejects options that are not an object with a TypeError', async () => {
		const bus = new EventBus();
		const error = await rejectionOf(bus.publish('a', null, null as never));
		expect(error).toBeInstanceOf(TypeError);
		expect((error as Error).message).toBe('Expected `options` to be an object, got `null` (null)');
	});

	test('publish() - reports a bad argument as a rejection, never a synchronous throw', async () => {
		const bus = new EventBus();
		let published: Promise<unknown> | undefined;
		expect(() => {
			published = bus.publish('a..b', null);
		}).not.toThrow();
		await expect(published).rejects.toBeInstanceOf(InvalidTopicError);
	});

	test('publish() - a topic that is not a string rejects with a TypeError', async () => {
		const bus = new EventBus();
		const error = await rejectionOf(bus.publish(42 as never, null));
		expect(error).toBeInstanceOf(TypeError);
		expect((error as Error).message).toBe('Expected `topic` to be a string, got `42` (number)');
	});

	test.each([
		['', 'empty'],
		['a..b', 'empty-segment'],
		['.a', 'empty-segment'],
		['a.', 'empty-segment'],
		['order.*', 'wildcard-in-topic'],
		['order.**', 'wildcard-in-topic'],
		['**', 'wildcard-in-topic'],
		['a b', 'invalid-character'],
		['$bus.dead-letter', 'reserved'],
		['$custom', 'reserved'],
		['x'.repeat(65), 'segment-too-long'],
	])('publish() - topic %j rejects with InvalidTopicError (%s)', async (topic, reason) => {
		const bus = new EventBus();
		const error = await rejectionOf(bus.publish(topic, null));
		expect(error).toBeInstanceOf(InvalidTopicError);
		expect(error).toMatchObject({code: 'ERR_INVALID_TOPIC', topic, reason});
	});

	test('publish() - a topic past the bus\'s maxSegments limit rejects with InvalidTopicError', async () => {
		const bus = new EventBus({limits: {maxSegments: 2}});
		const error = await rejectionOf(bus.publish('a.b.c', null));
		expect(error).toMatchObject({code: 'ERR_INVALID_TOPIC', reason: 'too-many-segments'});
	});

	test('publish() - an invalid topic is not queued, not recorded and not delivered', async () => {
		const bus = new EventBus();
		const seen: unknown[] = [];
		bus.subscribe('**', event => {
			seen.push(event);
		});
		await rejectionOf(bus.publish('a..b', null));
		await bus.drain();
		expect(seen).toEqual([]);
		expect(bus.history()).toEqual([]);
		expect(bus.getMetrics().published).toBe(0);
	});

	test('publish() - a refused publish is reported on the rejected diagnostic with its topic, payload and error', async () => {
		vi.useFakeTimers({now: 1_700_000_000_000});
		const bus = new EventBus();
		const rejections: unknown[] = [];
		bus.on('rejected', rejection => {
			rejections.push(rejection);
		});
		const payload = {id: 1};
		const error = await rejectionOf(bus.publish('a..b', payload));
		expect(rejections).toEqual([{topic: 'a..b', payload, error, rejectedAt: 1_700_000_000_000}]);
	});

	test('publish() - counts every refused publish as rejected', async () => {
		const bus = new EventBus();
		await rejectionOf(bus.publish('a..b', null));
		await rejectionOf(bus.publish('a', null, {priority: 'x'} as never));
		await rejectionOf(bus.publish('$x', null));
		await bus.publish('a', null);
		expect(bus.getMetrics()).toMatchObject({rejected: 3, published: 1});
	});
});

describe('publish() - hostile payloads', () => {
	test('publish() - a payload nested maxPayloadDepth levels deep is accepted', async () => {
		const bus = new EventBus({maxPayloadDepth: 3});
		await expect(bus.publish('a', nested(3))).resolves.toMatchObject({topic: 'a'});
	});

	test('publish() - a payload nested deeper than maxPayloadDepth rejects with InvalidPayloadError', async () => {
		const bus = new EventBus({maxPayloadDepth: 3});
		const error = await rejectionOf(bus.publish('deep.topic', nested(4)));
		expect(error).toBeInstanceOf(InvalidPayloadError);
		expect(error).toMatchObject({code: 'ERR_INVALID_PAYLOAD', topic: 'deep.topic', reason: 'too-deep'});
		expect((error as Error).message).toContain('maxPayloadDepth');
	});

	test('publish() - arrays count as nesting levels too', async () => {
		const bus = new EventBus({maxPayloadDepth: 2});
		const error = await rejectionOf(bus.publish('a', [[[[1]]]]));
		expect(error).toBeInstanceOf(InvalidPayloadError);
	});

	test('publish() - 100,000 levels of nesting get a clear error and leave the bus working', async () => {
		const bus = new EventBus();
		const seen: unknown[] = [];
		bus.subscribe('a', event => {
			seen.push(event.payload);
		});
		let deep: unknown[] = [];
		for (let level = 0; level < 100_000; level++) deep = [deep];
		const error = await rejectionOf(bus.publish('a', deep));
		expect(error).toBeInstanceOf(InvalidPayloadError);
		await bus.publish('a', 'still working');
		await bus.drain();
		expect(seen).toEqual(['still working']);
	});

	test('publish() - a payload frozen at its root still obeys maxPayloadDepth', async () => {
		const bus = new EventBus({maxPayloadDepth: 3});
		const error = await rejectionOf(bus.publish('a', Object.freeze(nested(10))));
		expect(error).toBeInstanceOf(InvalidPayloadError);
	});

	test('publish() - a `__proto__` key in the payload does not pollute Object.prototype', async () => {
		const bus = new EventBus();
		const seen: BusEvent[] = [];
		bus.subscribe('a', event => {
			seen.push(event);
		});
		const payload = JSON.parse('{"__proto__": {"polluted": true}, "ok": 1}') as Record<string, unknown>;
		await bus.publish('a', payload);
		await bus.drain();
		expect(({} as Record<string, unknown>).polluted).toBeUndefined();
		expect(Object.isFrozen(Object.prototype)).toBe(false);
		expect(Object.getPrototypeOf(seen[0]!.payload)).toBe(Object.prototype);
	});

	test('publish() - a `__proto__` key in metadata stays an own key and pollutes nothing', async () => {
		const bus = new EventBus();
		const metadata = JSON.parse('{"__proto__": {"polluted": true}}') as Record<string, unknown>;
		const event = await bus.publish('a', null, {metadata});
		expect(({} as Record<string, unknown>).polluted).toBeUndefined();
		expect(Object.getPrototypeOf(event.metadata)).toBe(Object.prototype);
		expect(Object.hasOwn(event.metadata, '__proto__')).toBe(true);
	});

	test('publish() - a typed array in the payload is accepted', async () => {
		const bus = new EventBus();
		const event = await bus.publish('a', {bytes: new Uint8Array([1, 2, 3])});
		expect((event.payload as {bytes: Uint8Array}).bytes).toEqual(new Uint8Array([1, 2, 3]));
	});
});
