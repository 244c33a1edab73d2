/** A payload as a log line carries it: JSON with a size cap, never a throw. */
export interface PayloadSummary {
	/** The JSON text to embed in a line. */
	readonly json: string;
	/** The same content as a value, for structured loggers: the payload itself, or the placeholder object. */
	readonly value: unknown;
	/** True when the JSON was longer than the cap and only a preview is kept. */
	readonly isTruncated: boolean;
}

/**
 * Serializes `payload` for a log line. JSON longer than `maxLength` characters becomes
 * `{"$truncated": true, "length": <full length>, "preview": "<first maxLength characters>"}`; a payload JSON cannot
 * carry (a BigInt, a cycle, a throwing `toJSON`) becomes `{"$unserializable": "<reason>"}`; `undefined` is `null`.
 */
export function summarizePayload(payload: unknown, maxLength: number): PayloadSummary {
	let json: string | undefined;
	try {
		json = JSON.stringify(payload);
	} catch (error) {
		const value = {$unserializable: error instanceof Error ? error.message : String(error)};
		return {json: JSON.stringify(value), value, isTruncated: false};
	}
	if (json === undefined) return {json: 'null', value: null, isTruncated: false};
	if (json.length <= maxLength) return {json, value: payload, isTruncated: false};
	const value = {$truncated: true, length: json.length, preview: json.slice(0, maxLength)};
	return {json: JSON.stringify(value), value, isTruncated: true};
}
