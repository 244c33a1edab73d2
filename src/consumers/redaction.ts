/**
 * Payload redaction by key paths, for logs: `password` (a top-level key), `user.token` (a nested key), `*.secret`
 * (any key one level down, array indices included), `**.apiKey` (that key at any depth).
 */
import {fail} from '../internal/assert.js';

/** Replaces the values at the compiled paths; returns its argument itself when nothing matched (copy on write). */
export type Redactor = (value: unknown) => unknown;

/** Key paths a {@link LoggingConsumer} redacts unless told otherwise: common secret names, at any depth. */
export const defaultRedactPaths: readonly string[] = Object.freeze([
	'**.password',
	'**.passwd',
	'**.secret',
	'**.token',
	'**.accessToken',
	'**.refreshToken',
	'**.apiKey',
	'**.authorization',
	'**.cookie',
]);

interface PathNode {
	readonly children: Map<string, PathNode>;
	star: PathNode | undefined;
	isTerminal: boolean;
}

const noNodes: readonly PathNode[] = [];
// Deeper values are cut off rather than walked: a log line never needs them, and a hostile payload cannot stall us.
const maxDepth = 32;

/**
 * Compiles key paths into a {@link Redactor} that replaces each matching value with `censor`, copying only the
 * objects on the way to a match (payloads are frozen and shared, so they are never changed in place). Values nested
 * deeper than 32 levels are replaced by `censor` too.
 *
 * @throws {TypeError} when a path is not a non-empty string of non-empty segments, or uses `**` other than as its
 * first segment.
 */
export function compileRedaction(paths: readonly string[], censor: unknown): Redactor {
	if (!Array.isArray(paths)) fail('redact', 'an array of key paths', paths);
	if (paths.length === 0) return value => value;
	const rooted = createNode();
	const anywhere = createNode();
	for (const path of paths) {
		if (typeof path !== 'string' || path === '' || path === '**' || path.split('.').some(segment => segment === '')) {
			fail('redact[]', 'a key path such as `password`, `user.token`, `*.secret` or `**.apiKey`', path);
		}
		const segments = path.split('.');
		const isAnywhere = segments[0] === '**';
		if (isAnywhere) segments.shift();
		if (segments.includes('**')) fail('redact[]', 'a key path with `**` only as its first segment', path);
		insert(isAnywhere ? anywhere : rooted, segments);
	}
	const hasAnywhere = anywhere.children.size > 0 || anywhere.star !== undefined;
	const anywhereOnly: readonly PathNode[] = hasAnywhere ? [anywhere] : [];
	const walk = (value: unknown, active: readonly PathNode[], depth: number): unknown => {
		if (typeof value !== 'object' || value === null) return value;
		if (depth >= maxDepth) return censor;
		const isArray = Array.isArray(value);
		if (!isArray && !isPlainObject(value)) return value;
		// Allocation-free in the common case: no rooted path is still active, only the `**.` ones.
		const nodes = active.length === 0 ? anywhereOnly : hasAnywhere ? [...active, anywhere] : active;
		if (nodes.length === 0) return value;
		let copy: Record<string, unknown> | unknown[] | undefined;
		for (const key of Object.keys(value)) {
			const current = (value as Record<string, unknown>)[key];
			let next: PathNode[] | undefined;
			let isCensored = false;
			for (const node of nodes) {
				const child = node.children.get(key);
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
			copy ??= isArray ? [...(value as unknown[])] : {...(value as Record<string, unknown>)};
			(copy as Record<string, unknown>)[key] = replaced;
		}
		return copy ?? value;
	};
	return value => walk(value, [rooted], 0);
}

function createNode(): PathNode {
	return {children: new Map(), star: undefined, isTerminal: false};
}

function insert(root: PathNode, segments: readonly string[]): void {
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

function isPlainObject(value: object): boolean {
	const prototype = Object.getPrototypeOf(value) as unknown;
	return prototype === Object.prototype || prototype === null;
}
