// Search: the GET /events filters as a form. The query lives in the URL hash, so every result page can be shared.

import {getJson} from '../api.js';
import {h, hashOf, replace} from '../dom.js';
import {eventList, eventRow, formatCount, SEVERITIES} from '../format.js';

const FIELDS = ['source_system', 'event_type', 'severity', 'min_severity', 'start_time', 'end_time', 'correlation_id', 'tags', 'q', 'limit', 'sort'];

export function renderSearch(section, {params}) {
	const query = Object.fromEntries(FIELDS.map(key => [key, params[key] ?? '']));
	const cursor = params.cursor ?? '';
	const results = h('div', {class: 'results'});
	replace(section, searchForm(query), results);

	const controller = new AbortController();
	if (Object.keys(params).length === 0) {
		replace(results, h('p', {class: 'empty'}, 'Choose filters and search, or search with none for the newest events.'));
	} else {
		replace(results, h('p', {class: 'loading'}, 'Searching…'));
		load(results, {...query, cursor}, controller.signal);
	}

	return () => controller.abort();
}

async function load(results, request, signal) {
	let page;
	try {
		page = await getJson('events', request, signal);
	} catch (error) {
		if (!signal.aborted) {
			replace(results, h('p', {class: 'error'}, `Search failed: ${error.message}`));
		}

		return;
	}

	const events = Array.isArray(page.events) ? page.events : [];
	const {cursor, ...firstPage} = request;
	const nav = h('div', {class: 'pager'},
		h('span', {class: 'result-count'}, `${formatCount(events.length)} event${events.length === 1 ? '' : 's'} on this page`),
		cursor ? h('a', {href: hashOf(['search'], firstPage), class: 'first-page'}, '« first page') : null,
		page.next_cursor ? h('a', {href: hashOf(['search'], {...firstPage, cursor: page.next_cursor}), class: 'next-page'}, 'next page »') : null,
		h('a', {href: location.hash, class: 'permalink', title: 'Link to this page of results'}, 'link to this search'),
	);
	replace(results, nav, events.length === 0
		? h('p', {class: 'empty'}, 'No events match.')
		: eventList('search-list', h('div', {class: 'rows', role: 'rowgroup'}, events.map(event => eventRow(event)))),
	events.length > 20 ? nav.cloneNode(true) : null);
}

function searchForm(query) {
	const input = (name, label, attrs) => h('label', null, label,
		h('input', {name, value: query[name], autocomplete: 'off', spellcheck: 'false', ...attrs}));
	const select = (name, label, options) => h('label', null, label, h('select', {name},
		options.map(([value, text]) => h('option', {value, selected: query[name] === value}, text))));
	const levels = SEVERITIES.map(level => [level, level]);
	return h('form', {class: 'filters search-form', id: 'search-form', onsubmit(event) {
		event.preventDefault();
		const values = Object.fromEntries(new FormData(event.currentTarget));
		values.start_time = toIso(values.start_time);
		values.end_time = toIso(values.end_time);
		location.hash = hashOf(['search'], values);
	}},
	input('source_system', 'source', {placeholder: 'any'}),
	input('event_type', 'type or topic pattern', {placeholder: 'order.** or *.failed'}),
	select('severity', 'severity', [['', 'any'], ...levels]),
	select('min_severity', 'at least', [['', 'any'], ...levels]),
	input('start_time', 'from', {placeholder: 'e.g. 2026-12-01T08:00Z'}),
	input('end_time', 'to', {placeholder: 'ISO 8601, UTC'}),
	input('correlation_id', 'correlation id'),
	input('tags', 'tags', {placeholder: 'a,b (all must match)'}),
	input('q', 'text', {placeholder: 'text in type, payload, tags'}),
	input('limit', 'per page', {type: 'number', min: '1', max: '1000', placeholder: '100'}),
	select('sort', 'order', [['', 'newest first'], ['asc', 'oldest first']]),
	h('button', {type: 'submit'}, 'Search'));
}

// Accepts what a person types (a date, a local-looking time); sends the collector an ISO 8601 instant in UTC.
function toIso(text) {
	const value = String(text ?? '').trim();
	if (!value) {
		return '';
	}

	const withZone = /([zZ]|[+-]\d\d:?\d\d)$/.test(value) || /^\d{4}-\d\d-\d\d$/.test(value) ? value : `${value}Z`;
	const date = new Date(withZone);
	return Number.isNaN(date.getTime()) ? value : date.toISOString();
}
