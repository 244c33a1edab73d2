/**
 * Compile-time payload types inferred from `as const` JSON Schemas, so that one schema object drives both
 * validation and types. `generate-types.ts` emits the same types as source text; the two follow the same rules:
 *
 * - `type` `string` / `number` / `integer` / `boolean` / `null` / `object` / `array`, or a list of them (a union);
 * - `enum` and `const` give literal types; `anyOf` / `oneOf` a union, `allOf` an intersection;
 * - `properties` with `required` (others optional); `additionalProperties: false` closes the object, a schema
 *   for it with no `properties` gives a record, anything else adds `[key: string]: unknown`;
 * - `items` gives an array; `true`, `{}`, `$ref` and keywords outside this list give `unknown`.
 */

/** A read-only JSON Schema, as written with `as const`. */
export type SchemaLike = boolean | {readonly [keyword: string]: unknown};

/**
 * The payload type a JSON Schema describes. Use it with a schema declared `as const`.
 * @example
 * ```ts
 * const schema = {type: 'object', required: ['id'], properties: {id: {type: 'string'}}, additionalProperties: false} as const;
 * type Payload = FromSchema<typeof schema>; // {id: string}
 * ```
 */
export type FromSchema<Schema> = Schema extends true
	? unknown
	: Schema extends false
		? never
		: Schema extends {readonly const: infer Value}
			? Value
			: Schema extends {readonly enum: readonly (infer Value)[]}
				? Value
				: Schema extends {readonly anyOf: readonly unknown[]}
					? FromSchema<Schema['anyOf'][number]>
					: Schema extends {readonly oneOf: readonly unknown[]}
						? FromSchema<Schema['oneOf'][number]>
						: Schema extends {readonly allOf: readonly unknown[]}
							? Intersect<Schema['allOf'][number]>
							: Schema extends {readonly $ref: string}
								? unknown
								: Schema extends {readonly type: infer Type}
									? FromType<Schema, Type extends readonly unknown[] ? Type[number] : Type>
									: Schema extends {readonly properties: object}
										? FromObject<Schema>
										: unknown;

/**
 * An event map (topic → payload type) from a tuple of `as const` topic schemas, keyed by each schema's `$id`.
 * @example
 * ```ts
 * type Events = EventMapFromSchemas<[typeof orderCreated, typeof orderShipped]>;
 * const bus = new EventBus<Events>({schemas: [orderCreated, orderShipped]});
 * ```
 */
export type EventMapFromSchemas<Schemas extends readonly {readonly $id: string}[]> = {
	[Schema in Schemas[number] as Schema['$id']]: FromSchema<Schema>;
};

type FromType<Schema, Type> = Type extends 'string'
	? string
	: Type extends 'number' | 'integer'
		? number
		: Type extends 'boolean'
			? boolean
			: Type extends 'null'
				? null
				: Type extends 'array'
					? FromArray<Schema>
					: Type extends 'object'
						? FromObject<Schema>
						: unknown;

type FromArray<Schema> = Schema extends {readonly items: infer Items} ? (Items extends readonly unknown[] ? unknown[] : Array<FromSchema<Items>>) : unknown[];

type FromObject<Schema> = Schema extends {readonly properties: infer Properties extends object}
	? [keyof Properties] extends [never]
		? FromMap<Schema>
		: Simplify<
				{-readonly [Key in keyof Properties as Key extends RequiredKeys<Schema> ? Key : never]: FromSchema<Properties[Key]>} & {
					-readonly [Key in keyof Properties as Key extends RequiredKeys<Schema> ? never : Key]?: FromSchema<Properties[Key]>;
				} & (Schema extends {readonly additionalProperties: false} ? unknown : {[key: string]: unknown})
			>
	: FromMap<Schema>;

// An object schema without named properties: closed, a record of one schema, or open.
type FromMap<Schema> = Schema extends {readonly additionalProperties: false}
	? Record<string, never>
	: Schema extends {readonly additionalProperties: infer Additional extends SchemaLike}
		? {[key: string]: FromSchema<Additional>}
		: {[key: string]: unknown};

type RequiredKeys<Schema> = Schema extends {readonly required: readonly (infer Key)[]} ? Key : never;

// The intersection of the types of a union of subschemas: inferring from a union of parameter positions intersects.
type Intersect<Schemas> = (Schemas extends unknown ? (value: FromSchema<Schemas>) => void : never) extends (value: infer Value) => void
	? Value
	: never;

// Flattens intersections into one object type, so hovers and type errors read like the schema.
type Simplify<Type> = Type extends object ? {[Key in keyof Type]: Type[Key]} & {} : Type;
