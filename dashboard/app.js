// The page shell: hash routing between the views, the navigation, and the API key form.
// Routes: #/live?filters  #/search?filters  #/event/<id>  #/trace/<correlation id>  #/overview?hours=N

import {apiKey, auth, setApiKey} from './api.js';
import {h, replace} from './dom.js';
import {renderEvent} from './views/event.js';
import {renderLive} from './views/live.js';
import {renderOverview} from './views/overview.js';
import {renderSearch} from './views/search.js';
import {renderTrace} from './views/trace.js';

const views = {
	live: renderLive,
	search: renderSearch,
	event: renderEvent,
	trace: renderTrace,
	overview: renderOverview,
};

const main = document.querySelector('#view');
const keyForm = document.querySelector('#key-form');
const keyInput = document.querySelector('#key-input');
const keyMessage = document.querySelector('#key-message');
const keyButton = document.querySelector('#key-button');

let cleanup;

/** Splits `#/name/arg?query` into its view name, path arguments and query parameters. */
function parseHash(hash) {
	const text = hash.replace(/^#\/?/, '');
	const queryAt = text.indexOf('?');
	const path = queryAt === -1 ? text : text.slice(0, queryAt);
	const params = Object.fromEntries(new URLSearchParams(queryAt === -1 ? '' : text.slice(queryAt + 1)));
	const [name = '', ...rest] = path.split('/').map(part => {
		try {
			return decodeURIComponent(part);
		} catch {
			return part;
		}
	});
	return {name: name || 'live', args: rest, params};
}

function route() {
	const {name, args, params} = parseHash(location.hash);
	const render = Object.hasOwn(views, name) ? views[name] : undefined;
	cleanup?.();
	cleanup = undefined;
	for (const anchor of document.querySelectorAll('nav a')) {
		anchor.classList.toggle('current', anchor.dataset.view === name);
	}

	if (!render) {
		replace(main, h('p', {class: 'empty'}, `No view named “${name}”.`));
		return;
	}

	const section = h('section', {class: `view view-${name}`, 'data-view': name});
	replace(main, section);
	cleanup = render(section, {args, params});
}

function openKeyForm(message) {
	keyMessage.textContent = message ?? '';
	keyMessage.hidden = !message;
	keyInput.value = apiKey();
	keyForm.hidden = false;
	keyInput.focus();
}

function updateKeyButton() {
	keyButton.textContent = apiKey() ? 'API key ✓' : 'API key';
}

keyButton.addEventListener('click', () => {
	if (keyForm.hidden) {
		openKeyForm();
	} else {
		keyForm.hidden = true;
	}
});

keyForm.addEventListener('submit', event => {
	event.preventDefault();
	setApiKey(keyInput.value.trim());
	keyForm.hidden = true;
	updateKeyButton();
	route();
});

keyForm.querySelector('[data-action="forget"]').addEventListener('click', () => {
	setApiKey('');
	keyInput.value = '';
	updateKeyButton();
});

auth.addEventListener('refused', event => {
	const {status} = event.detail;
	const message = status === 401
		? (apiKey() ? 'The collector did not accept this API key (401). Enter another one.' : 'The collector needs an API key (401). Enter it to continue.')
		: 'The collector refused this API key (403): it is not allowed to read events. Enter another one.';
	openKeyForm(message);
});

window.addEventListener('hashchange', route);
updateKeyButton();
route();
