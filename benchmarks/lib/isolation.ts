/**
 * Contenders share a process so that their rounds can interleave, so whatever one of them turns on for the whole
 * process must be turned off again before another one is timed. topicbus's AsyncLocalStorage is such a thing: while
 * it is on, Node runs a promise hook on every promise in the process, which cost Emittery and p-queue about 40% of
 * their throughput when they were measured next to topicbus. Harnesses call this after every timed run; topicbus
 * turns it back on with its next handler call, so its own rows still pay for it.
 */
import {releaseAsyncContext} from '../../src/delivery/handler-context.js';

export function resetProcessState(): void {
	releaseAsyncContext();
}
