// The part of autocannon's API the collector benchmark uses (the package ships no types).
declare module 'autocannon' {
	interface AutocannonOptions {
		url: string;
		method?: string;
		connections?: number;
		duration?: number;
		overallRate?: number;
		headers?: Record<string, string>;
		body?: string | Buffer;
		requests?: Array<{setupRequest?: (request: Record<string, unknown>) => Record<string, unknown>}>;
	}
	interface AutocannonResult {
		'2xx': number;
		non2xx: number;
		errors: number;
		latency: {p50: number; p99: number; average: number};
		requests: {total: number; average: number};
	}
	function autocannon(options: AutocannonOptions): Promise<AutocannonResult>;
	export default autocannon;
}
