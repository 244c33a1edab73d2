/**
 * Operational errors of the collector. Each extends {@link EventBusError} with a stable `ERR_COLLECTOR_*` code;
 * `docs/collector.md` lists every code.
 */
import {EventBusError, type ErrorCode} from '../errors.js';

/** Every stable error code of the collector, by error class. */
export const CollectorErrorCodes = {
	CollectorClosedError: 'ERR_COLLECTOR_CLOSED',
	CollectorQueryError: 'ERR_COLLECTOR_QUERY',
	CollectorConfigError: 'ERR_COLLECTOR_CONFIG',
} as const;

/** A stable collector error code. */
export type CollectorErrorCode = (typeof CollectorErrorCodes)[keyof typeof CollectorErrorCodes];

// The core's ErrorCode union lists the bus's own codes; the collector's codes extend it without touching core.
const asCode = (code: CollectorErrorCode): ErrorCode => code as unknown as ErrorCode;

/** The store or the collector was closed: nothing more is accepted. */
export class CollectorClosedError extends EventBusError {
	constructor(what: string) {
		super(asCode(CollectorErrorCodes.CollectorClosedError), `The collector's ${what} is closed`);
	}
}

/** A query parameter is invalid. `parameter` names it; HTTP answers 400 with the message. */
export class CollectorQueryError extends EventBusError {
	readonly parameter: string;

	constructor(parameter: string, detail: string, options?: {cause?: unknown}) {
		super(asCode(CollectorErrorCodes.CollectorQueryError), `Invalid query parameter \`${parameter}\`: ${detail}`, options);
		this.parameter = parameter;
	}
}

/** The collector refuses a configuration that would be unsafe or cannot work (e.g. no API key on a public host). */
export class CollectorConfigError extends EventBusError {
	constructor(detail: string) {
		super(asCode(CollectorErrorCodes.CollectorConfigError), detail);
	}
}
