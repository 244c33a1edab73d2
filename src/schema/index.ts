/**
 * The schema layer's public surface, for `src/index.ts` to re-export: the registry (the only owner of ajv), the
 * pure exporters and type generator, the built-in schemas and the type-level inference.
 */
export {SchemaRegistry, validationModes} from './schema-registry.js';
export {toOpenApi} from './openapi.js';
export {toAsyncApi, jsonSchemaFormat} from './asyncapi.js';
export {generateTypes} from './generate-types.js';
export {busSchemas, deadLetterSchema, envelopeSchema, envelopeSchemaId} from './builtin-schemas.js';
export {fromComponentName, toComponentName} from './component-name.js';

export type {JsonSchema, SchemaEntry, SchemaRegistryOptions, ValidationMode, ValidationResult} from './schema-registry.js';
export type {OpenApiDocument} from './openapi.js';
export type {AsyncApiDocument} from './asyncapi.js';
export type {ApiInfo} from './export-schemas.js';
export type {SchemaSource} from './generate-types.js';
export type {EventMapFromSchemas, FromSchema, SchemaLike} from './from-schema.js';
