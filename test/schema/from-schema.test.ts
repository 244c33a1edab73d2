/**
 * Type tests: checked by `tsc --noEmit` (npm run typecheck); at run time each `expectTypeOf` is a no-op. A
 * `@ts-expect-error` line fails the type check when the payload it marks is *accepted*.
 */
import {describe, expectTypeOf, test} from 'vitest';
import {deadLetterSchema} from '../../src/schema/builtin-schemas.js';
import type {EventMapFromSchemas, FromSchema} from '../../src/schema/from-schema.js';
import type {EventMap as ExampleEventMap} from './fixtures/event-map.generated.js';
import {orderCreatedSchema, orderShippedSchema} from './fixtures/example-schemas.js';
import type {EventMap as FeatureEventMap} from './fixtures/feature-map.generated.js';
import {arraysSchema, combinationsSchema, literalsSchema, objectsSchema, scalarsSchema} from './fixtures/feature-schemas.js';

type OrderCreated = FromSchema<typeof orderCreatedSchema>;

describe('FromSchema', () => {
	test('FromSchema - scalars, null unions, unknown for {} and $ref', () => {
		expectTypeOf<FromSchema<typeof scalarsSchema>>().toEqualTypeOf<{
			text: string;
			count: number;
			ratio: number;
			flag: boolean;
			nothing: null;
			maybe: string | null;
			anything?: unknown;
			referenced?: unknown;
		}>();
	});

	test('FromSchema - const and enum give literal types; unsafe names are kept', () => {
		expectTypeOf<FromSchema<typeof literalsSchema>>().toEqualTypeOf<{
			kind: 'literal';
			level: 'low' | 'high' | 3 | true | null;
			answer: 42;
			'dashed-name'?: string;
		}>();
	});

	test('FromSchema - arrays of scalars, arrays, objects, and untyped arrays', () => {
		expectTypeOf<FromSchema<typeof arraysSchema>>().toEqualTypeOf<{tags: string[]; matrix?: number[][]; loose?: unknown[]; rows?: Array<{id: string}>}>();
	});

	test('FromSchema - open objects get an index signature, additionalProperties schemas a record', () => {
		expectTypeOf<FromSchema<typeof objectsSchema>>().toEqualTypeOf<{
			open: {known?: string; [key: string]: unknown};
			counts: {[key: string]: number};
			closed?: Record<string, never>;
			free?: {[key: string]: unknown};
			[key: string]: unknown;
		}>();
	});

	test('FromSchema - anyOf and oneOf give unions, allOf an intersection', () => {
		expectTypeOf<FromSchema<typeof combinationsSchema>>().toEqualTypeOf<{
			either: string | number;
			one?: 'a' | {b: boolean};
			both?: {a: string} & {b?: number | null};
		}>();
	});

	test('FromSchema - boolean schemas', () => {
		expectTypeOf<FromSchema<true>>().toBeUnknown();
		expectTypeOf<FromSchema<false>>().toBeNever();
	});

	test('FromSchema - a payload that violates the schema does not compile', () => {
		const order: OrderCreated = {
			orderId: 'ord_A1b2C3d4',
			customerId: 'cus_1',
			items: [{sku: 'S', quantity: 1, unitPrice: 1}],
			amount: 1,
			currency: 'EUR',
			createdAt: '2024-01-01T00:00:00Z',
			channel: 'web',
		};
		expectTypeOf(order).toEqualTypeOf<OrderCreated>();
		// @ts-expect-error: `currency` is an enum of EUR and USD.
		const wrongEnum: OrderCreated = {...order, currency: 'GBP'};
		// @ts-expect-error: `amount` is a number.
		const wrongType: OrderCreated = {...order, amount: '1'};
		// @ts-expect-error: `channel` is required.
		const missing: OrderCreated = {orderId: 'o', customerId: 'c', items: [], amount: 1, currency: 'EUR', createdAt: 'x'};
		// @ts-expect-error: `additionalProperties: false` forbids extra keys.
		const extra: OrderCreated = {...order, note: 'x'};
		// @ts-expect-error: item `quantity` is a number.
		const nested: OrderCreated = {...order, items: [{sku: 'S', quantity: '1', unitPrice: 1}]};
		expectTypeOf([wrongEnum, wrongType, missing, extra, nested]).toBeArray();
	});
});

describe('EventMapFromSchemas', () => {
	type Events = EventMapFromSchemas<[typeof orderCreatedSchema, typeof orderShippedSchema]>;

	test('EventMapFromSchemas - keys the payload types by $id', () => {
		expectTypeOf<keyof Events>().toEqualTypeOf<'order.created' | 'order.shipped'>();
		expectTypeOf<Events['order.created']>().toEqualTypeOf<OrderCreated>();
		expectTypeOf<Events['order.shipped']['carrier']>().toEqualTypeOf<'dhl' | 'ups' | 'fedex' | 'post'>();
	});

	test('EventMapFromSchemas - a publish-like function refuses a wrong payload for its topic', () => {
		const publish = <Topic extends keyof Events>(topic: Topic, payload: Events[Topic]): [Topic, Events[Topic]] => [topic, payload];
		const shipped = {orderId: 'o', carrier: 'dhl', trackingNumber: 't', shippedAt: 'x'} as const;
		expectTypeOf(publish('order.shipped', shipped)).toEqualTypeOf<['order.shipped', Events['order.shipped']]>();
		// @ts-expect-error: `order.created` needs an order, not a shipment.
		publish('order.created', shipped);
		// @ts-expect-error: no schema, no topic.
		publish('order.deleted', shipped);
	});
});

describe('generated types agree with FromSchema', () => {
	test('generateTypes() - the example EventMap equals the inferred types', () => {
		expectTypeOf<ExampleEventMap['order.created']>().toEqualTypeOf<OrderCreated>();
		expectTypeOf<ExampleEventMap['order.shipped']>().toEqualTypeOf<FromSchema<typeof orderShippedSchema>>();
		// The bus's own topics are not publishable, so the generated map leaves them out.
		expectTypeOf<'$bus.dead-letter' extends keyof ExampleEventMap ? true : false>().toEqualTypeOf<false>();
		expectTypeOf<FromSchema<typeof deadLetterSchema>>().not.toBeNever();
	});

	test('generateTypes() - every feature type equals the inferred one', () => {
		expectTypeOf<FeatureEventMap['feature.scalars']>().toEqualTypeOf<FromSchema<typeof scalarsSchema>>();
		expectTypeOf<FeatureEventMap['feature.literals']>().toEqualTypeOf<FromSchema<typeof literalsSchema>>();
		expectTypeOf<FeatureEventMap['feature.arrays']>().toEqualTypeOf<FromSchema<typeof arraysSchema>>();
		expectTypeOf<FeatureEventMap['feature.objects']>().toEqualTypeOf<FromSchema<typeof objectsSchema>>();
		expectTypeOf<FeatureEventMap['feature.combinations']>().toEqualTypeOf<FromSchema<typeof combinationsSchema>>();
	});
});
