/**
 * Operational errors of the collector. Each extends {@link EventBusError} with a stable `ERR_COLLECTOR_*` code;
 * `docs/collector.md` lists every code.
 */
import {EventBusError} from '../errors.js';

/** Every stable error code of the collector, by error class. */
export const CollectorErrorCodes = {
	CollectorClosedError: 'ERR_COLLECTOR_CLOSED',
	CollectorQueryError: 'ERR_COLLECTOR_QUERY',
	CollectorConfigError: 'ERR_COLLECTOR_CONFIG',
} as const;

/** A stable collector error code. */
export type CollectorErrorCode = (typeof CollectorErrorCodes)[keyof typeof CollectorErrorCodes];

/** The store or the collector was closed: nothing more is accepted. */
export class CollectorClosedError extends EventBusError<CollectorErrorCode> {
	constructor(what: string) {
		super(CollectorErrorCodes.CollectorClosedError, `The collector's ${what} is closed`);
	}
}

/** A query parameter is invalid. `parameter` names it; HTTP answers 400 with the message. */
export class CollectorQueryError extends EventBusError<CollectorErrorCode> {
	readonly parameter: string;

	constructor(parameter: string, detail: string, options?: {cause?: unknown}) {
		super(CollectorErrorCodes.CollectorQueryError, `Invalid query parameter \`${parameter}\`: ${detail}`, options);
		this.parameter = parameter;
	}
}

/** The collector refuses a configuration that would be unsafe or cannot work (e.g. no API key on a public host). */
export class CollectorConfigError extends EventBusError<CollectorErrorCode> {
	constructor(detail: string) {
		super(CollectorErrorCodes.CollectorConfigError, detail);
	}
}
