/**
 * How the bus validates payloads on publish, apart from the registry: the core reads the mode without loading ajv.
 * - `off`: never.
 * - `warn`: like `enforce`, but the bus only reports the error (as a `warning` diagnostic) and still publishes.
 * - `enforce`: topics with a schema must match it; topics without one pass.
 * - `strict`: like `enforce`, and a topic with no schema is rejected.
 */
export type ValidationMode = 'off' | 'warn' | 'enforce' | 'strict';

/** Every {@link ValidationMode}, for argument checks. */
export const validationModes: readonly ValidationMode[] = Object.freeze(['off', 'warn', 'enforce', 'strict']);
