import {performance} from 'node:perf_hooks';
import {afterEach, describe, expect, test, vi} from 'vitest';
import {EventBus} from '../../src/index.js';
import type {DeliveredNotice} from '../../src/types.js';

afterEach(() => {
	vi.restoreAllMocks();
});

async function publishAll(bus: EventBus, topic: string, count: number): Promise<void> {
	for (let index = 1; index <= count; index++) await bus.publish(topic, index);
	await bus.drain();
}

function listen(bus: EventBus): DeliveredNotice[] {
	const notices: DeliveredNotice[] = [];
	bus.on('delivered', notice => void notices.push(notice));
	return notices;
}

describe('the `delivered` diagnostic', () => {
	test('reports the first successful call of a subscription, then one in deliveredSampleInterval', async () => {
		const bus = new EventBus({deliveredSampleInterval: 4});
		const notices = listen(bus);
		bus.subscribe('a', () => {});
		await publishAll(bus, 'a', 10);
		expect(notices.map(notice => notice.event.payload)).toEqual([1, 5, 9]);
	});

	test('samples one call in 64 by default', async () => {
		const bus = new EventBus();
		const notices = listen(bus);
		bus.subscribe('a', () => {});
		await publishAll(bus, 'a', 129);
		expect(notices.map(notice => notice.event.payload)).toEqual([1, 65, 129]);
	});

	test('with deliveredSampleInterval 1, reports every successful call', async () => {
		const bus = new EventBus({deliveredSampleInterval: 1});
		const notices = listen(bus);
		bus.subscribe('a', () => {});
		await publishAll(bus, 'a', 5);
		expect(notices.map(notice => notice.event.payload)).toEqual([1, 2, 3, 4, 5]);
	});

	test('samples each subscription on its own, so that a quiet one is reported as often as a busy one', async () => {
		const bus = new EventBus({deliveredSampleInterval: 2});
		const notices = listen(bus);
		bus.subscribe('a', () => {}, {name: 'busy'});
		bus.subscribe('a', () => {}, {name: 'other'});
		await publishAll(bus, 'a', 4);
		expect(notices.map(notice => `${notice.subscriptionName} ${String(notice.event.payload)}`)).toEqual(['busy 1', 'other 1', 'busy 3', 'other 3']);
	});

	test('each notice carries the exact count of the subscription\'s successful calls so far', async () => {
		const bus = new EventBus({deliveredSampleInterval: 4});
		const notices = listen(bus);
		bus.subscribe('a', () => {});
		await publishAll(bus, 'a', 10);
		expect(notices.map(notice => notice.delivered)).toEqual([1, 5, 9]);
	});

	test('the count includes calls made before anyone listened', async () => {
		const bus = new EventBus({deliveredSampleInterval: 4});
		bus.subscribe('a', () => {});
		await publishAll(bus, 'a', 3);
		const notices = listen(bus);
		await publishAll(bus, 'a', 1);
		expect(notices.map(notice => notice.delivered)).toEqual([4]);
	});

	test('a sampled call that fails is not reported; the next sample comes in turn', async () => {
		const bus = new EventBus({deliveredSampleInterval: 2});
		const notices = listen(bus);
		bus.subscribe('a', event => {
			if (event.payload === 1) throw new Error('no');
		});
		await publishAll(bus, 'a', 4);
		expect(notices.map(notice => [notice.event.payload, notice.delivered])).toEqual([[3, 2]]);
	});

	test('an async handler is timed from its call until its promise settles', async () => {
		const bus = new EventBus();
		const notices = listen(bus);
		let settle!: () => void;
		bus.subscribe('a', () => new Promise<void>(resolve => (settle = resolve)));
		const now = vi.spyOn(performance, 'now').mockReturnValueOnce(100);
		await bus.publish('a', 1);
		await vi.waitFor(() => expect(now).toHaveBeenCalledTimes(1));
		now.mockReturnValueOnce(160);
		settle();
		await bus.drain();
		expect(notices.map(notice => notice.durationMs)).toEqual([60]);
	});

	test('reads no clock for a delivery while nobody listens', async () => {
		const bus = new EventBus();
		bus.subscribe('a', () => {});
		await publishAll(bus, 'a', 1);
		const now = vi.spyOn(performance, 'now');
		await publishAll(bus, 'a', 20);
		expect(now).not.toHaveBeenCalled();
	});

	test('reads the clock only around the sampled calls while someone listens', async () => {
		const bus = new EventBus({deliveredSampleInterval: 8});
		listen(bus);
		bus.subscribe('a', () => {});
		const now = vi.spyOn(performance, 'now');
		await publishAll(bus, 'a', 16);
		expect(now).toHaveBeenCalledTimes(4);
	});

	test('rejects a deliveredSampleInterval that is not an integer >= 1', () => {
		expect(() => new EventBus({deliveredSampleInterval: 0})).toThrow('Expected `options.deliveredSampleInterval` to be an integer >= 1');
		expect(() => new EventBus({deliveredSampleInterval: 1.5})).toThrow(TypeError);
	});
});

describe('subscriptions() - delivered', () => {
	test('counts every successful handler call of each subscription, whatever the sampling', async () => {
		const bus = new EventBus({deliveredSampleInterval: 8});
		listen(bus);
		bus.subscribe('a', () => {}, {name: 'all'});
		bus.subscribe('a', event => {
			if ((event.payload as number) % 3 === 0) throw new Error('no');
		}, {name: 'some'});
		await publishAll(bus, 'a', 30);
		expect(bus.subscriptions().map(({name, delivered}) => [name, delivered])).toEqual([
			['all', 30],
			['some', 20],
		]);
	});

	test('counts with nobody listening to `delivered` too', async () => {
		const bus = new EventBus();
		bus.subscribe('a', async () => {});
		await publishAll(bus, 'a', 3);
		expect(bus.subscriptions()[0]?.delivered).toBe(3);
	});
});
