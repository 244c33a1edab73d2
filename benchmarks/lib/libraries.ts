/**
 * Every library behind one small interface, each used the way its documentation shows. Each adapter has its own
 * publish loop (`publishMany`), so the loop's call sites stay monomorphic and no library pays for another's shape.
 */
import Emittery from 'emittery';
import eventemitter2, {type EventEmitter2 as EventEmitter2Class} from 'eventemitter2';
import {EventEmitter} from 'eventemitter3';
import mittModule, {type Emitter} from 'mitt';
import PQueue from 'p-queue';
import picomatch from 'picomatch';
import {Qlobber} from 'qlobber';
import {EventBus, type EventBusOptions} from '../../src/index.js';
import {Router} from '../../src/routing/router.js';

// Both are CommonJS-typed packages whose default export is, at run time, the class or function itself.
const EventEmitter2 = eventemitter2 as unknown as typeof EventEmitter2Class;
const mitt = mittModule as unknown as typeof mittModule.default;

/** Receives a payload (peers) or an envelope whose `payload` is it (topicbus; see `passesEnvelope`). */
export type Listener = (message: any) => unknown;

/** Payloads are `{n}`: fresh per event, small, the same for every library. */
export interface Payload {
	readonly n: number;
}

export type TopicAt = (index: number) => string;
export type PriorityAt = (index: number) => number;

export interface Library {
	readonly name: string;
	readonly variant?: string | undefined;
	/** True when listeners get an envelope (`message.payload`) rather than the payload itself. */
	readonly passesEnvelope: boolean;
	/** Returns a function that unsubscribes. */
	subscribe(pattern: string, listener: Listener): () => void;
	/** Publishes one event; `flush()` later waits for it to be handled. */
	publish(topic: string, payload: Payload, priority?: number): void;
	/** Resolves once everything published so far has been handled (`undefined` when nothing is pending). */
	flush(): Promise<void> | undefined;
	/**
	 * Publishes events `first` .. `first + count - 1`: event `i` goes to `topicAt(i)` with payload `{n: i}` (and
	 * priority `priorityAt(i)` when given), flushing every `batchSize` events (backpressure); returns or resolves
	 * once all of them are handled.
	 */
	publishMany(topicAt: TopicAt, first: number, count: number, priorityAt?: PriorityAt): void | Promise<void>;
}

/**
 * Events published between two awaits of `flush()`: the batch a producer with backpressure publishes before it
 * waits (topicbus's `drain()`, Emittery's `Promise.all`, p-queue's `onIdle()`). At most topicbus's `maxQueueSize`.
 */
export const batchSize = 1000;

/** topicbus: publish without awaiting each, `await bus.drain()` every `batchSize` events. */
export class TopicbusLibrary implements Library {
	readonly name = 'topicbus';
	readonly variant: string | undefined;
	readonly passesEnvelope = true;
	readonly bus: EventBus;

	constructor(options?: EventBusOptions, variant?: string) {
		this.bus = new EventBus(options);
		this.variant = variant;
	}

	subscribe(pattern: string, listener: Listener): () => void {
		const subscription = this.bus.subscribe(pattern, listener);
		return () => subscription.unsubscribe();
	}

	publish(topic: string, payload: Payload, priority?: number): void {
		void this.bus.publish(topic, payload, priority === undefined ? undefined : {priority});
	}

	flush(): Promise<void> {
		return this.bus.drain();
	}

	async publishMany(topicAt: TopicAt, first: number, count: number, priorityAt?: PriorityAt): Promise<void> {
		const bus = this.bus;
		const end = first + count;
		if (priorityAt === undefined) {
			for (let index = first; index < end; index++) {
				// Not awaited: publish resolves on acceptance, and drain() below is the backpressure point.
				void bus.publish(topicAt(index), {n: index});
				if ((index - first) % batchSize === batchSize - 1) await bus.drain();
			}
		} else {
			for (let index = first; index < end; index++) {
				void bus.publish(topicAt(index), {n: index}, {priority: priorityAt(index)});
				if ((index - first) % batchSize === batchSize - 1) await bus.drain();
			}
		}
		await bus.drain();
	}
}

/**
 * topicbus through `publishSync()`: the same queued path as `publish()` without a promise per event (which, with
 * AsyncLocalStorage on, also runs Node's promise hook). `await bus.drain()` every `batchSize` events, as above.
 */
export class TopicbusPublishSyncLibrary extends TopicbusLibrary {
	constructor(options?: EventBusOptions, variant = 'publishSync') {
		super(options, variant);
	}

	override publish(topic: string, payload: Payload, priority?: number): void {
		this.bus.publishSync(topic, payload, priority === undefined ? undefined : {priority});
	}

	override async publishMany(topicAt: TopicAt, first: number, count: number, priorityAt?: PriorityAt): Promise<void> {
		const bus = this.bus;
		const end = first + count;
		if (priorityAt === undefined) {
			for (let index = first; index < end; index++) {
				bus.publishSync(topicAt(index), {n: index});
				if ((index - first) % batchSize === batchSize - 1) await bus.drain();
			}
		} else {
			for (let index = first; index < end; index++) {
				bus.publishSync(topicAt(index), {n: index}, {priority: priorityAt(index)});
				if ((index - first) % batchSize === batchSize - 1) await bus.drain();
			}
		}
		await bus.drain();
	}
}

/** eventemitter3: synchronous emit, exact event names. */
export class EventEmitter3Library implements Library {
	readonly name = 'eventemitter3';
	readonly passesEnvelope = false;
	readonly #emitter = new EventEmitter();

	subscribe(pattern: string, listener: Listener): () => void {
		this.#emitter.on(pattern, listener);
		return () => this.#emitter.off(pattern, listener);
	}

	publish(topic: string, payload: Payload): void {
		this.#emitter.emit(topic, payload);
	}

	flush(): undefined {
		return undefined;
	}

	publishMany(topicAt: TopicAt, first: number, count: number): void {
		const emitter = this.#emitter;
		const end = first + count;
		for (let index = first; index < end; index++) emitter.emit(topicAt(index), {n: index});
	}
}

/** mitt: synchronous emit, exact event names. */
export class MittLibrary implements Library {
	readonly name = 'mitt';
	readonly passesEnvelope = false;
	readonly #emitter: Emitter<Record<string, unknown>> = mitt();

	subscribe(pattern: string, listener: Listener): () => void {
		this.#emitter.on(pattern, listener);
		return () => this.#emitter.off(pattern, listener);
	}

	publish(topic: string, payload: Payload): void {
		this.#emitter.emit(topic, payload);
	}

	flush(): undefined {
		return undefined;
	}

	publishMany(topicAt: TopicAt, first: number, count: number): void {
		const emitter = this.#emitter;
		const end = first + count;
		for (let index = first; index < end; index++) emitter.emit(topicAt(index), {n: index});
	}
}

/** EventEmitter2 with `{wildcard: true, delimiter: '.'}`: synchronous `emit`, or `emitAsync` for async listeners. */
export class EventEmitter2Library implements Library {
	readonly name = 'eventemitter2';
	readonly variant: string;
	readonly passesEnvelope = false;
	readonly #emitter = new EventEmitter2({wildcard: true, delimiter: '.', maxListeners: 0});
	readonly #isAsync: boolean;
	#pending: Promise<unknown>[] = [];

	/** With `isAsync`, events go through `emitAsync` (which awaits the listeners), awaited in batches. */
	constructor(isAsync = false) {
		this.#isAsync = isAsync;
		this.variant = isAsync ? 'wildcard, emitAsync' : 'wildcard: true';
	}

	subscribe(pattern: string, listener: Listener): () => void {
		this.#emitter.on(pattern, listener);
		return () => {
			this.#emitter.off(pattern, listener);
		};
	}

	publish(topic: string, payload: Payload): void {
		if (this.#isAsync) this.#pending.push(this.#emitter.emitAsync(topic, payload));
		else this.#emitter.emit(topic, payload);
	}

	flush(): Promise<void> | undefined {
		if (this.#pending.length === 0) return undefined;
		const pending = this.#pending;
		this.#pending = [];
		return Promise.all(pending).then(() => undefined);
	}

	publishMany(topicAt: TopicAt, first: number, count: number): void | Promise<void> {
		return this.#isAsync ? this.#publishManyAsync(topicAt, first, count) : this.#publishManySync(topicAt, first, count);
	}

	#publishManySync(topicAt: TopicAt, first: number, count: number): void {
		const emitter = this.#emitter;
		const end = first + count;
		for (let index = first; index < end; index++) emitter.emit(topicAt(index), {n: index});
	}

	async #publishManyAsync(topicAt: TopicAt, first: number, count: number): Promise<void> {
		const emitter = this.#emitter;
		const end = first + count;
		let batch: Promise<unknown>[] = [];
		for (let index = first; index < end; index++) {
			batch.push(emitter.emitAsync(topicAt(index), {n: index}));
			if (batch.length === batchSize) {
				await Promise.all(batch);
				batch = [];
			}
		}
		await Promise.all(batch);
	}
}

/** Emittery: async `emit`, not awaited one by one but in batches of `batchSize` with `Promise.all`. */
export class EmitteryLibrary implements Library {
	readonly name = 'emittery';
	readonly variant = 'emit, awaited in batches';
	readonly passesEnvelope = false;
	readonly #emitter = new Emittery();
	#pending: Promise<void>[] = [];

	subscribe(pattern: string, listener: Listener): () => void {
		return this.#emitter.on(pattern, listener as (data: unknown) => void);
	}

	publish(topic: string, payload: Payload): void {
		this.#pending.push(this.#emitter.emit(topic, payload));
	}

	flush(): Promise<void> | undefined {
		if (this.#pending.length === 0) return undefined;
		const pending = this.#pending;
		this.#pending = [];
		return Promise.all(pending).then(() => undefined);
	}

	async publishMany(topicAt: TopicAt, first: number, count: number): Promise<void> {
		const emitter = this.#emitter;
		const end = first + count;
		let batch: Promise<void>[] = [];
		for (let index = first; index < end; index++) {
			batch.push(emitter.emit(topicAt(index), {n: index}));
			if (batch.length === batchSize) {
				await Promise.all(batch);
				batch = [];
			}
		}
		await Promise.all(batch);
	}
}

/** qlobber: the trie matcher alone (`match`), its results called in a loop; no queue, no envelope. */
export class QlobberLibrary implements Library {
	readonly name = 'qlobber';
	readonly variant = 'match only';
	readonly passesEnvelope = false;
	readonly #matcher = new Qlobber<Listener>({separator: '.', wildcard_one: '*', wildcard_some: '**'});

	subscribe(pattern: string, listener: Listener): () => void {
		this.#matcher.add(pattern, listener);
		return () => {
			this.#matcher.remove(pattern, listener);
		};
	}

	publish(topic: string, payload: Payload): void {
		for (const listener of this.#matcher.match(topic)) listener(payload);
	}

	flush(): undefined {
		return undefined;
	}

	publishMany(topicAt: TopicAt, first: number, count: number): void {
		const matcher = this.#matcher;
		const end = first + count;
		for (let index = first; index < end; index++) {
			const payload = {n: index};
			for (const listener of matcher.match(topicAt(index))) listener(payload);
		}
	}
}

/**
 * topicbus's router alone, used like qlobber above: `route(topic)` (the trie behind the bounded route cache, as the
 * bus uses it), then the matched handlers called in a loop. No envelope, queue or promise: it isolates routing.
 */
export class TopicbusRouterLibrary implements Library {
	readonly name = 'topicbus';
	readonly variant = 'router only';
	readonly passesEnvelope = false;
	readonly #router = new Router<RoutedListener>();
	#seq = 0;

	subscribe(pattern: string, listener: Listener): () => void {
		const routed: RoutedListener = {priority: 0, seq: this.#seq++, listener};
		this.#router.add(pattern, routed);
		return () => {
			this.#router.remove(pattern, routed);
		};
	}

	publish(topic: string, payload: Payload): void {
		for (const routed of this.#router.route(topic)) routed.listener(payload);
	}

	flush(): undefined {
		return undefined;
	}

	publishMany(topicAt: TopicAt, first: number, count: number): void {
		const router = this.#router;
		const end = first + count;
		for (let index = first; index < end; index++) {
			const payload = {n: index};
			for (const routed of router.route(topicAt(index))) routed.listener(payload);
		}
	}
}

interface RoutedListener {
	readonly priority: number;
	readonly seq: number;
	readonly listener: Listener;
}

/**
 * The naive queue design (a floor): one p-queue task per event, `onIdle()` awaited every `batchSize` events.
 * Exact topics only (a `Map` of listeners), since p-queue routes nothing.
 */
export class PQueueLibrary implements Library {
	readonly name = 'p-queue';
	readonly variant = 'one task per event, floor';
	readonly passesEnvelope = false;
	readonly #queue = new PQueue({concurrency: 1});
	readonly #listeners = new Map<string, Listener[]>();

	subscribe(pattern: string, listener: Listener): () => void {
		const listeners = this.#listeners.get(pattern) ?? [];
		this.#listeners.set(pattern, [...listeners, listener]);
		return () => {
			this.#listeners.set(pattern, (this.#listeners.get(pattern) ?? []).filter(other => other !== listener));
		};
	}

	publish(topic: string, payload: Payload, priority?: number): void {
		const listeners = this.#listeners.get(topic) ?? [];
		void this.#queue.add(() => deliver(listeners, payload), priority === undefined ? undefined : {priority});
	}

	flush(): Promise<void> {
		return this.#queue.onIdle();
	}

	/** Stops starting tasks (to measure what waiting tasks cost). */
	pause(): void {
		this.#queue.pause();
	}

	/** Drops every waiting task. */
	clear(): void {
		this.#queue.clear();
	}

	async publishMany(topicAt: TopicAt, first: number, count: number, priorityAt?: PriorityAt): Promise<void> {
		const queue = this.#queue;
		const end = first + count;
		for (let index = first; index < end; index++) {
			const listeners = this.#listeners.get(topicAt(index)) ?? [];
			const payload = {n: index};
			const options = priorityAt === undefined ? undefined : {priority: priorityAt(index)};
			void queue.add(() => deliver(listeners, payload), options);
			if ((index - first) % batchSize === batchSize - 1) await queue.onIdle();
		}
		await queue.onIdle();
	}
}

function deliver(listeners: readonly Listener[], payload: Payload): unknown {
	if (listeners.length === 1) return listeners[0]!(payload);
	let pending: unknown[] | undefined;
	for (const listener of listeners) {
		const result = listener(payload);
		if (result instanceof Promise) (pending ??= []).push(result);
	}
	return pending === undefined ? undefined : Promise.all(pending);
}

/**
 * The naive routing design (a floor): a list of picomatch matchers scanned on every publish. Topics and patterns
 * have `.` turned into `/`, so picomatch's `*` and `**` get segment semantics.
 */
export class PicomatchScanLibrary implements Library {
	readonly name = 'picomatch';
	readonly variant = 'linear scan, floor';
	readonly passesEnvelope = false;
	#entries: {readonly isMatch: (topic: string) => boolean; readonly listener: Listener}[] = [];

	subscribe(pattern: string, listener: Listener): () => void {
		const entry = {isMatch: picomatch(pattern.replaceAll('.', '/')), listener};
		this.#entries.push(entry);
		return () => {
			this.#entries = this.#entries.filter(other => other !== entry);
		};
	}

	publish(topic: string, payload: Payload): void {
		const path = topic.replaceAll('.', '/');
		for (const entry of this.#entries) if (entry.isMatch(path)) entry.listener(payload);
	}

	flush(): undefined {
		return undefined;
	}

	publishMany(topicAt: TopicAt, first: number, count: number): void {
		const end = first + count;
		for (let index = first; index < end; index++) {
			const path = topicAt(index).replaceAll('.', '/');
			const payload = {n: index};
			for (const entry of this.#entries) if (entry.isMatch(path)) entry.listener(payload);
		}
	}
}
