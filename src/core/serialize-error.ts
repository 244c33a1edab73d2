/**
 * An error as plain, serializable data: `{name, message, code?, stack?}`. A non-Error becomes `{name: 'Error',
 * message: String(value)}`. Used wherever an error leaves the process (dead-letter payloads, logs, the collector).
 */
export function serializeError(error: unknown): {name: string; message: string; code?: string; stack?: string} {
	if (!(error instanceof Error)) return {name: 'Error', message: String(error)};
	const code = (error as {code?: unknown}).code;
	return {
		name: error.name,
		message: error.message,
		...(typeof code === 'string' ? {code} : {}),
		...(error.stack === undefined ? {} : {stack: error.stack}),
	};
}
