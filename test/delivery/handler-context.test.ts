import {describe, expect, test} from 'vitest';
import {HandlerContext, hasAsyncContextFrame, resolveAsyncContextMode} from '../../src/delivery/handler-context.js';
import type {BusEvent} from '../../src/index.js';
import {nextMacrotask} from '../core/helpers.js';
import {event, seenByLeftoverWork} from './handler-context-helpers.js';


describe('HandlerContext', () => {
	test.each(['always', 'never', 'auto'] as const)('HandlerContext(%s) - current() is the event during the synchronous part of run()', isAsync => {
		const context = new HandlerContext(isAsync);
		let seen: BusEvent | undefined;
		context.run(event('e1'), () => {
			seen = context.current();
		});
		expect(seen?.id).toBe('e1');
		expect(context.current()).toBeUndefined();
	});

	test('HandlerContext - run() returns what the handler returns', () => {
		const context = new HandlerContext('always');
		expect(context.run(event('e1'), () => 42)).toBe(42);
	});

	test('HandlerContext - nested runs restore the outer event, also after a throw', () => {
		const context = new HandlerContext('never');
		const seen: (string | undefined)[] = [];
		context.run(event('outer'), () => {
			try {
				context.run(event('inner'), () => {
					seen.push(context.current()?.id);
					throw new Error('inner failed');
				});
			} catch {}
			seen.push(context.current()?.id);
		});
		expect(seen).toEqual(['inner', 'outer']);
	});

	test('HandlerContext - a run for the event already current calls the handler inside the same context', async () => {
		const context = new HandlerContext('always');
		const seen = await (context.run(event('e1'), () =>
			context.run(event('e1'), async () => {
				await nextMacrotask();
				return context.current()?.id;
			}),
		) as Promise<string | undefined>);
		expect(seen).toBe('e1');
	});

	test('HandlerContext - a run for an outer event nested inside another event\'s run sets the outer one up again', async () => {
		const context = new HandlerContext('always');
		const outer = event('outer');
		const seen = await (context.run(outer, () =>
			context.run(event('inner'), () =>
				context.run(outer, async () => {
					await nextMacrotask();
					return context.current()?.id;
				}),
			),
		) as Promise<string | undefined>);
		expect(seen).toBe('outer');
	});

	test('HandlerContext - with async context the event survives an await', async () => {
		const context = new HandlerContext('always');
		const seen = await (context.run(event('e1'), async () => {
			await nextMacrotask();
			return context.current()?.id;
		}) as Promise<string | undefined>);
		expect(seen).toBe('e1');
	});

	test('HandlerContext - without async context the event is gone after an await', async () => {
		const context = new HandlerContext('never');
		const seen = await (context.run(event('e1'), async () => {
			await nextMacrotask();
			return context.current()?.id;
		}) as Promise<string | undefined>);
		expect(seen).toBeUndefined();
	});

	test('HandlerContext - detached() runs outside the async context of a handler', async () => {
		const context = new HandlerContext('always');
		const seen = await (context.run(event('e1'), async () => {
			await Promise.resolve();
			let inside: string | undefined = 'unset';
			context.detached(() => {
				inside = context.current()?.id;
			});
			return inside;
		}) as Promise<string | undefined>);
		expect(seen).toBeUndefined();
	});

	test('HandlerContext(auto) - a handler keeps the event across awaits', async () => {
		const context = new HandlerContext('auto');
		const seen = await (context.run(event('e1'), async () => {
			await nextMacrotask();
			return context.current()?.id;
		}) as Promise<string | undefined>);
		expect(seen).toBe('e1');
	});

	test('HandlerContext(auto) - an async handler run inside the dispatcher\'s run for its event still keeps it across awaits', async () => {
		const context = new HandlerContext('auto');
		const e1 = event('e1');
		const seen = await (context.run(e1, () =>
			context.run(e1, async () => {
				await nextMacrotask();
				return context.current()?.id;
			}),
		) as Promise<string | undefined>);
		expect(seen).toBe('e1');
	});

	test('HandlerContext(auto) - a plain function that returns a promise keeps the event across the awaits of that promise', async () => {
		const context = new HandlerContext('auto');
		const later = async (): Promise<string | undefined> => {
			await nextMacrotask();
			return context.current()?.id;
		};
		let synchronously: string | undefined;
		const seen = await (context.run(event('e1'), () => {
			synchronously = context.current()?.id;
			return later();
		}) as Promise<string | undefined>);
		expect(synchronously).toBe('e1');
		expect(seen).toBe('e1');
	});

	test('HandlerContext(auto) - work left running by a settled handler keeps its event while another async handler is in flight', async () => {
		const context = new HandlerContext('auto');
		let finishSecond!: () => void;
		const second = context.run(event('e2'), async () => {
			await new Promise<void>(resolve => {
				finishSecond = resolve;
			});
		}) as Promise<void>;
		expect(await seenByLeftoverWork(context, 'e1')).toBe('e1');
		finishSecond();
		await second;
	});

	test('HandlerContext(auto) - a run without storage keeps the event for its synchronous part only', async () => {
		const context = new HandlerContext('auto');
		const seen = await (context.run(
			event('e1'),
			async () => {
				const synchronously = context.current()?.id;
				await nextMacrotask();
				return [synchronously, context.current()?.id];
			},
			false,
		) as Promise<(string | undefined)[]>);
		expect(seen).toEqual(['e1', undefined]);
	});

	test('HandlerContext(always) - a run asked to go without storage still gets it', async () => {
		const context = new HandlerContext('always');
		const seen = await (context.run(
			event('e1'),
			async () => {
				await nextMacrotask();
				return context.current()?.id;
			},
			false,
		) as Promise<string | undefined>);
		expect(seen).toBe('e1');
	});

	test('HandlerContext - run() passes its argument to the handler after the event', () => {
		const context = new HandlerContext('never');
		expect(context.run(event('e1'), (current: BusEvent, argument: number) => `${current.id}:${argument}`, true, 7)).toBe('e1:7');
	});

	test('resolveAsyncContextMode - true is always, false is never', () => {
		expect(resolveAsyncContextMode(true)).toBe('always');
		expect(resolveAsyncContextMode(false)).toBe('never');
	});

	test('resolveAsyncContextMode - auto is auto', () => {
		expect(resolveAsyncContextMode('auto')).toBe('auto');
	});

	test('hasAsyncContextFrame - true exactly on Node 24 and later unless turned off with --no-async-context-frame', () => {
		const major = Number(process.versions.node.split('.')[0]);
		const flags = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)];
		const turnedOff = flags.includes('--no-async-context-frame');
		const turnedOn = flags.includes('--experimental-async-context-frame');
		expect(hasAsyncContextFrame()).toBe((major >= 24 && !turnedOff) || (major === 22 && turnedOn));
	});
});
