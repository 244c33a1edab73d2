// DOM helpers. Event data is untrusted: text goes in through textContent and attributes through setAttribute,
// never through innerHTML, so a payload holding markup is shown as text and never parsed.

const SVG_NS = 'http://www.w3.org/2000/svg';

/**
 * Creates an element. `attrs` values: strings become attributes, functions under `on*` become listeners,
 * `false`/`null`/`undefined` are skipped. Children are nodes or values shown as text.
 */
export function h(tag, attrs, ...children) {
	return build(document.createElement(tag), attrs, children);
}

/** Like `h` for SVG elements. */
export function s(tag, attrs, ...children) {
	return build(document.createElementNS(SVG_NS, tag), attrs, children);
}

function build(element, attrs, children) {
	if (attrs) {
		for (const [name, value] of Object.entries(attrs)) {
			if (value === false || value === null || value === undefined) {
				continue;
			}

			if (name.startsWith('on') && typeof value === 'function') {
				element.addEventListener(name.slice(2), value);
			} else {
				element.setAttribute(name, value === true ? '' : String(value));
			}
		}
	}

	append(element, children);
	return element;
}

function append(element, children) {
	for (const child of children) {
		if (child === null || child === undefined || child === false) {
			continue;
		}

		if (Array.isArray(child)) {
			append(element, child);
		} else if (child instanceof Node) {
			element.append(child);
		} else {
			element.append(document.createTextNode(String(child)));
		}
	}
}

/** Replaces every child of `element`. */
export function replace(element, ...children) {
	element.replaceChildren();
	append(element, children);
	return element;
}

/** A hash link: `link(['event', id], text)` gives `#/event/<id>` with each part URI-encoded. */
export function link(parts, text, attrs) {
	return h('a', {...attrs, href: hashOf(parts)}, text);
}

/** `hashOf(['search'], {source_system: 'a'})` gives `#/search?source_system=a`; empty values are left out. */
export function hashOf(parts, params) {
	const path = '#/' + parts.map(part => encodeURIComponent(part)).join('/');
	const query = params ? queryString(params) : '';
	return query ? `${path}?${query}` : path;
}

/** URLSearchParams text of the non-empty entries of `params`. */
export function queryString(params) {
	const search = new URLSearchParams();
	for (const [key, value] of Object.entries(params)) {
		if (value !== undefined && value !== null && value !== '') {
			search.set(key, String(value));
		}
	}

	return search.toString();
}
