import {describe, expect, test} from 'vitest';
import {DeadLetterConsumer, EventBus} from '../../src/index.js';

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

	test('EventBus.redeliver() - false for an unknown subscription', () => {
		const bus = new EventBus();
		expect(bus.redeliver('sub_404', {} as never)).toBe(false);
	});
});
