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
	if (!Array.isArray(paths)) fail('redact', 'an array of key paths', paths);
	if (paths.length === 0) return value => value;
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
	return value => {
		const ancestors = new Set<object>();
		// Per object, per set of active path nodes: its redacted form (shared subobjects are walked once).
		const done = new Map<object, Map<string, unknown>>();
		const walk = (input: unknown, active: readonly PathNode[], depth: number): unknown => {
			if (typeof input !== 'object' || input === null) return input;
			if (ancestors.has(input)) return circularMarker;
			if (depth >= maxDepth) return censor;
			const nodes = active.length === 0 ? anywhereOnly : hasAnywhere ? [...active, anywhere] : active;
			const setKey = nodes.length === 1 ? String(nodes[0]!.id) : nodes.map(node => node.id).join(',');
			const memo = done.get(input)?.get(setKey);
			if (memo !== undefined) return memo;
			ancestors.add(input);
			let result: unknown;
			try {
				result = redactObject(input, nodes, depth);
			} catch {
				result = censor;
			}
			ancestors.delete(input);
			let byNodes = done.get(input);
			if (byNodes === undefined) done.set(input, (byNodes = new Map()));
			byNodes.set(setKey, result);
			return result;
		};
		const redactObject = (input: object, nodes: readonly PathNode[], depth: number): unknown => {
			const toJSON = (input as {toJSON?: unknown}).toJSON;
			if (typeof toJSON === 'function') {
				const shown = (toJSON as () => unknown).call(input);
				if (shown === input) return redactKeys(input, nodes, depth);
				const redacted = walk(shown, nodes.filter(node => node !== anywhere), depth);
				return redacted === shown ? input : redacted;
			}
			if (input instanceof Map || input instanceof Set || ArrayBuffer.isView(input) || input instanceof ArrayBuffer) return input;
			return redactKeys(input, nodes, depth);
		};
		const redactKeys = (input: object, nodes: readonly PathNode[], depth: number): unknown => {
			const isArray = Array.isArray(input);
			let copy: Record<string, unknown> | unknown[] | undefined;
			for (const key of Object.keys(input)) {
				const current = (input as Record<string, unknown>)[key];
				const lowered = isArray ? key : key.toLowerCase();
				let next: PathNode[] | undefined;
				let isCensored = false;
				for (const node of nodes) {
					const child = node.children.get(lowered);
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
				const replaced = isCensored ? censor : walk(current, next ?? noNodes, depth + 1);
				if (replaced === current) continue;
				copy ??= isArray ? [...(input as unknown[])] : ownEnumerable(input);
				(copy as Record<string, unknown>)[key] = replaced;
			}
			return copy ?? input;
		};
		return walk(value, [rooted], 0);
	};
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
