// How events and numbers are shown: shared by every view.

import {h, link} from './dom.js';

export const SEVERITIES = ['debug', 'info', 'warning', 'error', 'critical'];

/** The severity as a known CSS class suffix (unknown values from a hostile sender become `unknown`). */
export function severityClass(severity) {
	return SEVERITIES.includes(severity) ? severity : 'unknown';
}

/** A failed step: an error or critical event, or a type ending in `failed` (the `<topic>.failed` of tracked work). */
export function isFailure(event) {
	const severity = event.severity;
	return severity === 'error' || severity === 'critical' || /(^|[._-])failed$/i.test(String(event.event_type ?? ''));
}

export function formatTime(value) {
	const date = new Date(value);
	if (Number.isNaN(date.getTime())) {
		return String(value ?? '');
	}

	return date.toISOString().replace('T', ' ').replace('Z', '');
}

export function formatDuration(ms) {
	if (!Number.isFinite(ms)) {
		return '';
	}

	const sign = ms < 0 ? '-' : '+';
	const abs = Math.abs(ms);
	if (abs < 1000) {
		return `${sign}${Math.round(abs)} ms`;
	}

	if (abs < 60_000) {
		return `${sign}${(abs / 1000).toFixed(abs < 10_000 ? 2 : 1)} s`;
	}

	return `${sign}${(abs / 60_000).toFixed(1)} min`;
}

export function formatCount(value) {
	return Number.isFinite(value) ? value.toLocaleString('en-US') : '—';
}

/** One line of JSON, cut to `max` characters, for a payload preview. */
export function summarize(value, max = 160) {
	let text;
	try {
		text = JSON.stringify(value) ?? '';
	} catch {
		text = String(value);
	}

	return text.length > max ? text.slice(0, max - 1) + '…' : text;
}

export function pretty(value) {
	try {
		return JSON.stringify(value, null, 2) ?? 'undefined';
	} catch {
		return String(value);
	}
}

export function severityBadge(severity) {
	return h('span', {class: `sev sev-${severityClass(severity)}`}, severity ?? '?');
}

/**
 * An event list for Live and Search: a header and `.rows`, laid out as a grid of divs rather than a table, so
 * each row is laid out on its own and rows off screen are skipped by the browser (content-visibility).
 */
export function eventList(id, rows, attrs) {
	return h('div', {class: 'event-list', id, role: 'table', ...attrs},
		h('div', {class: 'event-row head', role: 'row'},
			['time (UTC)', 'severity', 'source', 'type', 'correlation', 'payload'].map(label => h('span', {role: 'columnheader'}, label))),
		rows);
}

/** One event as a row of an `eventList`. */
export function eventRow(event) {
	const id = String(event.event_id ?? '');
	return h('div', {class: isFailure(event) ? 'event-row failed' : 'event-row', role: 'row', 'data-event-id': id},
		h('span', {class: 'time', role: 'cell'}, formatTime(event.timestamp)),
		h('span', {class: 'severity', role: 'cell'}, severityBadge(event.severity)),
		h('span', {class: 'source', role: 'cell'}, event.source_system ?? ''),
		h('span', {class: 'type', role: 'cell'}, link(['event', id], event.event_type ?? '(no type)')),
		h('span', {class: 'correlation', role: 'cell'}, event.correlation_id ? link(['trace', event.correlation_id], shortId(event.correlation_id), {title: event.correlation_id}) : ''),
		h('span', {class: 'payload', role: 'cell'}, summarize(event.data)),
	);
}

function shortId(id) {
	const text = String(id);
	return text.length > 14 ? text.slice(0, 13) + '…' : text;
}
