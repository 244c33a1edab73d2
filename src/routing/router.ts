/**
 * The bus's routing table: a {@link TopicTrie} of subscriptions behind a bounded cache of routes per topic, so a
 * publish to a recently seen topic costs one `Map` lookup whatever the number of subscriptions.
 */
import {InvalidTopicError} from '../errors.js';
import {assertInteger, assertOptionalObject} from '../internal/assert.js';
import {assertTopic, isReservedTopic, resolveTopicLimits, splitTopic, type TopicLimits} from './topic.js';
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
	/** The router version `values` was computed at; `-1` when only the topic's validity is known. */
	version: number;
	values: readonly T[];
}

const noValues: readonly never[] = Object.freeze([]);

/**
 * Cache admission. When most events bring a new topic (such as `user.<id>.updated`), caching each one only to evict it
 * unused costs more than the routing itself (an insert and a delete per event, and the garbage of the entries). So
 * misses are counted over windows of this many lookups, and while more than a quarter of a window missed, only one
 * miss in {@link admitOneIn} caches its topic. (The bus looks each event up twice, at publish and at dispatch: a
 * quarter of its lookups missing is half of its events bringing a new topic, and it caches one new topic in 8.) A
 * topic that repeats is still admitted after a few sightings, and once most lookups hit again every miss caches.
 */
const admissionWindow = 1024;
const admitOneIn = 16;
/**
 * While most lookups miss, the cache steps aside: only one lookup in this many probes it (and counts towards the next
 * window, which is then this many times shorter); the others go straight to the trie. A probe of a cache that
 * almost never hits costs about as much as validating the topic: hashing a new string and missing in a large `Map`.
 */
const probeOneIn = 16;

/**
 * Maps patterns to subscriptions and routes a topic to its subscriptions in delivery order.
 *
 * Contract: `route()` returns each matching value once, sorted by `priority` descending then `seq` ascending, as a
 * snapshot that later `add`/`remove` never change (callers must not modify it). Routes and validations are cached per
 * topic in one bounded cache (`cacheSize` entries, oldest evicted first; while most lookups miss, the cache steps
 * aside: only one lookup in 16 probes it, the others validate while splitting and go straight to the trie);
 * `add`/`remove` invalidate every route in O(1) by bumping a version, and stale entries are recomputed when next used.
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
	#unprobed = 0;

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
		if (added) this.#version++;
		return added;
	}

	/**
	 * Stops routing `pattern` to `value`. Returns `false` when the pair was not registered (an invalid pattern never
	 * is). Throws a `TypeError` when `pattern` is not a string.
	 */
	remove(pattern: string, value: T): boolean {
		const removed = this.#trie.remove(pattern, value);
		if (removed) this.#version++;
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
		return this.#route(topic, true);
	}

	/**
	 * Throws unless `topic` is a valid topic for a user to publish (as {@link assertTopic}, `$`-topics refused).
	 *
	 * A topic seen recently costs one cache lookup. Throws a `TypeError` when `topic` is not a string and an
	 * `InvalidTopicError` (reason `reserved` for a `$`-topic) otherwise.
	 */
	validateTopic(topic: string): void {
		if (this.#isBypassing && ++this.#unprobed < probeOneIn) {
			if (typeof topic !== 'string' || splitTopic(topic, this.#limits, false) === undefined) assertTopic(topic, this.#limits);
			return;
		}
		this.#unprobed = 0;
		if (this.#cache.has(topic)) {
			this.#counted(false);
			// Entries exist only for valid topics, but `route()` also caches `$`-topics, which users may not publish.
			if (isReservedTopic(topic)) throw new InvalidTopicError(topic, 'reserved', 'topics starting with `$` are reserved for the bus');
			return;
		}
		assertTopic(topic, this.#limits);
		this.#remember(topic, -1, noValues);
		this.#counted(true);
	}

	#route(topic: string, isValid: boolean): readonly T[] {
		if (this.#isBypassing && ++this.#unprobed < probeOneIn) return this.#compute(topic, isValid ? undefined : this.#split(topic));
		this.#unprobed = 0;
		const entry = this.#cache.get(topic);
		if (entry !== undefined) {
			this.#counted(false);
			if (entry.version !== this.#version) {
				entry.values = this.#compute(topic);
				entry.version = this.#version;
			}
			return entry.values;
		}
		const values = this.#compute(topic, isValid ? undefined : this.#split(topic));
		this.#remember(topic, this.#version, values);
		this.#counted(true);
		return values;
	}

	/** Counts a cache lookup; at the end of each window, decides how many new topics to admit into the cache. */
	#counted(isMiss: boolean): void {
		if (isMiss) this.#windowMisses++;
		const window = this.#isBypassing ? admissionWindow / probeOneIn : admissionWindow;
		if (++this.#windowLookups < window) return;
		const isMissHeavy = this.#windowMisses * 4 > window;
		// While bypassing, each probe already stands for `probeOneIn` lookups: every probed miss is admitted.
		this.#isBypassing = isMissHeavy && this.#cacheSize > 0;
		this.#admitEvery = isMissHeavy && !this.#isBypassing ? admitOneIn : 1;
		this.#windowLookups = 0;
		this.#windowMisses = 0;
	}

	/** The segments of a valid topic, validated while split; throws the precise error for an invalid one. */
	#split(topic: string): string[] {
		const segments = typeof topic === 'string' ? splitTopic(topic, this.#limits, true) : undefined;
		if (segments !== undefined) return segments;
		assertTopic(topic, this.#limits, {allowReserved: true});
		// Unreachable while splitTopic and assertTopic agree (a property test checks that they do).
		throw new InvalidTopicError(topic, 'invalid-character', 'does not follow the topic grammar');
	}

	#compute(topic: string, segments?: readonly string[]): readonly T[] {
		const values = this.#trie.match(topic, segments);
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
		if (oldest !== undefined) this.#cache.delete(oldest);
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
