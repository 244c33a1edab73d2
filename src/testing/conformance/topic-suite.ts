import assert from 'node:assert/strict';
import {InvalidTopicError} from '../../errors.js';
import type {BusEvent, PublishRejection} from '../../types.js';
import {assertError, rejectionOf, thrownBy, type ConformanceContext} from './conformance-context.js';
import {invalidPatternVectors, invalidTopicVectors, matchingVectors} from './topic-vectors.js';

/** Topic matching (the decided cases and the `$` rule) and the refusal of invalid topics and patterns. */
export function topicSuite({describe, busTest, features}: ConformanceContext): void {
	describe('topics and patterns', () => {
		for (const [pattern, topic, matches] of matchingVectors) {
			busTest(`subscribe('${pattern}') - ${matches ? 'matches' : 'does not match'} \`${topic}\``, async bus => {
				const seen: string[] = [];
				bus.subscribe(pattern, event => {
					seen.push(event.topic);
				});
				await bus.publish(topic, null);
				await bus.drain();
				assert.deepEqual(seen, matches ? [topic] : []);
			});
		}

		busTest('subscribe() - a subscription whose patterns overlap gets each event once', async bus => {
			const seen: string[] = [];
			bus.subscribe('**', event => {
				seen.push(event.topic);
			});
			bus.subscribe('a.**', event => {
				seen.push(`second:${event.topic}`);
			});
			await bus.publish('a.b', null);
			await bus.drain();
			assert.deepEqual(seen.sort(), ['a.b', 'second:a.b']);
		});

		for (const [topic, reason] of invalidTopicVectors) {
			busTest(`publish() - rejects \`${topic.length > 20 ? `${topic.slice(0, 20)}…` : topic}\` with InvalidTopicError (${reason})`, async bus => {
				const error = await rejectionOf(bus.publish(topic, null));
				assertError(error, InvalidTopicError, {code: 'ERR_INVALID_TOPIC', topic, reason});
				assert.deepEqual([bus.getMetrics().published, bus.getMetrics().rejected], [0, 1], 'refused, nothing accepted');
			});
		}

		for (const [topic, reason] of invalidTopicVectors) {
			busTest(`publishSync() - throws InvalidTopicError for \`${topic.length > 20 ? `${topic.slice(0, 20)}…` : topic}\` (${reason})`, async bus => {
				const error = thrownBy(() => bus.publishSync(topic, null));
				assertError(error, InvalidTopicError, {code: 'ERR_INVALID_TOPIC', topic, reason});
				assert.deepEqual([bus.getMetrics().published, bus.getMetrics().rejected], [0, 1], 'refused, nothing accepted');
			});
		}

		for (const [pattern, reason] of invalidPatternVectors) {
			busTest(`subscribe() - throws InvalidTopicError for \`${pattern}\` (${reason})`, async bus => {
				const error = thrownBy(() => bus.subscribe(pattern, () => {}));
				assertError(error, InvalidTopicError, {code: 'ERR_INVALID_TOPIC', topic: pattern, reason});
				assert.equal(bus.subscriptions().length, 0);
			});
		}

		busTest('publish() - a non-string topic is a TypeError', async bus => {
			const error = await rejectionOf(bus.publish(42 as unknown as string, null));
			assertError(error, TypeError);
		});

		busTest('publishSync() - a non-string topic is a TypeError', async bus => {
			assertError(thrownBy(() => bus.publishSync(42 as unknown as string, null)), TypeError);
		});

		busTest('publish() and publishSync() - each refusal is emitted as a `rejected` diagnostic', async bus => {
			const rejections: PublishRejection[] = [];
			bus.on('rejected', rejection => void rejections.push(rejection));
			const refused = await rejectionOf(bus.publish('a..b', 1));
			const thrown = thrownBy(() => bus.publishSync('c..d', 2));
			assert.deepEqual(
				rejections.map(({topic, payload, error}) => ({topic, payload, error})),
				[
					{topic: 'a..b', payload: 1, error: refused},
					{topic: 'c..d', payload: 2, error: thrown},
				],
			);
		});

		if (features.deadLetters === true) {
			busTest('$ rule - `**` does not see `$bus.dead-letter`; `$bus.**` and `$bus.dead-letter` do', async bus => {
				const seen: Record<string, string[]> = {'**': [], '*.**': [], '$bus.**': [], '$bus.dead-letter': []};
				for (const pattern of Object.keys(seen)) {
					bus.subscribe(pattern, (event: BusEvent) => {
						seen[pattern]!.push(event.topic);
					});
				}
				bus.subscribe('fails', () => {
					throw new Error('boom');
				});
				await bus.publish('fails', null);
				await bus.drain();
				assert.deepEqual(seen, {'**': ['fails'], '*.**': ['fails'], '$bus.**': ['$bus.dead-letter'], '$bus.dead-letter': ['$bus.dead-letter']});
			});
		}
	});
}
