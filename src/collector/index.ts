/**
 * topicbus/collector: the central event collector service (`topicbus-collector`), as one explicit export list.
 */
export {createCollector} from './create-collector.js';
export {MemoryStore} from './memory-store.js';
export {SqliteStore} from './sqlite-store.js';
export {fromBusEvent, toCollectedEvent, referenceEventSchema, cloudEventSchema} from './wire-format.js';
export {parseQuery, parseFilter, compileFilter} from './query.js';
export {analyzeErrors, detectPatterns, generateReport, traceCorrelation, robustScores, anomalyThreshold} from './analysis.js';
export {verifyWebhookSignature, parseApiKey, parseKeysFile} from './auth.js';
export {slowConsumerCloseCode, goingAwayCloseCode} from './stream.js';
export {dashboardCsp} from './http-server.js';
export {CollectorErrorCodes, CollectorClosedError, CollectorConfigError, CollectorQueryError} from './errors.js';
export {severities} from './types.js';

export type {Collector, CollectorAddress, CollectorOptions, RetentionOptions} from './create-collector.js';
export type {SqliteStoreOptions} from './sqlite-store.js';
export type {RateLimitOptions} from './rate-limit.js';
export type {EventStreamOptions} from './stream.js';
export type {EventLimits, EventProblem} from './wire-format.js';
export type {ApiKey, SignatureFailure} from './auth.js';
export type {AnalysisWindow, TraceNode} from './analysis.js';
export type {CollectorErrorCode} from './errors.js';
export type {CollectedEvent, EventFilter, EventPage, EventQuery, EventRecord, EventStats, EventStore, HourBucket, InsertOutcome, Severity, StoreHealth, WriteReport} from './types.js';
