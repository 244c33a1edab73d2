/**
 * Type tests for the typed event map. `tsc -p tsconfig.json --noEmit` checks them (the `@ts-expect-error` lines fail
 * the type check if they ever compile); at run time the assertions are no-ops and nothing is published.
 */
import {describe, expectTypeOf, test} from 'vitest';
import {EventBus, type BusEvent, type DeliveryReport, type EventFor, type Subscription} from '../../src/index.js';
import {createMockBus} from '../../src/testing/index.js';

// A type literal, as in the README; an interface is checked separately below.
type Events = {
	'order.created': {id: string};
	'order.paid': {id: string; amount: number};
	'user.signed-up': {email: string};
};

type OrderCreated = BusEvent<{id: string}, 'order.created'>;
type OrderPaid = BusEvent<{id: string; amount: number}, 'order.paid'>;
type UserSignedUp = BusEvent<{email: string}, 'user.signed-up'>;

/** Never called: it exists so that tsc checks the calls inside without the test publishing anything. */
function typeChecksOnly(bus: EventBus<Events>): void {
	void bus.publish('order.paid', {id: 'o-1', amount: 10});
	// @ts-expect-error a payload missing a field of its topic
	void bus.publish('order.paid', {id: 'o-1'});
	// @ts-expect-error a payload of another topic
	void bus.publish('order.created', {email: 'a@b.c'});
	// @ts-expect-error a topic that is not in the event map
	void bus.publish('order.shipped', {id: 'o-1'});
	// @ts-expect-error a payload field of the wrong type
	void bus.publish('order.paid', {id: 'o-1', amount: '10'});

	void bus.publishBatch([
		{topic: 'order.created', payload: {id: 'o-1'}},
		{topic: 'user.signed-up', payload: {email: 'a@b.c'}, options: {priority: 1}},
	]);
	// @ts-expect-error a batch item whose payload belongs to another topic
	void bus.publishBatch([{topic: 'user.signed-up', payload: {id: 'o-1'}}]);

	// @ts-expect-error a handler that expects the payload of a topic the pattern cannot match
	bus.subscribe('order.*', (event: UserSignedUp) => event);
}

describe('typed event map', () => {
	test('types - publish() resolves with the envelope of its topic', () => {
		expectTypeOf<EventBus<Events>['publish']>().toBeFunction();
		const publish = (bus: EventBus<Events>) => bus.publish('order.paid', {id: 'o-1', amount: 1});
		expectTypeOf<Awaited<ReturnType<typeof publish>>>().toEqualTypeOf<OrderPaid>();
	});

	test('types - publish() with awaitDelivery resolves with a delivery report', () => {
		const publish = (bus: EventBus<Events>) => bus.publish('order.created', {id: 'o-1'}, {awaitDelivery: true});
		expectTypeOf<Awaited<ReturnType<typeof publish>>>().toEqualTypeOf<DeliveryReport<OrderCreated>>();
	});

	test('types - subscribe(\'order.*\') types the event as the union of the order topics, discriminated by topic', () => {
		const subscribe = (bus: EventBus<Events>): Subscription =>
			bus.subscribe('order.*', event => {
				expectTypeOf(event).toEqualTypeOf<OrderCreated | OrderPaid>();
				if (event.topic === 'order.paid') expectTypeOf(event.payload.amount).toEqualTypeOf<number>();
				else expectTypeOf(event.payload).toEqualTypeOf<{id: string}>();
			});
		expectTypeOf(subscribe).returns.toEqualTypeOf<Subscription>();
	});

	test('types - patterns select the matching topics', () => {
		expectTypeOf<EventFor<Events, '**'>>().toEqualTypeOf<OrderCreated | OrderPaid | UserSignedUp>();
		expectTypeOf<EventFor<Events, 'order.**'>>().toEqualTypeOf<OrderCreated | OrderPaid>();
		expectTypeOf<EventFor<Events, '**.paid'>>().toEqualTypeOf<OrderPaid>();
		expectTypeOf<EventFor<Events, '*.created'>>().toEqualTypeOf<OrderCreated>();
		expectTypeOf<EventFor<Events, 'user.*'>>().toEqualTypeOf<UserSignedUp>();
		expectTypeOf<EventFor<Events, 'order.paid'>>().toEqualTypeOf<OrderPaid>();
		expectTypeOf<EventFor<Events, '*'>>().toBeNever();
		expectTypeOf<EventFor<Events, 'billing.*'>>().toBeNever();
	});

	test('types - a segment glob matches its alternatives or its shape; a richer one any segment', () => {
		expectTypeOf<EventFor<Events, 'order.{created,paid}'>>().toEqualTypeOf<OrderCreated | OrderPaid>();
		expectTypeOf<EventFor<Events, 'order.{paid,refunded}'>>().toEqualTypeOf<OrderPaid>();
		expectTypeOf<EventFor<Events, 'user.*-up'>>().toEqualTypeOf<UserSignedUp>();
		expectTypeOf<EventFor<Events, 'user.*-failed'>>().toBeNever();
		expectTypeOf<EventFor<Events, 'order.cr*'>>().toEqualTypeOf<OrderCreated>();
		expectTypeOf<EventFor<Events, 'order.?aid'>>().toEqualTypeOf<OrderCreated | OrderPaid>();
	});

	test('types - subscribe options see the same event type as the handler', () => {
		const subscribe = (bus: EventBus<Events>): Subscription =>
			bus.subscribe('user.*', () => {}, {
				filter(event) {
					expectTypeOf(event.payload).toEqualTypeOf<{email: string}>();
					return true;
				},
			});
		expectTypeOf(subscribe).toBeFunction();
	});

	test('types - waitFor() and stream() are typed by their pattern', () => {
		const waitFor = (bus: EventBus<Events>) => bus.waitFor('user.*');
		expectTypeOf<Awaited<ReturnType<typeof waitFor>>>().toEqualTypeOf<UserSignedUp>();
		const stream = (bus: EventBus<Events>) => bus.stream('order.**');
		expectTypeOf<ReturnType<typeof stream>>().toEqualTypeOf<AsyncIterableIterator<OrderCreated | OrderPaid>>();
	});

	test('types - an untyped bus takes any topic and unknown payloads', () => {
		const subscribe = (bus: EventBus): Subscription =>
			bus.subscribe('anything.*', event => {
				expectTypeOf(event.payload).toBeUnknown();
				expectTypeOf(event.topic).toBeString();
			});
		expectTypeOf(subscribe).toBeFunction();
		const publish = (bus: EventBus) => bus.publish('any.topic', {whatever: true});
		expectTypeOf<Awaited<ReturnType<typeof publish>>>().toEqualTypeOf<BusEvent<unknown, 'any.topic'>>();
	});

	test('types - an interface works as the event map', () => {
		interface InterfaceEvents {
			'order.created': {id: string};
			'order.paid': {id: string; amount: number};
		}
		const typeChecks = (bus: EventBus<InterfaceEvents>): void => {
			bus.subscribe('order.*', event => {
				expectTypeOf(event.topic).toEqualTypeOf<'order.created' | 'order.paid'>();
				if (event.topic === 'order.paid') expectTypeOf(event.payload.amount).toBeNumber();
			});
			void bus.publish('order.paid', {id: 'o-1', amount: 5});
			// @ts-expect-error the payload of `order.paid` needs an amount
			void bus.publish('order.paid', {id: 'o-1'});
			// @ts-expect-error not a topic of the map
			void bus.publish('order.refunded', {id: 'o-1'});
		};
		expectTypeOf(typeChecks).toBeFunction();
		expectTypeOf(createMockBus<InterfaceEvents>().publishSync('order.created', {id: 'o-1'}).payload).toEqualTypeOf<{id: string}>();
	});

	test('types - the envelope is read-only', () => {
		expectTypeOf<OrderPaid>().toHaveProperty('payload');
		const mutate = (event: OrderPaid): void => {
			// @ts-expect-error the envelope's fields are readonly
			event.topic = 'order.created';
		};
		expectTypeOf(mutate).toBeFunction();
		expectTypeOf(typeChecksOnly).toBeFunction();
	});
});

describe('typed bus - the bus own dead-letter topic', () => {
	test('subscribing to $bus.dead-letter compiles and types the dead letter; publishing it does not compile', () => {
		type WithBusTopic = Events & {'$bus.dead-letter': unknown};
		const check = (bus: EventBus<WithBusTopic>): void => {
			bus.subscribe('$bus.dead-letter', event => {
				expectTypeOf(event.topic).toEqualTypeOf<'$bus.dead-letter'>();
				expectTypeOf(event.payload.error.message).toEqualTypeOf<string>();
				expectTypeOf(event.payload.attempts).toEqualTypeOf<number>();
			});
			// @ts-expect-error -- `$` topics are the bus's own: not publishable
			void bus.publish('$bus.dead-letter', {});
		};
		expectTypeOf(check).toBeFunction();
	});

	test('an untyped bus types a $bus.dead-letter subscription too', () => {
		const check = (bus: EventBus): void => {
			bus.subscribe('$bus.dead-letter', event => {
				expectTypeOf(event.payload.reason).toEqualTypeOf<import('../../src/index.js').DeadLetterReason>();
			});
		};
		expectTypeOf(check).toBeFunction();
	});
});
