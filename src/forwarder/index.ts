/**
 * HTTP delivery of bus events: the {@link Forwarder} to the collector and signed {@link Webhooks}, one engine behind
 * both. The `topicbus/forwarder` entry: the main entry stays free of HTTP code.
 */
export {Forwarder} from './forwarder.js';
export {Webhooks} from './webhooks.js';
export {
	DeliveryRejectedError,
	EndpointGoneError,
	EventEncodingError,
	EventTooLargeError,
	ForwarderClosedError,
	ForwarderError,
	ForwarderErrorCodes,
	RequestFailedError,
	RetryExpiredError,
	SpoolFullError,
	SpoolIoError,
} from './errors.js';
export {deliveryMetricsText} from './delivery-metrics.js';
export {fetchTransport, nodeHttpTransport} from './http-transport.js';

export type {BatchOptions, ForwarderHealth, ForwarderOptions} from './forwarder.js';
export type {WebhookEndpoint, WebhookEndpointInfo, WebhooksHealth, WebhooksOptions} from './webhooks.js';
export type {DeliveryOptions, DeliveryRetryOptions} from './delivery-options.js';
export type {DeliveryNotice, DestinationHealth, LossKind, OverflowPolicy} from './delivery-engine.js';
export type {DeliveryMetrics, HistogramSnapshot} from './delivery-metrics.js';
export type {BreakerOptions, BreakerSnapshot, BreakerState, BreakerTransition} from './circuit-breaker.js';
export type {FsyncPolicy, SpoolOptions, SpoolRecovery} from './segment-spool.js';
export type {HttpRequest, HttpResponse, HttpTransport} from './http-transport.js';
export type {Severity, WireFormat} from './wire-format.js';
export type {ForwarderErrorCode} from './errors.js';
