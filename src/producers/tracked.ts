import {assertFunction, assertOptionalFunction, assertOptionalObject, assertString, fail} from '../internal/assert.js';
import {serializeError} from '../internal/serialize-error.js';
import {describeThrown} from '../internal/bounded-json.js';
import type {PublishOptions} from '../types.js';

/** Anything with the bus's `publish`: a bus, or a producer (whose prefix, source and metadata then apply). */
export interface TrackTarget {
	publish(topic: string, payload: unknown, options?: PublishOptions): Promise<unknown>;
}

/** Options of {@link tracked} and {@link track}. */
export interface TrackOptions<Args extends readonly unknown[] = readonly unknown[]> {
	/**
	 * Adds `result` to the `succeeded` payload: `true` for a structured clone of the result (so the bus never freezes
	 * the caller's object; `{$unserializable}` when it cannot be cloned), or a function that picks what to publish.
	 * @default false
	 */
	readonly includeResult?: boolean | ((result: unknown) => unknown);
	/** Fields added to all three payloads, from the call's arguments (e.g. `orderId => ({orderId})`); cloned too. */
	details?(...args: Args): Readonly<Record<string, unknown>>;
	/** Options of the three publishes (`priority`, `source`, `metadata`). */
	readonly publishOptions?: Pick<PublishOptions, 'priority' | 'source' | 'metadata'>;
	/**
	 * Gets the error when a tracking publish fails (bus closed, queue full); the tracked function is never affected.
	 * @default process.emitWarning
	 */
	readonly onError?: (error: unknown) => void;
}

type Publish = (topic: string, payload: unknown, options?: PublishOptions) => Promise<unknown>;

/**
 * Wraps `fn` so that each call publishes `<topic>.started`, then `<topic>.succeeded` (`{durationMs, result?}`) or
 * `<topic>.failed` (`{durationMs, error}`, the error serialized), all three sharing one correlation id (the started
 * event's, itself inherited when called from a handler; the other two have it as `causationId`).
 *
 * The wrapper is async: it awaits each publish (so a full queue applies backpressure), resolves with `fn`'s result
 * and rejects with `fn`'s own error, unchanged. A failing publish never changes the outcome: it goes to `onError`.
 *
 * @throws {TypeError} when `target` has no `publish`, `topic` is not a string, `fn` is not a function or an option
 * has the wrong type.
 *
 * @example
 * ```ts
 * const processOrder = tracked(bus, 'order.process', async (id: string) => charge(id), {details: id => ({orderId: id})});
 * await processOrder('o-1'); // order.process.started, then order.process.succeeded {orderId, durationMs}
 * ```
 */
export function tracked<Args extends unknown[], Result>(
	target: TrackTarget,
	topic: string,
	fn: (...args: Args) => Result,
	options?: TrackOptions<Args>,
): (...args: Args) => Promise<Awaited<Result>> {
	const publish = resolvePublish(target);
	validate(topic, options);
	assertFunction('fn', fn);
	return async function (this: unknown, ...args: Args): Promise<Awaited<Result>> {
		return run<Args, Result>(publish, topic, args, options, () => fn.apply(this, args));
	};
}

/**
 * A method decorator (TC39 standard decorators, TypeScript 5+) for async methods: each call is tracked like
 * {@link tracked}. `bus` is the target itself or a function from the instance to it (`self => self.bus`).
 *
 * @throws {TypeError} when applied to anything but a method, or given bad arguments (as {@link tracked}).
 *
 * @example
 * ```ts
 * class Orders {
 *   @track(bus, 'order.process', {includeResult: true})
 *   async process(id: string) { ... }
 * }
 * ```
 */
export function track<This>(bus: TrackTarget | ((self: This) => TrackTarget), topic: string, options?: TrackOptions) {
	if (typeof bus !== 'function') resolvePublish(bus);
	validate(topic, options);
	return function <Args extends unknown[], Result>(
		method: (this: This, ...args: Args) => Promise<Result>,
		context: ClassMethodDecoratorContext<This, (this: This, ...args: Args) => Promise<Result>>,
	): (this: This, ...args: Args) => Promise<Result> {
		if (context?.kind !== 'method') fail('@track target', 'a class method', context?.kind);
		return async function (this: This, ...args: Args): Promise<Result> {
			const publish = resolvePublish(typeof bus === 'function' ? bus(this) : bus);
			return run(publish, topic, args, options as TrackOptions<Args> | undefined, () => method.apply(this, args)) as Promise<Result>;
		};
	};
}

async function run<Args extends unknown[], Result>(publish: Publish, topic: string, args: Args, options: TrackOptions<Args> | undefined, call: () => Result): Promise<Awaited<Result>> {
	const report = options?.onError ?? defaultOnError;
	const safely = async (suffix: string, payload: Record<string, unknown>, link: PublishOptions): Promise<unknown> => {
		try {
			return await publish(`${topic}.${suffix}`, payload, {...options?.publishOptions, ...link});
		} catch (error) {
			try {
				report(error);
			} catch {
				// An onError that throws must not change the tracked function's outcome either.
			}
			return undefined;
		}
	};
	const details = options?.details === undefined ? {} : detailsOf(options.details, args, report);
	const started = await safely('started', details, {});
	const link = linkTo(started);
	const startedAt = performance.now();
	let result: Awaited<Result>;
	try {
		result = await call();
	} catch (error) {
		await safely('failed', {...details, durationMs: performance.now() - startedAt, error: serializeError(error)}, link);
		throw error;
	}
	const durationMs = performance.now() - startedAt;
	const {includeResult} = options ?? {};
	const payload = includeResult === undefined || includeResult === false ? {...details, durationMs} : {...details, durationMs, result: resultOf(includeResult, result, report)};
	await safely('succeeded', payload, link);
	return result;
}

/** The started event's correlation, for the events that follow it. */
function linkTo(started: unknown): PublishOptions {
	if (typeof started !== 'object' || started === null) return {};
	const {id, correlationId} = started as {id?: unknown; correlationId?: unknown};
	if (typeof id !== 'string' || typeof correlationId !== 'string') return {};
	return {correlationId, causationId: id};
}

function resolvePublish(target: TrackTarget): Publish {
	if (typeof target !== 'object' || target === null || typeof target.publish !== 'function') fail('bus', 'a bus or a producer', target);
	return target.publish.bind(target);
}

function validate(topic: string, options: TrackOptions<never> | undefined): void {
	assertString('topic', topic);
	assertOptionalObject('options', options);
	const includeResult = options?.includeResult;
	if (includeResult !== undefined && typeof includeResult !== 'boolean' && typeof includeResult !== 'function') fail('options.includeResult', 'a boolean or a function', includeResult);
	assertOptionalFunction('options.details', options?.details);
	assertOptionalFunction('options.onError', options?.onError);
	assertOptionalObject('options.publishOptions', options?.publishOptions);
}

function cloneSafely(value: unknown): unknown {
	try {
		return structuredClone(value);
	} catch (error) {
		return {$unserializable: describeThrown(error)};
	}
}

// The caller's `details` and `includeResult` run outside the tracked function: if they throw, the tracking events
// lose that part (the error goes to `onError`), never the call its outcome.
function detailsOf(details: (...args: never[]) => unknown, args: readonly unknown[], report: (error: unknown) => void): Record<string, unknown> {
	try {
		const value = cloneSafely((details as (...args: readonly unknown[]) => unknown)(...args));
		return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {details: value};
	} catch (error) {
		safeReport(report, error);
		return {};
	}
}

function resultOf(includeResult: true | ((result: never) => unknown), result: unknown, report: (error: unknown) => void): unknown {
	if (includeResult === true) return cloneSafely(result);
	try {
		return cloneSafely((includeResult as (result: unknown) => unknown)(result));
	} catch (error) {
		safeReport(report, error);
		return {$unserializable: describeThrown(error)};
	}
}

function safeReport(report: (error: unknown) => void, error: unknown): void {
	try {
		report(error);
	} catch {
		// An onError that throws must not change the tracked function's outcome.
	}
}

function defaultOnError(error: unknown): void {
	process.emitWarning(`A tracking event could not be published: ${describeThrown(error)}`, {code: 'ERR_TRACK_PUBLISH_FAILED'});
}
