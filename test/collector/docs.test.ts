import {readFileSync} from 'node:fs';
import {describe, expect, it} from 'vitest';
import * as collector from '../../src/collector/index.js';
import {CollectorErrorCodes} from '../../src/collector/errors.js';

const docs = readFileSync(new URL('../../docs/collector.md', import.meta.url), 'utf8');

describe('docs/collector.md', () => {
	it.each(Object.entries(CollectorErrorCodes))('documents %s with its code', (className, code) => {
		expect(docs).toMatch(new RegExp(`\\| \`${code}\` \\| \`${className}\` \\|`));
	});

	it.each(Object.keys(CollectorErrorCodes))('%s is exported from topicbus/collector and extends EventBusError', async className => {
		expect(collector).toHaveProperty(className);
		const {EventBusError} = await import('../../src/errors.js');
		expect((collector as Record<string, unknown>)[className]).toSatisfy((value: unknown) => typeof value === 'function' && value.prototype instanceof EventBusError);
	});

	it.each(['ingested', 'duplicate', 'rejected', 'rate_limited', 'ws_clients', 'write_batch_rows', 'write_duration_ms', 'db_size_bytes', 'query_rate_limited'])('documents the metric *%s*', name => {
		expect(docs).toContain(name);
	});
});
