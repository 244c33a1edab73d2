// The one place that talks to the collector: HTTP JSON, Prometheus text and the WebSocket URL, all carrying the
// API key kept for this browser session.

import {queryString} from './dom.js';

const KEY_STORAGE = 'topicbus.collector.apiKey';

/** Fires `refused` (detail: {status, message}) whenever the collector answers 401 or 403. */
export const auth = new EventTarget();

export function apiKey() {
	return sessionStorage.getItem(KEY_STORAGE) ?? '';
}

export function setApiKey(key) {
	if (key) {
		sessionStorage.setItem(KEY_STORAGE, key);
	} else {
		sessionStorage.removeItem(KEY_STORAGE);
	}
}

/** An HTTP answer other than 2xx; `refused` is true for 401/403. */
export class ApiError extends Error {
	constructor(status, message) {
		super(message);
		this.name = 'ApiError';
		this.status = status;
		this.refused = status === 401 || status === 403;
	}
}

// The page is served at the collector's root, so API paths resolve against the document's directory.
function urlOf(path, params) {
	const url = new URL(path, document.baseURI);
	const query = params ? queryString(params) : '';
	if (query) {
		url.search = query;
	}

	return url;
}

async function request(path, params, signal) {
	const headers = {};
	const key = apiKey();
	if (key) {
		headers['x-api-key'] = key;
	}

	const response = await fetch(urlOf(path, params), {headers, signal, cache: 'no-store'});
	if (!response.ok) {
		const error = new ApiError(response.status, await describeFailure(response));
		if (error.refused) {
			auth.dispatchEvent(new CustomEvent('refused', {detail: {status: error.status, message: error.message}}));
		}

		throw error;
	}

	return response;
}

async function describeFailure(response) {
	let detail = '';
	try {
		const text = await response.text();
		try {
			const body = JSON.parse(text);
			detail = body.message ?? body.error ?? text;
		} catch {
			detail = text;
		}
	} catch {}

	const reason = response.status === 401
		? 'the collector needs a valid API key (401)'
		: response.status === 403
			? 'the collector refused this API key (403)'
			: `HTTP ${response.status}`;
	return detail ? `${reason}: ${String(detail).slice(0, 300)}` : reason;
}

/** GET a JSON document; rejects with ApiError on a non-2xx answer. */
export async function getJson(path, params, signal) {
	const response = await request(path, params, signal);
	return response.json();
}

/** GET a text document (the Prometheus metrics). */
export async function getText(path, params, signal) {
	const response = await request(path, params, signal);
	return response.text();
}

/** The WebSocket URL of the live stream with `filters`; browsers cannot set headers, so the key rides as `api_key`. */
export function streamUrl(filters) {
	const key = apiKey();
	const url = urlOf('events/stream', key ? {...filters, api_key: key} : filters);
	url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
	return url.href;
}
