import {assertOptionalObject, assertPlainObject, assertString, fail} from '../internal/assert.js';
import type {Bus, BusEvent, DeliveryReport, EventMap, PublishOptions, PublishSyncOptions, TopicOf, EventMapLike} from '../types.js';
import {tracked, type TrackOptions} from './tracked.js';

/** Options of {@link createProducer} (and `bus.producer()`). */
export interface ProducerOptions<Prefix extends string = string> {
	/** The `source` of every event it publishes (a call's own `source` option still wins). @default the bus's source */
	readonly source?: string;
	/** Prepended to every topic with a dot: prefix `order` and topic `created` publish `order.created`. @default none */
	readonly topicPrefix?: Prefix;
	/** Merged under each event's own metadata (a call's keys win). @default {} */
	readonly metadata?: Readonly<Record<string, unknown>>;
}

/** The topics of `Events` a producer with `Prefix` publishes, without the prefix (`created` for `order.created`). */
export type ScopedTopic<Events extends EventMapLike, Prefix extends string> = string extends TopicOf<Events>
	? string
	: Prefix extends ''
		? TopicOf<Events>
		: TopicOf<Events> extends infer Topic
			? Topic extends `${Prefix}.${infer Rest}`
				? Rest
				: never
			: never;

/** The full topic a producer with `Prefix` publishes for `Topic`. */
export type PrefixedTopic<Prefix extends string, Topic extends string> = Prefix extends '' ? Topic : `${Prefix}.${Topic}`;

/** The payload type of a scoped topic. */
export type ScopedPayload<Events extends EventMapLike, Prefix extends string, Topic extends string> = Events[PrefixedTopic<Prefix, Topic> & keyof Events];

/** One item of {@link Producer.publishBatch}. */
export interface ScopedBatchItem<Events extends EventMapLike, Prefix extends string> {
	readonly topic: ScopedTopic<Events, Prefix>;
	readonly payload: unknown;
	readonly options?: Omit<PublishOptions, 'awaitDelivery'>;
}

/**
 * A publisher scoped to a source, a topic prefix and default metadata. Everything else is the bus's `publish` (and
 * `publishSync`): same validation, same errors, same resolution (on acceptance, or with `awaitDelivery` on delivery).
 */
export interface Producer<Events extends EventMapLike = EventMap, Prefix extends string = ''> {
	readonly source: string | undefined;
	readonly topicPrefix: Prefix | undefined;
	readonly metadata: Readonly<Record<string, unknown>>;
	/** The full topic for `topic`: the prefix, a dot, and `topic`. */
	topic<Topic extends ScopedTopic<Events, Prefix>>(topic: Topic): PrefixedTopic<Prefix, Topic>;
	publish<Topic extends ScopedTopic<Events, Prefix>>(
		topic: Topic,
		payload: ScopedPayload<Events, Prefix, Topic>,
		options: PublishOptions & {readonly awaitDelivery: true},
	): Promise<DeliveryReport<BusEvent<ScopedPayload<Events, Prefix, Topic>, PrefixedTopic<Prefix, Topic>>>>;
	publish<Topic extends ScopedTopic<Events, Prefix>>(
		topic: Topic,
		payload: ScopedPayload<Events, Prefix, Topic>,
		options?: PublishOptions,
	): Promise<BusEvent<ScopedPayload<Events, Prefix, Topic>, PrefixedTopic<Prefix, Topic>>>;
	/**
	 * The bus's `publishSync`, scoped like `publish`: returns the frozen envelope, or throws what the bus's
	 * `publishSync` throws (a full topic the bus refuses is `InvalidTopicError`).
	 *
	 * @throws {TypeError} when `topic` is not a string, `options` is not an object, or the bus has no `publishSync`.
	 */
	publishSync<Topic extends ScopedTopic<Events, Prefix>>(
		topic: Topic,
		payload: ScopedPayload<Events, Prefix, Topic>,
		options?: PublishSyncOptions,
	): BusEvent<ScopedPayload<Events, Prefix, Topic>, PrefixedTopic<Prefix, Topic>>;
	/** The bus's `publishBatch` (all or nothing), each item scoped. */
	publishBatch(items: readonly ScopedBatchItem<Events, Prefix>[]): Promise<BusEvent[]>;
	/**
	 * {@link tracked} through this producer: `<prefix>.<topic>.started`, `.succeeded`, `.failed`, with its source and
	 * metadata.
	 */
	tracked<Args extends unknown[], Result>(topic: string, fn: (...args: Args) => Result, options?: TrackOptions<Args>): (...args: Args) => Promise<Awaited<Result>>;
}

/**
 * Creates a scoped publisher over `bus`: every event it publishes carries its `source`, its `topicPrefix` and its
 * `metadata` (under the call's own). Validation is the bus's: a prefix that makes an invalid topic rejects the
 * publish with `InvalidTopicError`.
 *
 * @throws {TypeError} when `bus` has no `publish`, or an option has the wrong type (a prefix that is empty, or
 * starts or ends with a dot).
 *
 * @example
 * ```ts
 * const orders = createProducer(bus, {source: 'checkout', topicPrefix: 'order', metadata: {region: 'eu'}});
 * await orders.publish('created', {id: 'o-1'}); // topic `order.created`, source `checkout`
 * ```
 */
export function createProducer<Events extends EventMapLike, const Prefix extends string = ''>(bus: Bus<Events>, options?: ProducerOptions<Prefix>): Producer<Events, Prefix> {
	if (typeof bus !== 'object' || bus === null || typeof bus.publish !== 'function') fail('bus', 'a bus', bus);
	assertOptionalObject('options', options);
	const {source, topicPrefix} = options ?? {};
	if (source !== undefined) assertString('options.source', source);
	if (topicPrefix !== undefined && (typeof topicPrefix !== 'string' || topicPrefix === '' || topicPrefix.startsWith('.') || topicPrefix.endsWith('.'))) {
		fail('options.topicPrefix', 'a topic prefix such as `order` or `shop.order`', topicPrefix);
	}
	if (options?.metadata !== undefined) assertPlainObject('options.metadata', options.metadata);
	const metadata = Object.freeze({...options?.metadata});
	const publish = bus.publish.bind(bus) as (topic: string, payload: unknown, options?: PublishOptions) => Promise<never>;
	const fullTopic = (topic: string): string => {
		assertString('topic', topic);
		return topicPrefix === undefined ? topic : `${topicPrefix}.${topic}`;
	};
	const scope = (given: Omit<PublishOptions, 'awaitDelivery'> | undefined): PublishOptions => {
		assertOptionalObject('options', given);
		const merged = {...given, metadata: {...metadata, ...given?.metadata}};
		return source === undefined || given?.source !== undefined ? merged : {...merged, source};
	};
	const producer: Producer<Events, Prefix> = {
		source,
		topicPrefix,
		metadata,
		topic: (topic => fullTopic(topic)) as Producer<Events, Prefix>['topic'],
		publish: ((topic: string, payload: unknown, given?: PublishOptions) => {
			try {
				return publish(fullTopic(topic), payload, scope(given));
			} catch (error) {
				return Promise.reject(error);
			}
		}) as Producer<Events, Prefix>['publish'],
		publishSync: ((topic: string, payload: unknown, given?: PublishSyncOptions) => {
			// Checked per call, not in createProducer: a custom bus without publishSync still makes a producer for publish.
			if (typeof bus.publishSync !== 'function') fail('bus.publishSync', 'a function', bus.publishSync);
			return (bus.publishSync as (topic: string, payload: unknown, options?: PublishSyncOptions) => never).call(bus, fullTopic(topic), payload, scope(given));
		}) as Producer<Events, Prefix>['publishSync'],
		async publishBatch(items) {
			if (!Array.isArray(items)) fail('items', 'an array', items);
			const scoped = items.map((item, index) => {
				assertPlainObject(`items[${index}]`, item as unknown);
				return {topic: fullTopic(item.topic), payload: item.payload, options: scope(item.options)};
			});
			return bus.publishBatch(scoped as never);
		},
		tracked(topic, fn, trackOptions) {
			return tracked({publish: (name, payload, given) => producer.publish(name as never, payload as never, given)}, topic, fn, trackOptions);
		},
	};
	return Object.freeze(producer);
}
