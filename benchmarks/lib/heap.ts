/** Heap measurements: used heap after full collections, so that only what is still reachable counts. */
import type {ScenarioContext} from './scenario.js';

/** Bytes of JavaScript heap in use after a full GC. */
export function heapUsedAfterGc(context: ScenarioContext): number {
	context.collectGarbage();
	return process.memoryUsage().heapUsed;
}

export const megabyte = 1024 * 1024;
