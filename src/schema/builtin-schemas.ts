/**
 * The schemas that ship with topicbus: the event envelope and the payloads of the bus's own `$`-topics.
 *
 * They are `as const` objects so that `FromSchema` gives their types; `schemas/envelope.schema.json` and
 * `schemas/bus/*.json` are copies for tools that read files, and a test keeps each copy equal to its constant.
 */
import {deadLetterTopic} from '../routing/index.js';

/** The `$id` of the envelope schema. It contains `/`, so it can never be mistaken for a topic. */
export const envelopeSchemaId = 'topicbus/envelope';

/** A regular expression source for one concrete topic (SPEC section 1), as used in the envelope's `topic` field. */
const topicPattern = '^(?:\\$[A-Za-z0-9_:-]{1,63}|[A-Za-z0-9_:-]{1,64})(?:\\.[A-Za-z0-9_:-]{1,64}){0,31}$';

/**
 * The event envelope every subscriber receives (`BusEvent`), with any payload. Topic schemas may `$ref` it by
 * {@link envelopeSchemaId}; the exports combine it with each topic's payload schema.
 */
export const envelopeSchema = {
	$schema: 'https://json-schema.org/draft/2020-12/schema',
	$id: envelopeSchemaId,
	title: 'Event envelope',
	description: 'One event as the bus delivers it. Maps 1:1 onto CloudEvents 1.0 (id, type = topic, source, time = timestamp, data = payload).',
	type: 'object',
	required: ['id', 'topic', 'payload', 'timestamp', 'source', 'correlationId', 'priority', 'metadata'],
	properties: {
		id: {type: 'string', minLength: 1, description: 'Unique, and sortable by creation time.'},
		topic: {type: 'string', maxLength: 256, pattern: topicPattern, description: 'The concrete topic, e.g. `order.created`.'},
		payload: {description: 'The topic\'s payload; its schema is the one whose `$id` is the topic.'},
		timestamp: {type: 'number', minimum: 0, description: 'When the bus accepted the event, in milliseconds since the epoch.'},
		source: {type: 'string', description: 'Who published the event.'},
		correlationId: {type: 'string', minLength: 1, description: 'Shared by every event of one workflow.'},
		causationId: {type: 'string', minLength: 1, description: 'The id of the event whose handler published this one.'},
		priority: {type: 'integer', description: 'Higher is dispatched first among queued events.'},
		metadata: {type: 'object', description: 'Free-form data added by the publisher.'},
	},
	additionalProperties: false,
} as const;

/** The payload of `$bus.dead-letter`: an event that could not be delivered, and why. */
export const deadLetterSchema = {
	$schema: 'https://json-schema.org/draft/2020-12/schema',
	$id: deadLetterTopic,
	title: 'Dead letter',
	description: 'An event that was not delivered to a subscription: its handler failed after the last attempt, its filter threw, or it was dropped.',
	type: 'object',
	required: ['event', 'error', 'attempts', 'failedAt', 'reason'],
	properties: {
		event: {$ref: envelopeSchemaId},
		error: {
			type: 'object',
			description: 'The last error, serialized; an error\'s own fields (such as `code`) are kept.',
			required: ['name', 'message'],
			properties: {
				name: {type: 'string'},
				message: {type: 'string'},
				code: {type: 'string'},
				stack: {type: 'string'},
			},
		},
		subscription: {
			type: 'object',
			description: 'The subscription that could not take the event; absent when it was dropped before dispatch.',
			required: ['id', 'pattern'],
			properties: {
				id: {type: 'string'},
				name: {type: 'string'},
				pattern: {type: 'string'},
			},
			additionalProperties: false,
		},
		attempts: {type: 'integer', minimum: 0},
		failedAt: {type: 'number', minimum: 0, description: 'Milliseconds since the epoch.'},
		reason: {enum: ['handler-failed', 'filter-failed', 'queue-overflow', 'subscriber-overflow', 'shutdown']},
	},
	additionalProperties: false,
} as const;

/** The payload schemas of the bus's own `$`-topics, registered in every registry unless `builtins: false`. */
export const busSchemas = [deadLetterSchema] as const;
