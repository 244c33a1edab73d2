import {describe, expect, test} from 'vitest';
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {DeadLetterConsumer, DeadLetterReplayError, EventBus} from '../../src/index.js';

describe('DeadLetterConsumer on a real bus', () => {
	test('replay with target `subscription` redelivers to the subscription that failed, and to no other', async () => {
		const bus = new EventBus();
		const deadLetters = new DeadLetterConsumer({bus});
		bus.use(deadLetters);
		let isDown = true;
		const billing: string[] = [];
		const audit: string[] = [];
		bus.subscribe('order.created', event => {
			if (isDown) throw new Error('billing is down');
			billing.push(event.id);
		}, {name: 'billing'});
		bus.subscribe('order.created', event => audit.push(event.id), {name: 'audit'});
		const event = await bus.publish('order.created', {id: 'o-1'});
		await bus.drain();
		expect(deadLetters.list()).toHaveLength(1);
		isDown = false;
		const result = await deadLetters.replay({subscription: 'billing'}, {target: 'subscription'});
		await bus.drain();
		expect(result.replayed).toHaveLength(1);
		expect(billing).toEqual([event.id]);
		expect(audit).toEqual([event.id]);
		expect(deadLetters.list()).toEqual([]);
		await bus.close();
	});

	test('every dead letter is kept when failing events share a caller-chosen id (with and without the bus option)', async () => {
		const bus = new EventBus();
		const viaDiagnostic = new DeadLetterConsumer({bus, name: 'via-diagnostic'});
		const viaEvents = new DeadLetterConsumer({name: 'via-events'});
		bus.use(viaDiagnostic);
		bus.use(viaEvents);
		bus.subscribe('order.created', () => {
			throw new Error('down');
		}, {name: 'billing'});
		for (let index = 0; index < 20; index++) await bus.publish('order.created', {index}, {id: 'order-42'});
		await bus.drain();
		expect(viaDiagnostic.size).toBe(20);
		expect(viaEvents.size).toBe(20);
		expect(viaDiagnostic.list().map(stored => (stored.event.payload as {index: number}).index)).toEqual(Array.from({length: 20}, (_, index) => index));
		await bus.close();
	});

	test('after a restart, replay to a subscription finds it by name, never by its old id', async () => {
		const directory = mkdtempSync(join(tmpdir(), 'topicbus-replay-'));
		const file = join(directory, 'dead-letters.jsonl');
		try {
			const before = new EventBus();
			const store = new DeadLetterConsumer({bus: before, file});
			before.use(store);
			before.subscribe('order.created', () => {
				throw new Error('billing is down');
			}, {name: 'billing'});
			await before.publish('order.created', {id: 'o-1'});
			await before.drain();
			await before.close();
			store.close();

			const after = new EventBus();
			const received: string[] = [];
			// Created in the other order, so the ids the subscriptions had before now belong to others.
			after.subscribe('order.created', () => received.push('audit'), {name: 'audit'});
			after.subscribe('order.created', () => received.push('billing'), {name: 'billing'});
			after.subscribe('order.created', () => received.push('unnamed'));
			const restarted = new DeadLetterConsumer({bus: after, file});
			const result = await restarted.replay({}, {target: 'subscription'});
			await after.drain();
			expect(result.failed).toEqual([]);
			expect(received).toEqual(['billing']);
			expect(restarted.size).toBe(0);
			await after.close();
			restarted.close();
		} finally {
			rmSync(directory, {recursive: true, force: true});
		}
	});

	test('a letter of an unnamed subscription is not replayed to a subscription: DeadLetterReplayError, letter kept', async () => {
		const bus = new EventBus();
		const store = new DeadLetterConsumer({bus});
		bus.use(store);
		let isDown = true;
		const received: string[] = [];
		bus.subscribe('order.created', event => {
			if (isDown) throw new Error('down');
			received.push(event.id);
		});
		await bus.publish('order.created', {});
		await bus.drain();
		isDown = false;
		const result = await store.replay({}, {target: 'subscription'});
		expect(result.failed[0]?.error).toBeInstanceOf(DeadLetterReplayError);
		expect(result.failed[0]?.error).toMatchObject({reason: 'unnamed-subscription'});
		expect(received).toEqual([]);
		expect(store.size).toBe(1);
		await bus.close();
	});

	test('EventBus.redeliver() - false for an unknown subscription', () => {
		const bus = new EventBus();
		expect(bus.redeliver('sub_404', {} as never)).toBe(false);
	});
});
