// The collector the browser tests open: the real one (in memory), serving this package's dashboard folder.

import {fileURLToPath} from 'node:url';
import {createCollector} from '../../../src/collector/index.js';

export const dashboardDir = fileURLToPath(new URL('../../../dashboard/', import.meta.url));

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
	/** POST /events/batch; resolves with the HTTP status. */
	post(events: IngestEvent[], init?: {apiKey?: string}): Promise<number>;
	close(): Promise<void>;
};

/** A collector on 127.0.0.1 (a free port unless `port` is given) with an in-memory store, and `apiKey` required when given. */
export async function startTarget(options: {apiKey?: string; port?: number} = {}): Promise<Target> {
	const collector = createCollector({memory: true, dashboardDir, ...(options.apiKey ? {apiKeys: [options.apiKey]} : {})});
	const {url} = await collector.listen({host: '127.0.0.1', port: options.port ?? 0});
	const base = url.replace(/\/?$/, '/');
	return {
		url: base,
		async post(events, init) {
			const key = init?.apiKey ?? options.apiKey;
			const response = await fetch(new URL('events/batch', base), {
				method: 'POST',
				headers: {'content-type': 'application/json', ...(key ? {'x-api-key': key} : {})},
				body: JSON.stringify(events),
			});
			await response.arrayBuffer();
			return response.status;
		},
		close: () => collector.close(),
	};
}
