/**
 * topicbus: an in-process event bus for Node.js.
 * The public API, as one explicit list: values first, then types.
 */
export {EventBus, deadLetterTopic, type BusState} from './core/event-bus.js';
export {getEventBus, resetEventBus} from './core/singleton.js';
export {serializeError} from './core/serialize-error.js';
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
	BatchValidationError,
	BusClosedError,
	ErrorCodes,
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

export type {EventBusOptions} from './core/bus-options.js';
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
export type {BatchItemError, DropReason, ErrorCode, InvalidTopicReason, SchemaErrorObject} from './errors.js';
export type {MatchingTopics, TopicMatches} from './topic-types.js';
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
	DeadLetterReason,
	DeliveryFailure,
	DeliveryReport,
	EventFor,
	EventMap,
	Handler,
	HistoryQuery,
	PublishOptions,
	PublishRejection,
	QueueOverflowPolicy,
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
