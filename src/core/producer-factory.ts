import type {Producer, ProducerOptions} from '../producers/producer.js';
import type {Bus, EventMapLike} from '../types.js';

/** Builds `bus.producer()`'s scoped publisher; the producers layer registers it (core never imports that layer). */
type ProducerFactory = (bus: Bus<never>, options: ProducerOptions<string> | undefined) => unknown;

let producerFactory: ProducerFactory | undefined;

/** Registers how `bus.producer()` builds a producer: the main entry passes `createProducer`. */
export function registerProducerFactory(factory: ProducerFactory): void {
	producerFactory = factory;
}

/** Builds a producer over `bus` with the registered factory. */
export function createRegisteredProducer<Events extends EventMapLike, Prefix extends string>(bus: Bus<Events>, options: ProducerOptions<Prefix> | undefined): Producer<Events, Prefix> {
	if (producerFactory === undefined) throw new TypeError('Expected the producers layer to be loaded for `bus.producer()`: import it from `topicbus`');
	return producerFactory(bus as unknown as Bus<never>, options) as Producer<Events, Prefix>;
}
