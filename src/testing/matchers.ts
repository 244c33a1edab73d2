import {fail} from '../internal/assert.js';
import type {BusEvent} from '../types.js';
import {formatValue} from './format-value.js';
import {describeMismatch, matchesPayload, type Equals} from './payload-match.js';
import type {BusRecording} from './recorder.js';

/** The part of a vitest (or jest) matcher's `this` that the topicbus matchers use. */
export interface MatcherContext {
	readonly isNot: boolean;
	readonly equals: Equals;
}

/** What a matcher returns to `expect`. */
export interface MatcherResult {
	readonly pass: boolean;
	readonly message: () => string;
}

const shownEvents = 5;
const shownSequence = 20;

/**
 * Passes when the bus published an event on `topic` (a topic or a pattern) whose payload matches `payload` with
 * `expect.objectContaining` semantics (extra properties allowed; asymmetric matchers such as `expect.any(Number)`
 * work at any depth). Without `payload`, any event on the topic passes. Fails with the events published on the
 * topic and, for each, the properties that differ; or, when there were none, with the topics published instead.
 */
export function toHavePublished(this: MatcherContext, received: unknown, topic: string, ...payload: [] | [unknown]): MatcherResult {
	const bus = asRecording(received);
	assertTopicArgument(topic);
	const candidates = bus.published(topic);
	const hasPayload = payload.length > 0;
	const expected = payload[0];
	const match = candidates.findIndex(event => !hasPayload || matchesPayload(this.equals, event.payload, expected));
	const wanted = `\`${topic}\`${hasPayload ? ` with a payload matching ${formatValue(expected)}` : ''}`;
	if (match !== -1) {
		const event = candidates[match]!;
		return {pass: true, message: () => `expected the bus not to have published ${wanted}, but it did: ${formatValue(event.payload)} (event ${event.id})`};
	}
	return {
		pass: false,
		message: () => {
			if (candidates.length === 0) return `expected the bus to have published ${wanted}, but it published nothing on it\n${publishedInstead(bus)}`;
			const lines = candidates.slice(0, shownEvents).flatMap((event, index) => [
				`  #${index + 1} ${formatValue(event.payload)}`,
				...describeMismatch(this.equals, event.payload, expected).map(line => `     ${line}`),
			]);
			if (candidates.length > shownEvents) lines.push(`  … and ${candidates.length - shownEvents} more`);
			return `expected the bus to have published ${wanted}\n${candidates.length === 1 ? '1 event' : `${candidates.length} events`} on \`${topic}\`, none matching:\n${lines.join('\n')}`;
		},
	};
}

/** Passes when the bus published exactly `count` events on `topic` (a topic or a pattern). */
export function toHavePublishedTimes(this: MatcherContext, received: unknown, topic: string, count: number): MatcherResult {
	const bus = asRecording(received);
	assertTopicArgument(topic);
	if (typeof count !== 'number' || !Number.isInteger(count) || count < 0) fail('count', 'an integer >= 0', count);
	const events = bus.published(topic);
	const pass = events.length === count;
	const listing = events.length === 0 ? publishedInstead(bus) : listPayloads(events);
	return {
		pass,
		message: () =>
			pass
				? `expected the bus not to have published \`${topic}\` ${times(count)}, but it did:\n${listing}`
				: `expected the bus to have published \`${topic}\` ${times(count)}, but it published it ${times(events.length)}:\n${listing}`,
	};
}

/**
 * Passes when the bus published events on `topics` (topics or patterns) in this order, not necessarily one right
 * after the other: other events may come between. Fails with where the order broke and the sequence published.
 */
export function toHavePublishedInOrder(this: MatcherContext, received: unknown, topics: readonly string[]): MatcherResult {
	const bus = asRecording(received);
	if (!Array.isArray(topics) || topics.length === 0 || !topics.every(topic => typeof topic === 'string')) {
		fail('topics', 'a non-empty array of topics or patterns', topics);
	}
	const sequence = bus.published();
	const matched: number[] = [];
	let from = 0;
	for (const topic of topics) {
		const matches = new Set(bus.published(topic));
		const at = sequence.findIndex((event, index) => index >= from && matches.has(event));
		if (at === -1) break;
		matched.push(at);
		from = at + 1;
	}
	const pass = matched.length === topics.length;
	const order = topics.map(topic => `\`${topic}\``).join(' → ');
	return {
		pass,
		message: () => {
			if (pass) return `expected the bus not to have published ${order} in this order, but it did:\n${listSequence(sequence, matched)}`;
			const missing = `\`${topics[matched.length]}\``;
			const where = matched.length === 0 ? `found no ${missing}` : `found no ${missing} after #${matched.at(-1)! + 1}`;
			return `expected the bus to have published ${order} in this order, but ${where}:\n${listSequence(sequence, matched)}`;
		},
	};
}

/**
 * Passes when the bus has an active subscription made with exactly `pattern` (for a consumer, one of its patterns).
 * Fails with the patterns subscribed instead.
 */
export function toHaveSubscriber(this: MatcherContext, received: unknown, pattern: string): MatcherResult {
	const bus = asRecording(received);
	assertTopicArgument(pattern, 'pattern');
	const subscriptions = bus.subscriptions();
	const found = subscriptions.find(subscription => subscription.pattern === pattern || subscription.pattern.split(', ').includes(pattern));
	const listing =
		subscriptions.length === 0
			? 'it has no subscriptions'
			: `subscribed: ${subscriptions.map(subscription => `\`${subscription.pattern}\`${subscription.name === subscription.id ? '' : ` (${subscription.name})`}`).join(', ')}`;
	return {
		pass: found !== undefined,
		message: () =>
			found === undefined
				? `expected the bus to have a subscriber to \`${pattern}\`, but ${listing}`
				: `expected the bus not to have a subscriber to \`${pattern}\`, but it has ${found.id} (${found.name})`,
	};
}

/** The topicbus matchers, for `expect.extend(topicbusMatchers)` (what `topicbus/testing/vitest` does). */
export const topicbusMatchers = Object.freeze({toHavePublished, toHavePublishedTimes, toHavePublishedInOrder, toHaveSubscriber});

function asRecording(received: unknown): BusRecording {
	const candidate = received as Partial<BusRecording> | null;
	if (typeof candidate !== 'object' || candidate === null || typeof candidate.published !== 'function' || typeof candidate.subscriptions !== 'function') {
		fail('received value', 'a MockBus or a TestBus (from createMockBus() or createTestBus())', received);
	}
	return candidate as BusRecording;
}

function assertTopicArgument(topic: unknown, name = 'topic'): asserts topic is string {
	if (typeof topic !== 'string') fail(name, 'a topic or pattern string', topic);
}

function times(count: number): string {
	return count === 1 ? 'once' : `${count} times`;
}

/** `published instead: order.paid ×2, user.created`, or that nothing was published. */
function publishedInstead(bus: BusRecording): string {
	const counts = new Map<string, number>();
	for (const event of bus.published()) counts.set(event.topic, (counts.get(event.topic) ?? 0) + 1);
	if (counts.size === 0) return 'nothing was published at all';
	const shown = [...counts].slice(0, shownSequence).map(([topic, count]) => (count === 1 ? topic : `${topic} ×${count}`));
	if (counts.size > shownSequence) shown.push(`… ${counts.size - shownSequence} more topics`);
	return `published instead: ${shown.join(', ')}`;
}

function listPayloads(events: readonly BusEvent[]): string {
	const lines = events.slice(0, shownEvents).map((event, index) => `  #${index + 1} ${formatValue(event.payload)}`);
	if (events.length > shownEvents) lines.push(`  … and ${events.length - shownEvents} more`);
	return lines.join('\n');
}

/** The published sequence, numbered, with `✓` on the events that matched the expected order. */
function listSequence(sequence: readonly BusEvent[], matched: readonly number[]): string {
	if (sequence.length === 0) return 'nothing was published at all';
	const lines = sequence.slice(0, shownSequence).map((event, index) => `  ${matched.includes(index) ? '✓' : ' '} #${index + 1} ${event.topic}`);
	if (sequence.length > shownSequence) lines.push(`    … and ${sequence.length - shownSequence} more`);
	return lines.join('\n');
}
