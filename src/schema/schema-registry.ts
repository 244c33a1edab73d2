/**
 * The schema registry: one JSON Schema (draft 2020-12) per topic, compiled once, used to validate payloads on
 * publish. This is the only module that owns ajv; the exports and the type generator read the registry's entries.
 */
import {createRequire} from 'node:module';
import type {Ajv2020, ErrorObject, Options, ValidateFunction} from 'ajv/dist/2020.js';
import type ajvFormatsModule from 'ajv-formats';
import {SchemaRegistryError, SchemaValidationError, type SchemaErrorObject} from '../errors.js';
import {assertString, fail} from '../internal/assert.js';
import {describeThrown} from '../internal/bounded-json.js';
import {busSchemas, envelopeSchema, envelopeSchemaId} from './builtin-schemas.js';
import {summarizeErrors} from './error-summary.js';
import {internalId, prepareSchema, registryError, toAjvSchema, type JsonSchema, type PreparedSchema} from './prepare-schema.js';
import {readSchemaFiles} from './schema-files.js';
import type {ValidationMode} from './validation-mode.js';

export {validationModes, type ValidationMode} from './validation-mode.js';

export type {JsonSchema} from './prepare-schema.js';

/** A registered schema: its topic, the deep-frozen schema (with `$id` = topic) and the file it came from. */
export interface SchemaEntry {
	readonly topic: string;
	readonly schema: JsonSchema;
	/** The file the schema was loaded from; `undefined` when it was registered in code or is built in. */
	readonly path: string | undefined;
}

/** The outcome of {@link SchemaRegistry.validate}. */
export interface ValidationResult {
	readonly valid: boolean;
	/** ajv's errors (at most 100), empty when valid. */
	readonly errors: readonly SchemaErrorObject[];
	/** One readable line, e.g. `/amount must be >= 0; /currency must be one of EUR, USD`; empty when valid. */
	readonly summary: string;
}

/** Options of {@link SchemaRegistry}. */
export interface SchemaRegistryOptions {
	/** Register the payload schemas of the bus's own `$`-topics (`$bus.dead-letter`). @default true */
	readonly builtins?: boolean;
}

/**
 * The options of the registry's ajv instance, exported so that tests compile other schemas (such as the exported
 * OpenAPI components) exactly as the registry would.
 * `ownProperties` makes `required` and `properties` ignore inherited members, so `{}` does not satisfy
 * `required: ['constructor']`; nothing that mutates data (`useDefaults`, `coerceTypes`, `removeAdditional`) is on.
 */
export const ajvOptions: Readonly<Options> = Object.freeze({
	strict: true,
	allowUnionTypes: true,
	allErrors: true,
	ownProperties: true,
});

interface AjvModules {
	readonly Ajv2020: typeof Ajv2020;
	readonly addFormats: typeof ajvFormatsModule.default;
}

let ajvModules: AjvModules | undefined;

// ajv and ajv-formats (CommonJS, and most of the cost of importing topicbus) load when the first registry is built,
// so that an app that never uses schemas never loads them, although the main entry exports this class.
function loadAjv(): AjvModules {
	if (ajvModules === undefined) {
		const require = createRequire(import.meta.url);
		const ajv = require('ajv/dist/2020.js') as {readonly Ajv2020: typeof Ajv2020};
		const formats = require('ajv-formats') as typeof ajvFormatsModule;
		ajvModules = {Ajv2020: ajv.Ajv2020, addFormats: formats.default};
	}
	return ajvModules;
}

// ajv can report one error per array item; a hostile payload must not make every rejection carry millions of them.
const maxKeptErrors = 100;
const envelopeCanonical = prepareSchema(envelopeSchema, undefined, undefined).canonical;
const validResult: ValidationResult = Object.freeze({valid: true, errors: Object.freeze([]), summary: ''});

interface CompiledSchema {
	readonly entry: SchemaEntry;
	readonly canonical: string;
	readonly validate: ValidateFunction;
	/** The schema reuses subschemas (`$ref`), so the validator may walk a shared subobject once per reference. */
	readonly hasRefs: boolean;
}

// With `$ref`s, the validator walks a payload as a tree: a payload of shared subobjects (a DAG) costs one visit per
// path, exponential in its depth, and a cycle never ends. Such payloads are refused once their tree exceeds this.
const maxTreeValues = 1_000_000;

interface Failure {
	readonly errors: readonly SchemaErrorObject[];
	readonly summary: string;
}

/**
 * Holds one JSON Schema per topic and validates payloads against them.
 *
 * Every schema is checked and compiled when it is registered, never on publish. Registration refuses (with
 * {@link SchemaRegistryError}): a schema that is not JSON or not valid draft 2020-12 under ajv's strict mode, a
 * `$id` that is not one concrete topic (no wildcards), a different schema for a topic that already has one (an
 * identical one is a no-op), and any `$ref` that is not a local JSON pointer or a registered topic (so nothing is
 * ever fetched). Validation never throws for any payload and never changes it.
 *
 * @example
 * ```ts
 * const registry = SchemaRegistry.from('schemas');
 * const result = registry.validate('order.created', {id: 'o-1', amount: -5});
 * // result.summary: '/amount must be >= 0; /currency is required'
 * ```
 */
export class SchemaRegistry {
	readonly #ajv: Ajv2020;
	readonly #schemas = new Map<string, CompiledSchema>();
	#sortedTopics: readonly string[] | undefined;

	/** An empty registry (apart from the built-in `$bus.*` schemas unless `builtins: false`). */
	constructor(options: SchemaRegistryOptions = {}) {
		if (typeof options !== 'object' || options === null) fail('options', 'an object', options);
		if (options.builtins !== undefined && typeof options.builtins !== 'boolean') fail('options.builtins', 'a boolean', options.builtins);
		const ajv = loadAjv();
		this.#ajv = new ajv.Ajv2020({...ajvOptions});
		ajv.addFormats(this.#ajv);
		// The envelope is not a topic: it is only there for topic schemas to `$ref`.
		this.#ajv.addSchema(toAjvSchema(prepareSchema(envelopeSchema, undefined, undefined), () => false));
		if (options.builtins !== false) this.#addAll(busSchemas.map(schema => ({schema, topic: undefined, path: undefined})));
	}

	/**
	 * A registry from a folder (see {@link loadDirectory}) or a list of schemas (registered as one batch, so they
	 * may `$ref` each other in any order). A registry passed in is returned as is.
	 * Throws {@link SchemaRegistryError} as {@link register} and {@link loadDirectory} do.
	 */
	static from(source: string | readonly JsonSchema[] | SchemaRegistry, options?: SchemaRegistryOptions): SchemaRegistry {
		if (source instanceof SchemaRegistry) return source;
		const registry = new SchemaRegistry(options);
		if (typeof source === 'string') return registry.loadDirectory(source);
		if (!Array.isArray(source)) fail('source', 'a folder path, an array of schemas or a SchemaRegistry', source);
		for (const [index, schema] of source.entries()) {
			if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) fail(`source[${index}]`, 'a schema object', schema);
		}
		registry.#addAll(source.map(schema => ({schema, topic: undefined, path: undefined})));
		return registry;
	}

	/**
	 * Registers and compiles `schema` for the topic in its `$id`, or for `topic` (then `$id` may be absent, else it
	 * must equal `topic`). Throws {@link SchemaRegistryError} when refused (see the class), `TypeError` for arguments
	 * of the wrong type.
	 */
	register(schema: JsonSchema): this;
	register(topic: string, schema: JsonSchema): this;
	register(topicOrSchema: string | JsonSchema, maybeSchema?: JsonSchema): this {
		const topic = typeof topicOrSchema === 'string' ? topicOrSchema : undefined;
		const schema = typeof topicOrSchema === 'string' ? maybeSchema : topicOrSchema;
		if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) fail('schema', 'a schema object', schema);
		this.#addAll([{schema, topic, path: undefined}]);
		return this;
	}

	/**
	 * Loads every `*.json` file under `dir` (recursively; hidden files skipped), each one topic's schema with the
	 * topic in `$id`. Synchronous, and atomic: when any file is refused, none is registered. Throws
	 * {@link SchemaRegistryError} whose `path` names the folder or the broken file and whose message carries
	 * `JSON.parse`'s or ajv's message.
	 */
	loadDirectory(dir: string): this {
		assertString('dir', dir);
		const files = readSchemaFiles(dir);
		this.#addAll(files.map(file => ({schema: file.content, topic: undefined, path: file.path})));
		return this;
	}

	/** Whether `topic` has a schema. */
	has(topic: string): boolean {
		return this.#schemas.has(topic);
	}

	/** The schema of `topic` (deep-frozen, `$id` = topic), or `undefined`. */
	get(topic: string): JsonSchema | undefined {
		return this.#schemas.get(topic)?.entry.schema;
	}

	/** The number of topics with a schema. */
	get size(): number {
		return this.#schemas.size;
	}

	/** The topics with a schema, sorted. */
	eventTypes(): string[] {
		this.#sortedTopics ??= [...this.#schemas.keys()].sort();
		return [...this.#sortedTopics];
	}

	/** Every registered schema, sorted by topic. */
	entries(): SchemaEntry[] {
		return this.eventTypes().map(topic => this.#schemas.get(topic)!.entry);
	}

	/**
	 * Validates `payload` against the schema of `topic`, as `enforce` does: a topic with no schema is valid (use
	 * {@link has} to tell). Never throws for any payload: a payload nested too deeply for the validator, or one whose
	 * getters throw, is invalid with a summary that says so. Throws `TypeError` only when `topic` is not a string.
	 */
	validate(topic: string, payload: unknown): ValidationResult {
		assertString('topic', topic);
		const compiled = this.#schemas.get(topic);
		const failure = compiled === undefined ? undefined : runCompiled(compiled, payload);
		return failure === undefined ? validResult : {valid: false, errors: failure.errors, summary: failure.summary};
	}

	/**
	 * The check the bus runs on every publish: one map lookup and the compiled validator. Returns the error to
	 * reject with, or `undefined` when the payload may be published. `off` never fails; `enforce` and `warn` fail an
	 * invalid payload of a topic with a schema (the caller decides that `warn` only warns); `strict` also fails a
	 * topic with no schema. Never throws; `mode` is trusted (the bus checks its options once).
	 */
	check(topic: string, payload: unknown, mode: ValidationMode): SchemaValidationError | undefined {
		if (mode === 'off') return undefined;
		const compiled = this.#schemas.get(topic);
		if (compiled === undefined) return mode === 'strict' ? noSchemaError(topic) : undefined;
		const failure = runCompiled(compiled, payload);
		return failure === undefined ? undefined : new SchemaValidationError(topic, failure.errors, failure.summary);
	}

	// Registers a batch atomically: all ids are known before any `$ref` is resolved (so files may refer to each other
	// in any order), and a failure removes everything this batch gave ajv.
	#addAll(items: ReadonlyArray<{readonly schema: unknown; readonly topic: string | undefined; readonly path: string | undefined}>): void {
		const batch = new Map<string, PreparedSchema>();
		for (const item of items) {
			const prepared = guard(item.path, () => prepareSchema(item.schema, item.topic, item.path));
			const existing = prepared.topic === envelopeSchemaId ? envelopeCanonical : this.#schemas.get(prepared.topic)?.canonical ?? batch.get(prepared.topic)?.canonical;
			if (existing === undefined) batch.set(prepared.topic, prepared);
			else if (existing !== prepared.canonical) throw duplicateError(prepared, this.#schemas.get(prepared.topic)?.entry.path ?? batch.get(prepared.topic)?.path);
		}
		const isKnown = (id: string): boolean => id === envelopeSchemaId || this.#schemas.has(id) || batch.has(id);
		const added: string[] = [];
		const compiled: CompiledSchema[] = [];
		try {
			const ajvSchemas = [...batch.values()].map(prepared => guard(prepared.path, () => toAjvSchema(prepared, isKnown)));
			for (const [index, prepared] of [...batch.values()].entries()) {
				// Recorded first: ajv keeps a schema it rejected as invalid under its id.
				added.push(internalId(prepared.topic));
				guard(prepared.path, () => this.#ajv.addSchema(ajvSchemas[index]!));
			}
			for (const prepared of batch.values()) {
				const validate = guard(prepared.path, () => this.#ajv.getSchema(internalId(prepared.topic))!);
				compiled.push({entry: {topic: prepared.topic, schema: prepared.schema, path: prepared.path}, canonical: prepared.canonical, validate, hasRefs: prepared.canonical.includes('"$ref"')});
			}
		} catch (error) {
			for (const id of added) this.#ajv.removeSchema(id);
			throw error;
		}
		for (const item of compiled) this.#schemas.set(item.entry.topic, item);
		if (compiled.length > 0) this.#sortedTopics = undefined;
	}
}

function runCompiled(compiled: CompiledSchema, payload: unknown): Failure | undefined {
	return (compiled.hasRefs ? checkTreeSize(payload) : undefined) ?? runValidator(compiled.validate, payload);
}

// Counts the payload's values as the validator would reach them (a shared object once per reference), iteratively
// and with a budget: linear in the payload's size, and a cycle or an exponential DAG stops at the budget.
function checkTreeSize(payload: unknown): Failure | undefined {
	const pending: unknown[] = [payload];
	let count = 0;
	try {
		while (pending.length > 0) {
			const value = pending.pop();
			if (typeof value !== 'object' || value === null) continue;
			const children = Array.isArray(value) ? value : Object.values(value);
			count += children.length;
			if (count > maxTreeValues) {
				const message = `is too large to validate: more than ${maxTreeValues} values when shared objects are counted once per reference (a cycle, or deeply shared subobjects)`;
				const errors = [{instancePath: '', schemaPath: '#', keyword: 'size', params: {limit: maxTreeValues}, message}];
				return {errors, summary: summarizeErrors(errors)};
			}
			for (const child of children) if (typeof child === 'object' && child !== null) pending.push(child);
		}
	} catch {
		// A getter or proxy trap that throws: the validator reports it, with its message.
	}
	return undefined;
}

// Runs a compiled validator on an untrusted payload. A stack overflow (deep nesting under a recursive schema) or a
// throwing getter or proxy trap must reject the payload, not escape into the publisher.
function runValidator(validate: ValidateFunction, payload: unknown): Failure | undefined {
	try {
		if (validate(payload)) return undefined;
	} catch (error) {
		const tooDeep = error instanceof RangeError;
		const message = tooDeep
			? `is nested too deeply or is too large to validate (${error.message})`
			: `could not be validated: ${describeThrown(error)}`;
		const errors = [{instancePath: '', schemaPath: '#', keyword: tooDeep ? 'depth' : 'exception', params: {}, message}];
		return {errors, summary: summarizeErrors(errors)};
	}
	const all = validate.errors ?? [];
	const errors = (all.length > maxKeptErrors ? all.slice(0, maxKeptErrors) : [...all]).map(error => copyError(error));
	return {errors, summary: summarizeErrors(errors, all.length)};
}

// ajv reuses `validate.errors` on the next call; the error handed out must not change under the caller.
function copyError(error: ErrorObject): SchemaErrorObject {
	const copy: {-readonly [K in keyof SchemaErrorObject]: SchemaErrorObject[K]} = {
		instancePath: error.instancePath,
		schemaPath: error.schemaPath,
		keyword: error.keyword,
		params: {...error.params},
	};
	if (error.message !== undefined) copy.message = error.message;
	return copy;
}

function noSchemaError(topic: string): SchemaValidationError {
	const message = 'has no schema, and the validation mode is strict';
	return new SchemaValidationError(topic, [{instancePath: '', schemaPath: '', keyword: 'schema', params: {topic}, message}], `topic ${message}`);
}

function duplicateError(prepared: PreparedSchema, existingPath: string | undefined): SchemaRegistryError {
	const where = existingPath === undefined ? 'registered earlier' : `loaded from ${existingPath}`;
	const what = prepared.topic === envelopeSchemaId ? 'the built-in envelope schema cannot be replaced' : `a different schema for \`${prepared.topic}\` is already registered (${where})`;
	return registryError(what, prepared.path);
}

// Turns anything a step throws into a SchemaRegistryError that names the file and keeps ajv's message.
function guard<T>(path: string | undefined, step: () => T): T {
	try {
		return step();
	} catch (error) {
		if (error instanceof SchemaRegistryError) throw error;
		const message = error instanceof Error ? error.message : String(error);
		throw registryError(`invalid schema: ${message}`, path, error);
	}
}
