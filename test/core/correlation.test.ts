import {describe, expect, test} from 'vitest';
import {EventBus, type BusEvent, type EventBusOptions} from '../../src/index.js';
import {nextMacrotask} from './helpers.js';

/** Subscribes `handler` to `topic` and returns the events published by the bus on `child` topics. */
function recordTopic(bus: EventBus, pattern: string): BusEvent[] {
	const seen: BusEvent[] = [];
	bus.subscribe(pattern, event => {
		seen.push(event);
	});
	return seen;
}

describe('correlation', () => {
	test('correlation - an event published in the synchronous part of a handler inherits correlationId and gets causationId', async () => {
		const bus = new EventBus();
		const children = recordTopic(bus, 'child');
		bus.subscribe('parent', () => {
			void bus.publish('child', null);
		});
		const parent = await bus.publish('parent', null, {correlationId: 'workflow-1'});
		await bus.drain();
		expect(children[0]).toMatchObject({correlationId: 'workflow-1', causationId: parent.id});
	});

	test('correlation - an event published after an await in a handler inherits too', async () => {
		const bus = new EventBus();
		const children = recordTopic(bus, 'child');
		bus.subscribe('parent', async () => {
			await nextMacrotask();
			await Promise.resolve();
			await bus.publish('child', null);
		});
		const parent = await bus.publish('parent', null);
		await bus.drain();
		expect(children[0]).toMatchObject({correlationId: parent.id, causationId: parent.id});
	});

	test('correlation - a chain keeps the first correlationId and links each causationId to its parent', async () => {
		const bus = new EventBus();
		const events = recordTopic(bus, 'step.*');
		bus.subscribe('step.one', async () => {
			await Promise.resolve();
			await bus.publish('step.two', null);
		});
		bus.subscribe('step.two', () => {
			void bus.publish('step.three', null);
		});
		const first = await bus.publish('step.one', null);
		await bus.drain();
		const [one, two, three] = events;
		expect(one).toBe(first);
		expect(two).toMatchObject({correlationId: first.id, causationId: first.id});
		expect(three).toMatchObject({correlationId: first.id, causationId: two!.id});
	});

	test('correlation - with asyncContext false the synchronous part of a handler still inherits', async () => {
		const bus = new EventBus({asyncContext: false});
		const children = recordTopic(bus, 'child');
		bus.subscribe('parent', () => {
			void bus.publish('child', null);
		});
		const parent = await bus.publish('parent', null);
		await bus.drain();
		expect(children[0]).toMatchObject({correlationId: parent.correlationId, causationId: parent.id});
	});

	test('correlation - with asyncContext false an event published after an await starts its own workflow', async () => {
		const bus = new EventBus({asyncContext: false});
		const children = recordTopic(bus, 'child');
		bus.subscribe('parent', async () => {
			await nextMacrotask();
			await bus.publish('child', null);
		});
		await bus.publish('parent', null);
		await bus.drain();
		const child = children[0]!;
		expect(child).toMatchObject({correlationId: child.id, causationId: undefined});
	});

	test('correlation - explicit options override what would be inherited', async () => {
		const bus = new EventBus();
		const children = recordTopic(bus, 'child');
		bus.subscribe('parent', () => {
			void bus.publish('child', null, {correlationId: 'mine', causationId: 'also-mine'});
		});
		await bus.publish('parent', null);
		await bus.drain();
		expect(children[0]).toMatchObject({correlationId: 'mine', causationId: 'also-mine'});
	});

	test('correlation - outside any handler an event starts its own workflow, even after handlers ran', async () => {
		const bus = new EventBus();
		bus.subscribe('parent', async () => {
			await Promise.resolve();
		});
		await bus.publish('parent', null);
		await bus.drain();
		const independent = await bus.publish('other', null);
		expect(independent).toMatchObject({correlationId: independent.id, causationId: undefined});
	});

	test('correlation - the handler of an inner event sees the inner event as its parent, not the outer one', async () => {
		const bus = new EventBus();
		const grandchildren = recordTopic(bus, 'grandchild');
		const children = recordTopic(bus, 'child');
		bus.subscribe('parent', async () => {
			await bus.publish('child', null);
		});
		bus.subscribe('child', async () => {
			await nextMacrotask();
			await bus.publish('grandchild', null);
		});
		await bus.publish('parent', null);
		await bus.drain();
		expect(grandchildren[0]!.causationId).toBe(children[0]!.id);
	});

	test('correlation - events published by the handlers of two different events do not mix', async () => {
		const bus = new EventBus();
		const children = recordTopic(bus, 'child');
		bus.subscribe('parent', async event => {
			await nextMacrotask();
			await bus.publish('child', event.payload);
		}, {concurrency: 2});
		const first = await bus.publish('parent', 1);
		const second = await bus.publish('parent', 2);
		await bus.drain();
		const byPayload = new Map(children.map(child => [child.payload, child]));
		expect(byPayload.get(1)).toMatchObject({causationId: first.id, correlationId: first.id});
		expect(byPayload.get(2)).toMatchObject({causationId: second.id, correlationId: second.id});
	});

	test('correlation - each of an event\'s subscriptions publishes with it as parent, also after an await', async () => {
		const bus = new EventBus();
		const children = recordTopic(bus, 'child');
		for (const name of ['a', 'b', 'c']) {
			bus.subscribe('parent', async () => {
				await nextMacrotask();
				await bus.publish('child', name);
			});
		}
		const first = await bus.publish('parent', null);
		const second = await bus.publish('parent', null);
		await bus.drain();
		expect(children).toHaveLength(6);
		expect(children.filter(child => child.causationId === first.id)).toHaveLength(3);
		expect(children.filter(child => child.causationId === second.id)).toHaveLength(3);
	});

	test('correlation - a handler behind a transform has the transformed envelope as parent', async () => {
		const bus = new EventBus();
		const children = recordTopic(bus, 'child');
		bus.subscribe('parent', () => undefined);
		bus.subscribe(
			'parent',
			async () => {
				await nextMacrotask();
				await bus.publish('child', null);
			},
			{transform: event => ({...event, id: `${event.id}-transformed`, correlationId: 'transformed'})},
		);
		const parent = await bus.publish('parent', null);
		await bus.drain();
		expect(children[0]).toMatchObject({causationId: `${parent.id}-transformed`, correlationId: 'transformed'});
	});

	test('correlation - replay handlers run with the replayed event as parent', async () => {
		const bus = new EventBus();
		const original = await bus.publish('past', null);
		let child: BusEvent | undefined;
		await bus.replay('past', async () => {
			child = await bus.publish('child', null);
		});
		expect(child).toMatchObject({correlationId: original.correlationId, causationId: original.id});
	});
});

describe('correlation - an explicit option wins', () => {
	test('correlationId and causationId given inside a handler win over the inherited ones', async () => {
		const bus = new EventBus();
		const children: BusEvent[] = [];
		bus.subscribe('parent', async () => {
			children.push(await bus.publish('child', null, {correlationId: 'explicit', causationId: 'cause-1'}));
		});
		await bus.publish('parent', null, {correlationId: 'workflow-1'});
		await bus.drain();
		expect(children[0]).toMatchObject({correlationId: 'explicit', causationId: 'cause-1'});
	});
});

// A handler that is a plain function returning a promise (not an `async` function) publishing after an await.
function publishAfterAwaitFromPlainFunction(bus: EventBus): void {
	bus.subscribe('parent', () =>
		nextMacrotask().then(async () => {
			await bus.publish('child', null);
		}),
	);
}

describe('correlation - the asyncContext setting', () => {
	test.each<[string, EventBusOptions]>([
		['by default', {}],
		["with 'auto'", {asyncContext: 'auto'}],
		['with true', {asyncContext: true}],
	])('an async function handler publishing after awaits inherits %s', async (_name, options) => {
		const bus = new EventBus(options);
		const children = recordTopic(bus, 'child');
		bus.subscribe('parent', async () => {
			await nextMacrotask();
			await bus.publish('child', null);
		});
		const parent = await bus.publish('parent', null, {correlationId: 'workflow-1'});
		await bus.drain();
		expect(children[0]).toMatchObject({correlationId: 'workflow-1', causationId: parent.id});
	});

	test('with true a plain function handler that returns a promise inherits after its await', async () => {
		const bus = new EventBus({asyncContext: true});
		const children = recordTopic(bus, 'child');
		publishAfterAwaitFromPlainFunction(bus);
		const parent = await bus.publish('parent', null);
		await bus.drain();
		expect(children[0]).toMatchObject({correlationId: parent.id, causationId: parent.id});
	});

	test('by default a plain function handler that returns a promise inherits after its await', async () => {
		const bus = new EventBus();
		const children = recordTopic(bus, 'child');
		publishAfterAwaitFromPlainFunction(bus);
		const parent = await bus.publish('parent', null);
		await bus.drain();
		expect(children[0]).toMatchObject({correlationId: parent.id, causationId: parent.id});
	});

	test('by default an async handler behind a concurrency limit (delivered later from its buffer) inherits after an await', async () => {
		const bus = new EventBus();
		const children = recordTopic(bus, 'child');
		bus.subscribe('parent', async event => {
			await nextMacrotask();
			await bus.publish('child', event.payload);
		}, {concurrency: 1});
		const parents = [await bus.publish('parent', 1), await bus.publish('parent', 2), await bus.publish('parent', 3)];
		await bus.drain();
		expect(children.map(child => child.causationId)).toEqual(parents.map(parent => parent.id));
	});

	test('by default an async handler retried after a failure inherits on its retry', async () => {
		const bus = new EventBus();
		const children = recordTopic(bus, 'child');
		let attempts = 0;
		bus.subscribe('parent', async () => {
			await nextMacrotask();
			if (++attempts === 1) throw new Error('first attempt fails');
			await bus.publish('child', null);
		}, {retry: {attempts: 2, backoff: {initialMs: 0, maxMs: 0, jitter: 'none'}}});
		const parent = await bus.publish('parent', null);
		await bus.drain();
		expect(children[0]).toMatchObject({correlationId: parent.id, causationId: parent.id});
	});

	test('by default a plain function handler that returns a promise inherits after its await on every event', async () => {
		const bus = new EventBus();
		const children = recordTopic(bus, 'child');
		bus.subscribe('parent', event =>
			nextMacrotask().then(async () => {
				await bus.publish('child', event.payload);
			}),
		);
		const parents = [await bus.publish('parent', 1), await bus.publish('parent', 2), await bus.publish('parent', 3)];
		await bus.drain();
		expect(children.map(child => child.causationId)).toEqual(parents.map(parent => parent.id));
	});

	// The documented edge of 'auto': a handler known to return no promise runs without AsyncLocalStorage.
	test('by default a handler that returned no promise before does not inherit after the await of the first promise it returns, and does from then on', async () => {
		const bus = new EventBus();
		const children = recordTopic(bus, 'child');
		bus.subscribe('parent', event => {
			if (event.payload === 'sync') return undefined;
			return nextMacrotask().then(async () => {
				await bus.publish('child', event.payload);
			});
		});
		await bus.publish('parent', 'sync');
		await bus.drain();
		const first = await bus.publish('parent', 'first promise');
		await bus.drain();
		const second = await bus.publish('parent', 'second promise');
		await bus.drain();
		expect(children[0]!.causationId).toBeUndefined();
		expect(children[0]!.correlationId).toBe(children[0]!.id);
		expect(children[1]!.causationId).toBe(second.id);
		expect(first.id).not.toBe(second.id);
	});

	test('with true, work a synchronous handler leaves behind (a timer) inherits on every event', async () => {
		const inherits = [true, true];
		const bus = new EventBus({asyncContext: true});
		const children = recordTopic(bus, 'child');
		const timers: Promise<void>[] = [];
		bus.subscribe('parent', () => {
			timers.push(
				nextMacrotask().then(async () => {
					await bus.publish('child', null);
				}),
			);
		});
		const parents: BusEvent[] = [];
		for (let index = 0; index < 2; index++) {
			parents.push(await bus.publish('parent', index));
			await bus.drain();
			await Promise.all(timers);
			await bus.drain();
		}
		expect(children.map((child, index) => child.causationId === parents[index]!.id)).toEqual(inherits);
	});

	// Real timers: fake ones do not carry the async context of the code that set them.
	test('by default a handler delivered from another event\'s retry never inherits that event', async () => {
		const bus = new EventBus();
		const ids = new Map<unknown, string>();
		let calls = 0;
		bus.subscribe('job', event => {
			ids.set(event.payload, event.id);
			if (++calls === 1) throw new Error('the first attempt fails');
			setTimeout(() => void bus.publish('child', event.payload), 1);
		}, {retry: {attempts: 2, backoff: {initialMs: 1, maxMs: 1, jitter: 'none'}}});
		// An async handler in flight all along, so that the storage stays in use.
		let finishSlow!: () => void;
		bus.subscribe('slow', async () => {
			await new Promise<void>(resolve => {
				finishSlow = resolve;
			});
		});
		void bus.publish('slow', null);
		const fromE2 = bus.waitFor('child', {filter: child => child.payload === 'E2', timeoutMs: 5000});
		await bus.publish('job', 'E1');
		await bus.publish('job', 'E2');
		const child = await fromE2;
		finishSlow();
		await bus.drain();
		expect(child.causationId).not.toBe(ids.get('E1'));
	});

	test('an unknown setting is refused with a TypeError', () => {
		expect(() => new EventBus({asyncContext: 'sometimes' as never})).toThrow(new TypeError('Expected `options.asyncContext` to be a boolean or `auto`, got `sometimes` (string)'));
	});
});
