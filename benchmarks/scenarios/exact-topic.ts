/**
 * One exact-topic subscriber with a synchronous handler; topicbus on its queued path with history (1,000 events)
 * and counters on, i.e. its defaults, and with the lean profile. The peers emit synchronously (EventEmitter-style)
 * or as documented.
 */
import {publishContender} from '../lib/contenders.js';
import {
	EmitteryLibrary,
	EventEmitter2Library,
	EventEmitter3Library,
	MittLibrary,
	PicomatchScanLibrary,
	PQueueLibrary,
	QlobberLibrary,
	TopicbusLibrary,
	TopicbusPublishSyncLibrary,
} from '../lib/libraries.js';
import {leanProfile} from '../../src/index.js';
import {defineScenario, fromIssue, ratioTarget, thresholdTarget} from '../lib/scenario.js';
import {compareThroughput} from '../lib/throughput.js';

const workload = {patterns: ['order.created'], topics: ['order.created']};
const millions = (value: number): string => `${(value / 1e6).toFixed(2)}M events/s`;

export default defineScenario({
	name: 'exact-topic',
	title: 'publish to one exact-topic subscriber, sync handler (topicbus: queued, history and counters on)',
	// Issue 12's ratios replace issue 3's (1.2x EventEmitter2, 7x Emittery for the defaults); issue 3's absolute
	// rate stays, for publish() (the baseline) and for publishSync(), the same queued path without a promise.
	targets: [
		fromIssue(12, ratioTarget('Exact topic: default publish() >= 0.6x EventEmitter2 (wildcard mode, sync emit)', 'throughput', 'eventemitter2', 0.6)),
		fromIssue(12, ratioTarget('Exact topic: default publish() >= 5x Emittery', 'throughput', 'emittery', 5)),
		fromIssue(12, ratioTarget('Exact topic: lean profile >= 1.2x EventEmitter2', 'throughput', 'eventemitter2', 1.2, 'lean profile')),
		fromIssue(12, ratioTarget('  ... with publishSync()', 'throughput', 'eventemitter2', 1.2, 'lean profile, publishSync')),
		fromIssue(3, thresholdTarget('Exact topic, queued: >= 5 million events/s', 'throughput', 5e6, millions)),
		fromIssue(3, thresholdTarget('  ... with publishSync()', 'throughput', 5e6, millions, 'publishSync')),
	],
	run: async context =>
		compareThroughput(context, {
			contenders: [
				publishContender(new TopicbusLibrary(), workload, {isBaseline: true, note: 'defaults: historySize 1000, asyncContext, freezePayloads'}),
				publishContender(new TopicbusPublishSyncLibrary(), workload, {note: 'defaults, publishSync() instead of publish()'}),
				publishContender(new TopicbusLibrary(leanProfile, 'lean profile'), workload, {note: 'new EventBus(leanProfile)'}),
				publishContender(new TopicbusPublishSyncLibrary(leanProfile, 'lean profile, publishSync'), workload, {note: 'new EventBus(leanProfile), publishSync()'}),
				publishContender(new EventEmitter3Library(), workload),
				publishContender(new MittLibrary(), workload),
				publishContender(new EventEmitter2Library(), workload),
				publishContender(new EmitteryLibrary(), workload),
				publishContender(new QlobberLibrary(), workload),
				publishContender(new PQueueLibrary(), workload),
				publishContender(new PicomatchScanLibrary(), workload),
			],
		}),
});
