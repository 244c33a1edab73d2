/**
 * The receiving process of the bridge benchmark. One JSON command per stdin line:
 * `{"kind", "servers", "prefix", "stream", "count", "name"}` sets up one receiver and prints `{"ready": true}`;
 * every 1,000 events it prints `{"progress": n}`; once `count` events arrived it prints
 * `{"done": true, "cpuMicros", "received"}` and tears the receiver down.
 */
import {createInterface} from 'node:readline';
import {connect} from '@nats-io/transport-node';
import {AckPolicy, DeliverPolicy, jetstream, jetstreamManager} from '@nats-io/jetstream';
import {EventBus} from '../../src/index.js';
import {bridgeToNats} from '../../src/bridge/index.js';

interface Setup {
	readonly kind: 'plain-core' | 'bus-core' | 'bridge-core' | 'plain-jetstream' | 'bridge-jetstream';
	readonly servers: string;
	readonly prefix: string;
	readonly stream: string;
	readonly count: number;
	readonly name: string;
}

const print = (value: unknown): void => {
	process.stdout.write(`${JSON.stringify(value)}\n`);
};

async function run(setup: Setup): Promise<void> {
	let received = 0;
	let cpu = process.cpuUsage();
	let finish!: () => void;
	const done = new Promise<void>(resolve => (finish = resolve));
	const onEvent = (): void => {
		received++;
		// Progress lets the sender keep at most a window of events in flight (flow control across the processes).
		if (received % 1_000 === 0) print({progress: received});
		if (received === setup.count) finish();
	};
	let teardown: () => Promise<unknown>;
	if (setup.kind === 'plain-core') {
		const nc = await connect({servers: setup.servers});
		nc.subscribe(`${setup.prefix}.>`, {
			callback: (_error, message) => {
				message.json();
				onEvent();
			},
		});
		await nc.flush();
		teardown = () => nc.close();
	} else if (setup.kind === 'bus-core') {
		// A bus on each side joined by bare NATS publish/subscribe: the cost of the buses alone, without the bridge.
		const bus = new EventBus();
		bus.subscribe('**', onEvent);
		const nc = await connect({servers: setup.servers});
		const skip = setup.prefix.length + 1;
		nc.subscribe(`${setup.prefix}.>`, {
			callback: (_error, message) => {
				bus.publishSync(message.subject.slice(skip), message.json());
			},
		});
		await nc.flush();
		teardown = async () => {
			await nc.close();
			await bus.close();
		};
	} else if (setup.kind === 'plain-jetstream') {
		const nc = await connect({servers: setup.servers});
		const jsm = await jetstreamManager(nc);
		await jsm.consumers.add(setup.stream, {durable_name: setup.name, ack_policy: AckPolicy.Explicit, deliver_policy: DeliverPolicy.New, filter_subject: `${setup.prefix}.>`});
		const consumer = await jetstream(nc).consumers.get(setup.stream, setup.name);
		const messages = await consumer.consume({
			max_messages: 1_000,
			callback: message => {
				message.json();
				message.ack();
				onEvent();
			},
		});
		teardown = async () => {
			await messages.close();
			await nc.close();
		};
	} else {
		const bus = new EventBus();
		bus.subscribe('**', onEvent);
		const bridge = await bridgeToNats(bus, {
			servers: setup.servers,
			prefix: setup.prefix,
			name: setup.name,
			mode: setup.kind === 'bridge-core' ? 'core' : 'jetstream',
			imports: '**',
			jetstream: {stream: setup.stream},
		});
		teardown = async () => {
			await bridge.close();
			await bus.close();
		};
	}
	cpu = process.cpuUsage();
	print({ready: true});
	await done;
	const used = process.cpuUsage(cpu);
	print({done: true, cpuMicros: used.user + used.system, received});
	await teardown();
}

for await (const line of createInterface({input: process.stdin})) {
	await run(JSON.parse(line) as Setup);
}
