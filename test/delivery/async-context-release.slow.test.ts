import {describe, expect, test} from 'vitest';
import {HandlerContext, hasAsyncContextFrame} from '../../src/delivery/handler-context.js';
import {nextMacrotask} from '../core/helpers.js';
import {event, seenByLeftoverWork} from './handler-context-helpers.js';

// These tests see whether the process-wide storage was turned off, which depends on every handler of the process
// having settled: they need a module graph of their own (the slow project isolates each file), since a
// unit test file that leaves a handler pending would keep the storage on for every file after it.


// Turning the storage off exists for the hook-based AsyncLocalStorage (Node 20, 22); with AsyncContextFrame (Node 24+),
// `disable()` leaves the frames already captured alone, and `'auto'` never turns the storage off there.
const isHookBased = !hasAsyncContextFrame();
if (!isHookBased) console.log('Skipping the release tests of auto: this Node uses AsyncContextFrame, where the storage costs the rest of the process nothing and is never turned off');

describe.runIf(isHookBased)('HandlerContext(auto) - the storage is off once no handler is in flight', () => {
	test('HandlerContext(auto) - work left running after the last handler settled no longer sees its event', async () => {
		const context = new HandlerContext('auto');
		expect(await seenByLeftoverWork(context, 'e1')).toBeUndefined();
	});

	test('HandlerContext(auto) - a handler that fails, synchronously or not, is no longer counted in flight', async () => {
		const context = new HandlerContext('auto');
		const rejected = context.run(event('e1'), async () => {
			await Promise.resolve();
			throw new Error('failed');
		}) as Promise<void>;
		await expect(rejected).rejects.toThrow('failed');
		const throwing = (): never => {
			throw new Error('failed synchronously');
		};
		expect(() => context.run(event('e2'), throwing)).toThrow('failed synchronously');
		expect(await seenByLeftoverWork(context, 'e3')).toBeUndefined();
	});

	test('HandlerContext(auto) - a dispatcher run keeps the storage on until it ends', async () => {
		const context = new HandlerContext('auto');
		context.dispatcherStarted();
		expect(await seenByLeftoverWork(context, 'e1')).toBe('e1');
		context.dispatcherEnded();
		expect(await seenByLeftoverWork(context, 'e2')).toBeUndefined();
	});

	test('HandlerContext(auto) - a handler whose returned promise throws from then() is no longer counted in flight', async () => {
		const context = new HandlerContext('auto');
		class Hostile extends Promise<void> {
			override then(): never {
				throw new Error('then');
			}
		}
		expect(() => context.run(event('e1'), () => Hostile.resolve())).toThrow('then');
		expect(await seenByLeftoverWork(context, 'e2')).toBeUndefined();
	});

	test('HandlerContext(auto) - going idle does not turn the storage off under a context in always mode', async () => {
		const always = new HandlerContext('always');
		const whileHandling = new HandlerContext('auto');
		let finish!: () => void;
		const seen = always.run(event('e1'), async () => {
			await new Promise<void>(resolve => {
				finish = resolve;
			});
			return always.current()?.id;
		}) as Promise<string | undefined>;
		await (whileHandling.run(event('e2'), async () => {
			await Promise.resolve();
		}) as Promise<void>);
		await nextMacrotask();
		finish();
		expect(await seen).toBe('e1');
	});

});
