/**
 * Turns ajv's errors into one readable line, e.g. `/amount must be >= 0; /currency must be one of EUR, USD`.
 * Every piece taken from the payload (property names, values) is shortened, so a hostile payload cannot make the
 * message huge.
 */
import type {SchemaErrorObject} from '../errors.js';

const maxShownErrors = 5;
const maxShownValues = 10;
const maxTextLength = 60;

/** One line describing `errors`: at most five of them, then `and N more` (out of `total`, when more were found). */
export function summarizeErrors(errors: readonly SchemaErrorObject[], total = errors.length): string {
	const shown = errors.slice(0, maxShownErrors).map(error => describeError(error));
	const more = total > shown.length ? `; and ${total - shown.length} more` : '';
	return `${shown.join('; ')}${more}`;
}

function describeError(error: SchemaErrorObject): string {
	const {params} = error;
	switch (error.keyword) {
		case 'required': {
			return `${path(`${error.instancePath}/${String(params['missingProperty'])}`)} is required`;
		}
		case 'additionalProperties': {
			return `${path(`${error.instancePath}/${String(params['additionalProperty'])}`)} is not allowed`;
		}
		case 'unevaluatedProperties': {
			return `${path(`${error.instancePath}/${String(params['unevaluatedProperty'])}`)} is not allowed`;
		}
		case 'enum': {
			const allowed = Array.isArray(params['allowedValues']) ? params['allowedValues'] : [];
			const values = allowed.slice(0, maxShownValues).map(value => text(value));
			const more = allowed.length > maxShownValues ? `, … (${allowed.length} values)` : '';
			return `${path(error.instancePath)} must be one of ${values.join(', ')}${more}`;
		}
		case 'const': {
			return `${path(error.instancePath)} must be ${text(params['allowedValue'])}`;
		}
		default: {
			return `${path(error.instancePath)} ${error.message ?? `fails \`${error.keyword}\``}`;
		}
	}
}

// The root has the empty JSON pointer, which reads badly on its own.
function path(pointer: string): string {
	return pointer === '' ? '(root)' : shorten(pointer);
}

function text(value: unknown): string {
	if (typeof value === 'string') return shorten(value);
	try {
		return shorten(JSON.stringify(value) ?? String(value));
	} catch {
		return String(value);
	}
}

function shorten(value: string): string {
	return value.length > maxTextLength ? `${value.slice(0, maxTextLength)}…` : value;
}
