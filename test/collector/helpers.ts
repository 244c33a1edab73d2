import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import type {EventRecord} from '../../src/collector/types.js';

let counter = 0;

/** A record with defaults; `overrides` win. */
export function record(overrides: Partial<EventRecord> = {}): EventRecord {
	counter++;
	return {
		eventId: `e${String(counter).padStart(6, '0')}`,
		timestamp: Date.UTC(2026, 0, 1, 12, 0, 0) + counter,
		sourceSystem: 'orders',
		eventType: 'order.created',
		severity: 'info',
		correlationId: null,
		causationId: null,
		data: {n: counter},
		tags: [],
		metadata: {},
		receivedAt: Date.UTC(2026, 0, 1, 12, 0, 0),
		...overrides,
	};
}

/** A fresh temporary directory, removed by the returned function. */
export function tempDir(): {dir: string; remove: () => void} {
	const dir = mkdtempSync(join(tmpdir(), 'topicbus-collector-'));
	return {dir, remove: () => rmSync(dir, {recursive: true, force: true})};
}

import {createCollector, type Collector, type CollectorOptions} from '../../src/collector/index.js';

/** A collector listening on 127.0.0.1, port 0, and helpers to call it. */
export interface TestCollector {
	readonly collector: Collector;
	readonly url: string;
	post(path: string, body: unknown, headers?: Record<string, string>): Promise<{status: number; body: any; headers: Headers}>;
	get(path: string, headers?: Record<string, string>): Promise<{status: number; body: any; headers: Headers}>;
	close(): Promise<void>;
}

export async function startCollector(options: CollectorOptions = {memory: true}): Promise<TestCollector> {
	const collector = createCollector(options);
	const {url} = await collector.listen({port: 0});
	const call = async (path: string, init: RequestInit) => {
		const response = await fetch(url + path, init);
		const text = await response.text();
		let body: unknown = text;
		try {
			body = JSON.parse(text);
		} catch {}
		return {status: response.status, body: body as any, headers: response.headers};
	};
	return {
		collector,
		url,
		post: (path, body, headers = {}) =>
			call(path, {method: 'POST', headers: {'content-type': 'application/json', ...headers}, body: typeof body === 'string' ? body : JSON.stringify(body)}),
		get: (path, headers = {}) => call(path, {headers}),
		close: () => collector.close(),
	};
}
