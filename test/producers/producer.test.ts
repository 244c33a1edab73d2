import {describe, expect, expectTypeOf, test} from 'vitest';
import {EventBus, InvalidTopicError} from '../../src/index.js';
import {createMockBus} from '../../src/testing/index.js';
import {createProducer, type Producer, type ScopedTopic} from '../../src/producers/producer.js';
import type {BusEvent} from '../../src/types.js';

type Events = {
	'order.created': {id: string};
	'order.paid': {id: string; amount: number};
	'user.saved': {name: string};
};

describe('createProducer()', () => {
	test('publishes under the prefix, with the source and metadata', async () => {
		const bus = new EventBus();
		const orders = createProducer(bus, {source: 'checkout', topicPrefix: 'order', metadata: {region: 'eu'}});
		const event = await orders.publish('created', {id: 'o-1'});
		expect(event).toMatchObject({topic: 'order.created', source: 'checkout', metadata: {region: 'eu'}, payload: {id: 'o-1'}});
		await bus.close();
	});

	test('a call\'s own metadata keys win over the producer\'s', async () => {
		const bus = new EventBus();
		const producer = createProducer(bus, {metadata: {region: 'eu', tier: 'gold'}});
		expect((await producer.publish('a', 1, {metadata: {tier: 'silver'}})).metadata).toEqual({region: 'eu', tier: 'silver'});
		await bus.close();
	});

	test('a call\'s own source wins over the producer\'s', async () => {
		const bus = new EventBus();
		const producer = createProducer(bus, {source: 'checkout'});
		expect((await producer.publish('a', 1, {source: 'retry-job'})).source).toBe('retry-job');
		await bus.close();
	});

	test('without options, publishes as the bus would', async () => {
		const bus = new EventBus({source: 'app'});
		const event = await createProducer(bus).publish('a.b', 1);
		expect(event).toMatchObject({topic: 'a.b', source: 'app', metadata: {}});
		await bus.close();
	});

	test('passes awaitDelivery through and resolves with the report', async () => {
		const bus = new EventBus();
		bus.subscribe('order.*', () => {});
		const report = await createProducer(bus, {topicPrefix: 'order'}).publish('created', {}, {awaitDelivery: true});
		expect(report).toMatchObject({matched: 1, succeeded: 1});
		await bus.close();
	});

	test('publishBatch() scopes every item', async () => {
		const bus = new EventBus();
		const events = await createProducer(bus, {topicPrefix: 'order', source: 'checkout'}).publishBatch([
			{topic: 'created', payload: 1},
			{topic: 'paid', payload: 2, options: {priority: 3}},
		]);
		expect(events.map(({topic, source, priority}) => [topic, source, priority])).toEqual([
			['order.created', 'checkout', 0],
			['order.paid', 'checkout', 3],
		]);
		await bus.close();
	});

	test('publishSync() - returns the envelope under the prefix, with the source and metadata', async () => {
		const bus = new EventBus();
		const orders = createProducer(bus, {source: 'checkout', topicPrefix: 'order', metadata: {region: 'eu'}});
		const event = orders.publishSync('created', {id: 'o-1'});
		expect(event).toMatchObject({topic: 'order.created', source: 'checkout', metadata: {region: 'eu'}, payload: {id: 'o-1'}});
		expect(bus.history()).toEqual([event]);
		await bus.close();
	});

	test('publishSync() - a call\'s own source and metadata keys win over the producer\'s', async () => {
		const bus = new EventBus();
		const producer = createProducer(bus, {source: 'checkout', metadata: {region: 'eu', tier: 'gold'}});
		const event = producer.publishSync('a', 1, {source: 'retry-job', metadata: {tier: 'silver'}, priority: 2});
		expect(event).toMatchObject({source: 'retry-job', metadata: {region: 'eu', tier: 'silver'}, priority: 2});
		await bus.close();
	});

	test('publishSync() - the bus validates the full topic: a bad one throws InvalidTopicError', async () => {
		const bus = new EventBus();
		expect(() => createProducer(bus, {topicPrefix: 'order'}).publishSync('bad topic', 1)).toThrow(InvalidTopicError);
		expect(bus.getMetrics().rejected).toBe(1);
		await bus.close();
	});

	test('publishSync() - a non-string topic throws a TypeError', () => {
		expect(() => createProducer(new EventBus()).publishSync(42 as never, 1)).toThrow('Expected `topic` to be a string');
	});

	test('publishSync() - malformed options throw a TypeError', () => {
		expect(() => createProducer(new EventBus()).publishSync('a', 1, 'urgent' as never)).toThrow('Expected `options`');
	});

	test('publishSync() - awaitDelivery throws the bus\'s TypeError', () => {
		expect(() => createProducer(new EventBus()).publishSync('a', 1, {awaitDelivery: true} as never)).toThrow(/use publish\(\)/);
	});

	test('publishSync() - throws a TypeError when the bus has no publishSync', () => {
		const producer = createProducer({publish: async () => ({})} as never);
		expect(() => producer.publishSync('a', 1)).toThrow('Expected `bus.publishSync` to be a function');
	});

	test('publishSync() - on a mock bus, the scoped event is recorded', () => {
		const bus = createMockBus();
		createProducer(bus, {topicPrefix: 'order', source: 'checkout'}).publishSync('created', 1);
		expect(bus.published().map(({topic, source}) => [topic, source])).toEqual([['order.created', 'checkout']]);
	});

	test('bus.producer() - has publishSync, scoped like its publish', async () => {
		const bus = new EventBus();
		const event = bus.producer({topicPrefix: 'order', source: 'checkout'}).publishSync('paid', 1);
		expect(event).toMatchObject({topic: 'order.paid', source: 'checkout'});
		await bus.close();
	});

	test('topic() gives the full topic', () => {
		expect(createProducer(new EventBus(), {topicPrefix: 'shop.order'}).topic('created')).toBe('shop.order.created');
	});

	test('the bus validates the full topic: a bad one rejects with InvalidTopicError', async () => {
		const bus = new EventBus();
		await expect(createProducer(bus, {topicPrefix: 'order'}).publish('bad topic', 1)).rejects.toBeInstanceOf(InvalidTopicError);
		await bus.close();
	});

	test('a non-string topic rejects with a TypeError rather than throwing', async () => {
		await expect(createProducer(new EventBus()).publish(42 as never, 1)).rejects.toThrow('Expected `topic` to be a string');
	});

	test.each(['', '.order', 'order.', 42])('refuses the prefix %j with a TypeError', prefix => {
		expect(() => createProducer(new EventBus(), {topicPrefix: prefix as string})).toThrow('Expected `options.topicPrefix`');
	});

	test('refuses something that is not a bus with a TypeError', () => {
		expect(() => createProducer({} as never)).toThrow('Expected `bus` to be a bus');
	});

	test('is frozen', () => {
		expect(Object.isFrozen(createProducer(new EventBus()))).toBe(true);
	});

	test('types the scoped topics and payloads of a typed bus', async () => {
		const bus = new EventBus<Events>();
		const orders = createProducer(bus, {topicPrefix: 'order'});
		expectTypeOf<ScopedTopic<Events, 'order'>>().toEqualTypeOf<'created' | 'paid'>();
		expectTypeOf(orders).toEqualTypeOf<Producer<Events, 'order'>>();
		const paid = orders.publish('paid', {id: 'o-1', amount: 1});
		expectTypeOf(paid).resolves.toEqualTypeOf<BusEvent<{id: string; amount: number}, 'order.paid'>>();
		// @ts-expect-error `saved` is not an `order.` topic
		const wrongTopic = orders.publish('saved', {name: 'x'});
		// @ts-expect-error the payload of `order.paid` has an amount
		const wrongPayload = orders.publish('paid', {id: 'o-1'});
		await Promise.all([paid, wrongTopic, wrongPayload]);
		await bus.close();
	});

	test('types publishSync() like publish(), without awaitDelivery', async () => {
		const bus = new EventBus<Events>();
		const orders = createProducer(bus, {topicPrefix: 'order'});
		expectTypeOf(orders.publishSync('paid', {id: 'o-1', amount: 1})).toEqualTypeOf<BusEvent<{id: string; amount: number}, 'order.paid'>>();
		// @ts-expect-error `saved` is not an `order.` topic
		orders.publishSync('saved', {name: 'x'});
		// @ts-expect-error `awaitDelivery` needs a promise: publish() only
		expect(() => orders.publishSync('paid', {id: 'o-2', amount: 1}, {awaitDelivery: true})).toThrow(TypeError);
		await bus.close();
	});
});
