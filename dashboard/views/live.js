// Live: events from the WebSocket stream, newest first, in a bounded window rendered once per animation frame.

import {ApiError, getJson, streamUrl} from '../api.js';
import {h, hashOf, replace} from '../dom.js';
import {eventList, eventRow, formatCount, SEVERITIES} from '../format.js';

/** Rows kept in the page; older rows leave as new ones arrive (Search holds everything). */
export const MAX_ROWS = 500;
const FILTERS = ['source_system', 'event_type', 'min_severity', 'q'];
const MAX_RETRY_MS = 10_000;

export function renderLive(section, {params}) {
	const filters = Object.fromEntries(FILTERS.map(key => [key, params[key] ?? '']));
	const rows = h('div', {class: 'rows', role: 'rowgroup'});
	const state = h('span', {class: 'stream-state', 'data-state': 'connecting', role: 'status'}, 'connecting…');
	const counts = h('span', {class: 'stream-counts'});
	const pauseButton = h('button', {type: 'button', class: 'pause', onclick: togglePause}, 'Pause');

	replace(section,
		filterForm(filters),
		h('div', {class: 'stream-bar'}, state, counts, pauseButton),
		eventList('live-list', rows, {'data-max-rows': MAX_ROWS}),
	);

	let socket;
	let closed = false;
	let paused = false;
	let pending = []; // Oldest first; at most twice MAX_ROWS between trims.
	let frame = 0;
	let received = 0;
	let overflowed = 0;
	let receivedAtTick = 0;
	let rate = 0;
	let retryMs = 1000;
	let retryTimer;

	function setState(name, text) {
		state.dataset.state = name;
		state.textContent = text;
	}

	function showCounts() {
		const parts = [`${formatCount(received)} received`, `${formatCount(rate)}/s`, `${formatCount(rows.childElementCount)} shown (window ${MAX_ROWS})`];
		// The queue may hold up to twice the window between trims; only the newest window of it will be drawn.
		const waiting = Math.min(pending.length, MAX_ROWS);
		const passed = overflowed + pending.length - waiting;
		if (paused && waiting > 0) {
			parts.push(`${formatCount(waiting)} waiting`);
		}

		if (passed > 0) {
			parts.push(`${formatCount(passed)} passed without being drawn`);
		}

		counts.textContent = parts.join(' · ');
	}

	function enqueue(event) {
		received++;
		pending.push(event);
		if (pending.length > MAX_ROWS * 2) {
			// Trimming in chunks keeps this O(1) per event; the dropped ones would leave the window anyway.
			const excess = pending.length - MAX_ROWS;
			pending = pending.slice(excess);
			overflowed += excess;
		}

		if (!paused && frame === 0) {
			frame = requestAnimationFrame(flush);
		}
	}

	function flush() {
		frame = 0;
		if (paused || closed) {
			return;
		}

		if (pending.length > MAX_ROWS) {
			overflowed += pending.length - MAX_ROWS;
			pending = pending.slice(pending.length - MAX_ROWS);
		}

		const fragment = document.createDocumentFragment();
		for (let index = pending.length - 1; index >= 0; index--) {
			fragment.append(eventRow(pending[index]));
		}

		if (pending.length >= MAX_ROWS) {
			rows.replaceChildren(fragment);
		} else {
			rows.prepend(fragment);
			let extra = rows.childElementCount - MAX_ROWS;
			while (extra-- > 0) {
				rows.lastElementChild.remove();
			}
		}

		pending = [];

		showCounts();
	}

	function togglePause() {
		paused = !paused;
		pauseButton.textContent = paused ? 'Resume' : 'Pause';
		pauseButton.setAttribute('aria-pressed', String(paused));
		section.classList.toggle('paused', paused);
		if (!paused && pending.length > 0 && frame === 0) {
			frame = requestAnimationFrame(flush);
		}

		showCounts();
	}

	function connect() {
		let opened = false;
		setState('connecting', 'connecting…');
		socket = new WebSocket(streamUrl(filters));
		socket.addEventListener('open', () => {
			opened = true;
			retryMs = 1000;
			setState('live', 'live');
		});
		socket.addEventListener('message', message => {
			let parsed;
			try {
				parsed = JSON.parse(message.data);
			} catch {
				return;
			}

			if (parsed && parsed.type === 'event' && parsed.event && typeof parsed.event === 'object') {
				enqueue(parsed.event);
			}
		});
		socket.addEventListener('close', close => {
			if (closed) {
				return;
			}

			if (!opened) {
				// A browser hides why an upgrade failed; one query with the same filters tells a refused key or a bad
				// filter from a collector that is down.
				probe();
				return;
			}

			setState('retrying', `disconnected (${close.code}${close.reason ? ': ' + close.reason : ''}), reconnecting…`);
			scheduleRetry();
		});
	}

	async function probe() {
		try {
			await getJson('events', {...filters, limit: 1});
			setState('retrying', 'cannot open the stream, retrying…');
			scheduleRetry();
		} catch (error) {
			if (closed) {
				return;
			}

			if (error instanceof ApiError && error.refused) {
				setState('refused', `refused: ${error.message}`);
				return;
			}

			if (error instanceof ApiError && error.status === 400) {
				setState('invalid', `the collector rejected these filters: ${error.message}`);
				return;
			}

			setState('retrying', `collector unreachable (${error.message}), retrying…`);
			scheduleRetry();
		}
	}

	function scheduleRetry() {
		clearTimeout(retryTimer);
		retryTimer = setTimeout(connect, retryMs);
		retryMs = Math.min(retryMs * 2, MAX_RETRY_MS);
	}

	const tick = setInterval(() => {
		rate = received - receivedAtTick;
		receivedAtTick = received;
		showCounts();
	}, 1000);

	showCounts();
	connect();

	return () => {
		closed = true;
		clearInterval(tick);
		clearTimeout(retryTimer);
		cancelAnimationFrame(frame);
		socket?.close(1000, 'view closed');
	};
}

function filterForm(filters) {
	const input = (name, label, placeholder) => h('label', null, label,
		h('input', {name, value: filters[name], placeholder, autocomplete: 'off', spellcheck: 'false'}));
	const severity = h('select', {name: 'min_severity'},
		h('option', {value: ''}, 'any'),
		SEVERITIES.map(level => h('option', {value: level, selected: filters.min_severity === level}, `≥ ${level}`)));
	return h('form', {class: 'filters', id: 'live-filters', onsubmit(event) {
		event.preventDefault();
		const values = Object.fromEntries(new FormData(event.currentTarget));
		const next = hashOf(['live'], values);
		if (next === location.hash) {
			// Same filters: hashchange would not fire, so reconnect by re-routing.
			window.dispatchEvent(new HashChangeEvent('hashchange'));
		} else {
			location.hash = next;
		}
	}},
	input('source_system', 'source', 'any source'),
	input('event_type', 'topic pattern', 'order.** or *.failed'),
	h('label', null, 'severity', severity),
	input('q', 'text', 'text in type, payload, tags'),
	h('button', {type: 'submit'}, 'Apply'));
}
