/**
 * The HTTP face of the collector, and the one module that imports fastify: routes, body parsing (with the raw body
 * kept for signatures), JSON Schema validation by fastify, body limit, API keys, Standard Webhooks signatures.
 */
import Fastify, {type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest} from 'fastify';
import {analyzeErrors, detectPatterns, generateReport, traceCorrelation} from './analysis.js';
import {verifyWebhookSignature, type ApiKey, type KeyRing} from './auth.js';
import {CollectorClosedError, CollectorQueryError} from './errors.js';
import type {IngestResult, Ingestor} from './ingest.js';
import type {CollectorMetrics, RejectReason} from './metrics.js';
import type {RateLimiter} from './rate-limit.js';
import {describeQuery, parseFilter, parseQuery} from './query.js';
import type {StaticFiles} from './static-files.js';
import type {EventStore} from './types.js';
import {anyEventSchema, cloudEventSchema, toCollectedEvent, type EventProblem} from './wire-format.js';

/** What the routes need from the collector. */
export interface HttpServerContext {
	readonly store: EventStore;
	readonly ingestor: Ingestor;
	readonly metrics: CollectorMetrics;
	readonly keyRing: KeyRing;
	readonly signingSecrets: readonly Buffer[];
	readonly signatureToleranceSeconds: number;
	readonly staticFiles: StaticFiles | undefined;
	readonly queryLimiter?: RateLimiter | undefined;
	readonly bodyLimit: number;
	readonly maxBatchEvents: number;
	readonly health: () => Record<string, unknown>;
	readonly renderMetrics: () => string;
}

declare module 'fastify' {
	interface FastifyRequest {
		rawBody?: string;
		apiKey?: ApiKey | undefined;
	}
}

/** The Content-Security-Policy of the dashboard's files: nothing inline, nothing from elsewhere. */
export const dashboardCsp = "default-src 'self'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'; object-src 'none'";

const jsonTypes = ['application/json', 'application/cloudevents+json', 'application/cloudevents-batch+json'];

function header(request: FastifyRequest, name: string): string | undefined {
	const value = request.headers[name];
	return Array.isArray(value) ? value[0] : value;
}

/** The API key a request presents: `x-api-key`, or `Authorization: Bearer KEY`. */
export function presentedKey(headers: Readonly<Record<string, string | string[] | undefined>>): string | undefined {
	const direct = headers['x-api-key'];
	if (typeof direct === 'string' && direct !== '') return direct;
	const authorization = headers['authorization'];
	if (typeof authorization === 'string') {
		const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
		if (match !== null) return match[1];
	}
	return undefined;
}

function decodeHeaderValue(value: string): string {
	try {
		return decodeURIComponent(value);
	} catch {
		return value;
	}
}

/** A CloudEvent in binary mode (attributes in `ce-*` headers, data in the body) as a structured one. */
function fromBinaryMode(request: FastifyRequest, body: string, parseJson: (text: string) => unknown): Record<string, unknown> {
	const event: Record<string, unknown> = {};
	for (const [name, value] of Object.entries(request.headers)) {
		if (name.startsWith('ce-') && typeof value === 'string') event[name.slice(3)] = decodeHeaderValue(value);
	}
	const contentType = header(request, 'content-type') ?? 'application/json';
	event['datacontenttype'] = contentType;
	if (body !== '') event['data'] = /json/i.test(contentType) ? parseJson(body) : body;
	return event;
}

/** Maps ajv's errors onto `{index, field, message}`, one per problem, for a single event or a batch. */
function validationProblems(error: FastifyError, batch: boolean): EventProblem[] {
	const problems: EventProblem[] = [];
	for (const item of error.validation ?? []) {
		// `if` only says "the then/else branch failed"; that branch's own errors say why.
		if (item.keyword === 'if') continue;
		const path = item.instancePath.split('/').slice(1);
		const index = batch && path.length > 0 && /^\d+$/.test(path[0]!) ? Number(path.shift()) : 0;
		const missing = (item.params as {missingProperty?: string}).missingProperty;
		const field = missing ?? (path.join('.') || (batch && item.instancePath === '' ? 'body' : 'event'));
		problems.push({index, field, message: item.message ?? 'is invalid'});
	}
	return problems;
}

function invalidReply(reply: FastifyReply, problems: readonly EventProblem[], batch: boolean): FastifyReply {
	const failed = new Set(problems.map(problem => problem.index)).size;
	const summary = problems
		.slice(0, 5)
		.map(problem => (batch ? `event ${problem.index}: ${problem.field} ${problem.message}` : `${problem.field} ${problem.message}`))
		.join('; ');
	return reply.code(400).send({error: 'invalid_event', message: `Nothing was stored: ${summary}`, collected: 0, failed, errors: problems});
}

function ingestReply(reply: FastifyReply, result: IngestResult, batch: boolean): FastifyReply {
	switch (result.kind) {
		case 'invalid':
			return invalidReply(reply, result.problems, batch);
		case 'forbidden':
			return reply.code(403).send({error: 'forbidden', message: `This API key may only write events of source \`${result.keySource}\`, got \`${result.source}\``});
		case 'too-large':
			return reply.code(413).send({error: 'too_large', message: `${result.count} events of source \`${result.source}\` in one request exceed its rate-limit burst of ${result.burst}`});
		case 'rate-limited':
			return reply
				.code(429)
				.header('retry-after', String(Math.ceil(result.retryAfterMs / 1000)))
				.send({error: 'rate_limited', message: `Rate limit exceeded for source \`${result.source}\``, source_system: result.source, retry_after_ms: result.retryAfterMs});
		case 'stored':
			if (!batch) {
				const duplicate = result.duplicates > 0;
				return reply.code(duplicate ? 200 : 201).send({event_id: result.eventIds[0], status: duplicate ? 'duplicate' : 'collected'});
			}
			return reply
				.code(result.collected > 0 ? 201 : 200)
				.send({collected: result.collected, duplicates: result.duplicates, failed: 0, status: 'batch_completed', event_ids: result.eventIds});
	}
}

const publicPaths = (url: string): boolean => url === '/' || url === '/health' || url.startsWith('/dashboard/') || url === '/favicon.ico';

/** Builds the fastify app with every route. It does not listen; the caller does. */
export function createHttpServer(context: HttpServerContext): FastifyInstance {
	const app = Fastify({
		bodyLimit: context.bodyLimit,
		// A client has a minute to send a whole request (slow-loris protection; fastify's default is no limit).
		requestTimeout: 60_000,
		logger: false,
		onProtoPoisoning: 'error',
		onConstructorPoisoning: 'error',
		ajv: {customOptions: {allErrors: true, coerceTypes: false, removeAdditional: false, useDefaults: false}},
		routerOptions: {maxParamLength: 512},
	});
	registerBodyParser(app);
	registerAuth(app, context);
	if (context.queryLimiter !== undefined) registerQueryRateLimit(app, context.queryLimiter, context.metrics);
	registerErrorHandler(app, context.metrics);
	registerIngestRoutes(app, context);
	registerReadRoutes(app, context);
	registerOperateRoutes(app, context);
	return app;
}

/** JSON (and CloudEvents binary mode) parsed with fastify's own poisoning-safe parser; the raw text kept for signatures. */
function registerBodyParser(app: FastifyInstance): void {
	const defaultJson = app.getDefaultJsonParser('error', 'error') as (request: FastifyRequest, body: string, done: (error: Error | null, value?: unknown) => void) => void;
	const parseJson = (text: string): unknown => {
		let parsed: unknown;
		let failure: Error | undefined;
		defaultJson({} as FastifyRequest, text, (error, value) => {
			failure = error ?? undefined;
			parsed = value;
		});
		if (failure !== undefined) throw failure;
		return parsed;
	};
	app.removeAllContentTypeParsers();
	app.addContentTypeParser([...jsonTypes, 'text/plain'], {parseAs: 'string'}, (request, body, done) => {
		const text = body as string;
		request.rawBody = text;
		try {
			const binary = header(request, 'ce-specversion') !== undefined && request.url.split('?')[0] === '/events';
			if (binary) done(null, fromBinaryMode(request, text, parseJson));
			else if (/json/i.test(header(request, 'content-type') ?? '')) done(null, parseJson(text));
			else done(null, text);
		} catch (error) {
			const failure = error as FastifyError;
			failure.statusCode = 400;
			done(failure, undefined);
		}
	});
}

/** API keys on every route but the public ones (health and the dashboard's files). */
function registerAuth(app: FastifyInstance, context: HttpServerContext): void {
	app.addHook('onRequest', async (request, reply) => {
		if (context.keyRing.isEmpty || (request.method === 'GET' && publicPaths(request.url.split('?')[0]!))) return;
		const presented = presentedKey(request.headers);
		const key = presented === undefined ? undefined : context.keyRing.find(presented);
		if (key === undefined) {
			context.metrics.reject('unauthorized');
			const message = presented === undefined ? 'An API key is required: `x-api-key: KEY` or `Authorization: Bearer KEY`' : 'Unknown API key';
			return reply.code(401).header('www-authenticate', 'Bearer').send({error: 'unauthorized', message});
		}
		request.apiKey = key;
	});
}

/** One request per read for each client (its API key, else its address); after authentication, so keys are known. */
function registerQueryRateLimit(app: FastifyInstance, limiter: RateLimiter, metrics: CollectorMetrics): void {
	app.addHook('onRequest', async (request, reply) => {
		// fastify answers HEAD with the GET handler: it runs the same query, so it is a read too.
		if ((request.method !== 'GET' && request.method !== 'HEAD') || publicPaths(request.url.split('?')[0]!)) return;
		const client = request.apiKey === undefined ? `address:${request.ip}` : `key:${request.apiKey.key}`;
		const decision = limiter.take(new Map([[client, 1]]));
		if (decision.allowed) return;
		metrics.queryRateLimited++;
		return reply
			.code(429)
			.header('retry-after', String(Math.ceil(decision.retryAfterMs / 1000)))
			.send({error: 'rate_limited', message: 'Too many read requests from this client', retry_after_ms: decision.retryAfterMs});
	});
}

function registerErrorHandler(app: FastifyInstance, metrics: CollectorMetrics): void {
	app.setErrorHandler((error: FastifyError, request, reply) => {
		const batch = request.url.split('?')[0] === '/events/batch';
		if (error.validation !== undefined) {
			const problems = validationProblems(error, batch);
			metrics.reject('invalid', batch && Array.isArray(request.body) ? request.body.length : 1);
			return invalidReply(reply, problems, batch);
		}
		if (error instanceof CollectorQueryError) return reply.code(400).send({error: 'invalid_query', parameter: error.parameter, message: error.message});
		if (error instanceof CollectorClosedError) return reply.code(503).send({error: 'unavailable', message: error.message});
		const status = error.statusCode ?? 500;
		if (status >= 500) {
			metrics.reject('store-error');
			return reply.code(500).send({error: 'internal', message: 'The collector could not complete the request; nothing was acknowledged'});
		}
		const reason: RejectReason | undefined = status === 413 ? 'too-large' : status === 415 ? 'unsupported-media-type' : status === 400 ? 'invalid' : undefined;
		if (reason !== undefined) metrics.reject(reason);
		const code = status === 413 ? 'too_large' : status === 415 ? 'unsupported_media_type' : status === 400 ? 'invalid_body' : 'bad_request';
		return reply.code(status).send({error: code, message: error.message});
	});
}

function registerIngestRoutes(app: FastifyInstance, context: HttpServerContext): void {
	const verifySignature = async (request: FastifyRequest, reply: FastifyReply) => {
		if (context.signingSecrets.length === 0) return;
		const failure = verifyWebhookSignature(
			{id: header(request, 'webhook-id'), timestamp: header(request, 'webhook-timestamp'), signature: header(request, 'webhook-signature')},
			request.rawBody ?? '',
			context.signingSecrets,
			Math.floor(Date.now() / 1000),
			context.signatureToleranceSeconds,
		);
		if (failure !== undefined) {
			context.metrics.reject('bad-signature');
			return reply.code(401).send({error: 'bad_signature', reason: failure, message: `Standard Webhooks signature refused: ${failure}`});
		}
	};
	const batchSchema = (items: object) => ({type: 'array', maxItems: context.maxBatchEvents, items});
	app.post('/events', {
		schema: {body: {content: {'application/json': {schema: anyEventSchema}, 'application/cloudevents+json': {schema: cloudEventSchema}, 'text/plain': {schema: cloudEventSchema}}}},
		preValidation: verifySignature,
		handler: async (request, reply) => {
			const result = await context.ingestor.ingest({events: [request.body], batch: false, key: request.apiKey, webhookId: header(request, 'webhook-id')});
			return ingestReply(reply, result, false);
		},
	});
	app.post('/events/batch', {
		schema: {body: {content: {'application/json': {schema: batchSchema(anyEventSchema)}, 'application/cloudevents-batch+json': {schema: batchSchema(cloudEventSchema)}}}},
		preValidation: verifySignature,
		handler: async (request, reply) => {
			if (!Array.isArray(request.body)) return invalidReply(reply, [{index: 0, field: 'body', message: 'must be a JSON array of events'}], true);
			const result = await context.ingestor.ingest({events: request.body as unknown[], batch: true, key: request.apiKey, webhookId: header(request, 'webhook-id')});
			return ingestReply(reply, result, true);
		},
	});
}

function analysisHours(request: FastifyRequest, fallback: number): number {
	const {hours, days} = request.query as {hours?: unknown; days?: unknown};
	const parse = (value: unknown, name: string, max: number): number => {
		if (typeof value !== 'string' || !/^\d{1,5}$/.test(value) || Number(value) < 1 || Number(value) > max) {
			throw new CollectorQueryError(name, `expected an integer from 1 to ${max}, got \`${String(value)}\``);
		}
		return Number(value);
	};
	if (hours !== undefined) return parse(hours, 'hours', 24 * 366);
	if (days !== undefined) return parse(days, 'days', 366) * 24;
	return fallback;
}

function registerReadRoutes(app: FastifyInstance, context: HttpServerContext): void {
	const {store} = context;
	app.get('/events', async request => {
		const query = parseQuery(request.query as Record<string, unknown>);
		const page = await store.query(query);
		return {events: page.events.map(toCollectedEvent), count: page.events.length, next_cursor: page.nextCursor, query: describeQuery(query)};
	});
	app.get('/events/stats', async request => store.stats(parseFilter(request.query as Record<string, unknown>)));
	app.get('/events/correlation/:id', async request => {
		const {id} = request.params as {id: string};
		const {events, tree} = traceCorrelation(await store.byCorrelation(id));
		return {correlation_id: id, events, count: events.length, tree};
	});
	app.get('/events/:id', async (request, reply) => {
		const {id} = request.params as {id: string};
		const record = await store.get(id);
		if (record === undefined) return reply.code(404).send({error: 'not_found', message: `No event with id \`${id}\``});
		return toCollectedEvent(record);
	});
	app.get('/analysis/errors', async request => analyzeErrors(store, {hours: analysisHours(request, 24)}));
	app.get('/analysis/patterns', async request => detectPatterns(store, {hours: analysisHours(request, 24 * 7)}));
	app.get('/analysis/report', async request => generateReport(store, {hours: analysisHours(request, 24)}));
}

function registerOperateRoutes(app: FastifyInstance, context: HttpServerContext): void {
	app.get('/health', async (_request, reply) => {
		const health = context.health();
		return reply.code(health['status'] === 'healthy' ? 200 : 503).send(health);
	});
	app.get('/metrics', async (_request, reply) => reply.type('text/plain; version=0.0.4; charset=utf-8').send(context.renderMetrics()));
	const sendStatic = async (reply: FastifyReply, path: string) => {
		const file = context.staticFiles === undefined ? undefined : await context.staticFiles.read(path);
		if (file === undefined) return reply.code(404).send({error: 'not_found', message: 'No such dashboard file'});
		return reply.type(file.contentType).header('content-security-policy', dashboardCsp).header('x-content-type-options', 'nosniff').send(file.body);
	};
	app.get('/', async (_request, reply) => sendStatic(reply, 'index.html'));
	app.get('/dashboard/*', async (request, reply) => sendStatic(reply, (request.params as {'*': string})['*']));
}
