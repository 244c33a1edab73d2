import {InvalidTopicError} from '../errors.js';
import {assertInteger, assertOptionalObject, fail} from '../internal/assert.js';
import {compileTopicMatcher, defaultTopicLimits, type TopicLimits} from '../routing/index.js';
import type {BusEvent} from '../types.js';

/**
 * What `failOn()` targets. A string is both a subscription name and, when it is a valid pattern, a topic pattern:
 * an attempt fails when the subscription has that name or the event's topic matches it. Use the object forms to
 * say which one you mean.
 */
export type FailTarget = string | {readonly topic: string} | {readonly subscription: string};

/** Options of `failOn()`. */
export interface FailOnOptions {
	/** Fail only the next `times` matching attempts, then deliver normally (to test retries). @default every attempt */
	readonly times?: number;
}

/** The error a delivery fails with when `failOn()` was given none. */
export class InjectedFailureError extends Error {
	/** The `failOn()` target, as given. */
	readonly target: FailTarget;
	readonly eventId: string;

	constructor(target: FailTarget, event: BusEvent) {
		super(`Injected failure (failOn ${describeTarget(target)}) for \`${event.topic}\` event ${event.id}`);
		this.target = target;
		this.eventId = event.id;
	}

	override get name(): string {
		return 'InjectedFailureError';
	}
}

interface Rule {
	readonly target: FailTarget;
	readonly name: string | undefined;
	readonly matchesTopic: ((topic: string) => boolean) | undefined;
	/** `undefined` for a new {@link InjectedFailureError} each time. */
	readonly error: unknown;
	remaining: number;
}

/**
 * The failure rules of a mock bus or harness: each delivery attempt asks {@link FailureRules.check} first, and a
 * matching rule makes the attempt fail with its error instead of calling the handler (retries and dead letters
 * then follow the subscription's policy, as for a handler that threw). Rules apply in the order they were added.
 */
export class FailureRules {
	readonly #limits: TopicLimits;
	#rules: Rule[] = [];

	constructor(limits: TopicLimits = defaultTopicLimits) {
		this.#limits = limits;
	}

	/**
	 * Adds a rule failing attempts with `error` (`undefined`: a new {@link InjectedFailureError} each time); returns a
	 * function that removes it.
	 *
	 * @throws {TypeError} when the target or `options.times` is malformed.
	 * @throws {InvalidTopicError} when `{topic}` is not a valid pattern.
	 */
	add(target: FailTarget, error: unknown, options?: FailOnOptions): () => void {
		assertOptionalObject('options', options);
		assertInteger('options.times', options?.times, 1);
		const rule: Rule = {target, error, remaining: options?.times ?? Number.POSITIVE_INFINITY, ...this.#parse(target)};
		this.#rules.push(rule);
		return () => {
			this.#rules = this.#rules.filter(other => other !== rule);
		};
	}

	/** The error the attempt must fail with, or `undefined` to call the handler. Uses up one of a rule's `times`. */
	check(event: BusEvent, subscriptionName: string): {readonly error: unknown} | undefined {
		for (const rule of this.#rules) {
			if (rule.remaining <= 0) continue;
			if (rule.name !== subscriptionName && rule.matchesTopic?.(event.topic) !== true) continue;
			rule.remaining--;
			return {error: rule.error === undefined ? new InjectedFailureError(rule.target, event) : rule.error};
		}
		return undefined;
	}

	clear(): void {
		this.#rules = [];
	}

	#parse(target: FailTarget): Pick<Rule, 'name' | 'matchesTopic'> {
		if (typeof target === 'string') {
			if (target === '') fail('target', 'a topic, a pattern or a subscription name', target);
			return {name: target, matchesTopic: this.#tryCompile(target)};
		}
		if (typeof target === 'object' && target !== null) {
			if ('topic' in target && typeof target.topic === 'string') return {name: undefined, matchesTopic: compileTopicMatcher(target.topic, this.#limits)};
			if ('subscription' in target && typeof target.subscription === 'string' && target.subscription !== '') {
				return {name: target.subscription, matchesTopic: undefined};
			}
		}
		return fail('target', 'a string, `{topic}` or `{subscription}`', target);
	}

	#tryCompile(pattern: string): ((topic: string) => boolean) | undefined {
		try {
			return compileTopicMatcher(pattern, this.#limits);
		} catch (error) {
			// Not a pattern: the string can only be a subscription name.
			if (error instanceof InvalidTopicError) return undefined;
			throw error;
		}
	}
}

function describeTarget(target: FailTarget): string {
	if (typeof target === 'string') return `\`${target}\``;
	return 'topic' in target ? `{topic: \`${target.topic}\`}` : `{subscription: \`${target.subscription}\`}`;
}
