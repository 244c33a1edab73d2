/**
 * Events published with priorities 0, 1, 5 and 10 in turn to one exact-topic subscriber, so topicbus's queue
 * keeps four levels busy. Only p-queue (a task per event, with its `priority` option) also orders by priority;
 * topicbus without priorities is shown for the cost of ordering.
 */
import {publishContender, type PublishWorkload} from '../lib/contenders.js';
import {PQueueLibrary, TopicbusLibrary} from '../lib/libraries.js';
import {defineScenario} from '../lib/scenario.js';
import {compareThroughput} from '../lib/throughput.js';

const unordered: PublishWorkload = {patterns: ['order.created'], topics: ['order.created']};
const workload: PublishWorkload = {...unordered, priorities: [0, 1, 5, 10]};

export default defineScenario({
	name: 'mixed-priorities',
	title: 'events with priorities 0/1/5/10 in turn, one exact-topic subscriber, sync handler',
	run: async context =>
		compareThroughput(context, {
			contenders: [
				publishContender(new TopicbusLibrary(), workload, {isBaseline: true}),
				publishContender(new TopicbusLibrary(undefined, 'no priorities given'), unordered),
				publishContender(new PQueueLibrary(), workload),
			],
		}),
});
