import {describe, expect, test, vi} from 'vitest';
import {DiagnosticsChannel} from '../../src/core/diagnostics-channel.js';

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
