import type {InvalidTopicReason} from '../../errors.js';

/** `[pattern, topic, matches]`: how patterns match topics (SPEC section 1), the decided cases included. */
export const matchingVectors: ReadonlyArray<readonly [pattern: string, topic: string, matches: boolean]> = [
	['order.created', 'order.created', true],
	['order.created', 'order.updated', false],
	['order', 'order.created', false],
	['order.created', 'order', false],
	// `*` is exactly one segment.
	['*', 'a', true],
	['*', 'a.b', false],
	['a.*', 'a.b', true],
	['a.*', 'a', false],
	['a.*', 'a.b.c', false],
	['*.created', 'order.created', true],
	// `**` is zero or more segments (AMQP `#`, not NATS `>`).
	['**', 'a', true],
	['**', 'a.b.c.d', true],
	['a.**', 'a', true],
	['a.**', 'a.b.c', true],
	['a.**', 'b.a', false],
	['a.**.b', 'a.b', true],
	['a.**.b', 'a.x.y.b', true],
	['a.**.b', 'a.b.c', false],
	['**.failed', 'failed', true],
	['**.failed', 'payment.charge.failed', true],
	['**.failed', 'payment.failed.retry', false],
	['order.**.eu', 'order.eu', true],
	['order.**.eu', 'order.created.eu', true],
	['a.**.b.**', 'a.x.b.y.z', true],
	['a.**.b.**', 'a.x.y', false],
	['*.**.*', 'a', false],
	['*.**.*', 'a.b', true],
	// Segment globs stay within their segment.
	['order.{created,updated}', 'order.updated', true],
	['order.{created,updated}', 'order.deleted', false],
	['user.*-failed', 'user.login-failed', true],
	['user.*-failed', 'user.login.x-failed', false],
	['v?', 'v1', true],
	['v?', 'v10', false],
	['[ab]x', 'bx', true],
	['[ab]x', 'cx', false],
	// Case matters; `_ - :` are ordinary characters.
	['Order.created', 'order.created', false],
	['a_b.c-d.e:f', 'a_b.c-d.e:f', true],
];

/** `[topic, reason]`: topics `publish` must refuse with `InvalidTopicError`. */
export const invalidTopicVectors: ReadonlyArray<readonly [topic: string, reason: InvalidTopicReason]> = [
	['', 'empty'],
	['a..b', 'empty-segment'],
	['.a', 'empty-segment'],
	['a.', 'empty-segment'],
	['a.*', 'wildcard-in-topic'],
	['a.**', 'wildcard-in-topic'],
	['order.{a,b}', 'wildcard-in-topic'],
	['$bus.dead-letter', 'reserved'],
	['a b', 'invalid-character'],
	['a/b', 'invalid-character'],
	['a$.b', 'invalid-character'],
	['x'.repeat(65), 'segment-too-long'],
	[Array.from({length: 33}, () => 'a').join('.'), 'too-many-segments'],
	[Array.from({length: 52}, () => 'abcd').join('.'), 'too-long'],
];

/** `[pattern, reason]`: patterns `subscribe` must refuse with `InvalidTopicError`. */
export const invalidPatternVectors: ReadonlyArray<readonly [pattern: string, reason: InvalidTopicReason]> = [
	['', 'empty'],
	['a..b', 'empty-segment'],
	['a.', 'empty-segment'],
	['a**', 'invalid-wildcard'],
	['***', 'invalid-wildcard'],
	['a.**b', 'invalid-wildcard'],
	['**.**.**.**.**', 'too-many-globstars'],
	['a.{b}', 'invalid-glob'],
	['a b', 'invalid-character'],
];
