/** Helpers of the HandlerContext tests. */
import type {HandlerContext} from '../../src/delivery/handler-context.js';
import type {BusEvent} from '../../src/index.js';
import {nextMacrotask} from '../core/helpers.js';

/** A stand-in event: the context only reads its identity (and `id`, in these tests). */
export const event = (id: string): BusEvent => ({id}) as BusEvent;

/**
 * Runs an async handler for event `id` that awaits once and leaves work running (a macrotask later); resolves, once
 * the handler has settled and that work has run, with the id of the event the work sees as current.
 */
export async function seenByLeftoverWork(context: HandlerContext, id: string): Promise<string | undefined> {
	let leftBehind!: Promise<string | undefined>;
	await (context.run(event(id), async () => {
		await Promise.resolve();
		leftBehind = nextMacrotask().then(() => context.current()?.id);
	}) as Promise<void>);
	return leftBehind;
}
