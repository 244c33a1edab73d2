import {ErrorCodes, EventBusError} from '../errors.js';

/** Why one dead letter could not be replayed. */
export type DeadLetterReplayFailure = 'not-found' | 'subscription-gone';

/**
 * One dead letter could not be replayed: no letter has that id, or (with `target: 'subscription'`) its subscription
 * no longer exists. Failures of the publish itself are reported with the publish's own error instead.
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
