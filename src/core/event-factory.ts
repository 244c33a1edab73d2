import type {HandlerContext} from '../delivery/handler-context.js';
import {InvalidPayloadError} from '../errors.js';
import {describeValue} from '../internal/assert.js';
import type {Router} from '../routing/router.js';
import type {ValidationMode} from '../schema/schema-registry.js';
import type {PayloadValidator} from './bus-options.js';
import type {BusEvent, PublishOptions} from '../types.js';
import {Clock, type TimestampMode} from './clock.js';
import {deepFreeze} from './deep-freeze.js';
import {createEnvelope} from './envelope.js';
import {EventIdGenerator} from './event-id.js';
import {validatePublishOptions} from './publish-options.js';

/** The validator's verdict; a payload that throws while it is read (a hostile Proxy) is `InvalidPayloadError`. */
function checkSchema(schemas: PayloadValidator, topic: string, payload: unknown, mode: ValidationMode): Error | undefined {
	try {
		return schemas.check(topic, payload, mode);
	} catch (error) {
		throw new InvalidPayloadError(topic, 'unreadable', 'reading it threw while it was validated (a throwing getter or a hostile Proxy)', error);
	}
}

/** What an event factory needs from its bus. */
export interface EventFactoryOptions {
	readonly router: Router<never>;
	readonly context: HandlerContext;
	readonly source: string;
	readonly freezePayloads: boolean;
	readonly freezeEnvelopes: boolean;
	readonly timestamps: TimestampMode;
	readonly maxPayloadDepth: number;
	readonly schemas: PayloadValidator | undefined;
	readonly validation: ValidationMode;
	/** An invalid payload in `warn` mode: published anyway, and reported here. */
	readonly warn: (error: Error) => void;
}

/**
 * Turns a `publish` call into a frozen envelope: validates the topic and options, freezes the payload, stamps id
 * and time, and fills correlation from the event being handled, if any. Throws; it never queues anything.
 */
export class EventFactory {
	readonly #options: EventFactoryOptions;
	readonly #clock: Clock;
	readonly #ids = new EventIdGenerator();

	constructor(options: EventFactoryOptions) {
		this.#options = options;
		this.#clock = new Clock(options.timestamps);
	}

	/**
	 * @throws {InvalidTopicError} for a bad, wildcard or reserved topic.
	 * @throws {SchemaValidationError} for a payload its topic's schema refuses (`enforce`, `strict`), or a topic with
	 * no schema in `strict` mode.
	 * @throws {InvalidPayloadError} for a payload nested deeper than `maxPayloadDepth`.
	 * @throws {TypeError} for bad options.
	 */
	create(topic: string, payload: unknown, options: PublishOptions | undefined): BusEvent {
		const settings = this.#options;
		settings.router.validateTopic(topic);
		if (options !== undefined) validatePublishOptions(options);
		const invalid = settings.schemas === undefined ? undefined : checkSchema(settings.schemas, topic, payload, settings.validation);
		if (invalid !== undefined) {
			if (settings.validation === 'warn') settings.warn(invalid);
			else throw invalid;
		}
		deepFreeze(topic, payload, settings.maxPayloadDepth, settings.freezePayloads);
		const timestamp = this.#clock.now();
		const id = options?.id ?? this.#ids.next(timestamp);
		const parent = settings.context.current();
		return createEnvelope({
			id,
			topic,
			payload,
			timestamp,
			source: options?.source ?? settings.source,
			correlationId: options?.correlationId ?? parent?.correlationId ?? id,
			causationId: options?.causationId ?? parent?.id,
			priority: options?.priority ?? 0,
			metadata: options?.metadata,
		}, settings.freezeEnvelopes);
	}

	/** An event of the bus's own (`$bus.*`), caused by `cause`: no validation, payload frozen shallowly. */
	createInternal(topic: string, payload: object, cause: BusEvent): BusEvent {
		const timestamp = this.#clock.now();
		return createEnvelope({
			id: this.#ids.next(timestamp),
			topic,
			payload: Object.freeze({...payload}),
			timestamp,
			source: this.#options.source,
			correlationId: cause.correlationId,
			causationId: cause.id,
			priority: cause.priority,
			metadata: undefined,
		});
	}

	/** Freezes an envelope a subscription's `transform` returned. */
	freezeTransformed(event: BusEvent): BusEvent {
		if (typeof event !== 'object' || event === null || typeof event.topic !== 'string') {
			throw new TypeError(`Expected \`transform()\` to return an event envelope, got ${describeValue(event)}`);
		}
		deepFreeze(event.topic, event.payload, this.#options.maxPayloadDepth, this.#options.freezePayloads);
		if (!this.#options.freezeEnvelopes || Object.isFrozen(event)) return event;
		return Object.freeze({...event});
	}
}
