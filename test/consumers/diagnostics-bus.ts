import {EventEmitter} from 'node:events';
import type {BusMetrics, PublishOptions, SubscriptionInfo} from '../../src/types.js';

/** A stand-in for the parts of a bus the consumers read: diagnostics to emit by hand, fixed metrics. */
export class DiagnosticsBus {
	readonly emitter = new EventEmitter();
	metrics: BusMetrics = {published: 0, delivered: 0, failed: 0, retried: 0, dropped: 0, deadLettered: 0, rejected: 0, queueSize: 0, inFlight: 0, waitingProducers: 0, subscriptions: 0};
	infos: SubscriptionInfo[] = [];
	readonly published: {topic: string; payload: unknown; options: PublishOptions | undefined}[] = [];

	async publish(topic: string, payload: unknown, options?: PublishOptions): Promise<unknown> {
		this.published.push({topic, payload, options});
		return undefined;
	}

	on(name: string, listener: (value: never) => void): () => void {
		const untyped = listener as (value: unknown) => void;
		this.emitter.on(name, untyped);
		return () => this.emitter.off(name, untyped);
	}

	emit(name: string, value: unknown): void {
		this.emitter.emit(name, value);
	}

	getMetrics(): BusMetrics {
		return this.metrics;
	}

	subscriptions(): SubscriptionInfo[] {
		return this.infos;
	}
}
