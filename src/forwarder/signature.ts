/**
 * Standard Webhooks signatures: `webhook-id`, `webhook-timestamp` (seconds) and `webhook-signature`, a
 * space-separated list of `v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">`, one per secret (several during a
 * key rotation). Secrets are `whsec_` followed by base64 of 24 to 64 random bytes.
 */
import {createHmac} from 'node:crypto';
import {fail} from '../internal/assert.js';

/** Decodes `whsec_...` secrets into keys. @throws {TypeError} for anything else. */
export function parseSecrets(name: string, secrets: string | readonly string[]): Buffer[] {
	const list = typeof secrets === 'string' ? [secrets] : secrets;
	if (!Array.isArray(list) || list.length === 0) fail(name, 'a `whsec_` secret or a non-empty array of them', secrets);
	return list.map((secret: unknown, index) => {
		const label = typeof secrets === 'string' ? name : `${name}[${index}]`;
		if (typeof secret !== 'string' || !secret.startsWith('whsec_')) fail(label, 'a string starting with `whsec_`', secret);
		const encoded = secret.slice('whsec_'.length);
		const key = Buffer.from(encoded, 'base64');
		if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded) || key.length < 24 || key.length > 64) {
			fail(label, '`whsec_` followed by base64 of 24 to 64 bytes', `whsec_…(${secret.length} characters)`);
		}
		return key;
	});
}

/** The three Standard Webhooks headers for one attempt. */
export function signatureHeaders(keys: readonly Buffer[], messageId: string, timestampSeconds: number, body: Uint8Array | string): Record<string, string> {
	const signatures = keys.map(key => {
		const hmac = createHmac('sha256', key);
		hmac.update(`${messageId}.${timestampSeconds}.`);
		hmac.update(body);
		return `v1,${hmac.digest('base64')}`;
	});
	return {'webhook-id': messageId, 'webhook-timestamp': String(timestampSeconds), 'webhook-signature': signatures.join(' ')};
}
