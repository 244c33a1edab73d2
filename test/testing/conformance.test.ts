import {EventBus} from '../../src/index.js';
import {createMockBus, createTestBus, runBusConformance} from '../../src/testing/index.js';

const everything = {ordering: true, priorities: true, history: true, retry: true, deadLetters: true, consumers: true, streams: true, correlation: true} as const;

runBusConformance('EventBus', () => new EventBus(), {...everything, eventPriority: true, asyncDelivery: true});
runBusConformance('MockBus (sync)', () => createMockBus(), {...everything, asyncDelivery: false});
runBusConformance('MockBus (queued)', () => createMockBus({mode: 'queued'}), {...everything, eventPriority: true, asyncDelivery: true});
runBusConformance('TestBus harness', () => createTestBus().bus, {...everything, eventPriority: true, asyncDelivery: true});
runBusConformance('MockBus (sync, asyncContext)', () => createMockBus({asyncContext: true}), {...everything, asyncDelivery: false});
