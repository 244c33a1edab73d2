/**
 * Where a default `publish()` spends its time: the exact-topic workload on a default bus, on buses that each turn
 * one guarantee off, and on the lean profile (all of them off), interleaved in one process. The difference between
 * a row's cost per event and the default's is what that guarantee costs (the parts interact through allocation and
 * garbage collection, so the differences do not add up exactly to the lean profile's).
 */
import {leanProfile, type EventBusOptions} from '../../src/index.js';
import {publishContender} from '../lib/contenders.js';
import {TopicbusLibrary} from '../lib/libraries.js';
import {defineScenario} from '../lib/scenario.js';
import {compareThroughput} from '../lib/throughput.js';

const workload = {patterns: ['order.created'], topics: ['order.created']};

const variants: readonly [string, EventBusOptions][] = [
	['freezePayloads: false', {freezePayloads: false}],
	['freezeEnvelopes: false', {freezeEnvelopes: false}],
	['historySize: 0', {historySize: 0}],
	['asyncContext: false', {asyncContext: false}],
	["timestamps: 'per-burst'", {timestamps: 'per-burst'}],
	['lean profile', leanProfile],
];

export default defineScenario({
	name: 'cost-split',
	title: 'exact-topic publish() with one guarantee off at a time, and the lean profile (what each costs)',
	run: async context =>
		compareThroughput(context, {
			contenders: [
				publishContender(new TopicbusLibrary(), workload, {isBaseline: true, note: 'default options'}),
				...variants.map(([variant, options]) => publishContender(new TopicbusLibrary(options, variant), workload)),
			],
		}),
});
