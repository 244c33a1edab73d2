import {afterEach, describe, expect, it} from 'vitest';
import {EventBus} from '../../src/index.js';

// Correlation follows a workflow across buses (one AsyncLocalStorage for the process), but "inside a handler" is
// per bus: a handler of bus A is not a handler of bus B, so B's drain, stop and backpressure treat it as a producer.
const buses: EventBus[] = [];
const makeBus = (): EventBus => {
	const bus = new EventBus();
	buses.push(bus);
	return bus;
};

afterEach(async () => {
	for (const bus of buses.splice(0)) await bus.close();
});

describe('two buses', () => {
	it.each([
		['in the synchronous part', false],
		['after an await', true],
	])("drain() of bus B called from a handler of bus A (%s) waits for B's handlers", async (_label, afterAwait) => {
		const a = makeBus();
		const b = makeBus();
		let isWorkDone = false;
		b.subscribe('work', async () => {
			await new Promise(resolve => setTimeout(resolve, 5));
			isWorkDone = true;
		});
		let seen: boolean | undefined;
		a.subscribe('go', async () => {
			if (afterAwait) await Promise.resolve();
			b.publishSync('work', {});
			await b.drain();
			seen = isWorkDone;
		});
		await a.publish('go', {});
		await a.drain();
		expect(seen).toBe(true);
	});

	it('an event published on bus B from a handler of bus A still inherits the workflow', async () => {
		const a = makeBus();
		const b = makeBus();
		const received = new Promise<{correlationId: string; causationId: string | undefined}>(resolve => b.subscribe('next', event => resolve(event)));
		a.subscribe('start', async () => {
			await Promise.resolve();
			await b.publish('next', {});
		});
		const start = await a.publish('start', {});
		const next = await received;
		expect(next.correlationId).toBe(start.correlationId);
		expect(next.causationId).toBe(start.id);
	});
});

describe('closing a consumer from a handler', () => {
	it("a handler awaiting a consumer's close() settles, and the consumer is closed", async () => {
		const bus = makeBus();
		let isClosed = false;
		const handle = bus.use({name: 'sink', topics: 'data', consume: () => undefined, close: () => void (isClosed = true)});
		let settled = false;
		bus.subscribe('shutdown', async () => {
			await handle.close();
			settled = true;
		});
		await bus.publish('data', {});
		await bus.publish('shutdown', {});
		await bus.drain();
		expect(settled).toBe(true);
		expect(isClosed).toBe(true);
	});
});
