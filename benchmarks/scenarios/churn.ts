/**
 * Subscribe/unsubscribe churn while events flow: each operation subscribes a pattern (`churn.c<i>.*`, one of 100),
 * publishes one event to a hot topic, and unsubscribes again, next to 1,000 standing exact-topic subscriptions
 * (exact, so that the libraries without wildcards route the same events). For topicbus every subscribe and
 * unsubscribe also invalidates the route cache, so the next publish re-matches its topic.
 */
import {referenceDeliveries} from '../lib/contenders.js';
import {
	batchSize,
	EmitteryLibrary,
	EventEmitter2Library,
	EventEmitter3Library,
	MittLibrary,
	PicomatchScanLibrary,
	PQueueLibrary,
	QlobberLibrary,
	TopicbusLibrary,
	type Library,
} from '../lib/libraries.js';
import {defineScenario} from '../lib/scenario.js';
import {compareThroughput, type Contender} from '../lib/throughput.js';
import {repeatingTopics} from '../lib/workloads.js';

const standing = repeatingTopics(1000);
const hotTopics = standing.slice(0, 100);
const churned = Array.from({length: 100}, (_, index) => `churn.c${index}.*`);

function churnContender(library: Library, isBaseline = false): Contender {
	const deliveriesAt = referenceDeliveries(standing, hotTopics);
	return {
		library: library.name,
		...(library.variant === undefined ? {} : {variant: library.variant}),
		isBaseline,
		setup() {
			let calls = 0;
			let next = 0;
			for (const pattern of standing) {
				library.subscribe(pattern, () => {
					calls++;
				});
			}
			const listener = (): void => undefined;
			return {
				async run(ops) {
					const end = next + ops;
					for (let index = next; index < end; index++) {
						const unsubscribe = library.subscribe(churned[index % churned.length]!, listener);
						library.publish(hotTopics[index % hotTopics.length]!, {n: index});
						unsubscribe();
						if (index % batchSize === batchSize - 1) await library.flush();
					}
					next = end;
					await library.flush();
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

export default defineScenario({
	name: 'churn',
	title: 'subscribe + publish one event + unsubscribe, next to 1,000 standing subscriptions (ops/s)',
	run: async context =>
		compareThroughput(context, {
			unit: 'ops/s',
			contenders: [
				churnContender(new TopicbusLibrary(), true),
				churnContender(new EventEmitter3Library()),
				churnContender(new MittLibrary()),
				churnContender(new EventEmitter2Library()),
				churnContender(new EmitteryLibrary()),
				churnContender(new QlobberLibrary()),
				churnContender(new PQueueLibrary()),
				churnContender(new PicomatchScanLibrary()),
			],
		}),
});
