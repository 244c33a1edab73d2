/**
 * One exact-topic subscriber whose handler returns a resolved promise on every call; each library waits for it as
 * documented (topicbus awaits it per subscription, EventEmitter2 through `emitAsync`, Emittery through `emit`,
 * the p-queue floor through the task's promise). eventemitter3 and mitt ignore returned promises, so they sit out.
 */
import {publishContender, type PublishWorkload} from '../lib/contenders.js';
import {EmitteryLibrary, EventEmitter2Library, PQueueLibrary, TopicbusLibrary} from '../lib/libraries.js';
import {defineScenario} from '../lib/scenario.js';
import {compareThroughput} from '../lib/throughput.js';

const workload: PublishWorkload = {patterns: ['order.created'], topics: ['order.created'], listeners: 'async'};

export default defineScenario({
	name: 'async-handlers',
	title: 'one exact-topic subscriber, async handler (a resolved promise per call), promises awaited',
	run: async context =>
		compareThroughput(context, {
			contenders: [
				publishContender(new TopicbusLibrary(), workload, {isBaseline: true}),
				publishContender(new EventEmitter2Library(true), workload),
				publishContender(new EmitteryLibrary(), workload),
				publishContender(new PQueueLibrary(), workload),
			],
		}),
});
