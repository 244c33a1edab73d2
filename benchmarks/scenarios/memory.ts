/**
 * Retained heap per subscription (20,000 patterns from the wildcard workload, one shared handler, so only the
 * library's own structures count, plus whatever its subscribe call returns for unsubscribing later: topicbus's
 * handle, Emittery's function) and per queued event (100,000 events accepted and not yet dispatched, one shared
 * payload, so only the envelope and the queue count). Measured as used heap after full GCs.
 */
import {heapUsedAfterGc} from '../lib/heap.js';
import {
	EmitteryLibrary,
	EventEmitter2Library,
	EventEmitter3Library,
	MittLibrary,
	PicomatchScanLibrary,
	PQueueLibrary,
	QlobberLibrary,
	TopicbusLibrary,
	type Library,
} from '../lib/libraries.js';
import {defineScenario, fromIssue, thresholdTarget, type ResultRow, type ScenarioContext} from '../lib/scenario.js';
import {median} from '../lib/stats.js';
import {wildcardPatterns} from '../lib/workloads.js';

const payload = Object.freeze({n: 1});

function labelOf(library: Library): string {
	return library.variant === undefined ? library.name : `${library.name} (${library.variant})`;
}

/** Median over a few samples, each from a fresh library: a single heap reading can be off by half a megabyte. */
function sampled(samples: number, measure: () => number): number {
	return median(Array.from({length: samples}, measure));
}

/** What a user keeps to unsubscribe later, when the library itself returns it (the adapters' own closures are not counted). */
function subscribeKeepingHandle(library: Library, pattern: string, listener: () => void): unknown {
	if (library instanceof TopicbusLibrary) return library.bus.subscribe(pattern, listener);
	const unsubscribe = library.subscribe(pattern, listener);
	return library instanceof EmitteryLibrary ? unsubscribe : undefined;
}

function bytesPerSubscription(context: ScenarioContext, create: () => Library, count: number): number {
	const patterns = wildcardPatterns(count);
	const listener = (): void => undefined;
	return sampled(5, () => {
		const library = create();
		const handles: unknown[] = Array.from({length: count});
		const before = heapUsedAfterGc(context);
		for (const [index, pattern] of patterns.entries()) handles[index] = subscribeKeepingHandle(library, pattern, listener);
		const after = heapUsedAfterGc(context);
		// Keeps `library` and the handles reachable until after the measurement.
		return library.name === '' || handles.length === 0 ? 0 : (after - before) / count;
	});
}

export default defineScenario({
	name: 'memory',
	title: 'retained heap per subscription (20,000 mixed patterns, handle kept) and per queued event (100,000 events)',
	targets: [
		fromIssue(3, thresholdTarget('Memory: < 1 KB per subscription', 'bytes per subscription', 1024, value => `${Math.round(value)} bytes`)),
		fromIssue(3, thresholdTarget('Memory: < 300 bytes per queued event', 'bytes per queued event', 300, value => `${Math.round(value)} bytes`)),
	],
	run(context) {
		const rows: ResultRow[] = [];
		const subscriptions = context.isQuick ? 1000 : 20_000;
		const subscribers: [() => Library, boolean][] = [
			[() => new TopicbusLibrary(), true],
			[() => new EventEmitter3Library(), false],
			[() => new MittLibrary(), false],
			[() => new EventEmitter2Library(), false],
			[() => new EmitteryLibrary(), false],
			[() => new QlobberLibrary(), false],
			[() => new PicomatchScanLibrary(), false],
		];
		for (const [create, isBaseline] of subscribers) {
			const probe = create();
			if (!context.isSelected(labelOf(probe))) continue;
			const value = bytesPerSubscription(context, create, subscriptions);
			context.log(`${labelOf(probe)}: ${Math.round(value)} bytes per subscription`);
			rows.push({library: probe.name, variant: probe.variant, metric: 'bytes per subscription', unit: 'bytes', value, better: 'lower', isBaseline});
		}

		const events = context.isQuick ? 10_000 : 100_000;
		if (context.isSelected('topicbus')) {
			const value = sampled(3, () => {
				const library = new TopicbusLibrary({maxQueueSize: events});
				library.subscribe('order.created', () => undefined);
				const before = heapUsedAfterGc(context);
				// Synchronous: the dispatcher starts in a microtask, so all of them are still queued when measured.
				for (let index = 0; index < events; index++) library.publish('order.created', payload);
				const after = heapUsedAfterGc(context);
				if (library.bus.getMetrics().queueSize !== events) throw new Error('topicbus dispatched before the measurement');
				return (after - before) / events;
			});
			context.log(`topicbus: ${Math.round(value)} bytes per queued event`);
			rows.push({library: 'topicbus', metric: 'bytes per queued event', unit: 'bytes', value, better: 'lower', isBaseline: true, note: 'history (1,000 events) included'});
		}
		const queue = new PQueueLibrary();
		if (context.isSelected(labelOf(queue))) {
			const value = sampled(3, () => {
				const library = new PQueueLibrary();
				library.subscribe('order.created', () => undefined);
				library.pause();
				const before = heapUsedAfterGc(context);
				for (let index = 0; index < events; index++) library.publish('order.created', payload);
				const after = heapUsedAfterGc(context);
				library.clear();
				return (after - before) / events;
			});
			context.log(`${labelOf(queue)}: ${Math.round(value)} bytes per queued event`);
			rows.push({library: queue.name, variant: queue.variant, metric: 'bytes per queued event', unit: 'bytes', value, better: 'lower'});
		}
		return Promise.resolve(rows);
	},
});
