import {afterEach, describe, expect, test, vi} from 'vitest';
import {EventBus} from '../../src/index.js';
import {createProducer} from '../../src/producers/producer.js';
import {track, tracked} from '../../src/producers/tracked.js';
import type {BusEvent, PublishOptions} from '../../src/types.js';

afterEach(() => {
	vi.useRealTimers();
	vi.restoreAllMocks();
});

async function recordedBus(): Promise<{bus: EventBus; events: BusEvent[]}> {
	const bus = new EventBus();
	const events: BusEvent[] = [];
	bus.subscribe('**', event => void events.push(event));
	return {bus, events};
}

describe('tracked()', () => {
	test('publishes started then succeeded, sharing one correlation id', async () => {
		const {bus, events} = await recordedBus();
		await tracked(bus, 'order.process', async () => 'done')();
		await bus.drain();
		const [started, succeeded] = events;
		expect(events.map(event => event.topic)).toEqual(['order.process.started', 'order.process.succeeded']);
		expect(succeeded).toMatchObject({correlationId: started?.correlationId, causationId: started?.id});
		await bus.close();
	});

	test('resolves with the function\'s result', async () => {
		const bus = new EventBus();
		expect(await tracked(bus, 'job', (a: number, b: number) => a + b)(2, 3)).toBe(5);
		await bus.close();
	});

	test('the succeeded payload has the duration, and the result only when asked', async () => {
		vi.useFakeTimers({toFake: ['performance', 'setTimeout']});
		const {bus, events} = await recordedBus();
		const slow = async (): Promise<{ok: boolean}> => new Promise(resolve => setTimeout(() => resolve({ok: true}), 250));
		const running = [tracked(bus, 'quiet', slow)(), tracked(bus, 'loud', slow, {includeResult: true})()];
		await vi.advanceTimersByTimeAsync(250);
		await Promise.all(running);
		await bus.drain();
		expect(events.filter(event => event.topic.endsWith('.succeeded')).map(event => [event.topic, event.payload])).toEqual([
			['quiet.succeeded', {durationMs: 250}],
			['loud.succeeded', {durationMs: 250, result: {ok: true}}],
		]);
		await bus.close();
	});

	test('includeResult publishes a clone: the caller\'s object is never frozen by the bus', async () => {
		const {bus, events} = await recordedBus();
		const result = {items: [1]};
		expect(await tracked(bus, 'job', () => result, {includeResult: true})()).toBe(result);
		await bus.drain();
		expect(Object.isFrozen(result)).toBe(false);
		expect(events[1]?.payload).toMatchObject({result: {items: [1]}});
		await bus.close();
	});

	test('includeResult may pick what to publish', async () => {
		const {bus, events} = await recordedBus();
		await tracked(bus, 'job', () => ({id: 7, secret: 's'}), {includeResult: result => ({id: (result as {id: number}).id})})();
		await bus.drain();
		expect(events[1]?.payload).toMatchObject({result: {id: 7}});
		await bus.close();
	});

	test('a failure publishes failed with the serialized error and duration, then rethrows the original error unchanged', async () => {
		const {bus, events} = await recordedBus();
		const failure = Object.assign(new RangeError('out of stock'), {code: 'E_STOCK'});
		await expect(
			tracked(bus, 'order.process', async () => {
				throw failure;
			})(),
		).rejects.toBe(failure);
		await bus.drain();
		const [started, failed] = events;
		expect(failed).toMatchObject({
			topic: 'order.process.failed',
			correlationId: started?.correlationId,
			payload: {durationMs: expect.any(Number), error: {name: 'RangeError', message: 'out of stock', code: 'E_STOCK', stack: failure.stack}},
		});
		await bus.close();
	});

	test('a synchronous throw is tracked and rethrown the same way', async () => {
		const {bus, events} = await recordedBus();
		const failure = new Error('sync');
		await expect(
			tracked(bus, 'job', () => {
				throw failure;
			})(),
		).rejects.toBe(failure);
		await bus.drain();
		expect(events.map(event => event.topic)).toEqual(['job.started', 'job.failed']);
		await bus.close();
	});

	test('details() adds fields from the arguments to every payload', async () => {
		const {bus, events} = await recordedBus();
		await tracked(bus, 'order.process', async (orderId: string) => orderId, {details: orderId => ({orderId})})('o-1');
		await bus.drain();
		expect(events.map(event => (event.payload as {orderId: string}).orderId)).toEqual(['o-1', 'o-1']);
		await bus.close();
	});

	test('called from a handler, the events join the handled event\'s workflow', async () => {
		const {bus, events} = await recordedBus();
		const run = tracked(bus, 'job', () => 1);
		bus.subscribe('trigger', async () => run());
		const trigger = await bus.publish('trigger', {});
		await bus.drain();
		expect(events.filter(event => event.topic.startsWith('job.')).map(event => event.correlationId)).toEqual([trigger.correlationId, trigger.correlationId]);
		await bus.close();
	});

	test('passes publishOptions to the three publishes', async () => {
		const {bus, events} = await recordedBus();
		await tracked(bus, 'job', () => 1, {publishOptions: {priority: 4, source: 'worker', metadata: {shard: 2}}})();
		await bus.drain();
		expect(events.map(({priority, source, metadata}) => [priority, source, metadata])).toEqual([
			[4, 'worker', {shard: 2}],
			[4, 'worker', {shard: 2}],
		]);
		await bus.close();
	});

	test('a failing publish goes to onError and never changes the outcome', async () => {
		const bus = new EventBus();
		await bus.close();
		const onError = vi.fn();
		expect(await tracked(bus, 'job', () => 'still done', {onError})()).toBe('still done');
		expect(onError).toHaveBeenCalledTimes(2);
	});

	test('by default, a failing publish is a process warning', async () => {
		const emitWarning = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
		const target = {publish: async (): Promise<never> => Promise.reject(new Error('down'))};
		await tracked(target, 'job', () => 1)();
		expect(emitWarning).toHaveBeenCalledWith(expect.stringContaining('down'), {code: 'ERR_TRACK_PUBLISH_FAILED'});
	});

	test('through a producer, the events carry its prefix and source', async () => {
		const {bus, events} = await recordedBus();
		await createProducer(bus, {topicPrefix: 'order', source: 'checkout'}).tracked('process', () => 1)();
		await bus.drain();
		expect(events.map(({topic, source}) => [topic, source])).toEqual([
			['order.process.started', 'checkout'],
			['order.process.succeeded', 'checkout'],
		]);
		await bus.close();
	});

	test('refuses bad arguments with a TypeError', () => {
		const bus = new EventBus();
		expect(() => tracked({} as never, 'job', () => 1)).toThrow('Expected `bus` to be a bus or a producer');
		expect(() => tracked(bus, 42 as never, () => 1)).toThrow('Expected `topic` to be a string');
		expect(() => tracked(bus, 'job', 'nope' as never)).toThrow('Expected `fn` to be a function');
		expect(() => tracked(bus, 'job', () => 1, {includeResult: 'yes' as never})).toThrow('Expected `options.includeResult`');
	});
});

// Vitest's transform (oxc) cannot run decorator syntax, so the decorator is applied here as the runtime applies it;
// `track-decorator.typecheck.ts` checks the `@track` syntax itself with tsc.
function decorate<This, Args extends unknown[], Result>(
	decorator: ReturnType<typeof track<This>>,
	method: (this: This, ...args: Args) => Promise<Result>,
): (this: This, ...args: Args) => Promise<Result> {
	const context = {kind: 'method', name: method.name, static: false, private: false, metadata: {}, access: {has: () => true, get: () => method}, addInitializer() {}};
	return decorator(method, context as unknown as ClassMethodDecoratorContext<This, (this: This, ...args: Args) => Promise<Result>>);
}

describe('@track', () => {
	test('tracks each call of the method, with `this` intact', async () => {
		const {bus, events} = await recordedBus();
		const service = {factor: 3, scale: decorate(track(bus, 'job.scale', {includeResult: true}), async function (this: {factor: number}, n: number) {
			return n * this.factor;
		})};
		expect(await service.scale(2)).toBe(6);
		await bus.drain();
		expect(events.map(({topic, payload}) => [topic, (payload as {result?: number}).result])).toEqual([
			['job.scale.started', undefined],
			['job.scale.succeeded', 6],
		]);
		await bus.close();
	});

	test('takes the bus from the instance through a function', async () => {
		const {bus, events} = await recordedBus();
		const service = {bus, run: decorate(track((self: {bus: EventBus}) => self.bus, 'job.run'), async () => 1)};
		await service.run();
		await bus.drain();
		expect(events).toHaveLength(2);
		await bus.close();
	});

	test('rethrows the method\'s own error', async () => {
		const bus = new EventBus();
		const failure = new Error('no');
		const run = decorate(track(bus, 'job'), async () => {
			throw failure;
		});
		await expect(run()).rejects.toBe(failure);
		await bus.close();
	});

	test('refuses anything but a method with a TypeError', () => {
		const decorator = track(new EventBus(), 'job');
		expect(() => decorator(async () => 1, {kind: 'field'} as never)).toThrow('Expected `@track target` to be a class method');
	});

	test('checks its arguments when the decorator is made', () => {
		expect(() => track({} as never, 'job')).toThrow('Expected `bus` to be a bus or a producer');
	});

	test('publishes through any target with publish()', async () => {
		const calls: [string, PublishOptions | undefined][] = [];
		const target = {publish: async (topic: string, _payload: unknown, options?: PublishOptions) => void calls.push([topic, options])};
		await decorate(track(target, 'job'), async () => 1)();
		expect(calls.map(([topic]) => topic)).toEqual(['job.started', 'job.succeeded']);
	});
});

describe('tracked() with hostile values', () => {
	test.each([
		['a null-prototype object', () => Object.create(null) as unknown],
		['a revoked proxy', () => {
			const revocable = Proxy.revocable({}, {});
			revocable.revoke();
			return revocable.proxy as unknown;
		}],
		['an error whose stack getter throws', () => Object.defineProperty(new Error('x'), 'stack', {get() {
			throw new Error('no stack');
		}}) as unknown],
	])('a function that throws %s rejects with that very value, after a failed event', async (_name, make) => {
		const {bus, events} = await recordedBus();
		const thrown = make();
		await expect(tracked(bus, 'job', async () => {
			throw thrown;
		})()).rejects.toBe(thrown);
		await bus.drain();
		expect(events.map(event => event.topic)).toEqual(['job.started', 'job.failed']);
		expect((events[1]?.payload as {error: {name: string; message: string}}).error).toEqual({name: expect.any(String), message: expect.any(String)});
		await bus.close();
	});

	test('details that throw go to onError; the function still runs and its result comes back', async () => {
		const {bus, events} = await recordedBus();
		const onError = vi.fn();
		const failure = new Error('details broke');
		const result = await tracked(bus, 'job', async (n: number) => n * 2, {details: () => {
			throw failure;
		}, onError})(21);
		await bus.drain();
		expect(result).toBe(42);
		expect(onError).toHaveBeenCalledWith(failure);
		expect(events.map(event => event.topic)).toEqual(['job.started', 'job.succeeded']);
		await bus.close();
	});

	test('an includeResult function that throws goes to onError; the result still comes back', async () => {
		const {bus, events} = await recordedBus();
		const onError = vi.fn();
		const result = await tracked(bus, 'job', async () => 'ok', {includeResult: () => {
			throw new Error('projection broke');
		}, onError})();
		await bus.drain();
		expect(result).toBe('ok');
		expect(onError).toHaveBeenCalledTimes(1);
		expect(events[1]?.payload).toMatchObject({result: {$unserializable: 'projection broke'}});
		await bus.close();
	});

	test('a cyclic result with includeResult: true is cloned, not lost', async () => {
		const {bus, events} = await recordedBus();
		const cyclic: Record<string, unknown> = {a: 1};
		cyclic['self'] = cyclic;
		await tracked(bus, 'job', async () => cyclic, {includeResult: true})();
		await bus.drain();
		const published = (events[1]?.payload as {result: Record<string, unknown>}).result;
		expect(published['a']).toBe(1);
		expect(published['self']).toBe(published);
		await bus.close();
	});
});
