/**
 * What a payload's shape costs: one exact-topic subscriber, every event with a fresh payload of 1, 3 or 30 objects
 * (a new object graph per publish, so that topicbus's deep freeze has real work each time). topicbus with its
 * defaults (`freezePayloads` on) through `publish()` and `publishSync()`; EventEmitter2, which neither copies nor
 * freezes, shows what building the payloads costs by itself.
 */
import {batchSize, EventEmitter2Library, TopicbusLibrary, type Library} from '../lib/libraries.js';
import {costTarget, defineScenario, fromIssue} from '../lib/scenario.js';
import {compareThroughput, type Contender} from '../lib/throughput.js';

const topic = 'order.created';

interface Shape {
	readonly name: string;
	readonly build: (n: number) => {readonly n: number};
}

const lineCount = 26;

const shapes = {
	flat: {name: 'flat {n}', build: n => ({n})},
	// The root, the customer and the address.
	three: {name: '3 objects', build: n => ({n, customer: {id: n, address: {city: 'Lyon'}}})},
	// As above, plus an array of 26 order lines: 30 objects in all.
	thirty: {
		name: '30 objects',
		build(n) {
			const lines = [];
			for (let index = 0; index < lineCount; index++) lines.push({sku: 'sku-1', quantity: index});
			return {n, customer: {id: n, address: {city: 'Lyon'}}, lines};
		},
	},
} satisfies Record<string, Shape>;

/** Calls counted by each contender's listener; one per event. */
interface Counter {
	calls: number;
}

function contender(library: string, variant: string, setup: (counter: Counter) => (first: number, count: number) => void | Promise<void>, isBaseline = false): Contender {
	return {
		library,
		variant,
		isBaseline,
		setup() {
			const counter: Counter = {calls: 0};
			const publishMany = setup(counter);
			let next = 0;
			return {
				run(ops) {
					const first = next;
					next += ops;
					return publishMany(first, ops);
				},
				deliveries: () => counter.calls,
				expectedDeliveries: ops => ops,
			};
		},
	};
}

/** topicbus with its defaults: `publish()` not awaited one by one (or `publishSync()`), `drain()` every batch. */
function topicbus(shape: Shape, isSync: boolean, isBaseline = false): Contender {
	const variant = isSync ? `publishSync, ${shape.name}` : shape.name;
	return contender(
		'topicbus',
		variant,
		counter => {
			const {bus} = new TopicbusLibrary();
			bus.subscribe(topic, () => {
				counter.calls++;
			});
			const {build} = shape;
			return isSync
				? async (first, count) => {
						const end = first + count;
						for (let index = first; index < end; index++) {
							bus.publishSync(topic, build(index));
							if ((index - first) % batchSize === batchSize - 1) await bus.drain();
						}
						await bus.drain();
					}
				: async (first, count) => {
						const end = first + count;
						for (let index = first; index < end; index++) {
							void bus.publish(topic, build(index));
							if ((index - first) % batchSize === batchSize - 1) await bus.drain();
						}
						await bus.drain();
					};
		},
		isBaseline,
	);
}

/** EventEmitter2 in wildcard mode, synchronous `emit`. */
function eventEmitter2(shape: Shape): Contender {
	const library: Library = new EventEmitter2Library();
	return contender(`${library.name}`, `${library.variant ?? ''}, ${shape.name}`.replace(/^, /, ''), counter => {
		library.subscribe(topic, () => {
			counter.calls++;
		});
		const {build} = shape;
		return (first, count) => {
			const end = first + count;
			for (let index = first; index < end; index++) library.publish(topic, build(index));
		};
	});
}

export default defineScenario({
	name: 'nested-payload',
	title: 'one exact-topic subscriber, a fresh payload per event of 1, 3 or 30 objects (topicbus: defaults, payloads deep-frozen)',
	targets: [fromIssue(12, costTarget('Nested payload of 3 objects: publish() within 1.5x the cost of a flat {n}', 'throughput', shapes.three.name, 1.5))],
	run: async context =>
		compareThroughput(context, {
			contenders: [
				topicbus(shapes.flat, false, true),
				topicbus(shapes.three, false),
				topicbus(shapes.thirty, false),
				topicbus(shapes.flat, true),
				topicbus(shapes.three, true),
				topicbus(shapes.thirty, true),
				eventEmitter2(shapes.flat),
				eventEmitter2(shapes.three),
				eventEmitter2(shapes.thirty),
			],
		}),
});
