import {ErrorCodes, EventBusError} from '../errors.js';

/**
 * Why one dead letter could not be replayed: no letter has that id; or, with `target: 'subscription'`, no
 * subscription has its subscription's name any more, several do, or that subscription had no name of its own.
 */
export type DeadLetterReplayFailure = 'not-found' | 'subscription-gone' | 'ambiguous-subscription' | 'unnamed-subscription';

/**
 * One dead letter could not be replayed (`reason` says why, see {@link DeadLetterReplayFailure}). Failures of the
 * publish itself are reported with the publish's own error instead.
 */
export class DeadLetterReplayError extends EventBusError {
	readonly letterId: string;
	readonly reason: DeadLetterReplayFailure;

	constructor(letterId: string, reason: DeadLetterReplayFailure, detail: string) {
		super(ErrorCodes.DeadLetterReplayError, `Cannot replay dead letter ${letterId}: ${detail}`);
		this.letterId = letterId;
		this.reason = reason;
	}
}
