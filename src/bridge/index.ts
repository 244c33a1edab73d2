/**
 * topicbus's NATS bridge (its own entry, so the core needs no NATS client): values first, then types.
 */
export {bridgeToNats, NatsBridge} from './nats-bridge.js';
export {jsonCodec, wireHeaders} from './wire.js';
export {BridgeBufferFullError, BridgeClosedError, BridgeConnectError, BridgeErrorCodes, BridgeImportError, BridgeMessageError} from './errors.js';

export type {BridgeBus, BridgeCloseReport, BridgeEvents, BridgeHealth, BridgeMetrics, BridgeState} from './nats-bridge.js';
export type {BridgeJetStreamOptions, BridgeMode, BridgeOverflowPolicy, NatsBridgeOptions} from './bridge-options.js';
export type {BridgeCounters, BridgeDeadLetter, BridgeDeadLetterReason} from './bridge-context.js';
export type {BridgeCodec} from './wire.js';
export type {BridgeErrorCode, BridgeMessageReason} from './errors.js';
