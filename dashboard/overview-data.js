// Reading the collector's answers for the Overview: Prometheus text, anomaly flags, error counts.
// Pure functions with no DOM, so they are unit-tested in Node as well as used in the page.

/** Parses Prometheus text exposition into samples `{name, labels, value}`; comment and malformed lines are skipped. */
export function parsePrometheus(text) {
	const samples = [];
	for (const line of String(text).split('\n')) {
		const trimmed = line.trim();
		if (trimmed === '' || trimmed.startsWith('#')) {
			continue;
		}

		const match = /^([A-Za-z_:][\w:]*)(\{(.*)\})?\s+(\S+)/.exec(trimmed);
		if (!match) {
			continue;
		}

		const value = Number(match[4]);
		if (Number.isNaN(value)) {
			continue;
		}

		samples.push({name: match[1], labels: parseLabels(match[3] ?? ''), value});
	}

	return samples;
}

function parseLabels(text) {
	const labels = {};
	const pattern = /([A-Za-z_]\w*)="((?:[^"\\]|\\.)*)"/g;
	let match;
	while ((match = pattern.exec(text)) !== null) {
		labels[match[1]] = match[2].replace(/\\n/g, '\n').replace(/\\(.)/g, '$1');
	}

	return labels;
}

/** Names of the metric families the text declares (`# TYPE name ...`), samples or not. */
export function declaredMetrics(text) {
	const names = new Set();
	for (const match of String(text).matchAll(/^#\s*TYPE\s+(\S+)/gm)) {
		names.add(match[1]);
	}

	return names;
}

/**
 * The figures the Overview shows, found by metric name so the page follows the collector's naming:
 * counters named like `*ingested*`, `*duplicate*`, `*rejected*` (by `reason`), `*rate_limited*`, and a gauge of
 * WebSocket clients. A family declared with no samples yet (a labelled counter before its first label) is 0;
 * a figure the collector does not export at all is `undefined`.
 */
export function ingestFigures(samples, declared = new Set()) {
	const counters = samples.filter(sample => !/_(bucket|sum|count|created)$/.test(sample.name));
	const sum = predicate => {
		const matching = counters.filter(sample => predicate(sample.name));
		if (matching.length === 0) {
			return [...declared].some(name => predicate(name)) ? 0 : undefined;
		}

		return matching.reduce((total, sample) => total + sample.value, 0);
	};

	const rejectedBy = {};
	for (const sample of counters) {
		if (/reject/.test(sample.name)) {
			const reason = sample.labels.reason ?? 'other';
			rejectedBy[reason] = (rejectedBy[reason] ?? 0) + sample.value;
		}
	}

	return {
		ingested: sum(name => /ingest/.test(name) && !/duplicate|reject|byte|second|batch|size|latency|queue|limit/.test(name)),
		duplicates: sum(name => /duplicate/.test(name)),
		rejected: sum(name => /reject/.test(name)),
		rejectedBy,
		rateLimited: sum(name => /rate_?limit/.test(name)),
		wsClients: sum(name => /(ws|websocket|stream)_?(clients|connections)/.test(name) && !/total$/.test(name)),
	};
}

const HOUR_MS = 3_600_000;

/**
 * A predicate over chart bins from an `/analysis/patterns` answer: any array in it (to two levels deep) of
 * objects flagged `anomaly: true`, keyed by `hour` (an ISO time, matched to the bin's hour, or 0-23, matched to
 * the bin's UTC hour of day).
 */
export function anomalyMatcher(patterns) {
	const instants = new Set();
	const hoursOfDay = new Set();
	for (const item of flaggedItems(patterns)) {
		const hour = item.hour ?? item.start ?? item.time ?? item.bucket;
		if (typeof hour === 'number' && Number.isInteger(hour) && hour >= 0 && hour < 24) {
			hoursOfDay.add(hour);
		} else if (/^\d{1,2}$/.test(String(hour))) {
			hoursOfDay.add(Number(hour));
		} else {
			const time = Date.parse(hour);
			if (Number.isFinite(time)) {
				instants.add(Math.floor(time / HOUR_MS) * HOUR_MS);
			}
		}
	}

	return bin => {
		const time = Date.parse(bin.hour);
		if (!Number.isFinite(time)) {
			return false;
		}

		return instants.has(Math.floor(time / HOUR_MS) * HOUR_MS) || hoursOfDay.has(new Date(time).getUTCHours());
	};
}

function flaggedItems(value, depth = 0) {
	if (depth > 2 || value === null || typeof value !== 'object') {
		return [];
	}

	if (Array.isArray(value)) {
		const flagged = value.filter(item => item && typeof item === 'object' && item.anomaly === true);
		return flagged.length > 0 ? flagged : value.flatMap(item => flaggedItems(item, depth + 1));
	}

	return Object.values(value).flatMap(item => flaggedItems(item, depth + 1));
}

/**
 * Count tables from an `/analysis/errors` answer: each field (to two levels deep) that is a map of numbers, or an
 * array of objects holding one name and one count, becomes `{title, rows: [[name, count]]}` sorted by count.
 * Totals and window bounds (plain numbers and strings) are left out.
 */
export function countTables(answer, prefix = '', depth = 0) {
	const tables = [];
	if (answer === null || typeof answer !== 'object' || depth > 2) {
		return tables;
	}

	for (const [key, value] of Object.entries(answer)) {
		const title = humanize(prefix ? `${prefix} ${key}` : key);
		const rows = countRows(value);
		if (rows) {
			if (rows.length > 0) {
				tables.push({title, rows: rows.sort((a, b) => b[1] - a[1]).slice(0, 20)});
			}
		} else if (value && typeof value === 'object' && !Array.isArray(value)) {
			tables.push(...countTables(value, prefix ? `${prefix} ${key}` : key, depth + 1));
		}
	}

	return tables;
}

function countRows(value) {
	if (Array.isArray(value)) {
		const rows = value.map(item => {
			if (!item || typeof item !== 'object') {
				return undefined;
			}

			const entries = Object.entries(item);
			const count = entries.find(([key, field]) => typeof field === 'number' && /count|total|errors|events/.test(key))
				?? entries.find(([, field]) => typeof field === 'number');
			const name = entries.find(([, field]) => typeof field === 'string');
			return count && name ? [name[1], count[1]] : undefined;
		});
		return value.length > 0 && rows.every(Boolean) ? rows : undefined;
	}

	if (value && typeof value === 'object') {
		const entries = Object.entries(value);
		return entries.length > 0 && entries.every(([, field]) => typeof field === 'number') ? entries : undefined;
	}

	return undefined;
}

function humanize(key) {
	return key.replace(/_/g, ' ').replace(/\s+/g, ' ').trim();
}
