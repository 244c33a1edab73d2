/**
 * 10,000 subscriptions mixing exact, `*` and `**` patterns; 1,000 distinct topics published round-robin, so every
 * topic repeats and topicbus's route cache (10,000 entries by default) answers after the first pass. Only the
 * libraries that route wildcards take part.
 */
import {publishContender, type PublishWorkload} from '../lib/contenders.js';
import {
	EventEmitter2Library,
	PicomatchScanLibrary,
	QlobberLibrary,
	TopicbusLibrary,
	TopicbusPublishSyncLibrary,
	TopicbusRouterLibrary,
} from '../lib/libraries.js';
import {defineScenario, fromIssue, thresholdTarget} from '../lib/scenario.js';
import {compareThroughput} from '../lib/throughput.js';
import {repeatingTopics, wildcardPatterns} from '../lib/workloads.js';

const millions = (value: number): string => `${(value / 1e6).toFixed(2)}M events/s`;

export default defineScenario({
	name: 'wildcard-cache-hits',
	title: '10,000 mixed * / ** subscriptions, 1,000 topics that repeat (route cache hits)',
	targets: [
		fromIssue(3, thresholdTarget('10,000 wildcard subscriptions, cache hits: >= 3 million events/s', 'throughput', 3e6, millions)),
		fromIssue(3, thresholdTarget('  ... with publishSync()', 'throughput', 3e6, millions, 'publishSync')),
	],
	async run(context) {
		const workload: PublishWorkload = {patterns: wildcardPatterns(10_000), topics: repeatingTopics(1000)};
		return compareThroughput(context, {
			contenders: [
				publishContender(new TopicbusLibrary(), workload, {isBaseline: true}),
				publishContender(new TopicbusPublishSyncLibrary(), workload),
				publishContender(new TopicbusRouterLibrary(), workload),
				publishContender(new EventEmitter2Library(), workload),
				publishContender(new QlobberLibrary(), workload),
				publishContender(new PicomatchScanLibrary(), workload),
			],
		});
	},
});
