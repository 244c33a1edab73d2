/**
 * Backoff, Retry-After, linger, the circuit breaker, retry time limits and overflow, with fake timers and a fake
 * transport (the HTTP seam): every delay is checked on the fake clock, never on the wall clock.
 */
import {afterEach, beforeEach, describe, expect, it, vi} from 'vitest';
import type {BusEvent} from '../../src/index.js';
import {Forwarder, type ForwarderOptions, type HttpRequest, type HttpResponse, type HttpTransport} from '../../src/forwarder/index.js';
import {recorder} from './helpers.js';

interface Call {
	readonly at: number;
	readonly request: HttpRequest;
	readonly signal: AbortSignal;
}

/** A transport answering from a script (default 200); `hang` never answers (only the timeout ends it). */
function fakeTransport(script: Array<Partial<HttpResponse> | 'hang' | 'network'> = []) {
	const calls: Call[] = [];
	const transport = (request: HttpRequest, signal: AbortSignal): Promise<HttpResponse> => {
		calls.push({at: Date.now(), request, signal});
		const step = script.shift() ?? {status: 200};
		if (step === 'hang') {
			return new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason as Error)));
		}
		if (step === 'network') return Promise.reject(new TypeError('fetch failed', {cause: {code: 'ECONNREFUSED', message: 'refused'}}));
		return Promise.resolve({status: 200, retryAfter: null, reason: '', ...step});
	};
	return {calls, transport};
}

let sequence = 0;
function event(topic = 'order.created', payload: unknown = {}): BusEvent {
	sequence++;
	const id = `e-${sequence}`;
	return Object.freeze({id, topic, payload, timestamp: Date.now(), source: 'test', correlationId: id, causationId: undefined, priority: 0, metadata: {}});
}

function forwarder(transport: HttpTransport, options: Partial<ForwarderOptions> = {}): Forwarder {
	return new Forwarder({url: 'http://collector.invalid/events/batch', transport, batch: {lingerMs: 0}, ...options});
}

beforeEach(() => {
	vi.useFakeTimers();
	vi.spyOn(Math, 'random').mockReturnValue(0.5);
});

afterEach(() => {
	vi.useRealTimers();
	vi.restoreAllMocks();
});

describe('backoff', () => {
	it('waits a full-jitter delay doubling from initialMs up to maxMs between attempts', async () => {
		const {calls, transport} = fakeTransport([{status: 500}, {status: 500}, {status: 500}, {status: 500}, {status: 500}, {status: 500}, {status: 500}]);
		const instance = forwarder(transport, {retry: {initialMs: 1000, maxMs: 8000}, breaker: {failureThreshold: 100}});
		void instance.consume(event());
		await vi.advanceTimersByTimeAsync(60_000);
		const gaps = calls.slice(1).map((call, index) => call.at - calls[index]!.at);
		// Math.random() is 0.5: half of each cap (1 s, 2 s, 4 s, 8 s, 8 s, ...).
		expect(gaps.slice(0, 6)).toEqual([500, 1000, 2000, 4000, 4000, 4000]);
		expect(instance.metrics()).toMatchObject({sent: 1, retries: 7});
	});

	it('waits at least what Retry-After asks for', async () => {
		const start = Date.now();
		const {calls, transport} = fakeTransport([{status: 429, retryAfter: '7'}, {status: 503, retryAfter: new Date(start + 20_000).toUTCString()}]);
		void forwarder(transport).consume(event());
		await vi.advanceTimersByTimeAsync(40_000);
		expect(calls).toHaveLength(3);
		expect(calls[1]!.at - calls[0]!.at).toBe(7000);
		// The HTTP date has whole seconds.
		expect(calls[2]!.at - start).toBeGreaterThanOrEqual(19_000);
	});

	it('caps an absurd Retry-After at ten minutes', async () => {
		const {calls, transport} = fakeTransport([{status: 429, retryAfter: '99999999'}]);
		void forwarder(transport).consume(event());
		await vi.advanceTimersByTimeAsync(10 * 60_000);
		expect(calls).toHaveLength(2);
	});

	it('aborts an attempt at timeoutMs and retries it', async () => {
		const {calls, transport} = fakeTransport(['hang']);
		const {notices, onDiagnostic} = recorder();
		const instance = forwarder(transport, {timeoutMs: 2000, onDiagnostic});
		void instance.consume(event());
		await vi.advanceTimersByTimeAsync(1999);
		expect(calls[0]!.signal.aborted).toBe(false);
		await vi.advanceTimersByTimeAsync(1);
		expect(calls[0]!.signal.aborted).toBe(true);
		await vi.advanceTimersByTimeAsync(1000);
		expect(calls).toHaveLength(2);
		expect(notices.find(notice => notice.type === 'retry')).toMatchObject({error: {kind: 'timeout'}});
		expect(instance.metrics().sent).toBe(1);
	});

	it('gives up after retry.maxDurationMs and dead-letters the batch', async () => {
		const {transport} = fakeTransport(Array.from({length: 50}, () => 'network' as const));
		const {letters, onDeadLetter} = recorder();
		const instance = forwarder(transport, {retry: {initialMs: 1000, maxMs: 1000, maxDurationMs: 10_000}, breaker: {failureThreshold: 1000}, onDeadLetter});
		const sent = event();
		void instance.consume(sent);
		await vi.advanceTimersByTimeAsync(30_000);
		expect(letters).toHaveLength(1);
		expect(letters[0]).toMatchObject({event: {id: sent.id}, error: {code: 'ERR_FORWARDER_RETRY_EXPIRED'}});
		expect((letters[0]!.error as Error).cause).toMatchObject({kind: 'network'});
		expect(instance.metrics()).toMatchObject({failed: 1, queueDepth: 0});
	});

	it('retries without a time limit by default', async () => {
		const {calls, transport} = fakeTransport(Array.from({length: 200}, () => ({status: 503})));
		const {letters, onDeadLetter} = recorder();
		const instance = forwarder(transport, {onDeadLetter});
		void instance.consume(event());
		await vi.advanceTimersByTimeAsync(60 * 60_000);
		expect(letters).toHaveLength(0);
		expect(calls.length).toBeGreaterThan(100);
		expect(instance.health().buffer.events).toBe(1);
	});
});

describe('batching in time', () => {
	it('sends a partial batch lingerMs after its first event', async () => {
		const {calls, transport} = fakeTransport();
		const instance = forwarder(transport, {batch: {lingerMs: 1000, maxEvents: 10}});
		void instance.consume(event());
		await vi.advanceTimersByTimeAsync(600);
		void instance.consume(event());
		await vi.advanceTimersByTimeAsync(399);
		expect(calls).toHaveLength(0);
		await vi.advanceTimersByTimeAsync(1);
		expect(calls).toHaveLength(1);
		expect(JSON.parse(String(calls[0]!.request.body))).toHaveLength(2);
	});

	it('sends as soon as maxEvents are waiting, without waiting for the linger timer', async () => {
		const {calls, transport} = fakeTransport();
		const instance = forwarder(transport, {batch: {lingerMs: 60_000, maxEvents: 3}});
		void instance.consume(event());
		await vi.advanceTimersByTimeAsync(10);
		void instance.consume([event(), event()]);
		await vi.advanceTimersByTimeAsync(0);
		expect(calls).toHaveLength(1);
		expect(JSON.parse(String(calls[0]!.request.body))).toHaveLength(3);
	});

	it('sends at once when maxEvents arrive together', async () => {
		const {calls, transport} = fakeTransport();
		void forwarder(transport, {batch: {lingerMs: 60_000, maxEvents: 3}}).consume([event(), event(), event()]);
		await vi.advanceTimersByTimeAsync(0);
		expect(calls).toHaveLength(1);
	});
});

describe('circuit breaker', () => {
	it('opens after failureThreshold failures in a row, sends nothing during the cool-down, then tries once and closes', async () => {
		const {calls, transport} = fakeTransport(['network', 'network', 'network']);
		const {notices, onDiagnostic} = recorder();
		const instance = forwarder(transport, {retry: {initialMs: 10, maxMs: 10}, breaker: {failureThreshold: 3, cooldownMs: 60_000}, onDiagnostic});
		void instance.consume(event());
		await vi.advanceTimersByTimeAsync(100);
		expect(calls).toHaveLength(3);
		expect(instance.health()).toMatchObject({status: 'down', breaker: {state: 'open', consecutiveFailures: 3, opened: 1}});
		expect(instance.metrics().breakerState).toBe('open');
		await vi.advanceTimersByTimeAsync(59_000);
		expect(calls).toHaveLength(3);
		await vi.advanceTimersByTimeAsync(1000);
		expect(calls).toHaveLength(4);
		expect(instance.health()).toMatchObject({status: 'ok', breaker: {state: 'closed', consecutiveFailures: 0}});
		const transitions = notices.flatMap(notice => (notice.type === 'breaker' ? [`${notice.transition.from}>${notice.transition.to}`] : []));
		expect(transitions).toEqual(['closed>open', 'open>half-open', 'half-open>closed']);
	});

	it('opens again for another cool-down when the half-open trial fails', async () => {
		const {calls, transport} = fakeTransport(['network', 'network', 'network']);
		const instance = forwarder(transport, {retry: {initialMs: 10, maxMs: 10}, breaker: {failureThreshold: 2, cooldownMs: 5000}});
		void instance.consume(event());
		await vi.advanceTimersByTimeAsync(100);
		expect(calls).toHaveLength(2);
		await vi.advanceTimersByTimeAsync(4800);
		expect(calls).toHaveLength(2);
		await vi.advanceTimersByTimeAsync(200);
		expect(calls).toHaveLength(3);
		expect(instance.health().breaker).toMatchObject({state: 'open', opened: 2});
		await vi.advanceTimersByTimeAsync(4800);
		expect(calls).toHaveLength(3);
		await vi.advanceTimersByTimeAsync(200);
		expect(calls).toHaveLength(4);
		expect(instance.health().breaker.state).toBe('closed');
	});

	it('counts a 4xx as the destination being alive', async () => {
		const {transport} = fakeTransport(['network', {status: 400}, 'network']);
		const instance = forwarder(transport, {retry: {initialMs: 10, maxMs: 10}, breaker: {failureThreshold: 2}, onDeadLetter: () => undefined});
		void instance.consume(event());
		await vi.advanceTimersByTimeAsync(100);
		void instance.consume(event());
		await vi.advanceTimersByTimeAsync(100);
		expect(instance.health().breaker).toMatchObject({state: 'closed', opened: 0});
	});
});

describe('a full buffer', () => {
	const small = {maxBufferBytes: 1024, batch: {lingerMs: 0, maxBytes: 1024}};

	it('blocks consume under `block` until a delivery frees room', async () => {
		const {transport} = fakeTransport(['network']);
		const instance = forwarder(transport, {...small, retry: {initialMs: 1000, maxMs: 1000}});
		const events = Array.from({length: 20}, () => event('t', {text: 'x'.repeat(50)}));
		let isResolved = false;
		void instance.consume(events.slice(0, 5));
		void instance.consume(events.slice(5))?.then(() => (isResolved = true));
		await vi.advanceTimersByTimeAsync(100);
		expect(isResolved).toBe(false);
		expect(instance.health()).toMatchObject({status: 'degraded'});
		expect(instance.health().buffer.blocked).toBeGreaterThan(0);
		await vi.advanceTimersByTimeAsync(2000);
		expect(isResolved).toBe(true);
		await vi.advanceTimersByTimeAsync(2000);
		expect(instance.metrics()).toMatchObject({sent: 20, dropped: 0});
	});

	it('dead-letters the new events under `drop-newest`, counted as dropped', async () => {
		const {transport} = fakeTransport(['network']);
		const {letters, onDeadLetter} = recorder();
		const instance = forwarder(transport, {...small, overflow: 'drop-newest', onDeadLetter});
		const events = Array.from({length: 20}, () => event('t', {text: 'x'.repeat(50)}));
		expect(instance.consume(events)).toBeUndefined();
		const {dropped} = instance.metrics();
		expect(dropped).toBeGreaterThan(0);
		expect(letters).toHaveLength(dropped);
		expect(letters[0]).toMatchObject({reason: 'subscriber-overflow', error: {code: 'ERR_FORWARDER_SPOOL_FULL'}});
		expect(letters.map(letter => letter.event.id)).toEqual(events.slice(20 - dropped).map(item => item.id));
		await vi.advanceTimersByTimeAsync(5000);
		expect(instance.metrics().sent).toBe(20 - dropped);
	});
});

describe('close()', () => {
	it('flushes a lingering batch at once', async () => {
		const {calls, transport} = fakeTransport();
		const instance = forwarder(transport, {batch: {lingerMs: 60_000}});
		void instance.consume([event(), event()]);
		const closing = instance.close();
		await vi.advanceTimersByTimeAsync(0);
		await closing;
		expect(calls).toHaveLength(1);
		expect(instance.metrics().sent).toBe(2);
	});

	it('gives up at its deadline and, without a spool, dead-letters what is left as shutdown', async () => {
		const {transport} = fakeTransport(Array.from({length: 100}, () => 'network' as const));
		const {letters, onDeadLetter} = recorder();
		const instance = forwarder(transport, {onDeadLetter, closeTimeoutMs: 3000});
		void instance.consume([event(), event()]);
		const closing = instance.close();
		await vi.advanceTimersByTimeAsync(3000);
		await closing;
		expect(letters.map(letter => letter.reason)).toEqual(['shutdown', 'shutdown']);
		expect(letters[0]!.error).toMatchObject({code: 'ERR_FORWARDER_CLOSED'});
		expect(instance.metrics()).toMatchObject({dropped: 2, queueDepth: 0});
	});

	it('dead-letters events consumed after close', async () => {
		const {transport} = fakeTransport();
		const {letters, onDeadLetter} = recorder();
		const instance = forwarder(transport, {onDeadLetter});
		await instance.close();
		instance.consume(event());
		expect(letters).toMatchObject([{reason: 'shutdown'}]);
	});
});

describe('never throws into the app', () => {
	it('turns a throwing onDeadLetter into a process warning', async () => {
		const {transport} = fakeTransport([{status: 400}]);
		const warnings = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
		const instance = forwarder(transport, {
			onDeadLetter() {
				throw new Error('sink broke');
			},
		});
		void instance.consume(event());
		await vi.advanceTimersByTimeAsync(10);
		expect(warnings).toHaveBeenCalledWith(expect.stringContaining('sink broke'), {code: 'ERR_FORWARDER_CALLBACK_FAILED'});
	});

	it('treats a transport that throws synchronously as a network failure and retries', async () => {
		let calls = 0;
		const instance = forwarder(
			() => {
				calls++;
				if (calls === 1) throw new Error('proxy misconfigured');
				return Promise.resolve({status: 200, retryAfter: null, reason: ''});
			},
			{retry: {initialMs: 10, maxMs: 10}},
		);
		expect(() => instance.consume(event())).not.toThrow();
		await vi.advanceTimersByTimeAsync(100);
		expect(instance.metrics()).toMatchObject({sent: 1, retries: 1});
		expect(instance.health()).toMatchObject({status: 'ok', lastError: {code: 'ERR_FORWARDER_REQUEST_FAILED', message: expect.stringContaining('proxy misconfigured')}, lastSuccessAt: expect.any(Number)});
	});

	it('reports a loss as a process warning when no onDeadLetter is given', async () => {
		const {transport} = fakeTransport([{status: 422}]);
		const warnings = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
		void forwarder(transport).consume(event());
		await vi.advanceTimersByTimeAsync(10);
		expect(warnings).toHaveBeenCalledWith(expect.stringContaining('422'), {code: 'ERR_FORWARDER_DEAD_LETTER'});
	});
});
