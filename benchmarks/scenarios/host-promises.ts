/**
 * What a bus costs the host application's own promises. The workload is the host's, not the bus's: an `await` loop
 * over a two-level async call chain, closed by a `Promise.all` over four async calls. It is timed in a process where
 * no bus has run (the baseline), and after a bus has dispatched an event, once per correlation setting. Node 20's
 * AsyncLocalStorage turns on a promise hook for the whole process while it is enabled, so every promise of the host
 * pays for it; Node 24's AsyncContextFrame has no such hook. `asyncContext: 'auto'` (the default) enables it on Node
 * 20 and 22 only while an `async` handler is in flight, `true` keeps it on once a handler has run. The ratio of each
 * row to the baseline is the host's throughput with that bus attached.
 */
import {EventBus, type EventBusOptions} from '../../src/index.js';
import type {Contender} from '../lib/throughput.js';
import {compareThroughput} from '../lib/throughput.js';
import {defineScenario, type ResultRow, type Target} from '../lib/scenario.js';

async function leaf(value: number): Promise<number> {
	return value + 1;
}

async function chain(value: number): Promise<number> {
	return leaf(await leaf(value));
}

/** The host's own work: `iterations` awaited call chains, then one fan-out; returns how many chains ran. */
async function hostWork(iterations: number): Promise<number> {
	let total = 0;
	for (let index = 0; index < iterations; index++) total = await chain(total);
	await Promise.all([leaf(1), leaf(2), leaf(3), leaf(4)]);
	return total / 2;
}

function hostContender(variant: string, busOptions: EventBusOptions | undefined): Contender {
	return {
		library: busOptions === undefined ? 'host' : 'host + topicbus',
		variant,
		isBaseline: busOptions === undefined,
		setup() {
			const bus = busOptions === undefined ? undefined : new EventBus(busOptions);
			bus?.subscribe('warm.up', async () => undefined);
			let chains = 0;
			return {
				async run(ops) {
					// The harness turns the bus's process-wide state off after every timed run (so that the rows stay
					// independent); one dispatched event turns it back on, as in an app whose bus has handled anything.
					if (bus !== undefined) {
						await bus.publish('warm.up', {});
						await bus.drain();
					}
					chains += await hostWork(ops);
				},
				deliveries: () => chains,
				expectedDeliveries: ops => ops,
				async teardown() {
					await bus?.close();
				},
			};
		},
	};
}

const slowdownTarget = (variant: string): Target => ({
	issue: 12,
	text: `host promise throughput with a bus (${variant}) >= 0.95x without (slowdown <= 1.05x)`,
	evaluate(rows: readonly ResultRow[]) {
		const base = rows.find(row => row.isBaseline === true);
		const row = rows.find(candidate => candidate.library === 'host + topicbus' && candidate.variant === variant);
		if (base === undefined || row === undefined) return {status: 'not measured', actual: 'no row'};
		const ratio = row.value / base.value;
		return {status: ratio >= 0.95 ? 'met' : 'missed', actual: `${ratio.toFixed(2)}x (slowdown ${(1 / ratio).toFixed(2)}x)`};
	},
});

export default defineScenario({
	name: 'host-promises',
	title: "the host app's own promise throughput (await loop, async chain, Promise.all), without and with a bus",
	targets: [slowdownTarget('default options')],
	// Each row after an `async` handler has run to completion; `asyncContext: true` is the setting of earlier releases.
	run: async context =>
		compareThroughput(context, {
			metric: 'host throughput',
			unit: 'ops/s',
			contenders: [
				hostContender('no bus', undefined),
				hostContender('default options', {}),
				hostContender('asyncContext: true', {asyncContext: true}),
				hostContender('asyncContext: false', {asyncContext: false}),
			],
		}),
});
