/**
 * Type-checked by `tsc` only (vitest's transform cannot run decorators): the `@track` syntax on real classes, with
 * standard TC39 decorators (`experimentalDecorators: false`).
 */
import {EventBus} from '../../src/index.js';
import {track} from '../../src/producers/tracked.js';

const bus = new EventBus();

export class Orders {
	readonly bus = bus;

	@track(bus, 'order.process', {includeResult: true})
	async process(id: string): Promise<{id: string}> {
		return {id};
	}

	@track((self: Orders) => self.bus, 'order.cancel')
	async cancel(id: string, reason: string): Promise<void> {
		void id;
		void reason;
	}
}

export async function useOrders(): Promise<string> {
	const orders = new Orders();
	await orders.cancel('o-1', 'duplicate');
	return (await orders.process('o-1')).id;
}

export class Wrong {
	// @ts-expect-error a synchronous method cannot be tracked: the tracked method is async
	@track(bus, 'job')
	run(): number {
		return 1;
	}
}
