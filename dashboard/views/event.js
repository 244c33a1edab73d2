// Event: one event's envelope and payload, pretty-printed, with links to its trace and its cause.

import {getJson} from '../api.js';
import {h, hashOf, link, replace} from '../dom.js';
import {formatTime, isFailure, pretty, severityBadge} from '../format.js';

export function renderEvent(section, {args}) {
	const id = args[0] ?? '';
	const controller = new AbortController();
	if (!id) {
		replace(section, h('p', {class: 'empty'}, 'No event id in the address.'));
		return undefined;
	}

	replace(section, h('p', {class: 'loading'}, 'Loading…'));
	getJson(`events/${encodeURIComponent(id)}`, undefined, controller.signal).then(
		event => replace(section, eventDetail(event)),
		error => {
			if (!controller.signal.aborted) {
				replace(section, h('p', {class: 'error'}, error.status === 404 ? `No event with id “${id}”.` : `Could not load the event: ${error.message}`));
			}
		},
	);
	return () => controller.abort();
}

function eventDetail(event) {
	const {data, metadata, ...envelope} = event;
	const row = (label, value) => [h('dt', null, label), h('dd', null, value ?? '—')];
	const tags = Array.isArray(event.tags) ? event.tags : [];
	return h('article', {class: isFailure(event) ? 'event-detail failed' : 'event-detail', 'data-event-id': String(event.event_id ?? '')},
		h('h2', null, severityBadge(event.severity), ' ', event.event_type ?? '(no type)'),
		h('dl', {class: 'envelope'},
			row('event id', event.event_id),
			row('source', event.source_system ? h('a', {href: hashOf(['search'], {source_system: event.source_system})}, event.source_system) : undefined),
			row('timestamp', formatTime(event.timestamp)),
			row('received', event.received_at ? formatTime(event.received_at) : undefined),
			row('correlation', event.correlation_id ? link(['trace', event.correlation_id], event.correlation_id, {class: 'trace-link'}) : undefined),
			row('caused by', event.causation_id ? link(['event', event.causation_id], event.causation_id, {class: 'cause-link'}) : undefined),
			row('tags', tags.length > 0 ? tags.map(tag => h('span', {class: 'tag'}, tag)) : undefined),
		),
		h('h3', null, 'Payload'),
		h('pre', {class: 'json payload-json'}, pretty(data)),
		metadata && Object.keys(metadata).length > 0 ? [h('h3', null, 'Metadata'), h('pre', {class: 'json'}, pretty(metadata))] : null,
		h('details', null, h('summary', null, 'Envelope as JSON'), h('pre', {class: 'json'}, pretty({...envelope, data, metadata}))),
	);
}
