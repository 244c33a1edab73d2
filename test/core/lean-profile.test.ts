import {afterEach, describe, expect, test, vi} from 'vitest';
import {EventBus, leanProfile, type BusEvent} from '../../src/index.js';

afterEach(() => {
	vi.useRealTimers();
});

describe('freezeEnvelopes', () => {
	test('freezeEnvelopes: false - the envelope is a plain, unfrozen object', () => {
		const bus = new EventBus({freezeEnvelopes: false});
		const event = bus.publishSync('a', {n: 1});
		expect(Object.isFrozen(event)).toBe(false);
		expect(event).toMatchObject({topic: 'a', payload: {n: 1}});
	});

	test('freezeEnvelopes: false - metadata is still a copy, so the publisher\'s object does not leak into the event', () => {
		const bus = new EventBus({freezeEnvelopes: false});
		const metadata = {tenant: 't1'};
		const event = bus.publishSync('a', null, {metadata});
		metadata.tenant = 't2';
		expect(event.metadata).toEqual({tenant: 't1'});
	});

	test('freezeEnvelopes: false - the payload is still deep-frozen unless freezePayloads is false too', () => {
		const bus = new EventBus({freezeEnvelopes: false});
		const event = bus.publishSync('a', {nested: {n: 1}});
		expect(Object.isFrozen((event.payload as {nested: object}).nested)).toBe(true);
	});

	test('freezeEnvelopes: false - an envelope a transform returns is passed on as it is', async () => {
		const bus = new EventBus({freezeEnvelopes: false});
		const seen: BusEvent[] = [];
		bus.subscribe('a', event => void seen.push(event), {transform: event => ({...event, payload: 2})});
		await bus.publish('a', 1);
		await bus.drain();
		expect(seen[0]!.payload).toBe(2);
		expect(Object.isFrozen(seen[0])).toBe(false);
	});
});

describe('timestamps', () => {
	test('timestamps: per-burst - events published in one synchronous run share the time of the first', () => {
		vi.useFakeTimers({now: 1_700_000_000_000, toFake: ['Date']});
		const bus = new EventBus({timestamps: 'per-burst'});
		const first = bus.publishSync('a', null);
		vi.setSystemTime(1_700_000_000_250);
		const second = bus.publishSync('a', null);
		expect(second.timestamp).toBe(first.timestamp);
	});

	test('timestamps: per-burst - an event published after an await reads the clock again', async () => {
		vi.useFakeTimers({now: 1_700_000_000_000, toFake: ['Date']});
		const bus = new EventBus({timestamps: 'per-burst'});
		const first = bus.publishSync('a', null);
		vi.setSystemTime(1_700_000_000_250);
		await Promise.resolve();
		const second = bus.publishSync('a', null);
		expect(second.timestamp - first.timestamp).toBe(250);
	});

	test('timestamps: per-burst - still never decreases when the wall clock steps back', async () => {
		vi.useFakeTimers({now: 1_700_000_000_000, toFake: ['Date']});
		const bus = new EventBus({timestamps: 'per-burst'});
		const first = bus.publishSync('a', null);
		vi.setSystemTime(1_699_999_999_000);
		await Promise.resolve();
		const second = bus.publishSync('a', null);
		expect(second.timestamp).toBe(first.timestamp);
		expect(second.id > first.id).toBe(true);
	});
});

describe('leanProfile', () => {
	test('leanProfile - is a frozen set of bus options', () => {
		expect(Object.isFrozen(leanProfile)).toBe(true);
		expect(leanProfile).toEqual({historySize: 0, asyncContext: false, freezePayloads: false, freezeEnvelopes: false, timestamps: 'per-burst'});
	});

	test('leanProfile - a bus built from it delivers, and neither the envelope nor the payload is frozen', async () => {
		const bus = new EventBus(leanProfile);
		const seen: BusEvent[] = [];
		bus.subscribe('order.*', event => void seen.push(event));
		const event = await bus.publish('order.created', {id: 'o-1'});
		await bus.drain();
		expect(seen).toEqual([event]);
		expect(Object.isFrozen(event)).toBe(false);
		expect(Object.isFrozen(event.payload)).toBe(false);
	});

	test('leanProfile - keeps no history', async () => {
		const bus = new EventBus(leanProfile);
		await bus.publish('a', 1);
		await bus.drain();
		expect(bus.history()).toEqual([]);
	});

	test('leanProfile - an event published in the synchronous part of a handler still inherits correlation', async () => {
		const bus = new EventBus(leanProfile);
		const children: BusEvent[] = [];
		bus.subscribe('parent', () => void bus.publishSync('child', null));
		bus.subscribe('child', event => void children.push(event));
		const parent = await bus.publish('parent', null, {correlationId: 'wf-1'});
		await bus.drain();
		expect(children[0]).toMatchObject({correlationId: 'wf-1', causationId: parent.id});
	});

	test('leanProfile - an event published after an await in a handler starts its own workflow', async () => {
		const bus = new EventBus(leanProfile);
		const children: BusEvent[] = [];
		bus.subscribe('parent', async () => {
			await Promise.resolve();
			bus.publishSync('child', null);
		});
		bus.subscribe('child', event => void children.push(event));
		await bus.publish('parent', null, {correlationId: 'wf-1'});
		await bus.drain();
		expect(children[0]!.correlationId).toBe(children[0]!.id);
		expect(children[0]!.causationId).toBeUndefined();
	});

	test('leanProfile - options given next to it win', () => {
		const bus = new EventBus({...leanProfile, historySize: 10});
		bus.publishSync('a', 1);
		expect(bus.history()).toHaveLength(1);
	});
});
