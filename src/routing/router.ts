/**
 * The bus's routing table: a {@link TopicTrie} of subscriptions behind a bounded cache of routes per topic, so a
 * publish to a recently seen topic costs one `Map` lookup whatever the number of subscriptions.
 */
import {InvalidTopicError} from '../errors.js';
import {assertInteger, assertOptionalObject} from '../internal/assert.js';
import {CarriedRoutes} from './carried-routes.js';
import {assertTopic, isReservedTopic, resolveTopicLimits, scanTopic, type TopicLimits} from './topic.js';
import {TopicTrie} from './topic-trie.js';

/** What the router orders: higher `priority` first, then lower `seq` (subscription order) first. */
export interface Routable {
	readonly priority: number;
	readonly seq: number;
}

/** Options of {@link Router}. */
export interface RouterOptions {
	/**
	 * Limits on topics and patterns; missing fields take `defaultTopicLimits`.
	 * @default defaultTopicLimits
	 */
	readonly limits?: Partial<TopicLimits>;
	/**
	 * Most topics whose validation and route are cached; the oldest entry is evicted first. `0` disables the cache.
	 * @default 10_000
	 */
	readonly cacheSize?: number;
}

interface CacheEntry<T> {
	/** The router version `values` was computed at. */
	version: number;
	values: readonly T[];
}

const noValues: readonly never[] = Object.freeze([]);

/**
 * Cache admission. When most events bring a new topic (such as `user.<id>.updated`), caching each one only to evict it
 * unused costs more than the routing itself (an insert and a delete in a large `Map` per event, and the garbage of the
 * entries). So misses are counted over windows of this many lookups, and while more than a quarter of a window
 * missed, the cache steps aside (see {@link probeOneIn}). Once most lookups hit again, every miss caches.
 */
const admissionWindow = 1024;
/**
 * While most lookups miss, the cache steps aside: only one lookup in this many probes it (and counts towards the next
 * window, which is then this many times shorter); the others go straight to the trie. A probe of a cache that
 * almost never hits costs about as much as validating the topic: hashing a new string and missing in a large `Map`.
 */
const probeOneIn = 16;
/**
 * While the cache steps aside, one probed miss in this many caches its topic (one lookup in 64): enough for a topic
 * that repeats to be cached after some tens of sightings, and so for the probes to notice when most lookups would
 * hit again; caching every probed miss costs a tenth of the router's time on a stream of new topics.
 */
const admitOneIn = 4;
/** Routes carried from `validateTopic` to `routeValid`: more than the events a burst of publishes usually queues. */
const carriedRoutes = 1024;

/**
 * Maps patterns to subscriptions and routes a topic to its subscriptions in delivery order.
 *
 * Contract: `route()` returns each matching value once, sorted by `priority` descending then `seq` ascending, as a
 * snapshot that later `add`/`remove` never change (callers must not modify it). Routes are cached per topic in one
 * bounded cache (`cacheSize` entries, oldest evicted first; while most lookups miss, the cache steps aside: only one
 * lookup in 16 probes it, the others validate while scanning and go straight to the trie); `add`/`remove` invalidate
 * every route in O(1) by bumping a version, and stale entries are recomputed when next used. `validateTopic` carries
 * the route of the topic it validated to the next `routeValid` of the same topic (for the bus: from publish to
 * dispatch, so a topic is validated and matched once per event), which takes it only if no `add`/`remove` happened in
 * between.
 *
 * @example
 * const router = new Router<Subscription>();
 * router.add('order.*', subscription);
 * router.validateTopic('order.created'); // throws InvalidTopicError on a bad or `$` topic
 * for (const target of router.route('order.created')) deliver(target);
 */
export class Router<T extends Routable> {
	readonly #trie: TopicTrie<T>;
	readonly #limits: TopicLimits;
	readonly #cacheSize: number;
	readonly #cache = new Map<string, CacheEntry<T>>();
	readonly #keys: (string | undefined)[] = [];
	#nextKey = 0;
	#version = 0;
	// Admission: see `admissionWindow`.
	#windowLookups = 0;
	#windowMisses = 0;
	#admitEvery = 1;
	#refused = 0;
	/** True while most lookups miss: see `probeOneIn`. */
	#isBypassing = false;
	/** The topic `#cached` found last, and its entry (see there). */
	#lastTopic: string | undefined;
	#lastEntry: CacheEntry<T> | undefined;
	#previousTopic: string | undefined;
	#unprobed = 0;
	/** Where the segments of the topic being routed end (see `scanTopic`), reused: routing is never re-entered. */
	readonly #ends: number[] = [];
	readonly #carried = new CarriedRoutes<T>(carriedRoutes);

	/** Throws a `TypeError` when an option is invalid (`cacheSize` must be an integer >= 0). */
	constructor(options?: RouterOptions) {
		assertOptionalObject('options', options);
		assertInteger('options.cacheSize', options?.cacheSize, 0);
		this.#limits = resolveTopicLimits(options?.limits);
		this.#cacheSize = options?.cacheSize ?? 10_000;
		this.#trie = new TopicTrie<T>(this.#limits);
	}

	/** The resolved limits on topics and patterns. */
	get limits(): TopicLimits {
		return this.#limits;
	}

	/** The number of (pattern, value) registrations. */
	get size(): number {
		return this.#trie.size;
	}

	/** The number of topics in the cache (at most `cacheSize`). */
	get cachedTopics(): number {
		return this.#cache.size;
	}

	/**
	 * Routes `pattern` to `value`. Returns `false`, changing nothing, when the pair is already registered.
	 *
	 * Throws a `TypeError` when `pattern` is not a string and an `InvalidTopicError` when it is not a valid pattern.
	 */
	add(pattern: string, value: T): boolean {
		const added = this.#trie.add(pattern, value);
		if (added) this.#changed();
		return added;
	}

	/**
	 * Stops routing `pattern` to `value`. Returns `false` when the pair was not registered (an invalid pattern never
	 * is). Throws a `TypeError` when `pattern` is not a string.
	 */
	remove(pattern: string, value: T): boolean {
		const removed = this.#trie.remove(pattern, value);
		if (removed) this.#changed();
		return removed;
	}

	/**
	 * The values whose patterns match `topic`, each once, by `priority` descending then `seq` ascending.
	 *
	 * The array never changes afterwards, so callers may iterate it while values are added or removed; they must not
	 * modify it (it is shared by every route of this topic until the next `add` or `remove`). `$`-topics are accepted
	 * here (the bus routes its own events); a pattern that does not start with a literal never matches them. Throws a
	 * `TypeError` when `topic` is not a string and an `InvalidTopicError` when it is not a valid topic.
	 */
	route(topic: string): readonly T[] {
		return this.#route(topic, false);
	}

	/**
	 * As {@link route}, for a topic known to be valid (it passed {@link validateTopic}, or the bus made it): a cache
	 * miss then skips validating it again. Matching an invalid topic gives meaningless results, so only the bus's
	 * dispatcher calls this.
	 */
	routeValid(topic: string): readonly T[] {
		if (this.#carried.size > 0) {
			const carried = this.#carried.take(topic, this.#version);
			if (carried) return carried;
			// Not carried although it is not cached, so it was a miss at publish: the entries in front are for events
			// that will never be dispatched in this order (refused after validation, or overtaken by priority).
			if (carried === undefined && this.#cached(topic) === undefined) this.#carried.skip();
		}
		return this.#route(topic, true);
	}

	/**
	 * Throws unless `topic` is a valid topic for a user to publish (as {@link assertTopic}, `$`-topics refused).
	 *
	 * A topic seen recently costs one cache lookup; any other is routed while it is validated, and its route is carried
	 * to the next {@link routeValid} of the same topic. Throws a `TypeError` when `topic` is not a string and an
	 * `InvalidTopicError` (reason `reserved` for a `$`-topic) otherwise.
	 */
	validateTopic(topic: string): void {
		if (this.#isBypassing && ++this.#unprobed < probeOneIn) {
			this.#carried.put(topic, this.#version, this.#compute(topic, this.#scanPublished(topic)));
			return;
		}
		this.#unprobed = 0;
		const entry = this.#cached(topic);
		if (entry !== undefined) {
			this.#counted(false);
			// Entries exist only for valid topics, but `route()` also caches `$`-topics, which users may not publish.
			if (isReservedTopic(topic)) throw new InvalidTopicError(topic, 'reserved', 'topics starting with `$` are reserved for the bus');
			// Not carried: at dispatch, the same cache lookup costs less than carrying the route there.
			return;
		}
		const values = this.#compute(topic, this.#scanPublished(topic));
		this.#remember(topic, this.#version, values);
		this.#carried.put(topic, this.#version, values);
		this.#counted(true);
	}

	/** Every cached and carried route is out of date: cached ones are recomputed when next used, carried ones go. */
	#changed(): void {
		this.#version++;
		// Carried routes would never be handed back now, and they may hold removed subscribers.
		if (this.#carried.size > 0) this.#carried.clear();
	}

	#route(topic: string, isValid: boolean): readonly T[] {
		if (this.#isBypassing && ++this.#unprobed < probeOneIn) return this.#compute(topic, isValid ? undefined : this.#scan(topic));
		this.#unprobed = 0;
		const entry = this.#cached(topic);
		if (entry !== undefined) {
			this.#counted(false);
			return this.#current(topic, entry);
		}
		const values = this.#compute(topic, isValid ? undefined : this.#scan(topic));
		this.#remember(topic, this.#version, values);
		this.#counted(true);
		return values;
	}

	/**
	 * The cache entry of `topic`. The last one found is remembered apart: a burst of events to one topic, each looked up
	 * at publish and at dispatch, then costs a string comparison (a pointer comparison for a literal) instead of two
	 * `Map` lookups.
	 */
	#cached(topic: string): CacheEntry<T> | undefined {
		if (topic === this.#lastTopic) return this.#lastEntry;
		const entry = this.#cache.get(topic);
		// Remembered when the same topic is looked up twice running, so that lookups of ever-changing topics (round
		// robin over many) do not pay for rewriting it each time.
		if (entry !== undefined && topic === this.#previousTopic) {
			this.#lastTopic = topic;
			this.#lastEntry = entry;
		}
		this.#previousTopic = topic;
		return entry;
	}

	/** The route of a cached topic, recomputed if an `add` or `remove` happened since it was cached. */
	#current(topic: string, entry: CacheEntry<T>): readonly T[] {
		if (entry.version !== this.#version) {
			entry.values = this.#compute(topic);
			entry.version = this.#version;
		}
		return entry.values;
	}

	/** Counts a cache lookup; at the end of each window, decides how many new topics to admit into the cache. */
	#counted(isMiss: boolean): void {
		if (isMiss) this.#windowMisses++;
		const window = this.#isBypassing ? admissionWindow / probeOneIn : admissionWindow;
		if (++this.#windowLookups < window) return;
		this.#isBypassing = this.#windowMisses * 4 > window && this.#cacheSize > 0;
		this.#admitEvery = this.#isBypassing ? admitOneIn : 1;
		this.#windowLookups = 0;
		this.#windowMisses = 0;
	}

	/** As {@link #scan}, for a topic a user publishes: `$`-topics are refused. */
	#scanPublished(topic: string): number {
		const count = typeof topic === 'string' ? scanTopic(topic, this.#limits, false, this.#ends) : 0;
		if (count !== 0) return count;
		assertTopic(topic, this.#limits);
		// Unreachable while scanTopic and assertTopic agree (a property test checks that they do).
		throw new InvalidTopicError(topic, 'invalid-character', 'does not follow the topic grammar');
	}

	/** The number of segments of a valid topic, found (into `#ends`) while validating it; throws the precise error for an invalid one. */
	#scan(topic: string): number {
		const count = typeof topic === 'string' ? scanTopic(topic, this.#limits, true, this.#ends) : 0;
		if (count !== 0) return count;
		assertTopic(topic, this.#limits, {allowReserved: true});
		// Unreachable while scanTopic and assertTopic agree (a property test checks that they do).
		throw new InvalidTopicError(topic, 'invalid-character', 'does not follow the topic grammar');
	}

	/** The route of a valid topic; `count`, when given, is its number of segments, whose ends `#scan` wrote. */
	#compute(topic: string, count?: number): readonly T[] {
		const values = count === undefined ? this.#trie.match(topic) : this.#trie.match(topic, this.#ends, count);
		if (values.length === 0) return noValues;
		if (values.length > 1) sortForDelivery(values);
		// Not frozen: the array is this router's own and never changes once computed (freezing cost a tenth of a miss).
		return values;
	}

	/** Caches a topic not in the cache yet, if it is admitted. */
	#remember(topic: string, version: number, values: readonly T[]): void {
		if (this.#cacheSize === 0) return;
		if (this.#admitEvery > 1 && ++this.#refused < this.#admitEvery) return;
		this.#refused = 0;
		// A ring of keys in insertion order, one slot per entry: evicting the oldest is O(1). (`Map#keys().next()`
		// walks the slots of every deleted entry first, which made each miss on a full cache cost microseconds.)
		const oldest = this.#keys[this.#nextKey];
		if (oldest !== undefined) {
			this.#cache.delete(oldest);
			if (oldest === this.#lastTopic) {
				this.#lastTopic = undefined;
				this.#lastEntry = undefined;
			}
			if (oldest === this.#previousTopic) this.#previousTopic = undefined;
		}
		this.#keys[this.#nextKey] = topic;
		this.#nextKey = this.#nextKey + 1 === this.#cacheSize ? 0 : this.#nextKey + 1;
		this.#cache.set(topic, {version, values});
	}
}

function byDeliveryOrder(a: Routable, b: Routable): number {
	if (a.priority !== b.priority) return a.priority > b.priority ? -1 : 1;
	return a.seq - b.seq;
}

/** Sorts by {@link byDeliveryOrder}: an insertion sort for the few values a topic usually matches, else `Array#sort`. */
function sortForDelivery(values: Routable[]): void {
	if (values.length > 16) {
		values.sort(byDeliveryOrder);
		return;
	}
	for (let index = 1; index < values.length; index++) {
		const value = values[index]!;
		let slot = index;
		while (slot > 0 && byDeliveryOrder(values[slot - 1]!, value) > 0) {
			values[slot] = values[slot - 1]!;
			slot--;
		}
		values[slot] = value;
	}
}
