import {describe, expect, test} from 'vitest';
import type {BusEvent} from '../../src/index.js';
import {FailureRules} from '../../src/testing/failure-rules.js';
import {composeMiddleware, failureMiddleware, recordingMiddleware, type DeliveryMiddleware} from '../../src/testing/middleware.js';
import {Recorder} from '../../src/testing/recorder.js';

const subscription = () => ({id: 'sub-1', name: 'mailer', pattern: 'a'});
const event = {id: 'e-1', topic: 'a', payload: null, priority: 0} as unknown as BusEvent;

function tracing(label: string, log: string[]): DeliveryMiddleware {
	return (next, _subscription) => input => {
		log.push(`${label}:before`);
		const result = next(input);
		log.push(`${label}:after`);
		return result;
	};
}

describe('delivery middleware', () => {
	test('composeMiddleware() - the first middleware listed is the outermost', () => {
		const log: string[] = [];
		const call = composeMiddleware(tracing('outer', log), tracing('inner', log))(() => void log.push('handler'), subscription);
		call(event);
		expect(log).toEqual(['outer:before', 'inner:before', 'handler', 'inner:after', 'outer:after']);
	});

	test('failureMiddleware() - a matching rule throws its error and the handler is not called', () => {
		const failures = new FailureRules();
		const error = new Error('injected');
		failures.add('mailer', error, {times: 1});
		let calls = 0;
		const call = failureMiddleware(failures)(() => calls++, subscription);
		expect(() => call(event)).toThrow(error);
		expect(calls).toBe(0);
		call(event);
		expect(calls).toBe(1);
	});

	test('recordingMiddleware() - a success is recorded with every attempt it took, failed ones included', async () => {
		const recorder = new Recorder();
		const failures = new FailureRules();
		failures.add('mailer', new Error('injected'), {times: 2});
		const call = composeMiddleware(recordingMiddleware(recorder), failureMiddleware(failures))(async () => {}, subscription);
		expect(() => call(event)).toThrow('injected');
		expect(() => call(event)).toThrow('injected');
		await call(event);
		expect(recorder.delivered().map(record => [record.event.id, record.subscription.name, record.attempts])).toEqual([['e-1', 'mailer', 3]]);
	});

	test('recordingMiddleware() - a call that rejects is not recorded', async () => {
		const recorder = new Recorder();
		const call = recordingMiddleware(recorder)(async () => {
			throw new Error('boom');
		}, subscription);
		await expect(call(event)).rejects.toThrow('boom');
		expect(recorder.delivered()).toEqual([]);
	});
});
