// Overview: events per hour (chart with anomalies), errors by source and component, ingest rate and refusals.

import {getJson, getText} from '../api.js';
import {hourChart} from '../chart.js';
import {h, hashOf, replace} from '../dom.js';
import {formatCount} from '../format.js';
import {anomalyMatcher, countTables, declaredMetrics, ingestFigures, parsePrometheus} from '../overview-data.js';

const RANGES = [[6, '6 hours'], [24, '24 hours'], [72, '3 days'], [168, '7 days']];
const METRICS_EVERY_MS = 5000;
const DATA_EVERY_MS = 60_000;

export function renderOverview(section, {params}) {
	const hours = RANGES.some(([value]) => String(value) === params.hours) ? Number(params.hours) : 24;
	const seriesBy = params.by === 'source' ? 'source' : 'severity';
	const cards = h('div', {class: 'cards'});
	const chartBox = h('div', {class: 'chart-box'}, h('p', {class: 'loading'}, 'Loading…'));
	const errorsBox = h('div', {class: 'errors-box'});
	replace(section,
		h('div', {class: 'overview-bar'},
			h('span', null, 'Last ', RANGES.map(([value, label]) => h('a', {href: hashOf(['overview'], {hours: value, by: params.by}), class: value === hours ? 'current' : ''}, label))),
			h('span', null, 'bars by ',
				h('a', {href: hashOf(['overview'], {hours: params.hours, by: 'severity'}), class: seriesBy === 'severity' ? 'current' : ''}, 'severity'),
				h('a', {href: hashOf(['overview'], {hours: params.hours, by: 'source'}), class: seriesBy === 'source' ? 'current' : ''}, 'source'))),
		cards,
		h('h2', null, 'Events per hour'),
		chartBox,
		h('h2', null, 'Errors'),
		errorsBox,
	);

	const controller = new AbortController();
	const {signal} = controller;
	let previous;
	let stats;

	async function loadMetrics() {
		let figures;
		try {
			const text = await getText('metrics', undefined, signal);
			figures = ingestFigures(parsePrometheus(text), declaredMetrics(text));
		} catch (error) {
			if (!signal.aborted) {
				replace(cards, card('metrics', 'unavailable', error.message));
			}

			return;
		}

		const now = performance.now();
		const rate = previous && figures.ingested !== undefined && previous.ingested !== undefined
			? Math.max(0, (figures.ingested - previous.ingested) / ((now - previous.at) / 1000))
			: undefined;
		previous = {...figures, at: now};
		replace(cards,
			card('ingest-rate', 'ingest rate', rate === undefined ? 'measuring…' : `${formatCount(Math.round(rate))}/s`),
			card('total', `events, last ${hours} h`, stats ? formatCount(Number(stats.total_events)) : '…'),
			card('ingested', 'ingested since start', formatCount(figures.ingested)),
			card('duplicates', 'duplicates', formatCount(figures.duplicates)),
			card('rejected', 'rejected', formatCount(figures.rejected), Object.entries(figures.rejectedBy).map(([reason, count]) => `${reason}: ${formatCount(count)}`).join(', ')),
			card('rate-limited', 'rate-limited', formatCount(figures.rateLimited)),
			card('ws-clients', 'live clients', formatCount(figures.wsClients)),
		);
	}

	async function loadData() {
		const end = new Date();
		const range = {start_time: new Date(end.getTime() - hours * 3_600_000).toISOString(), end_time: end.toISOString()};
		const [statsResult, patterns, errors] = await Promise.allSettled([
			getJson('events/stats', range, signal),
			// The analysis routes take a window in whole hours ending now.
			getJson('analysis/patterns', {...range, hours}, signal),
			getJson('analysis/errors', {...range, hours}, signal),
		]);
		if (signal.aborted) {
			return;
		}

		if (statsResult.status === 'rejected') {
			replace(chartBox, h('p', {class: 'error'}, `Statistics unavailable: ${statsResult.reason.message}`));
		} else {
			stats = statsResult.value;
			const isAnomaly = patterns.status === 'fulfilled' ? anomalyMatcher(patterns.value) : () => false;
			replace(chartBox,
				hourChart(stats.by_hour, {seriesBy, isAnomaly}),
				patterns.status === 'rejected' ? h('p', {class: 'error'}, `Anomalies unavailable: ${patterns.reason.message}`) : null);
		}

		if (errors.status === 'rejected') {
			replace(errorsBox, h('p', {class: 'error'}, `Error analysis unavailable: ${errors.reason.message}`));
		} else {
			const tables = countTables(errors.value);
			replace(errorsBox, tables.length === 0
				? h('p', {class: 'empty'}, 'No errors in this time range.')
				: h('div', {class: 'count-tables'}, tables.map(({title, rows}) => countTable(title, rows))));
		}
	}

	// An answer of a shape the page cannot draw is shown as a message, never left as an unhandled rejection.
	const refreshData = () => loadData().catch(error => replace(chartBox, h('p', {class: 'error'}, `Cannot show the statistics: ${error.message}`)));
	refreshData().then(loadMetrics);
	const metricsTimer = setInterval(loadMetrics, METRICS_EVERY_MS);
	const dataTimer = setInterval(refreshData, DATA_EVERY_MS);
	return () => {
		controller.abort();
		clearInterval(metricsTimer);
		clearInterval(dataTimer);
	};
}

function card(name, label, value, detail) {
	return h('div', {class: 'card', 'data-card': name},
		h('span', {class: 'card-value'}, value),
		h('span', {class: 'card-label'}, label),
		detail ? h('span', {class: 'card-detail'}, detail) : null);
}

function countTable(title, rows) {
	const link = /source|system/.test(title)
		? name => h('a', {href: hashOf(['search'], {source_system: name, min_severity: 'error'})}, name)
		: name => name;
	return h('table', {class: 'counts', 'data-table': title},
		h('caption', null, title),
		h('tbody', null, rows.map(([name, count]) => h('tr', null, h('td', null, link(name)), h('td', {class: 'num'}, formatCount(count))))));
}
