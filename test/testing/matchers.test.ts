import {describe, expect, expectTypeOf, test} from 'vitest';
import '../../src/testing/vitest.js';
import {InvalidTopicError} from '../../src/index.js';
import {createMockBus, createTestBus, topicbusMatchers} from '../../src/testing/index.js';

/** The message `run` fails with (the matcher's own message, as vitest reports it). */
function failureOf(run: () => void): string {
	try {
		run();
	} catch (error) {
		return (error as Error).message;
	}
	throw new Error('expected the assertion to fail, but it passed');
}

async function busWith(...events: Array<[topic: string, payload: unknown]>): Promise<ReturnType<typeof createMockBus>> {
	const bus = createMockBus();
	for (const [topic, payload] of events) await bus.publish(topic, payload);
	return bus;
}

describe('toHavePublished()', () => {
	test('toHavePublished() - passes on a topic, a pattern, a partial payload and asymmetric matchers', async () => {
		const bus = await busWith(['order.created', {id: 'o-1', total: 42, lines: [{sku: 'a'}]}]);
		expect(bus).toHavePublished('order.created');
		expect(bus).toHavePublished('order.*');
		expect(bus).toHavePublished('order.created', {id: 'o-1'});
		expect(bus).toHavePublished('order.created', {total: expect.any(Number), lines: [expect.objectContaining({sku: 'a'})]});
		expect(bus).toHavePublished('order.created', expect.objectContaining({id: expect.stringMatching(/^o-/)}));
		expect(bus).not.toHavePublished('order.paid');
		expect(bus).not.toHavePublished('order.created', {id: 'o-2'});
	});

	test('toHavePublished() - nested objects compare in full, as with expect.objectContaining', async () => {
		const bus = await busWith(['a', {customer: {id: 'c-1', name: 'Ada'}}]);
		expect(bus).not.toHavePublished('a', {customer: {id: 'c-1'}});
		expect(bus).toHavePublished('a', {customer: expect.objectContaining({id: 'c-1'})});
	});

	test('toHavePublished() - a missing property fails even when expected undefined; primitives compare whole', async () => {
		const bus = await busWith(['a', {x: 1}], ['n', 7], ['nothing', null]);
		expect(bus).not.toHavePublished('a', {y: undefined});
		expect(bus).toHavePublished('n', 7);
		expect(bus).not.toHavePublished('n', {});
		expect(bus).toHavePublished('nothing', null);
	});

	test('toHavePublished() - the failure shows each event on the topic and what differs', async () => {
		const bus = await busWith(['order.created', {id: 'o-1', total: 40}], ['order.created', {id: 'o-2'}], ['order.paid', {id: 'o-1'}]);
		expect(failureOf(() => expect(bus).toHavePublished('order.created', {id: 'o-1', total: 42}))).toBe(
			[
				'expected the bus to have published `order.created` with a payload matching {id: \'o-1\', total: 42}',
				'2 events on `order.created`, none matching:',
				"  #1 {id: 'o-1', total: 40}",
				'     total: expected 42, got 40',
				"  #2 {id: 'o-2'}",
				"     id: expected 'o-1', got 'o-2'",
				'     total: expected 42, got nothing (missing)',
			].join('\n'),
		);
	});

	test('toHavePublished() - with nothing on the topic, the failure lists what was published instead', async () => {
		const bus = await busWith(['order.paid', null], ['user.created', null], ['user.created', null]);
		expect(failureOf(() => expect(bus).toHavePublished('order.created'))).toBe(
			'expected the bus to have published `order.created`, but it published nothing on it\npublished instead: order.paid, user.created ×2',
		);
		expect(failureOf(() => expect(createMockBus()).toHavePublished('a', {}))).toBe(
			'expected the bus to have published `a` with a payload matching {}, but it published nothing on it\nnothing was published at all',
		);
	});

	test('toHavePublished() - .not fails with the event that matched', async () => {
		const bus = await busWith(['a', {id: 1, extra: true}]);
		const event = bus.published()[0]!;
		expect(failureOf(() => expect(bus).not.toHavePublished('a', {id: 1}))).toBe(
			`expected the bus not to have published \`a\` with a payload matching {id: 1}, but it did: {id: 1, extra: true} (event ${event.id})`,
		);
	});

	test('toHavePublished() - asymmetric matchers print by name in the failure', async () => {
		const bus = await busWith(['a', {n: 'one'}]);
		expect(failureOf(() => expect(bus).toHavePublished('a', {n: expect.any(Number)}))).toContain('n: expected Any<Number>, got \'one\'');
	});

	test('toHavePublished() - an invalid pattern is an InvalidTopicError, a non-bus a TypeError', async () => {
		const bus = await busWith(['a', null]);
		expect(() => expect(bus).toHavePublished('a..b')).toThrow(InvalidTopicError);
		expect(() => expect({}).toHavePublished('a')).toThrow(/Expected `received value` to be a MockBus or a TestBus/);
		expect(() => expect(bus).toHavePublished(1 as never)).toThrow(TypeError);
	});
});

describe('toHavePublishedTimes()', () => {
	test('toHavePublishedTimes() - counts the events on a topic or pattern', async () => {
		const bus = await busWith(['a.x', 1], ['a.y', 2], ['b', 3]);
		expect(bus).toHavePublishedTimes('a.*', 2);
		expect(bus).toHavePublishedTimes('b', 1);
		expect(bus).toHavePublishedTimes('c', 0);
		expect(bus).not.toHavePublishedTimes('b', 2);
	});

	test('toHavePublishedTimes() - the failure lists the events, or what was published instead', async () => {
		const bus = await busWith(['a', 1], ['a', 2], ['b', 3]);
		expect(failureOf(() => expect(bus).toHavePublishedTimes('a', 1))).toBe('expected the bus to have published `a` once, but it published it 2 times:\n  #1 1\n  #2 2');
		expect(failureOf(() => expect(bus).toHavePublishedTimes('c', 2))).toBe('expected the bus to have published `c` 2 times, but it published it 0 times:\npublished instead: a ×2, b');
		expect(failureOf(() => expect(bus).not.toHavePublishedTimes('b', 1))).toBe('expected the bus not to have published `b` once, but it did:\n  #1 3');
	});

	test('toHavePublishedTimes() - a count that is no integer >= 0 is a TypeError', async () => {
		const bus = await busWith();
		expect(() => expect(bus).toHavePublishedTimes('a', -1)).toThrow(/`count`/);
	});
});

describe('toHavePublishedInOrder()', () => {
	test('toHavePublishedInOrder() - passes when the topics appear in this order, others between', async () => {
		const bus = await busWith(['order.created', null], ['audit.logged', null], ['order.paid', null], ['invoice.created', null]);
		expect(bus).toHavePublishedInOrder(['order.created', 'order.paid', 'invoice.created']);
		expect(bus).toHavePublishedInOrder(['order.*', 'invoice.*']);
		expect(bus).toHavePublishedInOrder(['order.*', 'order.*']);
		expect(bus).not.toHavePublishedInOrder(['order.paid', 'order.created']);
		expect(bus).not.toHavePublishedInOrder(['order.*', 'order.*', 'order.*']);
	});

	test('toHavePublishedInOrder() - the failure marks what matched and says where the order broke', async () => {
		const bus = await busWith(['order.paid', null], ['order.created', null]);
		expect(failureOf(() => expect(bus).toHavePublishedInOrder(['order.created', 'order.paid']))).toBe(
			['expected the bus to have published `order.created` → `order.paid` in this order, but found no `order.paid` after #2:', '    #1 order.paid', '  ✓ #2 order.created'].join('\n'),
		);
		expect(failureOf(() => expect(bus).not.toHavePublishedInOrder(['order.paid']))).toBe(
			['expected the bus not to have published `order.paid` in this order, but it did:', '  ✓ #1 order.paid', '    #2 order.created'].join('\n'),
		);
	});

	test('toHavePublishedInOrder() - needs a non-empty array of strings', async () => {
		const bus = await busWith();
		expect(() => expect(bus).toHavePublishedInOrder([])).toThrow(/`topics`/);
	});
});

describe('toHaveSubscriber()', () => {
	test('toHaveSubscriber() - passes for an exact pattern, including one of a consumer\'s patterns', () => {
		const bus = createMockBus();
		bus.subscribe('order.*', () => {});
		bus.use({name: 'audit', topics: ['user.*', 'admin.**'], consume() {}});
		expect(bus).toHaveSubscriber('order.*');
		expect(bus).toHaveSubscriber('admin.**');
		expect(bus).not.toHaveSubscriber('order.created');
	});

	test('toHaveSubscriber() - the failure lists the patterns subscribed instead', () => {
		const bus = createMockBus();
		expect(failureOf(() => expect(bus).toHaveSubscriber('a'))).toBe('expected the bus to have a subscriber to `a`, but it has no subscriptions');
		const subscription = bus.subscribe('order.*', () => {}, {name: 'orders'});
		bus.subscribe('user.*', () => {});
		expect(failureOf(() => expect(bus).toHaveSubscriber('order.**'))).toBe('expected the bus to have a subscriber to `order.**`, but subscribed: `order.*` (orders), `user.*`');
		expect(failureOf(() => expect(bus).not.toHaveSubscriber('order.*'))).toBe(`expected the bus not to have a subscriber to \`order.*\`, but it has ${subscription.id} (orders)`);
	});
});

describe('matchers on the harness', () => {
	test('the matchers work on a TestBus after drain()', async () => {
		const harness = createTestBus();
		harness.bus.subscribe('order.paid', async () => {
			await harness.bus.publish('invoice.created', {orderId: 'o-1'});
		});
		await harness.bus.publish('order.paid', {id: 'o-1'});
		await harness.drain();
		expect(harness).toHavePublished('invoice.created', {orderId: 'o-1'});
		expect(harness).toHavePublishedTimes('**', 2);
		expect(harness).toHavePublishedInOrder(['order.paid', 'invoice.created']);
		expect(harness).toHaveSubscriber('order.paid');
	});

	test('the matchers are typed on expect() by declaration merging', () => {
		expectTypeOf(expect(createMockBus()).toHavePublished).toBeFunction();
		expectTypeOf(expect(createMockBus()).not.toHavePublishedInOrder).parameter(0).toEqualTypeOf<readonly string[]>();
		expectTypeOf(topicbusMatchers.toHaveSubscriber).toBeFunction();
	});
});
