import assert from 'node:assert/strict';
import {EventDroppedError} from '../../errors.js';
import type {BusEvent, DeadLetter, RetryNotice} from '../../types.js';
import type {ConformanceContext} from './conformance-context.js';

/** History, retries, dead letters, consumers, streams and metrics: each registered only when declared. */
export function featureSuite({describe, busTest, features}: ConformanceContext): void {
	describe('features', () => {
		busTest('getMetrics() - counts published, delivered and failed deliveries', async bus => {
			bus.subscribe('ok', () => {});
			bus.subscribe('ok', () => {});
			bus.subscribe('bad', () => {
				throw new Error('boom');
			});
			await bus.publish('ok', null);
			await bus.publish('bad', null);
			await bus.drain();
			const metrics = bus.getMetrics();
			assert.deepEqual([metrics.delivered, metrics.failed, metrics.subscriptions, metrics.queueSize, metrics.inFlight], [2, 1, 3, 0, 0]);
			assert.ok(metrics.published >= 2, 'both events (and the dead letter, where published) count');
		});

		busTest('diagnostics - delivered reports the first successful handler call of each subscription, with its attempt', async bus => {
			const notices: {subscriptionName: string; attempt: number; payload: unknown; durationMs: number}[] = [];
			bus.on('delivered', notice => void notices.push({subscriptionName: notice.subscriptionName, attempt: notice.attempt, payload: notice.event.payload, durationMs: notice.durationMs}));
			bus.subscribe('ok', () => {}, {name: 'first'});
			bus.subscribe('ok', async () => {}, {name: 'second'});
			await bus.publish('ok', 1);
			await bus.drain();
			assert.deepEqual(
				notices.map(({subscriptionName, attempt, payload}) => [subscriptionName, attempt, payload]),
				[
					['first', 1, 1],
					['second', 1, 1],
				],
			);
			assert.ok(notices.every(notice => notice.durationMs >= 0));
		});

		busTest('diagnostics - drained, stopped and closed are emitted, each with what happened', async bus => {
			const seen: string[] = [];
			bus.on('drained', () => void seen.push('drained'));
			bus.on('closed', report => void seen.push(`closed ${report.drained}`));
			bus.subscribe('ok', async () => {});
			await bus.publish('ok', 1);
			await bus.drain();
			await bus.close();
			assert.ok(seen.includes('drained'), 'drained was emitted');
			assert.equal(seen.at(-1), 'closed true');
		});

		busTest('lossless by default - a subscription with a full buffer drops nothing; every event is delivered', async bus => {
			let release!: () => void;
			const gate = new Promise<void>(resolve => {
				release = resolve;
			});
			const letters: DeadLetter[] = [];
			bus.on('deadLetter', letter => void letters.push(letter));
			const handled: unknown[] = [];
			bus.subscribe(
				'job',
				async event => {
					handled.push(event.payload);
					await gate;
				},
				{maxPending: 1},
			);
			const publishes = [1, 2, 3, 4, 5].map(async payload => bus.publish('job', payload));
			await new Promise(resolve => setImmediate(resolve));
			release();
			await Promise.all(publishes);
			await bus.drain();
			assert.deepEqual(handled, [1, 2, 3, 4, 5]);
			assert.deepEqual(letters, []);
			assert.equal(bus.getMetrics().dropped, 0);
		});

		if (features.history === true) {
			busTest('history() - accepted events, oldest first, by pattern, correlation id and limit', async bus => {
				await bus.publish('order.created', 1, {correlationId: 'w-1'});
				await bus.publish('user.created', 2);
				await bus.publish('order.paid', 3, {correlationId: 'w-1'});
				const payloads = (events: BusEvent[]): unknown[] => events.map(event => event.payload);
				assert.deepEqual(payloads(bus.history()), [1, 2, 3]);
				assert.deepEqual(payloads(bus.history({pattern: 'order.*'})), [1, 3]);
				assert.deepEqual(payloads(bus.history({correlationId: 'w-1', limit: 1})), [3]);
			});
		}

		if (features.retry === true) {
			busTest('retry - a failed attempt is retried per the policy, with a retry diagnostic each time', async bus => {
				const notices: RetryNotice[] = [];
				bus.on('retry', notice => void notices.push(notice));
				let calls = 0;
				bus.subscribe(
					'a',
					() => {
						calls++;
						if (calls < 3) throw new Error(`attempt ${calls}`);
					},
					{retry: {attempts: 3, backoff: {initialMs: 0, maxMs: 0}}},
				);
				const report = await bus.publish('a', null, {awaitDelivery: true});
				assert.deepEqual([calls, report.succeeded, report.failed], [3, 1, 0]);
				assert.deepEqual(
					notices.map(notice => notice.attempt),
					[1, 2],
				);
				assert.equal(bus.getMetrics().retried, 2);
			});
		}

		if (features.deadLetters === true) {
			busTest('dead letters - a delivery that fails for good is a deadLetter diagnostic and a $bus.dead-letter event', async bus => {
				const letters: DeadLetter[] = [];
				const published: BusEvent[] = [];
				bus.on('deadLetter', letter => void letters.push(letter));
				bus.subscribe('$bus.dead-letter', event => void published.push(event));
				const failure = new Error('boom');
				const failing = bus.subscribe(
					'a',
					() => {
						throw failure;
					},
					{name: 'failing', retry: {attempts: 2, backoff: {initialMs: 0, maxMs: 0}}},
				);
				const event = await bus.publish('a', 1);
				await bus.drain();
				assert.equal(letters.length, 1);
				const [letter] = letters;
				assert.deepEqual(
					{event: letter?.event, error: letter?.error, reason: letter?.reason, subscription: letter?.subscription, attempts: letter?.attempts},
					{event, error: failure, reason: 'handler-failed', subscription: {id: failing.id, name: 'failing', pattern: 'a'}, attempts: 2},
				);
				assert.equal(published.length, 1);
				assert.equal(published[0]?.causationId, event.id);
				// The error travels as plain data, so that the dead letter survives JSON (logs, the collector).
				const carried: unknown = JSON.parse(JSON.stringify((published[0]?.payload as DeadLetter).error));
				assert.equal((carried as {message?: unknown}).message, 'boom');
			});

			busTest('dead letters - a full subscriber buffer drops per its overflow policy, dead-lettered with EventDroppedError', async bus => {
				const letters: DeadLetter[] = [];
				bus.on('deadLetter', letter => void letters.push(letter));
				let release!: () => void;
				const gate = new Promise<void>(resolve => {
					release = resolve;
				});
				const seen: unknown[] = [];
				bus.subscribe(
					'a',
					async event => {
						await gate;
						seen.push(event.payload);
					},
					{maxPending: 1, overflow: 'drop-newest'},
				);
				const published = [1, 2, 3].map(async n => bus.publish('a', n));
				await new Promise(resolve => setTimeout(resolve, 0));
				release();
				await Promise.all(published);
				await bus.drain();
				assert.deepEqual(seen, [1, 2]);
				assert.equal(letters.length, 1);
				assert.equal(letters[0]?.reason, 'subscriber-overflow');
				assert.ok(letters[0]?.error instanceof EventDroppedError && letters[0].error.code === 'ERR_EVENT_DROPPED');
			});
		}

		if (features.consumers === true) {
			busTest('use() - a consumer gets each event once across its patterns; close() calls its close()', async bus => {
				const consumed: string[] = [];
				let isClosed = false;
				const handle = bus.use({
					name: 'audit',
					topics: ['order.*', 'order.**'],
					consume(event) {
						consumed.push((event as BusEvent).topic);
					},
					close() {
						isClosed = true;
					},
				});
				assert.equal(handle.subscription.name, 'audit');
				await bus.publish('order.created', null);
				await bus.drain();
				assert.deepEqual(consumed, ['order.created']);
				await handle.close();
				assert.equal(isClosed, true);
				assert.deepEqual(bus.subscriptions(), []);
			});

			busTest('use({batchSize}) - consume gets arrays of up to batchSize events', async bus => {
				const batches: unknown[][] = [];
				bus.use({
					name: 'batched',
					topics: 'n',
					batchSize: 2,
					consume(events) {
						batches.push((events as readonly BusEvent[]).map(event => event.payload));
					},
				});
				await Promise.all([1, 2, 3, 4].map(async n => bus.publish('n', n)));
				await bus.drain();
				assert.deepEqual(batches, [
					[1, 2],
					[3, 4],
				]);
			});
		}

		if (features.streams === true) {
			busTest('stream() - yields matching events in order; break unsubscribes', async bus => {
				const stream = bus.stream('n');
				const seen: unknown[] = [];
				const reading = (async () => {
					for await (const event of stream) {
						seen.push(event.payload);
						if (seen.length === 3) break;
					}
				})();
				for (const n of [1, 2, 3]) await bus.publish('n', n);
				await reading;
				assert.deepEqual(seen, [1, 2, 3]);
				assert.deepEqual(bus.subscriptions(), []);
			});
		}
	});
}
