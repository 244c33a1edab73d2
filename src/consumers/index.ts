/**
 * The built-in consumers, loadable on their own as the `topicbus/consumers` entry: logging, metrics and dead
 * letters, with their options, errors and the pieces they share.
 */
export {LoggingConsumer} from './logging-consumer.js';
export {compileRedaction, defaultRedactPaths} from './redaction.js';
export {MetricsConsumer} from './metrics-consumer.js';
export {DeadLetterConsumer, deadLetterFileHeader} from './dead-letter-consumer.js';
export {DeadLetterReplayError} from './dead-letter-replay-error.js';
export {DeadLetterFileError, deadLetterFileErrorCode} from './dead-letter-file-error.js';

export type {LogLevel, LogLevelSetting, Logger, LineWriter, LogRecord, LoggingStats, LoggingConsumerOptions} from './logging-consumer.js';
export type {Redactor} from './redaction.js';
export type {MetricsBus, MetricsConsumerOptions} from './metrics-consumer.js';
export type {MetricsSnapshot, TopicMetrics, SubscriptionMetrics} from './metrics-snapshot.js';
export type {LatencySummary} from './latency-histogram.js';
export type {DeadLetterConsumerOptions, DeadLetterWarning, DeadLetterStats} from './dead-letter-consumer.js';
export type {DeadLetterBus, ReplayOptions, ReplayResult} from './dead-letter-replay.js';
export type {DeadLetterQuery} from './dead-letter-query.js';
export type {DeadLetterInput, StoredDeadLetter, StoredDeadLetterReason, DeadLetterSubscription} from './stored-dead-letter.js';
export type {DeadLetterReplayFailure} from './dead-letter-replay-error.js';
export type {DeadLetterFileProblem} from './dead-letter-file-error.js';
export type {FileSystem as DeadLetterFileSystem} from './json-lines-file.js';
export type {ConsumerSettings} from './consumer-settings.js';
