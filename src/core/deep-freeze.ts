import {InvalidPayloadError} from '../errors.js';

// Objects known to be frozen all the way down, so that publishing the same large payload again costs one lookup.
const deepFrozen = new WeakSet<object>();

/**
 * Object graphs of at most this many objects take the small-graph path: no `Set`, no stacks, nothing recorded in
 * `deepFrozen` (whose lookup alone would give every fresh payload an identity hash). Most payloads are one object or
 * a handful (an order with its customer and address), and for them the general walk's allocations cost several
 * times the freezing itself.
 */
const smallGraphLimit = 32;
/**
 * The small-graph path's objects to freeze, reused so that it allocates nothing per event (truncating an array with
 * `length = 0` would free its storage, to be allocated again by the next push). A call works above the count it
 * found (its base): a getter that publishes while a payload is read freezes its own payload above the outer one's.
 */
const collected: (object | undefined)[] = Array.from({length: smallGraphLimit}, () => undefined);
let collectedCount = 0;

/** Forgets the objects collected above `base`, so that the array does not keep old payloads alive. */
function clearCollected(base: number): void {
	for (let index = base; index < collectedCount; index++) collected[index] = undefined;
	collectedCount = base;
}

/**
 * Checks a payload and, with `shouldFreeze`, freezes it and everything reachable from it, so that no subscriber can
 * change what another one sees. Walks first and freezes after, so that a refused payload is left as it was;
 * iterative, so a deeply nested payload cannot overflow the stack. Refuses, with `InvalidPayloadError`, nesting
 * deeper than `maxDepth` (`too-deep`) and a payload that throws when read (`unreadable`: a throwing getter, a
 * revoked or hostile Proxy). An object frozen by its owner is still walked: `Object.freeze` is shallow. Typed arrays
 * are left alone (freezing one throws); Map, Set and Date objects are frozen as objects, but their entries and time
 * stay mutable (`Object.freeze` does not reach internal slots) and the walk does not enter a Map's or Set's entries.
 */
export function deepFreeze(topic: string, value: unknown, maxDepth: number, shouldFreeze = true): void {
	const base = collectedCount;
	try {
		walk(topic, value, maxDepth, shouldFreeze, base);
	} catch (error) {
		clearCollected(base);
		if (error instanceof InvalidPayloadError) throw error;
		throw new InvalidPayloadError(topic, 'unreadable', 'reading it threw (a throwing getter or a hostile Proxy)', error);
	}
}

function walk(topic: string, value: unknown, maxDepth: number, shouldFreeze: boolean, base: number): void {
	if (typeof value !== 'object' || value === null || ArrayBuffer.isView(value)) return;
	// The common payload is one flat object: freeze it without touching anything else.
	if (!Array.isArray(value) && isFlat(value)) {
		if (shouldFreeze) Object.freeze(value);
		return;
	}
	if (collectSmall(value, 0, maxDepth, base)) {
		if (shouldFreeze) for (let index = base; index < collectedCount; index++) Object.freeze(collected[index]);
		clearCollected(base);
		return;
	}
	clearCollected(base);
	if (!deepFrozen.has(value)) walkLarge(topic, value, maxDepth, shouldFreeze);
}

/**
 * Collects `value` and the objects below it into `collected`, depth first, and gives up (false) when the general
 * walk must take over: past {@link smallGraphLimit} objects (a cycle, or an object shared by two branches, is
 * visited again and counts again, so the limit also ends a cycle), or nesting deeper than `maxDepth` (the general
 * walk reports it). Typed arrays are left alone (freezing one throws). Own enumerable values only, as
 * `Object.values`: what an object inherits is not part of the payload.
 */
function collectSmall(value: object, depth: number, maxDepth: number, base: number): boolean {
	if (depth > maxDepth || collectedCount - base === smallGraphLimit) return false;
	collected[collectedCount++] = value;
	if (Array.isArray(value)) {
		for (let index = 0; index < value.length; index++) {
			const child: unknown = value[index];
			if (typeof child === 'object' && child !== null && !ArrayBuffer.isView(child) && !collectSmall(child, depth + 1, maxDepth, base)) return false;
		}
		return true;
	}
	for (const key in value) {
		if (!Object.hasOwn(value, key)) continue;
		const child: unknown = (value as Record<string, unknown>)[key];
		if (typeof child === 'object' && child !== null && !ArrayBuffer.isView(child) && !collectSmall(child, depth + 1, maxDepth, base)) return false;
	}
	return true;
}

function walkLarge(topic: string, value: object, maxDepth: number, shouldFreeze: boolean): void {
	const objects: object[] = [];
	const visited = new Set<object>();
	const stack: object[] = [value];
	const depths: number[] = [0];
	while (stack.length > 0) {
		const current = stack.pop()!;
		const depth = depths.pop()!;
		if (depth > maxDepth) {
			throw new InvalidPayloadError(topic, 'too-deep', `nested deeper than ${maxDepth} levels (option \`maxPayloadDepth\`)`);
		}
		if (visited.has(current)) continue;
		visited.add(current);
		if (ArrayBuffer.isView(current)) continue;
		objects.push(current);
		// Own enumerable values only: payloads are data.
		const children: unknown[] = Array.isArray(current) ? current : Object.values(current);
		for (const child of children) {
			if (typeof child === 'object' && child !== null && !deepFrozen.has(child)) {
				stack.push(child);
				depths.push(depth + 1);
			}
		}
	}
	if (!shouldFreeze) return;
	for (const object of objects) {
		Object.freeze(object);
		deepFrozen.add(object);
	}
}

/** No own value is an object (an inherited object value also answers false, and the small-graph path sorts it out). */
function isFlat(value: object): boolean {
	for (const key in value) {
		const child: unknown = (value as Record<string, unknown>)[key];
		if (typeof child === 'object' && child !== null) return false;
	}
	return true;
}
