import {describe, expect, test} from 'vitest';
import {
	AbortError,
	BatchInterruptedError,
	BatchValidationError,
	BusClosedError,
	BusOptionsConflictError,
	DeadLetterFileError,
	DeadLetterReplayError,
	DeliveryCycleError,
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
} from '../../src/index.js';

const cause = new Error('the cause');

const samples: Record<keyof typeof ErrorCodes, EventBusError> = {
	InvalidTopicError: new InvalidTopicError('a..b', 'empty-segment', 'segment 2 is empty'),
	InvalidPayloadError: new InvalidPayloadError('a', 'too-deep', 'nested too deep'),
	QueueFullError: new QueueFullError('a', 10),
	BusClosedError: new BusClosedError('stopped', 'publish'),
	BatchValidationError: new BatchValidationError([{index: 2, topic: 'x', error: cause}]),
	HandlerTimeoutError: new HandlerTimeoutError('sub_1', 250),
	WaitTimeoutError: new WaitTimeoutError('order.*', 500),
	AbortError: new AbortError('waitFor', cause),
	EventDroppedError: new EventDroppedError('evt-1', 'queue-overflow', 'the queue is full'),
	FilterError: new FilterError('sub_1', 'filter', cause),
	SchemaValidationError: new SchemaValidationError('a', [], 'bad'),
	SchemaRegistryError: new SchemaRegistryError('broken', {path: 'schemas/a.json', cause}),
	DeadLetterReplayError: new DeadLetterReplayError('dl-1', 'not-found', 'no dead letter has this id'),
	DeadLetterFileError: new DeadLetterFileError('var/dead-letters.jsonl', 'foreign-file', 'it has no dead-letter header'),
	DeliveryCycleError: new DeliveryCycleError('order.created', 'sub_1', 'orders'),
	BusOptionsConflictError: new BusOptionsConflictError('source'),
	BatchInterruptedError: new BatchInterruptedError([{id: 'e-1', topic: 'a'}], 3, new BusClosedError('stopping', 'publish')),
};

describe('errors', () => {
	test.each(Object.entries(samples))('%s - extends EventBusError with its stable code and its class name', (name, error) => {
		expect(error).toBeInstanceOf(EventBusError);
		expect(error).toBeInstanceOf(Error);
		expect(error.code).toBe(ErrorCodes[name as keyof typeof ErrorCodes]);
		expect(error.name).toBe(name);
		expect(String(error)).toMatch(new RegExp(`^${name}: `));
	});

	test('ErrorCodes - every code is unique and starts with ERR_', () => {
		const codes = Object.values(ErrorCodes);
		expect(new Set(codes).size).toBe(codes.length);
		expect(codes.every(code => code.startsWith('ERR_'))).toBe(true);
	});

	test('ErrorCodes - every code has an error class exported from the package', () => {
		expect(Object.keys(samples).sort()).toEqual(Object.keys(ErrorCodes).sort());
	});

	test('InvalidTopicError - carries the topic and the reason', () => {
		expect(samples.InvalidTopicError).toMatchObject({topic: 'a..b', reason: 'empty-segment', message: 'Invalid topic `a..b`: segment 2 is empty'});
	});

	test('InvalidTopicError - truncates a very long topic in the message but keeps it whole in the field', () => {
		const topic = 'x'.repeat(1000);
		const error = new InvalidTopicError(topic, 'too-long', 'too long');
		expect(error.topic).toBe(topic);
		expect(error.message.length).toBeLessThan(200);
	});

	test('QueueFullError - carries the topic and the capacity', () => {
		expect(samples.QueueFullError).toMatchObject({topic: 'a', capacity: 10});
	});

	test('BusClosedError - carries the state', () => {
		expect(samples.BusClosedError).toMatchObject({state: 'stopped', message: 'Cannot publish: the bus is stopped'});
	});

	test('BatchValidationError - carries the items and the first item\'s error as cause', () => {
		expect(samples.BatchValidationError.cause).toBe(cause);
		expect((samples.BatchValidationError as BatchValidationError).items).toEqual([{index: 2, topic: 'x', error: cause}]);
	});

	test('BatchValidationError - summarises at most five items in the message', () => {
		const items = Array.from({length: 8}, (_, index) => ({index, topic: 'x', error: new Error(`bad ${index}`)}));
		const error = new BatchValidationError(items);
		expect(error.message).toContain('#4: bad 4');
		expect(error.message).not.toContain('#5:');
		expect(error.message).toContain('and 3 more');
	});

	test('HandlerTimeoutError - carries the subscription id and the timeout', () => {
		expect(samples.HandlerTimeoutError).toMatchObject({subscriptionId: 'sub_1', timeoutMs: 250});
	});

	test('WaitTimeoutError - carries the pattern and the timeout', () => {
		expect(samples.WaitTimeoutError).toMatchObject({pattern: 'order.*', timeoutMs: 500});
	});

	test('AbortError - the signal\'s reason is the cause', () => {
		expect(samples.AbortError.cause).toBe(cause);
	});

	test('EventDroppedError - carries the event id and the reason', () => {
		expect(samples.EventDroppedError).toMatchObject({eventId: 'evt-1', reason: 'queue-overflow'});
	});

	test('FilterError - carries the subscription id, the stage and the cause', () => {
		expect(samples.FilterError).toMatchObject({subscriptionId: 'sub_1', stage: 'filter', cause, message: 'The filter of subscription sub_1 threw: the cause'});
	});

	test('FilterError - describes a thrown non-Error', () => {
		expect(new FilterError('sub_2', 'transform', 'plain string').message).toBe('The transform of subscription sub_2 threw: plain string');
	});

	test('SchemaRegistryError - prefixes the path and keeps the cause', () => {
		expect(samples.SchemaRegistryError).toMatchObject({path: 'schemas/a.json', message: 'schemas/a.json: broken', cause});
	});
});
