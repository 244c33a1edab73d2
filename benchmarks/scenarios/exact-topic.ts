/**
 * One exact-topic subscriber with a synchronous handler; topicbus on its queued path with history (1,000 events)
 * and counters on, i.e. its defaults. The peers emit synchronously (EventEmitter-style) or as documented.
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
import {defineScenario, ratioTarget, thresholdTarget} from '../lib/scenario.js';
import {compareThroughput} from '../lib/throughput.js';

const workload = {patterns: ['order.created'], topics: ['order.created']};
const millions = (value: number): string => `${(value / 1e6).toFixed(2)}M events/s`;

export default defineScenario({
	name: 'exact-topic',
	title: 'publish to one exact-topic subscriber, sync handler (topicbus: queued, history and counters on)',
	// Each target twice: for publish() (the baseline) and for publishSync(), the same queued path without a promise.
	targets: [
		thresholdTarget('Exact topic, queued: >= 5 million events/s', 'throughput', 5e6, millions),
		thresholdTarget('  ... with publishSync()', 'throughput', 5e6, millions, 'publishSync'),
		ratioTarget('Exact topic: >= 1.2x EventEmitter2 (wildcard mode, sync emit)', 'throughput', 'eventemitter2', 1.2),
		ratioTarget('  ... with publishSync()', 'throughput', 'eventemitter2', 1.2, 'publishSync'),
		ratioTarget('Exact topic: >= 7x Emittery', 'throughput', 'emittery', 7),
		ratioTarget('  ... with publishSync()', 'throughput', 'emittery', 7, 'publishSync'),
	],
	run: async context =>
		compareThroughput(context, {
			contenders: [
				publishContender(new TopicbusLibrary(), workload, {isBaseline: true, note: 'defaults: historySize 1000, asyncContext, freezePayloads'}),
				publishContender(new TopicbusPublishSyncLibrary(), workload, {note: 'defaults, publishSync() instead of publish()'}),
				publishContender(new TopicbusLibrary({historySize: 0, asyncContext: false, freezePayloads: false}, 'no history, asyncContext or freeze'), workload),
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
