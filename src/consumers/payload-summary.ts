import {toBoundedJson} from '../internal/bounded-json.js';

/** A payload as a log line carries it: JSON with a size cap, never a throw, at a cost bounded by the cap. */
export interface PayloadSummary {
	/** The JSON text to embed in a line. */
	readonly json: string;
	/** The same content as a value, for structured loggers: the payload itself, or the placeholder object. */
	readonly value: unknown;
	/** True when the JSON was longer than the cap and only a preview is kept. */
	readonly isTruncated: boolean;
}

// Past this many characters the JSON is not measured further: a shared subobject printed on every path (a DAG)
// makes JSON exponential in the payload's size, and a log line needs only the preview.
const measureFactor = 64;
const minimumMeasure = 64 * 1024;

/**
 * Serializes `payload` for a log line. JSON longer than `maxLength` characters becomes
 * `{"$truncated": true, "length": <full length>, "preview": "<first maxLength characters>"}` (`length` is left out
 * when the JSON is longer than 64 times the cap, at least 64 KiB: it is not measured that far); a payload JSON
 * cannot carry (a BigInt, a throwing getter or `toJSON`) becomes `{"$unserializable": "<reason>"}`; a cycle is
 * written as `"[Circular]"` where it closes; `undefined` is `null`. With `isSmallTree` (the caller vouches that the
 * payload is acyclic and small, as a redaction walk does) the native serializer is used.
 */
export function summarizePayload(payload: unknown, maxLength: number, isSmallTree = false): PayloadSummary {
	// A small acyclic tree (what a redaction walk vouches for) is safe for the native serializer, which is faster.
	if (isSmallTree) {
		let json: string | undefined;
		try {
			json = JSON.stringify(payload);
		} catch {
			json = undefined;
		}
		if (json !== undefined && json.length <= maxLength) return {json, value: payload, isTruncated: false};
		if (json !== undefined) {
			const value = {$truncated: true, length: json.length, preview: json.slice(0, maxLength)};
			return {json: JSON.stringify(value), value, isTruncated: true};
		}
	}
	const measureLimit = Number.isFinite(maxLength) ? Math.max(maxLength * measureFactor, minimumMeasure) : Number.MAX_SAFE_INTEGER;
	const result = toBoundedJson(payload, {maxLength, measureLimit});
	if (result.problem !== undefined) {
		const value = {$unserializable: result.problem};
		return {json: JSON.stringify(value), value, isTruncated: false};
	}
	if (result.isComplete) {
		// With markers, the payload itself is not what the JSON shows: structured loggers get the parsed JSON instead.
		return {json: result.text, value: result.hasMarkers ? JSON.parse(result.text) : payload === undefined ? null : payload, isTruncated: false};
	}
	const value = result.length === undefined ? {$truncated: true, preview: result.text} : {$truncated: true, length: result.length, preview: result.text};
	return {json: JSON.stringify(value), value, isTruncated: true};
}
