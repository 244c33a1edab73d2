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

/** A table row for an event in the Live and Search lists. */
export function eventRow(event) {
	const id = String(event.event_id ?? '');
	return h('tr', {class: isFailure(event) ? 'event failed' : 'event', 'data-event-id': id},
		h('td', {class: 'time'}, formatTime(event.timestamp)),
		h('td', null, severityBadge(event.severity)),
		h('td', {class: 'source'}, event.source_system ?? ''),
		h('td', {class: 'type'}, link(['event', id], event.event_type ?? '(no type)')),
		h('td', {class: 'correlation'}, event.correlation_id ? link(['trace', event.correlation_id], shortId(event.correlation_id), {title: event.correlation_id}) : ''),
		h('td', {class: 'payload'}, summarize(event.data)),
	);
}

export function eventTableHead() {
	return h('thead', null, h('tr', null,
		h('th', null, 'time (UTC)'), h('th', null, 'severity'), h('th', null, 'source'), h('th', null, 'type'),
		h('th', null, 'correlation'), h('th', null, 'payload')));
}

function shortId(id) {
	const text = String(id);
	return text.length > 14 ? text.slice(0, 13) + '…' : text;
}
