// The collector the browser tests open: the real one when `src/collector` exports `createCollector`, else the
// contract stand-in (with a console line saying so).

import {existsSync} from 'node:fs';
import {fileURLToPath} from 'node:url';
import {startContractCollector} from './contract-collector.js';

export const dashboardDir = fileURLToPath(new URL('../../../dashboard/', import.meta.url));
const collectorEntry = new URL('../../../src/collector/index.ts', import.meta.url);

export type IngestEvent = {
	id?: string;
	source_system: string;
	event_type: string;
	severity?: string;
	timestamp?: string;
	correlation_id?: string;
	causation_id?: string;
	data?: unknown;
	tags?: string[];
	metadata?: Record<string, unknown>;
};

export type Target = {
	/** The dashboard's address, ending in `/`. */
	url: string;
	kind: 'collector' | 'contract stand-in';
	/** POST /events/batch; resolves with the HTTP status. */
	post(events: IngestEvent[], init?: {apiKey?: string}): Promise<number>;
	close(): Promise<void>;
};

let announced = false;

export async function startTarget(options: {apiKey?: string} = {}): Promise<Target> {
	const {url, close, kind} = await startServer(options);
	if (!announced) {
		announced = true;
		console.info(`dashboard browser tests run against the ${kind}`);
	}

	return {
		url,
		kind,
		async post(events, init) {
			const key = init?.apiKey ?? options.apiKey;
			const response = await fetch(new URL('events/batch', url), {
				method: 'POST',
				headers: {'content-type': 'application/json', ...(key ? {'x-api-key': key} : {})},
				body: JSON.stringify(events),
			});
			await response.arrayBuffer();
			return response.status;
		},
		close,
	};
}

async function startServer(options: {apiKey?: string}): Promise<{url: string; close(): Promise<void>; kind: Target['kind']}> {
	if (existsSync(collectorEntry)) {
		const module = (await import(collectorEntry.href)) as Record<string, unknown>;
		if (typeof module.createCollector === 'function') {
			return startRealCollector(module.createCollector as CreateCollector, options);
		}
	}

	const stub = await startContractCollector({dashboardDir, ...options});
	return {...stub, kind: 'contract stand-in'};
}

type CreateCollector = (options: Record<string, unknown>) => unknown;

async function startRealCollector(createCollector: CreateCollector, options: {apiKey?: string}): Promise<{url: string; close(): Promise<void>; kind: Target['kind']}> {
	const collector = createCollector({memory: true, host: '127.0.0.1', port: 0, dashboardDir, ...(options.apiKey ? {apiKeys: [options.apiKey]} : {})}) as {
		listen(): Promise<string | {port: number}>;
		close(): Promise<void>;
	};
	const address = await collector.listen();
	const url = typeof address === 'string' ? address.replace(/\/?$/, '/') : `http://127.0.0.1:${address.port}/`;
	return {url, close: () => collector.close(), kind: 'collector'};
}
