// Trace: one workflow (a correlation id) as a causal tree, with the time of each step and the failed steps marked.

import {getJson} from '../api.js';
import {h, hashOf, link, replace} from '../dom.js';
import {formatDuration, formatTime, isFailure, severityBadge, summarize} from '../format.js';

export function renderTrace(section, {args}) {
	const id = args[0] ?? '';
	const result = h('div', {class: 'trace-result'});
	const form = h('form', {class: 'filters', id: 'trace-form', onsubmit(event) {
		event.preventDefault();
		const value = new FormData(event.currentTarget).get('correlation_id');
		if (value) {
			location.hash = hashOf(['trace', String(value).trim()]);
		}
	}},
	h('label', null, 'correlation id', h('input', {name: 'correlation_id', value: id, autocomplete: 'off', spellcheck: 'false', size: '40'})),
	h('button', {type: 'submit'}, 'Trace'));
	replace(section, form, result);

	const controller = new AbortController();
	if (!id) {
		replace(result, h('p', {class: 'empty'}, 'Enter a correlation id, or follow a correlation link from an event.'));
		return () => controller.abort();
	}

	replace(result, h('p', {class: 'loading'}, 'Loading…'));
	getJson(`events/correlation/${encodeURIComponent(id)}`, undefined, controller.signal).then(
		body => replace(result, traceView(body)),
		error => {
			if (!controller.signal.aborted) {
				replace(result, h('p', {class: 'error'}, error.status === 404 ? `No events with correlation id “${id}”.` : `Could not load the trace: ${error.message}`));
			}
		},
	);
	return () => controller.abort();
}

function traceView(body) {
	const events = Array.isArray(body.events) ? body.events : [];
	if (events.length === 0) {
		return h('p', {class: 'empty'}, 'No events carry this correlation id.');
	}

	const tree = Array.isArray(body.tree) && body.tree.length > 0 ? body.tree : buildTree(events);
	const times = events.map(event => Date.parse(event.timestamp)).filter(Number.isFinite);
	const start = Math.min(...times);
	const total = Math.max(...times) - start;
	const failures = events.filter(isFailure).length;
	return h('div', null,
		h('p', {class: 'trace-summary'},
			`${events.length} event${events.length === 1 ? '' : 's'} from ${formatTime(start)} over ${formatDuration(total).slice(1)}`,
			failures > 0 ? h('span', {class: 'failed-count'}, ` · ${failures} failed`) : ' · no failures'),
		treeList(tree, start, total));
}

/** Nodes `{event, children}` by causation id; an event whose cause is not in the trace is a root. */
export function buildTree(events) {
	const nodes = new Map();
	for (const event of events) {
		nodes.set(event.event_id, {event, children: []});
	}

	const roots = [];
	for (const node of nodes.values()) {
		const parent = node.event.causation_id === node.event.event_id ? undefined : nodes.get(node.event.causation_id);
		(parent ? parent.children : roots).push(node);
	}

	const byTime = (a, b) => Date.parse(a.event.timestamp) - Date.parse(b.event.timestamp);
	for (const node of nodes.values()) {
		node.children.sort(byTime);
	}

	// A cycle of causation ids leaves no root; show such events at the top level rather than not at all.
	const reachable = new Set();
	const stack = [...roots];
	while (stack.length > 0) {
		const node = stack.pop();
		reachable.add(node);
		stack.push(...node.children);
	}

	for (const node of nodes.values()) {
		if (!reachable.has(node)) {
			node.children = [];
			roots.push(node);
		}
	}

	return roots.sort(byTime);
}

// Iterative, so a long chain of causes cannot exhaust the call stack.
function treeList(roots, start, total) {
	const top = h('ol', {class: 'trace-tree'});
	const seen = new Set();
	const stack = roots.map(node => ({node, list: top, parentTime: undefined})).reverse();
	while (stack.length > 0) {
		const {node, list, parentTime} = stack.pop();
		if (!node || typeof node.event !== 'object' || seen.has(node)) {
			continue;
		}

		seen.add(node);
		const time = Date.parse(node.event.timestamp);
		const item = step(node.event, time - start, parentTime === undefined ? undefined : time - parentTime, total);
		list.append(item);
		const children = Array.isArray(node.children) ? node.children : [];
		if (children.length > 0) {
			const childList = h('ol', {class: 'trace-children'});
			item.append(childList);
			for (let index = children.length - 1; index >= 0; index--) {
				stack.push({node: children[index], list: childList, parentTime: time});
			}
		}
	}

	return top;
}

function step(event, offset, sinceCause, total) {
	const failed = isFailure(event);
	// A waterfall: the bar spans from the cause to this event. CSSOM, not a style attribute: the CSP allows none.
	const bar = h('span', {class: 'offset-bar', title: sinceCause === undefined ? 'start' : `${formatDuration(sinceCause)} after its cause`});
	const from = offset - (sinceCause ?? 0);
	bar.style.marginLeft = `${total > 0 ? (from / total) * 100 : 0}%`;
	bar.style.width = `${total > 0 ? ((offset - from) / total) * 100 : 0}%`;
	return h('li', {class: failed ? 'step failed' : 'step', 'data-event-id': String(event.event_id ?? '')},
		h('div', {class: 'step-line'},
			h('span', {class: 'step-offset', title: 'since the first event'}, formatDuration(offset)),
			severityBadge(event.severity),
			link(['event', String(event.event_id ?? '')], event.event_type ?? '(no type)', {class: 'step-type'}),
			h('span', {class: 'source'}, event.source_system ?? ''),
			sinceCause === undefined ? null : h('span', {class: 'step-delta', title: 'after the event that caused it'}, `${formatDuration(sinceCause)} after cause`),
			failed ? h('strong', {class: 'failed-label'}, 'failed') : null,
			h('span', {class: 'payload'}, summarize(event.data, 100)),
		),
		h('div', {class: 'offset-track'}, bar),
	);
}
