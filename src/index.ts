/**
 * topicbus: an in-process event bus for Node.js.
 * The public API, as one explicit list: values first, then types.
 */
import './layers.js';

export {EventBus, deadLetterTopic, type BusState} from './core/event-bus.js';
export {getEventBus, resetEventBus} from './core/singleton.js';
export {leanProfile} from './core/bus-options.js';
export {serializeError} from './internal/serialize-error.js';
export {compileTopicMatcher, matchesTopic} from './routing/index.js';
export {LoggingConsumer} from './consumers/logging-consumer.js';
export {defaultRedactPaths} from './consumers/redaction.js';
export {MetricsConsumer} from './consumers/metrics-consumer.js';
export {DeadLetterConsumer} from './consumers/dead-letter-consumer.js';
export {DeadLetterReplayError} from './consumers/dead-letter-replay-error.js';
export {DeadLetterFileError} from './consumers/dead-letter-file-error.js';
export {createProducer} from './producers/producer.js';
export {tracked, track} from './producers/tracked.js';
export {
	SchemaRegistry,
	busSchemas,
	deadLetterSchema,
	envelopeSchema,
	envelopeSchemaId,
	generateTypes,
	toAsyncApi,
	toOpenApi,
	validationModes,
} from './schema/index.js';
export {
	AbortError,
	BatchInterruptedError,
	BatchValidationError,
	BusClosedError,
	BusOptionsConflictError,
	DeliveryCycleError,
	ErrorCodes,
	WarningCodes,
	EventBusError,
	EventDroppedError,
	FilterError,
	HandlerTimeoutError,
	InvalidPayloadError,
	InvalidTopicError,
	QueueFullError,
	SchemaRegistryError,
	SchemaValidationError,
	WaitTimeoutError,
} from './errors.js';

export type {EventBusOptions, PayloadValidator, TimestampMode} from './core/bus-options.js';
export type {AsyncContextSetting} from './delivery/handler-context.js';
export type {LogLevel, LogLevelSetting, Logger, LineWriter, LogRecord, LoggingStats, LoggingConsumerOptions} from './consumers/logging-consumer.js';
export type {MetricsBus, MetricsConsumerOptions} from './consumers/metrics-consumer.js';
export type {MetricsSnapshot, TopicMetrics, SubscriptionMetrics} from './consumers/metrics-snapshot.js';
export type {LatencySummary} from './consumers/latency-histogram.js';
export type {DeadLetterConsumerOptions, DeadLetterWarning, DeadLetterStats} from './consumers/dead-letter-consumer.js';
export type {DeadLetterBus, ReplayOptions, ReplayResult} from './consumers/dead-letter-replay.js';
export type {DeadLetterQuery} from './consumers/dead-letter-query.js';
export type {DeadLetterInput, StoredDeadLetter, StoredDeadLetterReason, DeadLetterSubscription} from './consumers/stored-dead-letter.js';
export type {DeadLetterReplayFailure} from './consumers/dead-letter-replay-error.js';
export type {DeadLetterFileProblem} from './consumers/dead-letter-file-error.js';
export type {FileSystem as DeadLetterFileSystem} from './consumers/json-lines-file.js';
export type {SerializedError} from './internal/serialize-error.js';
export type {ConsumerSettings} from './consumers/consumer-settings.js';
export type {Producer, ProducerOptions, ScopedTopic, PrefixedTopic, ScopedPayload, ScopedBatchItem} from './producers/producer.js';
export type {TrackOptions, TrackTarget} from './producers/tracked.js';
export type {
	ApiInfo,
	AsyncApiDocument,
	EventMapFromSchemas,
	FromSchema,
	JsonSchema,
	OpenApiDocument,
	SchemaEntry,
	ValidationMode,
	ValidationResult,
} from './schema/index.js';
export type {BatchItemError, DropReason, ErrorCode, WarningCode, InvalidTopicReason, SchemaErrorObject} from './errors.js';
export type {MatchingTopics, TopicMatches} from './topic-types.js';
export type {TopicMatcher, TopicLimits} from './routing/index.js';
export type {
	BackoffOptions,
	BatchItem,
	BatchItemOf,
	Bus,
	BusDiagnostics,
	BusEvent,
	BusMetrics,
	Consumer,
	ConsumerHandle,
	DeadLetter,
	DeadLetterEvent,
	DeadLetterPayload,
	DeadLetterReason,
	DeliveredNotice,
	DeliveryFailure,
	DeliveryReport,
	EventFor,
	EventMap,
	EventMapLike,
	Handler,
	HeldNotice,
	HistoryQuery,
	PublishOptions,
	PublishSyncOptions,
	PublishRejection,
	QueueOverflowPolicy,
	ReleasedNotice,
	RetryNotice,
	RetryOptions,
	StopReport,
	StreamOptions,
	SubscribeOptions,
	SubscriberOverflowPolicy,
	Subscription,
	SubscriptionInfo,
	TopicOf,
	WaitForOptions,
} from './types.js';
