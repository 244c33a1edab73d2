/**
 * API keys and Standard Webhooks signatures. Keys are compared in constant time (digests compared with
 * `timingSafeEqual`, every key visited); signatures follow https://www.standardwebhooks.com (HMAC-SHA256 over
 * `{webhook-id}.{webhook-timestamp}.{body}`, `v1,<base64>`, several signatures space-separated).
 */
import {createHash, createHmac, timingSafeEqual} from 'node:crypto';

/** One API key, optionally bound to a source: a bound key may only write events of that source. */
export interface ApiKey {
	readonly key: string;
	readonly source?: string | undefined;
}

/**
 * Parses `KEY` or `KEY:source`.
 *
 * @throws {TypeError} when the key is empty or shorter than 8 characters.
 */
export function parseApiKey(spec: string): ApiKey {
	if (typeof spec !== 'string') throw new TypeError(`Expected \`apiKey\` to be a string, got ${typeof spec}`);
	const separator = spec.indexOf(':');
	const key = separator === -1 ? spec : spec.slice(0, separator);
	const source = separator === -1 ? undefined : spec.slice(separator + 1);
	if (key.length < 8) throw new TypeError(`Expected an API key of at least 8 characters, got ${key.length}`);
	if (source === '') throw new TypeError('Expected a source after `:` in an API key spec, got nothing');
	return source === undefined ? {key} : {key, source};
}

/**
 * Checks an API key given as `KEY[:source]` text or as `{key, source}`.
 *
 * @throws {TypeError} as {@link parseApiKey} does.
 */
export function toApiKey(value: string | ApiKey): ApiKey {
	if (typeof value === 'string') return parseApiKey(value);
	if (value === null || typeof value !== 'object' || typeof value.key !== 'string' || value.key.length < 8) {
		throw new TypeError(`Expected an API key to be \`KEY[:source]\` or {key, source} with a key of at least 8 characters, got ${value === null ? 'null' : typeof value}`);
	}
	if (value.source !== undefined && (typeof value.source !== 'string' || value.source === '')) throw new TypeError('Expected an API key\'s `source` to be a non-empty string');
	return value;
}

/** Parses a keys file: one `KEY[:source]` per line; blank lines and `#` comments are ignored. */
export function parseKeysFile(text: string): ApiKey[] {
	return text
		.split(/\r?\n/)
		.map(line => line.trim())
		.filter(line => line !== '' && !line.startsWith('#'))
		.map(parseApiKey);
}

const digest = (text: string): Buffer => createHash('sha256').update(text).digest();

/** Looks up presented keys in constant time with respect to the configured keys. */
export class KeyRing {
	readonly #entries: Array<{readonly digest: Buffer; readonly key: ApiKey}>;

	constructor(keys: readonly ApiKey[]) {
		this.#entries = keys.map(key => ({digest: digest(key.key), key}));
	}

	get isEmpty(): boolean {
		return this.#entries.length === 0;
	}

	/** The configured key equal to `presented`, if any. */
	find(presented: string): ApiKey | undefined {
		const presentedDigest = digest(presented);
		let found: ApiKey | undefined;
		// No early exit: the time taken does not say which key (or how much of one) matched.
		for (const entry of this.#entries) {
			if (timingSafeEqual(entry.digest, presentedDigest)) found = entry.key;
		}
		return found;
	}
}

/** Why a webhook signature was refused. */
export type SignatureFailure = 'missing-headers' | 'stale-timestamp' | 'bad-signature';

/** Decodes a Standard Webhooks secret (`whsec_` + base64, or bare base64) into key bytes. */
export function decodeSigningSecret(secret: string): Buffer {
	if (typeof secret !== 'string' || secret === '') throw new TypeError(`Expected \`signingSecret\` to be a non-empty string, got ${typeof secret}`);
	const bytes = Buffer.from(secret.startsWith('whsec_') ? secret.slice(6) : secret, 'base64');
	if (bytes.length < 16) throw new TypeError('Expected `signingSecret` to decode to at least 16 bytes (whsec_ + base64)');
	return bytes;
}

/** The headers a signed request carries. */
export interface WebhookHeaders {
	readonly id: string | undefined;
	readonly timestamp: string | undefined;
	readonly signature: string | undefined;
}

/**
 * Verifies a Standard Webhooks signature against any of `secrets` (rotation), with a timestamp tolerance in seconds
 * either side of `nowSeconds`.
 */
export function verifyWebhookSignature(headers: WebhookHeaders, body: string, secrets: readonly Buffer[], nowSeconds: number, toleranceSeconds: number): SignatureFailure | undefined {
	const {id, timestamp, signature} = headers;
	if (id === undefined || timestamp === undefined || signature === undefined || id === '' || !/^\d{1,12}$/.test(timestamp)) return 'missing-headers';
	if (Math.abs(nowSeconds - Number(timestamp)) > toleranceSeconds) return 'stale-timestamp';
	const presented = signature
		.split(' ')
		.filter(part => part.startsWith('v1,'))
		.map(part => Buffer.from(part.slice(3), 'base64'));
	for (const secret of secrets) {
		const expected = createHmac('sha256', secret).update(`${id}.${timestamp}.${body}`).digest();
		for (const candidate of presented) {
			if (candidate.length === expected.length && timingSafeEqual(candidate, expected)) return undefined;
		}
	}
	return 'bad-signature';
}
