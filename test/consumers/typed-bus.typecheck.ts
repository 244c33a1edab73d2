/** Type-checked by `tsc` only: the built-ins accept a bus with a typed event map. */
import {DeadLetterConsumer} from '../../src/consumers/dead-letter-consumer.js';
import {MetricsConsumer} from '../../src/consumers/metrics-consumer.js';
import {LoggingConsumer} from '../../src/consumers/logging-consumer.js';
import {EventBus} from '../../src/index.js';
import {tracked} from '../../src/producers/tracked.js';
import type {Bus} from '../../src/types.js';

type Events = {'order.created': {id: string}; 'order.paid': {id: string; amount: number}};

export function wire(bus: EventBus<Events>, contract: Bus<Events>): void {
	bus.use(new LoggingConsumer());
	bus.use(new MetricsConsumer({bus}));
	bus.use(new DeadLetterConsumer({bus}));
	contract.use(new MetricsConsumer({bus: contract}));
	contract.use(new DeadLetterConsumer({bus: contract}));
	void tracked(contract, 'order.process', async () => 1);
}
