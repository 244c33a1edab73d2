import assert from 'node:assert/strict';
import {AbortError, BatchValidationError, BusClosedError, InvalidPayloadError, InvalidTopicError, WaitTimeoutError} from '../../errors.js';
import {assertError, deferred, rejectionOf, thrownBy, type ConformanceContext} from './conformance-context.js';

/** Error classes and codes: batches, closed buses, `waitFor`, and programmer errors. */
export function errorSuite({describe, busTest}: ConformanceContext): void {
	describe('errors', () => {
		busTest('publishBatch() - all or nothing: BatchValidationError lists every bad item, nothing is published', async bus => {
			const seen: string[] = [];
			bus.subscribe('**', event => void seen.push(event.topic));
			const error = await rejectionOf(
				bus.publishBatch([
					{topic: 'ok', payload: 1},
					{topic: 'bad..topic', payload: 2},
					{topic: 'ok.too', payload: 3},
					{topic: 'wild.*', payload: 4},
				]),
			);
			assertError(error, BatchValidationError, {code: 'ERR_INVALID_BATCH'});
			const {items} = error as BatchValidationError;
			assert.deepEqual(
				items.map(item => [item.index, item.topic, item.error instanceof InvalidTopicError]),
				[
					[1, 'bad..topic', true],
					[3, 'wild.*', true],
				],
			);
			await bus.drain();
			assert.deepEqual(seen, []);
			assert.equal(bus.getMetrics().published, 0);
		});

		busTest('publishBatch() - a refused batch reports each item as rejected, with its own error or the batch\'s', async bus => {
			const rejected: [unknown, string][] = [];
			bus.on('rejected', rejection => void rejected.push([rejection.topic, (rejection.error as Error).constructor.name]));
			await rejectionOf(
				bus.publishBatch([
					{topic: 'ok', payload: 1},
					{topic: 'bad..topic', payload: 2},
				]),
			);
			assert.deepEqual(rejected, [
				['ok', 'BatchValidationError'],
				['bad..topic', 'InvalidTopicError'],
			]);
			assert.equal(bus.getMetrics().rejected, 2);
			await bus.close();
			await rejectionOf(bus.publishBatch([{topic: 'late', payload: 3}]));
			assert.deepEqual(rejected.at(-1), ['late', 'BusClosedError']);
			assert.equal(bus.getMetrics().rejected, 3);
		});

		busTest('publishBatch() - a valid batch is published in order', async bus => {
			const seen: unknown[] = [];
			bus.subscribe('n', event => void seen.push(event.payload));
			const events = await bus.publishBatch([
				{topic: 'n', payload: 1},
				{topic: 'n', payload: 2},
			]);
			await bus.drain();
			assert.deepEqual(
				events.map(event => event.payload),
				[1, 2],
			);
			assert.deepEqual(seen, [1, 2]);
		});

		busTest('publish() - a payload nested too deep is InvalidPayloadError', async bus => {
			let payload: Record<string, unknown> = {};
			for (let level = 0; level < 100; level++) payload = {child: payload};
			const error = await rejectionOf(bus.publish('a', payload));
			assertError(error, InvalidPayloadError, {code: 'ERR_INVALID_PAYLOAD', topic: 'a', reason: 'too-deep'});
		});

		busTest('publishSync() - a payload nested too deep is InvalidPayloadError', async bus => {
			let payload: Record<string, unknown> = {};
			for (let level = 0; level < 100; level++) payload = {child: payload};
			assertError(thrownBy(() => bus.publishSync('a', payload)), InvalidPayloadError, {code: 'ERR_INVALID_PAYLOAD', topic: 'a', reason: 'too-deep'});
		});

		busTest('publishSync() - awaitDelivery is a TypeError pointing to publish(), and nothing is published', async bus => {
			const seen: unknown[] = [];
			bus.subscribe('a', event => void seen.push(event.payload));
			const error = thrownBy(() => bus.publishSync('a', null, {awaitDelivery: true} as never));
			assertError(error, TypeError);
			assert.match((error as Error).message, /`options.awaitDelivery`.*use publish\(\)/);
			await bus.drain();
			assert.deepEqual(seen, []);
			assert.deepEqual([bus.getMetrics().published, bus.getMetrics().rejected], [0, 1]);
		});

		busTest('close() - then publish rejects and subscribe throws BusClosedError (state closed)', async bus => {
			const report = await bus.close();
			assert.equal(report.drained, true);
			assertError(await rejectionOf(bus.publish('a', null)), BusClosedError, {code: 'ERR_BUS_CLOSED', state: 'closed'});
			assertError(await rejectionOf(bus.publishBatch([{topic: 'a', payload: null}])), BusClosedError, {code: 'ERR_BUS_CLOSED'});
			assertError(thrownBy(() => bus.subscribe('a', () => {})), BusClosedError, {code: 'ERR_BUS_CLOSED', state: 'closed'});
		});

		busTest('close() - then publishSync throws BusClosedError (state closed)', async bus => {
			await bus.close();
			assertError(thrownBy(() => bus.publishSync('a', null)), BusClosedError, {code: 'ERR_BUS_CLOSED', state: 'closed'});
			assert.equal(bus.getMetrics().published, 0);
		});

		busTest('close() - publishSync throws BusClosedError at once, before the bus has drained (state stopping)', async bus => {
			const gate = deferred();
			bus.subscribe('a', async () => gate.promise);
			bus.publishSync('a', null);
			const closing = bus.close();
			const error = thrownBy(() => bus.publishSync('a', null));
			gate.resolve();
			await closing;
			assertError(error, BusClosedError, {code: 'ERR_BUS_CLOSED', state: 'stopping'});
		});

		busTest('close() - delivers what was accepted first, and reports it', async bus => {
			const seen: unknown[] = [];
			bus.subscribe('a', async event => {
				await Promise.resolve();
				seen.push(event.payload);
			});
			void bus.publish('a', 1);
			const report = await bus.close();
			assert.deepEqual(seen, [1]);
			assert.deepEqual([report.drained, report.abandoned, report.metrics.delivered], [true, 0, 1]);
		});

		busTest('waitFor() - resolves with the next matching event and removes its subscription', async bus => {
			const waiting = bus.waitFor('order.*', {filter: event => event.payload === 2});
			await bus.publish('order.created', 1);
			await bus.publish('order.created', 2);
			const event = await waiting;
			assert.equal(event.payload, 2);
			assert.deepEqual(bus.subscriptions(), []);
		});

		busTest('waitFor() - WaitTimeoutError after timeoutMs, AbortError on abort, InvalidTopicError for a bad pattern', async bus => {
			assertError(await rejectionOf(bus.waitFor('never', {timeoutMs: 5})), WaitTimeoutError, {code: 'ERR_WAIT_TIMEOUT', pattern: 'never', timeoutMs: 5});
			const controller = new AbortController();
			const aborted = bus.waitFor('never', {signal: controller.signal});
			controller.abort('stop');
			assertError(await rejectionOf(aborted), AbortError, {code: 'ERR_ABORTED', cause: 'stop'});
			assertError(await rejectionOf(bus.waitFor('a..b')), InvalidTopicError, {code: 'ERR_INVALID_TOPIC', reason: 'empty-segment'});
			assert.deepEqual(bus.subscriptions(), []);
		});

		busTest('programmer errors - TypeError with the argument name', async bus => {
			const cases: Array<[() => unknown, RegExp]> = [
				[() => bus.subscribe('a', 'not a function' as never), /`handler`/],
				[() => bus.subscribe('a', () => {}, {priority: Number.NaN}), /`options.priority`/],
				[() => bus.subscribe('a', () => {}, {concurrency: 0}), /`options.concurrency`/],
				[() => bus.subscribe('a', () => {}, {retry: {attempts: 0}}), /`options.retry.attempts`/],
				[() => bus.history({limit: -1}), /`query.limit`/],
				[() => bus.history({since: 'yesterday' as never}), /`query.since`/],
				[() => bus.history({correlationId: 42 as never}), /`query.correlationId`/],
				[() => bus.on('deadLetter', 'nope' as never), /`listener`/],
				[() => bus.use({name: '', topics: 'a', consume() {}}), /`consumer.name`/],
			];
			for (const [run, message] of cases) {
				const error = thrownBy(run);
				assertError(error, TypeError);
				assert.match((error as Error).message, message);
			}
			assertError(await rejectionOf(bus.publish('a', null, {priority: 'high' as never})), TypeError);
			assertError(await rejectionOf(bus.publishBatch('nope' as never)), TypeError);
			assertError(thrownBy(() => bus.publishSync('a', null, {priority: 'high' as never})), TypeError);
		});
	});
}
