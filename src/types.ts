/**
 * Public contracts of topicbus: the event envelope, the typed event map, handlers, options and reports.
 * Everything here is types only; the runtime lives in `core/`, `routing/` and `delivery/`. This is the one module
 * to import them from; each concept has its own file under `types/`.
 */

export type {EventMap, EventMapLike, TopicOf, BusEvent, EventFor, Handler, HistoryQuery} from './types/events.js';
export type {
	QueueOverflowPolicy,
	PublishOptions,
	PublishSyncOptions,
	BatchItem,
	BatchItemOf,
	DeliveryFailure,
	DeliveryReport,
} from './types/publishing.js';
export type {
	SubscriberOverflowPolicy,
	BackoffOptions,
	RetryOptions,
	SubscribeOptions,
	Subscription,
	SubscriptionInfo,
	WaitForOptions,
	StreamOptions,
} from './types/subscriptions.js';
export type {
	DeadLetterReason,
	DeadLetter,
	DeadLetterPayload,
	DeadLetterEvent,
	PublishRejection,
	DeliveredNotice,
	RetryNotice,
	HeldNotice,
	ReleasedNotice,
	BusDiagnostics,
	BusMetrics,
	StopReport,
} from './types/diagnostics.js';
export type {Consumer, ConsumerHandle} from './types/consumers.js';
export type {Bus} from './types/bus.js';
