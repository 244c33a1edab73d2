import type {BusEvent} from '../types.js';
import type {FailureRules} from './failure-rules.js';
import type {Recorder} from './recorder.js';
import {isThenable} from '../internal/timing.js';

/** What a handler or a consumer is called with: one event, or a consumer's batch. */
export type DeliveryInput = BusEvent | readonly BusEvent[];

/** One delivery call: a subscription's handler, or a consumer's `consume`. */
export type DeliveryCall<Input extends DeliveryInput = DeliveryInput> = (input: Input) => unknown;

/** The subscription a delivery call belongs to, read when the call is made (the handle exists only by then). */
export type SubscriptionOf = () => {readonly id: string; readonly name: string; readonly pattern: string};

/**
 * Wraps a delivery call in another (Watermill-style `(next) => handler`): the test kit adds what it needs to a real
 * `EventBus` this way (recording, `failOn`) instead of keeping a delivery engine of its own. The bus's own timeout,
 * retry and dead-letter rules apply to the wrapped call.
 */
export type DeliveryMiddleware = <Input extends DeliveryInput>(next: DeliveryCall<Input>, subscription: SubscriptionOf) => DeliveryCall<Input>;

/** Middlewares applied in order: the first one listed is the outermost. */
export function composeMiddleware(...middlewares: readonly DeliveryMiddleware[]): DeliveryMiddleware {
	return <Input extends DeliveryInput>(next: DeliveryCall<Input>, subscription: SubscriptionOf): DeliveryCall<Input> =>
		middlewares.reduceRight<DeliveryCall<Input>>((call, middleware) => middleware(call, subscription), next);
}

/** Fails an attempt, instead of making the call, when a `failOn` rule matches one of its events. */
export function failureMiddleware(failures: FailureRules): DeliveryMiddleware {
	return <Input extends DeliveryInput>(next: DeliveryCall<Input>, subscription: SubscriptionOf): DeliveryCall<Input> =>
		(input: Input): unknown => {
			const {name} = subscription();
			for (const event of eventsOf(input)) {
				const injected = failures.check(event, name);
				if (injected !== undefined) throw injected.error;
			}
			return next(input);
		};
}

/** Records each event of a call that succeeds, with the attempts it took (failed attempts, injected ones too, count). */
export function recordingMiddleware(recorder: Recorder): DeliveryMiddleware {
	return <Input extends DeliveryInput>(next: DeliveryCall<Input>, subscription: SubscriptionOf): DeliveryCall<Input> => {
		const attempts = new WeakMap<BusEvent, number>();
		return (input: Input): unknown => {
			const events = eventsOf(input);
			const {id, name, pattern} = subscription();
			for (const event of events) attempts.set(event, (attempts.get(event) ?? 0) + 1);
			const record = (): void => {
				for (const event of events) {
					recorder.noteDelivered({event, subscription: {id, name, pattern}, attempts: attempts.get(event) ?? 1});
					attempts.delete(event);
				}
			};
			const result = next(input);
			if (!isThenable(result)) {
				record();
				return result;
			}
			return Promise.resolve(result).then(value => {
				record();
				return value;
			});
		};
	};
}

function eventsOf(input: DeliveryInput): readonly BusEvent[] {
	return Array.isArray(input) ? (input as readonly BusEvent[]) : [input as BusEvent];
}

