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
