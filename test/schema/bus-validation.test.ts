import {describe, expect, it} from 'vitest';
import {BatchValidationError, EventBus, SchemaRegistry, SchemaValidationError, type PublishRejection} from '../../src/index.js';

const orderCreated = {
	$id: 'order.created',
	type: 'object',
	required: ['orderId', 'amount'],
	properties: {orderId: {type: 'string'}, amount: {type: 'number', minimum: 0}},
	additionalProperties: false,
} as const;

function createBus(validation?: 'off' | 'warn' | 'enforce' | 'strict'): EventBus {
	return new EventBus({schemas: [orderCreated], ...(validation === undefined ? {} : {validation})});
}

describe('EventBus with schemas', () => {
	it('publish() - enforce is the default: an invalid payload rejects with SchemaValidationError', async () => {
		const bus = createBus();
		const error = await bus.publish('order.created', {orderId: 'o-1', amount: -1}).catch((error: unknown) => error);
		expect(error).toBeInstanceOf(SchemaValidationError);
		expect(error).toMatchObject({code: 'ERR_SCHEMA_VALIDATION', topic: 'order.created', summary: '/amount must be >= 0'});
		expect((error as SchemaValidationError).errors[0]).toMatchObject({instancePath: '/amount', keyword: 'minimum'});
	});

	it('publish() - an invalid payload is not queued, not recorded, and counted as rejected', async () => {
		const bus = createBus();
		const seen: unknown[] = [];
		bus.subscribe('order.*', event => seen.push(event));
		await bus.publish('order.created', {orderId: 'o-1'} as never).catch(() => undefined);
		await bus.drain();
		expect(seen).toEqual([]);
		expect(bus.history()).toEqual([]);
		expect(bus.getMetrics()).toMatchObject({published: 0, rejected: 1});
	});

	it('publish() - a rejected payload is reported on the `rejected` diagnostic', async () => {
		const bus = createBus();
		const rejections: PublishRejection[] = [];
		bus.on('rejected', rejection => rejections.push(rejection));
		await bus.publish('order.created', {orderId: 7}).catch(() => undefined);
		expect(rejections).toHaveLength(1);
		expect(rejections[0]).toMatchObject({topic: 'order.created', payload: {orderId: 7}});
		expect(rejections[0]!.error).toBeInstanceOf(SchemaValidationError);
	});

	it('publish() - a valid payload is delivered', async () => {
		const bus = createBus();
		const seen: unknown[] = [];
		bus.subscribe('order.created', event => seen.push(event.payload));
		await bus.publish('order.created', {orderId: 'o-1', amount: 5});
		await bus.drain();
		expect(seen).toEqual([{orderId: 'o-1', amount: 5}]);
	});

	it('publish() - enforce lets topics without a schema through', async () => {
		const bus = createBus('enforce');
		await expect(bus.publish('order.paid', {anything: true})).resolves.toMatchObject({topic: 'order.paid'});
	});

	it('publish() - strict rejects a topic that has no schema', async () => {
		const bus = createBus('strict');
		await expect(bus.publish('order.paid', {})).rejects.toMatchObject({code: 'ERR_SCHEMA_VALIDATION', topic: 'order.paid'});
	});

	it('publish() - warn publishes an invalid payload and emits a warning', async () => {
		const bus = createBus('warn');
		const warnings: string[] = [];
		bus.on('warning', warning => warnings.push(warning.code));
		await expect(bus.publish('order.created', {orderId: 'o-1', amount: -1})).resolves.toMatchObject({topic: 'order.created'});
		expect(warnings).toEqual(['ERR_SCHEMA_VALIDATION']);
	});

	it('publish() - off skips validation', async () => {
		const bus = createBus('off');
		await expect(bus.publish('order.created', {nonsense: true})).resolves.toMatchObject({topic: 'order.created'});
	});

	it('publishBatch() - names each invalid item and queues nothing', async () => {
		const bus = createBus();
		const error = await bus
			.publishBatch([
				{topic: 'order.created', payload: {orderId: 'o-1', amount: 1}},
				{topic: 'order.created', payload: {orderId: 'o-2', amount: -1}},
				{topic: 'order.created', payload: {amount: 3}},
			])
			.catch((error: unknown) => error);
		expect(error).toBeInstanceOf(BatchValidationError);
		const {items} = error as BatchValidationError;
		expect(items.map(item => item.index)).toEqual([1, 2]);
		expect(items.every(item => item.error instanceof SchemaValidationError)).toBe(true);
		expect(bus.getMetrics().published).toBe(0);
	});

	it('new EventBus() - accepts a SchemaRegistry and loads a folder', () => {
		const registry = new SchemaRegistry().register(orderCreated);
		expect(() => new EventBus({schemas: registry})).not.toThrow();
		expect(() => new EventBus({schemas: new URL('../../schemas/examples', import.meta.url).pathname})).not.toThrow();
	});

	it('new EventBus() - a bad validation mode is a TypeError', () => {
		expect(() => new EventBus({validation: 'loose' as never})).toThrow(TypeError);
	});

	it('dead letters are published on $bus.dead-letter with the error as plain data', async () => {
		const bus = createBus();
		const letters: unknown[] = [];
		bus.subscribe('$bus.dead-letter', event => letters.push(event.payload));
		bus.subscribe('order.created', () => {
			throw new Error('boom');
		});
		await bus.publish('order.created', {orderId: 'o-1', amount: 1});
		await bus.drain();
		expect(letters).toHaveLength(1);
		const letter = letters[0] as {error: unknown; reason: string};
		expect(letter.reason).toBe('handler-failed');
		expect(letter.error).toMatchObject({name: 'Error', message: 'boom'});
		expect(letter.error).not.toBeInstanceOf(Error);
	});

	it('the published dead letter matches the built-in $bus.dead-letter schema', async () => {
		const bus = createBus();
		const letters: unknown[] = [];
		bus.subscribe('$bus.dead-letter', event => letters.push(event.payload));
		bus.subscribe('order.created', () => Promise.reject(new Error('down')), {name: 'mailer'});
		await bus.publish('order.created', {orderId: 'o-1', amount: 1});
		await bus.drain();
		const result = new SchemaRegistry().validate('$bus.dead-letter', JSON.parse(JSON.stringify(letters[0])));
		expect(result.summary).toBe('');
		expect(result.valid).toBe(true);
	});
});
