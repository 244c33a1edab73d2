/**
 * The cost of leaving the built-in consumers and schema validation on in production: publish throughput to one
 * exact-topic subscriber with nothing attached, with the metrics consumer, with the logging consumer writing to a
 * null sink (serialization included), and with payload validation against a compiled JSON Schema.
 * Issue targets: metrics costs < 15% of throughput; logging stays above 1 million events/s; with validation >= 60%
 * of the throughput without.
 */
import {LoggingConsumer, MetricsConsumer} from '../../src/index.js';
import {publishContender, type PublishWorkload} from '../lib/contenders.js';
import {TopicbusLibrary} from '../lib/libraries.js';
import {baselineOf, defineScenario, type Target} from '../lib/scenario.js';
import {compareThroughput} from '../lib/throughput.js';

const workload: PublishWorkload = {patterns: ['order.created'], topics: ['order.created']};

// The benchmark's payload is `{n}`: the schema checks it as a typical payload schema would (type, bounds, no extras).
const orderCreated = {
	$id: 'order.created',
	type: 'object',
	required: ['n'],
	properties: {n: {type: 'integer', minimum: 0}},
	additionalProperties: false,
} as const;

/** Issue 12: with the metrics consumer attached (defaults: `delivered` and lag sampled one in 64), >= 0.85x without. */
const metricsCostTarget: Target = {
	issue: 12,
	text: 'Metrics consumer attached: >= 0.85x the throughput without it (costs < 15%)',
	evaluate(rows) {
		const without = baselineOf(rows, 'throughput');
		const attached = baselineOf(rows, 'throughput', 'metrics consumer');
		if (without === undefined || attached === undefined) return {status: 'not measured', actual: '-'};
		const ratio = attached.value / without.value;
		return {status: ratio >= 0.85 ? 'met' : 'missed', actual: `${ratio.toFixed(2)}x without (costs ${Math.round((1 - ratio) * 100)}%)`};
	},
};

function withMetrics(): TopicbusLibrary {
	const library = new TopicbusLibrary(undefined, 'metrics consumer');
	library.bus.use(new MetricsConsumer({bus: library.bus}));
	return library;
}

function withLogging(): TopicbusLibrary {
	const library = new TopicbusLibrary(undefined, 'logging consumer, null sink');
	library.bus.use(new LoggingConsumer({sink: () => undefined}));
	return library;
}

export default defineScenario({
	name: 'consumers-and-validation',
	title: 'one exact-topic subscriber: nothing attached vs metrics consumer, logging consumer, schema validation',
	targets: [metricsCostTarget],
	run: async context =>
		compareThroughput(context, {
			contenders: [
				publishContender(new TopicbusLibrary(), workload, {isBaseline: true}),
				publishContender(withMetrics(), workload),
				publishContender(withLogging(), workload),
				publishContender(new TopicbusLibrary({schemas: [orderCreated], validation: 'enforce'}, 'schema validation'), workload),
			],
		}),
});
