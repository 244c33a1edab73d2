/**
 * Every publish is a topic never seen before (`user.<n>.updated`) against the same 10,000 subscriptions as
 * `wildcard-cache-hits`: topicbus's route cache only misses (and evicts). Then the heap after 1 million distinct
 * topics, which must stay flat: the cache is bounded, and nothing else may remember topics.
 */
import {publishContender, type PublishWorkload} from '../lib/contenders.js';
import {heapUsedAfterGc, megabyte} from '../lib/heap.js';
import {
	EventEmitter2Library,
	PicomatchScanLibrary,
	QlobberLibrary,
	TopicbusLibrary,
	TopicbusPublishSyncLibrary,
	TopicbusRouterLibrary,
	type Library,
} from '../lib/libraries.js';
import {defineScenario, ratioTarget, thresholdTarget, type ResultRow, type ScenarioContext} from '../lib/scenario.js';
import {compareThroughput} from '../lib/throughput.js';
import {distinctTopic, wildcardPatterns} from '../lib/workloads.js';

const patterns = wildcardPatterns(10_000);
// `user.*.updated` and `user.**` match every topic of the stream.
const workload: PublishWorkload = {patterns, topics: distinctTopic, deliveriesAt: () => 2};

/** Heap growth while `library` publishes `count` distinct topics, measured halfway and at the end. */
async function heapGrowth(context: ScenarioContext, library: Library, count: number, isBaseline: boolean): Promise<ResultRow> {
	for (const pattern of patterns) library.subscribe(pattern, () => undefined);
	const baseline = heapUsedAfterGc(context);
	const half = Math.floor(count / 2);
	const chunk = 100_000;
	for (let first = 0; first < half; first += chunk) await library.publishMany(distinctTopic, first, Math.min(chunk, half - first));
	const atHalf = heapUsedAfterGc(context);
	for (let first = half; first < count; first += chunk) await library.publishMany(distinctTopic, first, Math.min(chunk, count - first));
	const atEnd = heapUsedAfterGc(context);
	const label = library.variant === undefined ? library.name : `${library.name} (${library.variant})`;
	context.log(`${label}: heap +${((atEnd - baseline) / megabyte).toFixed(1)} MB after ${count.toLocaleString('en-US')} topics`);
	return {
		library: library.name,
		variant: library.variant,
		metric: `heap growth after ${count.toLocaleString('en-US')} topics`,
		unit: 'MB',
		value: (atEnd - baseline) / megabyte,
		better: 'lower',
		isBaseline,
		note: `second half of the topics added ${((atEnd - atHalf) / megabyte).toFixed(1)} MB`,
	};
}

export default defineScenario({
	name: 'high-cardinality',
	title: 'every publish a new topic (user.<n>.updated) against 10,000 subscriptions (route cache misses); heap after 1M topics',
	targets: [
		{...ratioTarget('10,000 wildcard subscriptions, cache misses: the bus >= 0.8x qlobber', 'throughput', 'qlobber', 0.8), issue: 12},
		{...ratioTarget("10,000 wildcard subscriptions, cache misses: topicbus's router alone >= 1.4x qlobber", 'throughput', 'qlobber', 1.4, 'router only'), issue: 12},
		{...thresholdTarget('Heap after 1 million distinct topics: < 20 MB above the baseline', 'heap growth after 1,000,000 topics', 20, value => `${value.toFixed(1)} MB`), issue: 3},
	],
	async run(context) {
		const rows = await compareThroughput(context, {
			contenders: [
				publishContender(new TopicbusLibrary(), workload, {isBaseline: true}),
				publishContender(new TopicbusPublishSyncLibrary(), workload),
				publishContender(new TopicbusRouterLibrary(), workload),
				publishContender(new EventEmitter2Library(), workload),
				publishContender(new QlobberLibrary(), workload),
				publishContender(new PicomatchScanLibrary(), workload),
			],
		});
		const count = context.isQuick ? 20_000 : 1_000_000;
		// One library at a time, each measured from its own baseline and dropped before the next.
		const heapLibraries: [() => Library, boolean][] = [
			[() => new TopicbusLibrary(), true],
			[() => new EventEmitter2Library(), false],
			[() => new QlobberLibrary(), false],
		];
		for (const [create, isBaseline] of heapLibraries) {
			const library = create();
			if (context.isSelected(library.variant === undefined ? library.name : `${library.name} (${library.variant})`)) {
				rows.push(await heapGrowth(context, library, count, isBaseline));
			}
		}
		return rows;
	},
});
