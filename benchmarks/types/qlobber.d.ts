// qlobber ships no type declarations; this covers the part the benchmarks use.
declare module 'qlobber' {
	export interface QlobberOptions {
		readonly separator?: string;
		readonly wildcard_one?: string;
		readonly wildcard_some?: string;
		readonly match_empty_levels?: boolean;
		readonly cache_adds?: boolean;
		readonly cache_splits?: number;
		readonly max_words?: number;
		readonly max_wildcard_somes?: number;
	}

	export class Qlobber<Value = unknown> {
		constructor(options?: QlobberOptions);
		add(topic: string, value: Value): this;
		remove(topic: string, value?: Value): this;
		match(topic: string): Value[];
		clear(): this;
	}
}
