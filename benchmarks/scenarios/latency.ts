/**
 * Publish-to-handler latency at a fixed offered rate of 100,000 events/s, one exact-topic subscriber: from the
 * `publish()` call, and from each event's scheduled time (which adds the producer's own stalls). One scenario
 * process runs at a time, so the other core is idle. The synchronous emitters show the harness's floor: their
 * handler runs inside `emit`, so their "from schedule" tail is the event loop's and the machine's own.
 */
import {compareLatency} from '../lib/latency.js';
import {EmitteryLibrary, EventEmitter2Library, EventEmitter3Library, PQueueLibrary, TopicbusLibrary} from '../lib/libraries.js';
import {defineScenario, fromIssue, thresholdTarget} from '../lib/scenario.js';

export default defineScenario({
	name: 'latency',
	title: 'publish-to-handler latency at 100,000 events/s offered (open loop, clock-paced producer)',
	targets: [fromIssue(3, thresholdTarget('Latency at 100k events/s offered: p99 < 1 ms', 'latency from publish()', 1000, value => `p99 ${value.toFixed(0)} µs`))],
	run: async context =>
		compareLatency(context, {
			ratePerSecond: 100_000,
			contenders: [
				{library: new TopicbusLibrary(), isBaseline: true},
				{library: new EventEmitter3Library()},
				{library: new EventEmitter2Library()},
				{library: new EmitteryLibrary()},
				{library: new PQueueLibrary()},
			],
		}),
});
