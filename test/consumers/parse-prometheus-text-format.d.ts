declare module 'parse-prometheus-text-format' {
	interface ParsedMetric {
		value?: string;
		labels?: Record<string, string>;
		quantiles?: Record<string, string>;
		buckets?: Record<string, string>;
		count?: string;
		sum?: string;
	}
	interface ParsedFamily {
		name: string;
		help: string;
		type: 'COUNTER' | 'GAUGE' | 'SUMMARY' | 'HISTOGRAM' | 'UNTYPED';
		metrics: ParsedMetric[];
	}
	export default function parsePrometheusTextFormat(text: string): ParsedFamily[];
}
