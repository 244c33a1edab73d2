/**
 * Builds {@link EventStats} from counted groups, so every store returns the same shape with the same rules.
 */
import type {EventFilter, EventRecord, EventStats, HourBucket} from './types.js';

const hourMs = 3_600_000;

/** The start of the hour of `time` (ms), in ms. */
export const hourOf = (time: number): number => Math.floor(time / hourMs) * hourMs;

/** The component an event names in its metadata (`source_component`, else `component`), if any. */
export function componentOf(record: Pick<EventRecord, 'metadata'>): string | undefined {
	const value = record.metadata['source_component'] ?? record.metadata['component'];
	return typeof value === 'string' && value !== '' ? value : undefined;
}

interface MutableHour {
	total: number;
	readonly bySeverity: Record<string, number>;
	readonly bySource: Record<string, number>;
}

const bump = (counts: Record<string, number>, key: string, by: number): void => {
	counts[key] = (counts[key] ?? 0) + by;
};

/** Accumulates counted groups into {@link EventStats}. */
export class StatsAccumulator {
	#total = 0;
	readonly #bySource: Record<string, number> = Object.create(null) as Record<string, number>;
	readonly #byType: Record<string, number> = Object.create(null) as Record<string, number>;
	readonly #bySeverity: Record<string, number> = Object.create(null) as Record<string, number>;
	readonly #byComponent: Record<string, number> = Object.create(null) as Record<string, number>;
	readonly #hours = new Map<number, MutableHour>();

	/** Adds `count` events of one hour, source and severity (the grouping the hourly chart needs). */
	addHourGroup(hour: number, source: string, severity: string, count: number): void {
		this.#total += count;
		bump(this.#bySource, source, count);
		bump(this.#bySeverity, severity, count);
		let bucket = this.#hours.get(hour);
		if (bucket === undefined) {
			bucket = {total: 0, bySeverity: Object.create(null) as Record<string, number>, bySource: Object.create(null) as Record<string, number>};
			this.#hours.set(hour, bucket);
		}
		bucket.total += count;
		bump(bucket.bySeverity, severity, count);
		bump(bucket.bySource, source, count);
	}

	addType(type: string, count: number): void {
		bump(this.#byType, type, count);
	}

	addComponent(component: string, count: number): void {
		bump(this.#byComponent, component, count);
	}

	/** Adds one record to every grouping. */
	addRecord(record: EventRecord): void {
		this.addHourGroup(hourOf(record.timestamp), record.sourceSystem, record.severity, 1);
		this.addType(record.eventType, 1);
		const component = componentOf(record);
		if (component !== undefined) this.addComponent(component, 1);
	}

	result(filter: EventFilter): EventStats {
		const byHour: HourBucket[] = [...this.#hours.entries()]
			.sort(([a], [b]) => a - b)
			.map(([hour, bucket]) => ({hour: new Date(hour).toISOString(), total: bucket.total, by_severity: {...bucket.bySeverity}, by_source_system: {...bucket.bySource}}));
		return {
			total_events: this.#total,
			by_source_system: {...this.#bySource},
			by_event_type: {...this.#byType},
			by_severity: {...this.#bySeverity},
			by_component: {...this.#byComponent},
			by_hour: byHour,
			time_range: {
				start: filter.startTime === undefined ? null : new Date(filter.startTime).toISOString(),
				end: filter.endTime === undefined ? null : new Date(filter.endTime).toISOString(),
			},
		};
	}
}
