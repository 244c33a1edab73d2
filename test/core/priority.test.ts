import {describe, expect, test} from 'vitest';
import {EventBus} from '../../src/index.js';

describe('event priority', () => {
	test('priority - higher-priority queued events are dispatched first', async () => {
		const bus = new EventBus();
		const seen: unknown[] = [];
		bus.subscribe('**', event => {
			seen.push(event.payload);
		});
		void bus.publish('a', 'low-1');
		void bus.publish('a', 'low-2');
		void bus.publish('a', 'high', {priority: 10});
		void bus.publish('a', 'mid', {priority: 5});
		void bus.publish('a', 'negative', {priority: -1});
		await bus.drain();
		expect(seen).toEqual(['high', 'mid', 'low-1', 'low-2', 'negative']);
	});

	test('priority - events of equal priority keep publish order', async () => {
		const bus = new EventBus();
		const seen: unknown[] = [];
		bus.subscribe('**', event => {
			seen.push(event.payload);
		});
		for (let index = 0; index < 10; index++) void bus.publish('a', index, {priority: index % 2});
		await bus.drain();
		expect(seen).toEqual([1, 3, 5, 7, 9, 0, 2, 4, 6, 8]);
	});

	test('priority - a high-priority event published from a handler overtakes the lower ones still queued', async () => {
		const bus = new EventBus();
		const seen: string[] = [];
		bus.subscribe('**', event => {
			seen.push(event.topic);
			if (event.topic === 'first') void bus.publish('urgent', null, {priority: 1});
		});
		void bus.publish('first', null);
		void bus.publish('second', null);
		void bus.publish('third', null);
		await bus.drain();
		expect(seen).toEqual(['first', 'urgent', 'second', 'third']);
	});

	test('priority - publishBatch items keep their own priority', async () => {
		const bus = new EventBus();
		const seen: unknown[] = [];
		bus.subscribe('**', event => {
			seen.push(event.payload);
		});
		await bus.publishBatch([
			{topic: 'a', payload: 'low'},
			{topic: 'a', payload: 'high', options: {priority: 2}},
		]);
		await bus.drain();
		expect(seen).toEqual(['high', 'low']);
	});
});
