import {readFileSync} from 'node:fs';
import {describe, expect, it} from 'vitest';
import * as bridge from '../../src/bridge/index.js';
import {BridgeBufferFullError, BridgeErrorCodes, BridgeMessageError} from '../../src/bridge/index.js';
import {EventBusError} from '../../src/index.js';

const docs = readFileSync(new URL('../../docs/bridge.md', import.meta.url), 'utf8');
const errorTable = docs.slice(docs.indexOf('## Errors'), docs.indexOf('\n## ', docs.indexOf('## Errors') + 1));

describe('bridge error codes', () => {
	it.each(Object.entries(BridgeErrorCodes))('docs/bridge.md documents %s with its code', (className, code) => {
		expect(errorTable).toMatch(new RegExp(`\\| \`${code}\` \\| \`${className}\` \\|`));
	});

	it.each(Object.keys(BridgeErrorCodes))('%s is exported from the bridge entry', className => {
		expect(bridge).toHaveProperty(className);
	});

	it('every code is unique and prefixed ERR_BRIDGE_', () => {
		const codes = Object.values(BridgeErrorCodes);
		expect(new Set(codes).size).toBe(codes.length);
		for (const code of codes) expect(code).toMatch(/^ERR_BRIDGE_/);
	});

	it('bridge errors are EventBusErrors carrying their data', () => {
		const error = new BridgeMessageError('p.a', 'invalid-body', 'bad');
		expect(error).toBeInstanceOf(EventBusError);
		expect(error).toMatchObject({name: 'BridgeMessageError', code: 'ERR_BRIDGE_MESSAGE', reason: 'invalid-body', subject: 'p.a'});
		expect(new BridgeBufferFullError('e1', 5)).toMatchObject({code: 'ERR_BRIDGE_BUFFER_FULL', capacity: 5, eventId: 'e1'});
	});
});
