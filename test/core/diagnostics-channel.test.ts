import {describe, expect, test, vi} from 'vitest';
import {DiagnosticsChannel} from '../../src/core/diagnostics-channel.js';
import {EventBus} from '../../src/index.js';

describe('DiagnosticsChannel', () => {
	test('hasListeners() - true while a listener is registered, false after it is removed', () => {
		const channel = new DiagnosticsChannel();
		const off = channel.on('drained', () => {});
		expect(channel.hasListeners('drained')).toBe(true);
		off();
		expect(channel.hasListeners('drained')).toBe(false);
	});

	test('on() - removing one registration of a function keeps its other registrations', () => {
		const channel = new DiagnosticsChannel();
		const listener = vi.fn();
		const offFirst = channel.on('drained', listener);
		channel.on('drained', listener);
		offFirst();
		channel.emit('drained');
		expect(listener).toHaveBeenCalledTimes(1);
		expect(channel.hasListeners('drained')).toBe(true);
	});

	test('on() - calling the returned function twice removes the registration once', () => {
		const channel = new DiagnosticsChannel();
		const off = channel.on('drained', () => {});
		const other = vi.fn();
		channel.on('drained', other);
		off();
		off();
		expect(channel.hasListeners('drained')).toBe(true);
		channel.emit('drained');
		expect(other).toHaveBeenCalledTimes(1);
	});

	test('emit() - a listener that throws is reported as a warning, not thrown', () => {
		const channel = new DiagnosticsChannel();
		const warnings = vi.fn();
		channel.on('warning', warnings);
		channel.on('drained', () => {
			throw new Error('boom');
		});
		expect(() => channel.emit('drained')).not.toThrow();
		expect(warnings).toHaveBeenCalledWith(expect.objectContaining({code: 'ERR_LISTENER_FAILED'}));
	});
});

describe('on() names', () => {
	test('on() - a name that is not a diagnostic is a TypeError pointing to subscribe()', () => {
		const bus = new EventBus();
		expect(() => (bus.on as (name: string, listener: () => void) => unknown)('order.created', () => {})).toThrow(TypeError);
		expect(() => (bus.on as (name: string, listener: () => void) => unknown)('order.created', () => {})).toThrow(/bus\.subscribe\("order\.created", handler\)/);
	});

	test('on() - every diagnostic name is accepted', () => {
		const bus = new EventBus();
		for (const name of ['deadLetter', 'retry', 'delivered', 'rejected', 'warning', 'held', 'released', 'drained', 'stopped', 'closed'] as const) {
			expect(typeof bus.on(name, () => {})).toBe('function');
		}
	});
});
