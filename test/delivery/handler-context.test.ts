import {describe, expect, test} from 'vitest';
import {HandlerContext} from '../../src/delivery/handler-context.js';
import type {BusEvent} from '../../src/index.js';
import {nextMacrotask} from '../core/helpers.js';

const event = (id: string): BusEvent => ({id}) as BusEvent;

describe('HandlerContext', () => {
	test.each([true, false])('HandlerContext(%s) - current() is the event during the synchronous part of run()', isAsync => {
		const context = new HandlerContext(isAsync);
		let seen: BusEvent | undefined;
		context.run(event('e1'), () => {
			seen = context.current();
		});
		expect(seen?.id).toBe('e1');
		expect(context.current()).toBeUndefined();
	});

	test('HandlerContext - run() returns what the handler returns', () => {
		const context = new HandlerContext(true);
		expect(context.run(event('e1'), () => 42)).toBe(42);
	});

	test('HandlerContext - nested runs restore the outer event, also after a throw', () => {
		const context = new HandlerContext(false);
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
		const context = new HandlerContext(true);
		const seen = await (context.run(event('e1'), () =>
			context.run(event('e1'), async () => {
				await nextMacrotask();
				return context.current()?.id;
			}),
		) as Promise<string | undefined>);
		expect(seen).toBe('e1');
	});

	test('HandlerContext - a run for an outer event nested inside another event\'s run sets the outer one up again', async () => {
		const context = new HandlerContext(true);
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
		const context = new HandlerContext(true);
		const seen = await (context.run(event('e1'), async () => {
			await nextMacrotask();
			return context.current()?.id;
		}) as Promise<string | undefined>);
		expect(seen).toBe('e1');
	});

	test('HandlerContext - without async context the event is gone after an await', async () => {
		const context = new HandlerContext(false);
		const seen = await (context.run(event('e1'), async () => {
			await nextMacrotask();
			return context.current()?.id;
		}) as Promise<string | undefined>);
		expect(seen).toBeUndefined();
	});

	test('HandlerContext - detached() runs outside the async context of a handler', async () => {
		const context = new HandlerContext(true);
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
});
