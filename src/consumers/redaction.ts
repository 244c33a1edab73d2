/**
 * Payload redaction by key paths, for logs: `password` (a top-level key), `user.token` (a nested key), `*.secret`
 * (any key one level down, array indices included), `**.apiKey` (that key at any depth).
 */
import {fail} from '../internal/assert.js';

/** Replaces the values at the compiled paths; returns its argument itself when nothing matched (copy on write). */
export type Redactor = (value: unknown) => unknown;

/**
 * Key paths a {@link LoggingConsumer} redacts unless `redactDefaults: false`: common secret names, at any depth.
 * Keys match case-insensitively (`Authorization`, `PASSWORD`, `apikey` are all caught).
 */
export const defaultRedactPaths: readonly string[] = Object.freeze([
	'**.password',
	'**.passwd',
	'**.pass',
	'**.secret',
	'**.clientSecret',
	'**.client_secret',
	'**.secretKey',
	'**.privateKey',
	'**.private_key',
	'**.token',
	'**.accessToken',
	'**.access_token',
	'**.refreshToken',
	'**.refresh_token',
	'**.idToken',
	'**.id_token',
	'**.apiKey',
	'**.api_key',
	'**.x-api-key',
	'**.authorization',
	'**.proxy-authorization',
	'**.cookie',
	'**.set-cookie',
	'**.credentials',
]);

interface PathNode {
	readonly id: number;
	readonly children: Map<string, PathNode>;
	star: PathNode | undefined;
	isTerminal: boolean;
}

const noNodes: readonly PathNode[] = [];
// Deeper values are cut off rather than walked: a log line never needs them, and a hostile payload cannot stall us.
const maxDepth = 32;
/** What replaces a reference back to an object being walked: the output is always acyclic. */
export const circularMarker = '[Circular]';

/**
 * Compiles key paths into a {@link Redactor} that replaces each matching value with `censor`, copying only the
 * objects on the way to a match (payloads are frozen and shared, so they are never changed in place).
 *
 * What is walked: arrays and every object's own enumerable keys (plain objects and class instances alike; a copied
 * instance becomes a plain object with those keys), and the result of an object's `toJSON` (what a JSON log line
 * would show). Map, Set and other collections are not walked (JSON shows them as `{}`). Keys match
 * case-insensitively. A reference back to an object being walked (a cycle) is replaced by `"[Circular]"`, values
 * nested deeper than 32 levels by `censor`, and a getter or `toJSON` that throws makes its value `censor`. Each
 * object is walked once per set of paths active at it (shared subobjects are not walked again), so the cost is
 * linear in the payload's size.
 *
 * @throws {TypeError} when a path is not a non-empty string of non-empty segments, or uses `**` other than as its
 * first segment.
 */
export function compileRedaction(paths: readonly string[], censor: unknown): Redactor {
	const walk = compileRedactionWalk(paths, censor);
	return value => walk(value).value;
}

/** What a redaction walk returns: the redacted value, and whether it is a small tree. */
export interface RedactionResult {
	readonly value: unknown;
	/**
	 * True when the walk saw at most {@link treeBudget} objects, counting a shared one once per reference, and the
	 * value has no cycle: `JSON.stringify` of it then costs no more than the walk did.
	 */
	readonly isSmallTree: boolean;
}

/** Objects a walk visits before it switches to remembering each one (shared subobjects walked once). */
export const treeBudget = 10_000;

class OverBudget {}
const overBudget = new OverBudget();

/** {@link compileRedaction}, reporting whether the result is a small tree (see {@link RedactionResult}). */
export function compileRedactionWalk(paths: readonly string[], censor: unknown): (value: unknown) => RedactionResult {
	if (!Array.isArray(paths)) fail('redact', 'an array of key paths', paths);
	if (paths.length === 0) return value => ({value, isSmallTree: false});
	let nextId = 0;
	const createNode = (): PathNode => ({id: nextId++, children: new Map(), star: undefined, isTerminal: false});
	const rooted = createNode();
	const anywhere = createNode();
	for (const path of paths) {
		if (typeof path !== 'string' || path === '' || path === '**' || path.split('.').some(segment => segment === '')) {
			fail('redact[]', 'a key path such as `password`, `user.token`, `*.secret` or `**.apiKey`', path);
		}
		const segments = path.toLowerCase().split('.');
		const isAnywhere = segments[0] === '**';
		if (isAnywhere) segments.shift();
		if (segments.includes('**')) fail('redact[]', 'a key path with `**` only as its first segment', path);
		insert(isAnywhere ? anywhere : rooted, segments, createNode);
	}
	const hasAnywhere = anywhere.children.size > 0 || anywhere.star !== undefined;
	const anywhereOnly: readonly PathNode[] = hasAnywhere ? [anywhere] : [];
	const lowered = new LowerCaseCache();
	// Walk state, reset by each call (a redactor is not re-entered: nothing it calls can log).
	const ancestors: object[] = [];
	let visits = 0;
	// Per object, per set of active path nodes: its redacted form. Only in the second pass, for payloads past the budget.
	let done: Map<object, Map<string, unknown>> | undefined;

	const walk = (input: unknown, active: readonly PathNode[], depth: number): unknown => {
		if (typeof input !== 'object' || input === null) return input;
		if (ancestors.includes(input)) return circularMarker;
		if (depth >= maxDepth) return censor;
		const nodes = active.length === 0 ? anywhereOnly : hasAnywhere ? [...active, anywhere] : active;
		let setKey: string | undefined;
		if (done === undefined) {
			if (++visits > treeBudget) throw overBudget;
		} else {
			setKey = nodes.length === 1 ? String(nodes[0]!.id) : nodes.map(node => node.id).join(',');
			const memo = done.get(input)?.get(setKey);
			if (memo !== undefined) return memo;
		}
		ancestors.push(input);
		let result: unknown;
		try {
			result = redactObject(input, nodes, depth);
		} catch (error) {
			// Past the budget the whole walk starts again (with a fresh stack); anything else censors this object.
			if (error === overBudget) throw error;
			result = censor;
		}
		ancestors.pop();
		if (done !== undefined) {
			let byNodes = done.get(input);
			if (byNodes === undefined) done.set(input, (byNodes = new Map()));
			byNodes.set(setKey!, result);
		}
		return result;
	};
	const redactObject = (input: object, nodes: readonly PathNode[], depth: number): unknown => {
		const prototype = Object.getPrototypeOf(input) as unknown;
		// Plain objects and arrays (the usual payload) go straight to their keys; an own `toJSON` is found there.
		if (prototype === Object.prototype || prototype === null || Array.isArray(input)) return redactKeys(input, nodes, depth);
		const toJSON = (input as {toJSON?: unknown}).toJSON;
		if (typeof toJSON === 'function') return redactShown(input, toJSON, nodes, depth);
		if (input instanceof Map || input instanceof Set || ArrayBuffer.isView(input) || input instanceof ArrayBuffer) return input;
		return redactKeys(input, nodes, depth);
	};
	// What JSON would show of an object with `toJSON`: that is what gets redacted.
	const redactShown = (input: object, toJSON: unknown, nodes: readonly PathNode[], depth: number): unknown => {
		const shown = (toJSON as () => unknown).call(input);
		if (shown === input) return redactKeys(input, nodes, depth, true);
		const redacted = walk(shown, nodes.filter(node => node !== anywhere), depth);
		return redacted === shown ? input : redacted;
	};
	const redactKeys = (input: object, nodes: readonly PathNode[], depth: number, isShown = false): unknown => {
		const isArray = Array.isArray(input);
		let copy: Record<string, unknown> | unknown[] | undefined;
		const keys = Object.keys(input);
		for (let index = 0; index < keys.length; index++) {
			const key = keys[index]!;
			const current = (input as Record<string, unknown>)[key];
			if (key === 'toJSON' && !isShown && !isArray && typeof current === 'function') return redactShown(input, current, nodes, depth);
			let next: PathNode[] | undefined;
			let isCensored = false;
			if (nodes.length > 0) {
				const name = isArray || !hasUpperCase(key) ? key : lowered.of(key);
				for (const node of nodes) {
					const child = node.children.get(name);
					if (child !== undefined) {
						if (child.isTerminal) isCensored = true;
						if (child.children.size > 0 || child.star !== undefined) (next ??= []).push(child);
					}
					const {star} = node;
					if (star !== undefined) {
						if (star.isTerminal) isCensored = true;
						if (star.children.size > 0 || star.star !== undefined) (next ??= []).push(star);
					}
				}
			}
			const replaced = isCensored ? censor : walk(current, next ?? noNodes, depth + 1);
			if (replaced === current) continue;
			copy ??= isArray ? [...(input as unknown[])] : ownEnumerable(input);
			(copy as Record<string, unknown>)[key] = replaced;
		}
		return copy ?? input;
	};
	return value => {
		visits = 0;
		done = undefined;
		ancestors.length = 0;
		try {
			return {value: walk(value, [rooted], 0), isSmallTree: true};
		} catch (error) {
			if (error !== overBudget) throw error;
		}
		// Past the budget: walk again, remembering each object, so a DAG of shared subobjects costs its size.
		done = new Map();
		ancestors.length = 0;
		try {
			return {value: walk(value, [rooted], 0), isSmallTree: false};
		} finally {
			done = undefined;
		}
	};
}

// Most keys are lower case already: a scan is cheaper than a lookup, and allocates nothing.
function hasUpperCase(key: string): boolean {
	for (let index = 0; index < key.length; index++) {
		const code = key.charCodeAt(index);
		if ((code >= 65 && code <= 90) || code > 127) return true;
	}
	return false;
}

/** `key.toLowerCase()`, remembered: payload keys repeat from event to event. Bounded; cleared when full. */
class LowerCaseCache {
	readonly #map = new Map<string, string>();

	of(key: string): string {
		let lower = this.#map.get(key);
		if (lower === undefined) {
			lower = key.toLowerCase();
			if (this.#map.size >= 4096) this.#map.clear();
			this.#map.set(key, lower);
		}
		return lower;
	}
}

function ownEnumerable(input: object): Record<string, unknown> {
	const copy: Record<string, unknown> = {};
	for (const key of Object.keys(input)) copy[key] = (input as Record<string, unknown>)[key];
	return copy;
}

function insert(root: PathNode, segments: readonly string[], createNode: () => PathNode): void {
	let node = root;
	for (const segment of segments) {
		if (segment === '*') {
			node.star ??= createNode();
			node = node.star;
		} else {
			let child = node.children.get(segment);
			if (child === undefined) {
				child = createNode();
				node.children.set(segment, child);
			}
			node = child;
		}
	}
	node.isTerminal = true;
}
