/**
 * The schema layer's public surface, loadable on its own as the `topicbus/schema` entry (it needs nothing from the
 * core): the registry (the only owner of ajv), the pure exporters and type generator, the built-in schemas, the
 * type-level inference, and the errors the registry raises. Importing it loads ajv; `validation-mode.ts` does not.
 */
export {SchemaRegistry} from './schema-registry.js';
export {validationModes} from './validation-mode.js';
export {SchemaRegistryError, SchemaValidationError} from '../errors.js';
export {toOpenApi} from './openapi.js';
export {toAsyncApi, jsonSchemaFormat} from './asyncapi.js';
export {generateTypes} from './generate-types.js';
export {busSchemas, deadLetterSchema, envelopeSchema, envelopeSchemaId} from './builtin-schemas.js';
export {fromComponentName, toComponentName} from './component-name.js';

export type {JsonSchema, SchemaEntry, SchemaRegistryOptions, ValidationResult} from './schema-registry.js';
export type {ValidationMode} from './validation-mode.js';
export type {SchemaErrorObject} from '../errors.js';
export type {OpenApiDocument} from './openapi.js';
export type {AsyncApiDocument} from './asyncapi.js';
export type {ApiInfo} from './export-schemas.js';
export type {SchemaSource} from './generate-types.js';
export type {EventMapFromSchemas, FromSchema, SchemaLike} from './from-schema.js';
