/** Builds throughput contenders out of {@link Library} adapters: subscribe the patterns, then publish the topics. */
import {Qlobber} from 'qlobber';
import type {Library, Listener, PriorityAt, TopicAt} from './libraries.js';
import type {Contender} from './throughput.js';

export interface PublishWorkload {
	/** Subscribed once each, with one counting listener per pattern. */
	readonly patterns: readonly string[];
	/** Published round-robin (an array), or event `i` goes to `topics(i)` (for topics that never repeat). */
	readonly topics: readonly string[] | TopicAt;
	/** Handler calls event `i` must cause; for an array of topics, computed once by a reference matcher. */
	readonly deliveriesAt?: (index: number) => number;
	/** Event priorities, round-robin (libraries that support them). */
	readonly priorities?: readonly number[];
	/** `async`: every listener call returns a resolved promise. @default 'sync' */
	readonly listeners?: 'sync' | 'async';
}

export interface PublishContenderOptions {
	readonly isBaseline?: boolean;
	readonly note?: string;
}

/**
 * Handler calls per topic as qlobber counts them, for round-robin topics: an independent matcher, so a library
 * that routes differently from the others fails the run instead of being measured doing less.
 */
export function referenceDeliveries(patterns: readonly string[], topics: readonly string[]): (index: number) => number {
	const known = references.get(patterns)?.get(topics);
	if (known !== undefined) return known;
	const matcher = new Qlobber<number>({separator: '.', wildcard_one: '*', wildcard_some: '**'});
	for (const [index, pattern] of patterns.entries()) matcher.add(pattern, index);
	const counts = topics.map(topic => new Set(matcher.match(topic)).size);
	const deliveriesAt = (index: number): number => counts[index % counts.length]!;
	const byTopics = references.get(patterns) ?? new WeakMap();
	byTopics.set(topics, deliveriesAt);
	references.set(patterns, byTopics);
	return deliveriesAt;
}

// Computed once per (patterns, topics) pair, however many contenders share the workload.
const references = new WeakMap<readonly string[], WeakMap<readonly string[], (index: number) => number>>();

/** A contender that publishes the workload's topics through `library` and counts its listener calls. */
export function publishContender(library: Library, workload: PublishWorkload, options: PublishContenderOptions = {}): Contender {
	const {topics, priorities} = workload;
	const topicAt: TopicAt = typeof topics === 'function' ? topics : index => topics[index % topics.length]!;
	const priorityAt: PriorityAt | undefined = priorities === undefined ? undefined : index => priorities[index % priorities.length]!;
	const deliveriesAt = workload.deliveriesAt ?? (typeof topics === 'function' ? undefined : referenceDeliveries(workload.patterns, topics));
	if (deliveriesAt === undefined) throw new TypeError('A workload with a topic function needs deliveriesAt');
	return {
		library: library.name,
		...(library.variant === undefined ? {} : {variant: library.variant}),
		...options,
		setup() {
			let calls = 0;
			let next = 0;
			// One listener per subscription, as separate subscribers would have (Emittery keeps a Set per event).
			const createListener = (): Listener =>
				workload.listeners === 'async'
					? async () => {
							calls++;
						}
					: () => {
							calls++;
						};
			for (const pattern of workload.patterns) library.subscribe(pattern, createListener());
			return {
				run(ops) {
					const first = next;
					next += ops;
					return library.publishMany(topicAt, first, ops, priorityAt);
				},
				expectedDeliveries(ops) {
					let expected = 0;
					for (let index = next; index < next + ops; index++) expected += deliveriesAt(index);
					return expected;
				},
				deliveries: () => calls,
			};
		},
	};
}
