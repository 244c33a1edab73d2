/**
 * The subscription sets and topic streams the routing scenarios share, as plain data: the same strings go to
 * every library, and every library must make the same number of handler calls for them.
 */

const actions = ['created', 'updated', 'deleted', 'archived'] as const;

/**
 * `count` patterns shaped like the subscriptions of many services: per service `svc<s>`, exact topics, `*` at the
 * end and in the middle, `**` at the end and in the middle; plus a few that cut across services (`user.*.updated`,
 * `user.**`, `**.deleted`, `*.entity1.*`), so every topic is matched by a handful of patterns, never by thousands.
 */
export function wildcardPatterns(count: number): string[] {
	const crossCutting = ['user.*.updated', 'user.**', '**.deleted', '*.entity1.*'];
	const patterns = crossCutting.slice(0, count);
	for (let index = 0; patterns.length < count; index++) {
		const service = `svc${index % 1000}`;
		const round = Math.floor(index / 1000);
		const entity = `entity${round % 10}`;
		const action = actions[round % actions.length]!;
		switch (round % 5) {
			case 0: {
				patterns.push(`${service}.${entity}.${action}`);
				break;
			}
			case 1: {
				patterns.push(`${service}.${entity}.*`);
				break;
			}
			case 2: {
				patterns.push(`${service}.*.${action}`);
				break;
			}
			case 3: {
				patterns.push(`${service}.${entity}.**`);
				break;
			}
			default: {
				patterns.push(`${service}.**.${action}`);
			}
		}
	}
	return patterns;
}

/** `count` distinct topics that repeat when published round-robin (they fit in topicbus's route cache). */
export function repeatingTopics(count: number): string[] {
	const topics: string[] = [];
	for (let index = 0; index < count; index++) {
		topics.push(index % 10 === 9 ? `user.u${index}.updated` : `svc${(index * 7) % 1000}.entity${index % 10}.${actions[index % actions.length]!}`);
	}
	return topics;
}

/** The topic of the `index`-th event of the high-cardinality stream: never seen before. */
export function distinctTopic(index: number): string {
	return `user.${index}.updated`;
}
