/**
 * A writer for the Prometheus text exposition format (version 0.0.4): one `# HELP` and one `# TYPE` line per metric
 * family, then its samples, with label values and help text escaped as the format requires.
 */

/** A Prometheus metric type. */
export type PrometheusType = 'counter' | 'gauge' | 'summary' | 'histogram' | 'untyped';

/** Label names and values of one sample. */
export type PrometheusLabels = Readonly<Record<string, string>>;

/** One sample: a suffix for summaries and histograms (`_sum`, `_count`, `_bucket`), its labels and value. */
export interface PrometheusSample {
	readonly suffix?: string;
	readonly labels?: PrometheusLabels;
	readonly value: number;
}

const namePattern = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const labelNamePattern = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** True when `name` is a valid metric name (`[a-zA-Z_:][a-zA-Z0-9_:]*`). */
export function isValidMetricName(name: string): boolean {
	return namePattern.test(name);
}

/** Escapes a label value: backslash, double quote and line feed. */
export function escapeLabelValue(value: string): string {
	return value.replace(/[\\"\n]/g, character => (character === '\n' ? '\\n' : `\\${character}`));
}

/** Escapes help text: backslash and line feed. */
export function escapeHelp(text: string): string {
	return text.replace(/[\\\n]/g, character => (character === '\n' ? '\\n' : '\\\\'));
}

/** Formats a sample value: `NaN`, `+Inf`, `-Inf` or the number. */
export function formatValue(value: number): string {
	if (Number.isNaN(value)) return 'NaN';
	if (value === Number.POSITIVE_INFINITY) return '+Inf';
	if (value === Number.NEGATIVE_INFINITY) return '-Inf';
	return String(value);
}

/** Accumulates metric families and renders them as one exposition text. */
export class PrometheusText {
	readonly #lines: string[] = [];
	readonly #names = new Set<string>();

	/**
	 * Adds a family and its samples. A family without samples is left out entirely.
	 *
	 * @throws {TypeError} when the name or a label name is invalid, or the family was already added.
	 */
	family(name: string, type: PrometheusType, help: string, samples: readonly PrometheusSample[]): this {
		if (!namePattern.test(name)) throw new TypeError(`Expected a metric name matching ${namePattern.source}, got \`${name}\``);
		if (this.#names.has(name)) throw new TypeError(`Metric family \`${name}\` was already written`);
		this.#names.add(name);
		if (samples.length === 0) return this;
		this.#lines.push(`# HELP ${name} ${escapeHelp(help)}`, `# TYPE ${name} ${type}`);
		for (const sample of samples) this.#lines.push(`${name}${sample.suffix ?? ''}${formatLabels(sample.labels)} ${formatValue(sample.value)}`);
		return this;
	}

	/** The exposition text, ending with a line feed (empty when no family had samples). */
	toString(): string {
		return this.#lines.length === 0 ? '' : `${this.#lines.join('\n')}\n`;
	}
}

function formatLabels(labels: PrometheusLabels | undefined): string {
	if (labels === undefined) return '';
	const entries = Object.entries(labels);
	if (entries.length === 0) return '';
	const parts = entries.map(([name, value]) => {
		if (!labelNamePattern.test(name) || name.startsWith('__')) throw new TypeError(`Expected a label name matching ${labelNamePattern.source}, got \`${name}\``);
		return `${name}="${escapeLabelValue(value)}"`;
	});
	return `{${parts.join(',')}}`;
}
