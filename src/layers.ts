/**
 * Wires the layers that sit on top of core into it, for every entry that makes buses (`topicbus`,
 * `topicbus/testing`): core never imports them, so it only knows them through these registrations.
 * - The schema layer: a bus accepts `schemas` as a folder or a list (ajv itself loads on the first registry built).
 * - The producers layer: `bus.producer()`.
 * Imported for its effect; listed in package.json `sideEffects` so that bundlers keep it.
 */
import {registerSchemaLoader} from './core/bus-options.js';
import {registerProducerFactory} from './core/event-bus.js';
import {createProducer} from './producers/producer.js';
import {SchemaRegistry} from './schema/schema-registry.js';

registerSchemaLoader(source => SchemaRegistry.from(source));
registerProducerFactory((bus, options) => createProducer(bus, options));
