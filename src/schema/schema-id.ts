/**
 * The rules for a schema's `$id`: it must be one concrete topic (SPEC section 1), never a pattern, because a schema
 * validates exactly the events of one topic.
 *
 * The grammar is checked here rather than imported from routing so that the schema layer loads without the core;
 * the two must agree (the tests of both use the same vectors).
 */
import {InvalidTopicError, type InvalidTopicReason} from '../errors.js';

const maxTopicLength = 256;
const maxSegments = 32;
const maxSegmentLength = 64;
const segmentCharacters = /^[A-Za-z0-9_:-]+$/;
// Glob syntax that picomatch would treat as a pattern inside one segment.
const wildcardCharacters = /[*?{}[\]!()+@]/;

/**
 * Returns an {@link InvalidTopicError} when `id` is not a concrete topic that can name a schema, else `undefined`.
 * Wildcards and segment globs get reason `wildcard-in-topic`: one schema describes one topic.
 */
export function checkSchemaTopic(id: string): InvalidTopicError | undefined {
	if (id.length === 0) return new InvalidTopicError(id, 'empty', 'a topic cannot be empty');
	if (id.length > maxTopicLength) return invalid(id, 'too-long', `a topic has at most ${maxTopicLength} characters`);
	const segments = id.split('.');
	if (segments.length > maxSegments) return invalid(id, 'too-many-segments', `a topic has at most ${maxSegments} segments`);
	for (const [index, segment] of segments.entries()) {
		if (segment.length === 0) return invalid(id, 'empty-segment', 'a topic has no empty segments');
		if (wildcardCharacters.test(segment)) {
			return invalid(id, 'wildcard-in-topic', 'a schema `$id` is one topic, not a pattern (no wildcards or globs)');
		}
		// `$` marks the bus's own topics and is only allowed as the first character of the first segment.
		const body = index === 0 && segment.startsWith('$') ? segment.slice(1) : segment;
		if (body.length === 0) return invalid(id, 'empty-segment', '`$` must be followed by a segment name');
		if (segment.length > maxSegmentLength) {
			return invalid(id, 'segment-too-long', `a segment has at most ${maxSegmentLength} characters`);
		}
		if (!segmentCharacters.test(body)) {
			return invalid(id, 'invalid-character', 'a segment has only the characters A-Z a-z 0-9 _ - : (and a leading `$` on the first)');
		}
	}
	return undefined;
}

function invalid(id: string, reason: InvalidTopicReason, detail: string): InvalidTopicError {
	return new InvalidTopicError(id, reason, detail);
}
