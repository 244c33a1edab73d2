// Events per hour as stacked bars in inline SVG, drawn here (no chart library: the page has no build step and no CDN).

import {h, s} from './dom.js';
import {formatCount, SEVERITIES} from './format.js';

const HOUR_MS = 3_600_000;
const MAX_BARS = 24 * 31;
const WIDTH = 960;
const HEIGHT = 260;
const PAD = {top: 22, right: 12, bottom: 34, left: 48};
const SOURCE_COLOURS = ['#2f6db5', '#d9822b', '#3a9a5b', '#8e5cc4', '#c2455b', '#2a9d9a', '#a07a1f', '#6b7a8f'];

/**
 * Bins `[{hour, total, by_severity, by_source_system}]` in time order; empty hours between two bins are added so the
 * axis is continuous. `isAnomaly(bin)` marks a bar as flagged.
 */
export function hourChart(bins, {seriesBy = 'severity', isAnomaly = () => false} = {}) {
	const filled = fillHours(bins);
	if (filled.length === 0) {
		return h('p', {class: 'empty chart-empty'}, 'No events in this time range.');
	}

	const field = seriesBy === 'source' ? 'by_source_system' : 'by_severity';
	const keys = seriesKeys(filled, field, seriesBy);
	const colour = seriesBy === 'source'
		? key => SOURCE_COLOURS[keys.indexOf(key) % SOURCE_COLOURS.length]
		: undefined;
	const max = Math.max(1, ...filled.map(bin => Number(bin.total) || 0));
	const plotWidth = WIDTH - PAD.left - PAD.right;
	const plotHeight = HEIGHT - PAD.top - PAD.bottom;
	const step = plotWidth / filled.length;
	const barWidth = Math.max(1, step * 0.8);
	const scale = value => (value / max) * plotHeight;

	const svg = s('svg', {class: 'hour-chart', viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: 'img', 'aria-label': `Events per hour, by ${seriesBy}`});
	svg.append(
		s('line', {class: 'axis', x1: PAD.left, x2: WIDTH - PAD.right, y1: PAD.top + plotHeight, y2: PAD.top + plotHeight}),
		s('text', {class: 'axis-label', x: PAD.left - 6, y: PAD.top + 4, 'text-anchor': 'end'}, formatCount(max)),
		s('text', {class: 'axis-label', x: PAD.left - 6, y: PAD.top + plotHeight, 'text-anchor': 'end'}, '0'),
		s('line', {class: 'grid', x1: PAD.left, x2: WIDTH - PAD.right, y1: PAD.top, y2: PAD.top}),
	);

	const labelEvery = Math.ceil(filled.length / 12);
	filled.forEach((bin, index) => {
		const x = PAD.left + index * step + (step - barWidth) / 2;
		const total = Number(bin.total) || 0;
		const anomaly = Boolean(isAnomaly(bin));
		const counts = bin[field] && typeof bin[field] === 'object' ? bin[field] : {};
		const group = s('g', {class: `bar${anomaly ? ' anomaly' : ''}${total > 0 ? '' : ' empty'}`, 'data-hour': hourKey(bin), 'data-total': total});
		const lines = [`${hourLabel(bin, true)} — ${formatCount(total)} event${total === 1 ? '' : 's'}`];
		let y = PAD.top + plotHeight;
		for (const key of keys) {
			const count = Number(counts[key]) || 0;
			if (count <= 0) {
				continue;
			}

			const height = scale(count);
			y -= height;
			const attrs = {x, y, width: barWidth, height, class: seriesBy === 'severity' ? `seg sev-fill-${key}` : 'seg'};
			if (colour) {
				attrs.fill = colour(key);
			}

			group.append(s('rect', attrs));
			lines.push(`${key}: ${formatCount(count)}`);
		}

		// Counts not broken down by this series (or an unknown severity) still show in the bar's height.
		const rest = total - keys.reduce((sum, key) => sum + (Number(counts[key]) || 0), 0);
		if (rest > 0) {
			const height = scale(rest);
			y -= height;
			group.append(s('rect', {x, y, width: barWidth, height, class: 'seg seg-other'}));
			lines.push(`other: ${formatCount(rest)}`);
		}

		if (anomaly) {
			const cx = x + barWidth / 2;
			const top = Math.max(PAD.top - 14, y - 14);
			group.append(s('path', {class: 'anomaly-mark', d: `M${cx - 6},${top} L${cx + 6},${top} L${cx},${top + 9} Z`}));
			lines.push('anomaly: unusual volume for this collector');
		}

		// A transparent full-height target so small bars are easy to hover.
		group.append(s('rect', {class: 'hit', x: PAD.left + index * step, y: PAD.top, width: step, height: plotHeight}));
		group.append(s('title', null, lines.join('\n')));
		svg.append(group);
		if (index % labelEvery === 0) {
			svg.append(s('text', {class: 'axis-label', x: x + barWidth / 2, y: HEIGHT - PAD.bottom + 16, 'text-anchor': 'middle'}, hourLabel(bin, false)));
		}
	});

	const legend = h('ul', {class: 'legend'}, keys.map(key => {
		const swatch = h('span', {class: seriesBy === 'severity' ? `swatch sev-bg-${key}` : 'swatch'});
		if (colour) {
			swatch.style.background = colour(key);
		}

		return h('li', null, swatch, key);
	}), h('li', null, h('span', {class: 'anomaly-swatch'}, '▼'), 'anomaly'));
	return h('figure', {class: 'chart'}, svg, legend);
}

function seriesKeys(bins, field, seriesBy) {
	const totals = new Map();
	for (const bin of bins) {
		for (const [key, value] of Object.entries(bin[field] ?? {})) {
			totals.set(key, (totals.get(key) ?? 0) + (Number(value) || 0));
		}
	}

	if (seriesBy === 'severity') {
		return SEVERITIES.filter(level => totals.has(level));
	}

	return [...totals.entries()].sort((a, b) => b[1] - a[1]).map(([key]) => key);
}

/** The bins in time order with the missing hours between them added as empty bins. */
export function fillHours(bins) {
	const list = Array.isArray(bins) ? bins.filter(bin => bin && typeof bin === 'object') : [];
	const timed = list.map(bin => ({bin, time: Date.parse(bin.hour)}));
	if (timed.some(entry => !Number.isFinite(entry.time))) {
		return list.slice(-MAX_BARS);
	}

	timed.sort((a, b) => a.time - b.time);
	const byTime = new Map(timed.map(entry => [Math.floor(entry.time / HOUR_MS) * HOUR_MS, entry.bin]));
	if (timed.length === 0) {
		return [];
	}

	const last = Math.floor(timed.at(-1).time / HOUR_MS) * HOUR_MS;
	const first = Math.max(Math.floor(timed[0].time / HOUR_MS) * HOUR_MS, last - (MAX_BARS - 1) * HOUR_MS);
	const filled = [];
	for (let time = first; time <= last; time += HOUR_MS) {
		filled.push(byTime.get(time) ?? {hour: new Date(time).toISOString(), total: 0, by_severity: {}, by_source_system: {}});
	}

	return filled;
}

function hourKey(bin) {
	const time = Date.parse(bin.hour);
	return Number.isFinite(time) ? new Date(Math.floor(time / HOUR_MS) * HOUR_MS).toISOString() : String(bin.hour ?? '');
}

function hourLabel(bin, long) {
	const time = Date.parse(bin.hour);
	if (!Number.isFinite(time)) {
		return String(bin.hour ?? '');
	}

	const iso = new Date(time).toISOString();
	return long ? `${iso.slice(0, 10)} ${iso.slice(11, 13)}:00 UTC` : `${iso.slice(5, 10)} ${iso.slice(11, 13)}h`;
}
