/** One topic, 100 subscribers: the cost of handing one event to many handlers. Throughput counts published events. */
import {publishContender, type PublishWorkload} from '../lib/contenders.js';
import {
	EmitteryLibrary,
	EventEmitter2Library,
	EventEmitter3Library,
	MittLibrary,
	PicomatchScanLibrary,
	PQueueLibrary,
	QlobberLibrary,
	TopicbusLibrary,
} from '../lib/libraries.js';
import {defineScenario} from '../lib/scenario.js';
import {compareThroughput} from '../lib/throughput.js';

const workload: PublishWorkload = {patterns: Array.from({length: 100}, () => 'order.created'), topics: ['order.created']};

export default defineScenario({
	name: 'fan-out',
	title: 'one topic, 100 subscribers, sync handlers (events/s; each event is 100 handler calls)',
	run: async context =>
		compareThroughput(context, {
			contenders: [
				publishContender(new TopicbusLibrary(), workload, {isBaseline: true}),
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
