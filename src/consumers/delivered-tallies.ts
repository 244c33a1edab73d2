/**
 * Turns the bus's running count of each subscription's successful calls (in its sampled `delivered` notices and in
 * `subscriptions()`) into exact increments, and says which topic to credit them to.
 */
import type {SubscriptionInfo} from '../types.js';

interface Tally<Topic> {
	/** The bus's count for the subscription that is already credited (or that predates the tallies). */
	seen: number;
	/** Where calls not yet reported by a notice are credited: the topic of its latest notice. */
	topic: Topic | undefined;
}

/** The calls of one subscription to credit at a snapshot, to it and to `topic`. */
export interface UnreportedCalls<Topic> {
	readonly info: SubscriptionInfo;
	readonly calls: number;
	readonly topic: Topic | undefined;
}

/** One tally per subscription id that delivered; subscriptions the bus no longer lists are forgotten when `keep` says so. */
export class DeliveredTallies<Topic> {
	readonly #tallies = new Map<string, Tally<Topic>>();
	/** The count of each subscription the bus listed at the start, until its first notice: those calls are not ours. */
	readonly #baselines = new Map<string, number>();

	constructor(existing: readonly SubscriptionInfo[]) {
		for (const info of existing) if (info.delivered !== undefined) this.#baselines.set(info.id, info.delivered);
	}

	/** Subscriptions tallied. */
	get size(): number {
		return this.#tallies.size;
	}

	/**
	 * A notice of subscription `id`, with its running count when the bus gives one: returns the calls it stands for
	 * (itself and the unreported ones before it; without a count, 1), and credits later unreported calls to `topic`.
	 */
	noticed(id: string, delivered: number | undefined, topic: Topic | undefined): number {
		let tally = this.#tallies.get(id);
		if (tally === undefined) {
			tally = {seen: this.#baselines.get(id) ?? 0, topic: undefined};
			this.#baselines.delete(id);
			this.#tallies.set(id, tally);
		}
		// With the bus's count, exactly the calls it counted since (none when an earlier notice carried a later count).
		if (delivered !== undefined) {
			const calls = Math.max(0, delivered - tally.seen);
			tally.seen = Math.max(tally.seen, delivered);
			tally.topic = topic;
			return calls;
		}
		tally.seen++;
		tally.topic = topic;
		return 1;
	}

	/**
	 * The calls `infos` (the bus's current subscriptions) count beyond what was credited, each to be credited to the
	 * topic of its subscription's latest notice; then forgets the subscriptions no longer listed for which `keep` is
	 * false. A subscription with no notice yet waits for its first one, which credits its calls to a known topic.
	 */
	catchUp(infos: readonly SubscriptionInfo[], keep: (id: string) => boolean): UnreportedCalls<Topic>[] {
		const unreported: UnreportedCalls<Topic>[] = [];
		const live = new Set<string>();
		for (const info of infos) {
			live.add(info.id);
			const tally = this.#tallies.get(info.id);
			if (tally === undefined || info.delivered === undefined || info.delivered <= tally.seen) continue;
			unreported.push({info, calls: info.delivered - tally.seen, topic: tally.topic});
			tally.seen = info.delivered;
		}
		for (const id of this.#tallies.keys()) if (!live.has(id) && !keep(id)) this.#tallies.delete(id);
		for (const id of this.#baselines.keys()) if (!live.has(id)) this.#baselines.delete(id);
		return unreported;
	}
}
