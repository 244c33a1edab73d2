import {describe, expectTypeOf, it} from 'vitest';
import {EventBus} from '../../src/index.js';
import {bridgeToNats, type NatsBridge} from '../../src/bridge/index.js';

describe('bridgeToNats() types', () => {
	it('accepts a bus with a typed event map', () => {
		const bus = new EventBus<{'order.created': {id: string}; 'order.paid': {id: string; amount: number}}>();
		const start = () => bridgeToNats(bus, {servers: 'nats://127.0.0.1:4222', exports: 'order.*'});
		expectTypeOf(start).returns.resolves.toEqualTypeOf<NatsBridge>();
	});
});
