#!/usr/bin/env node
/**
 * The `topicbus` command line: exports a schema folder as OpenAPI or AsyncAPI, or writes its TypeScript types.
 * Importing this module has no side effects; it runs {@link main} only when executed directly.
 */
import {mkdirSync, writeFileSync} from 'node:fs';
import {dirname, resolve} from 'node:path';
import {parseArgs} from 'node:util';
import {EventBusError} from './errors.js';
import {isEntryPoint} from './internal/entry-point.js';
import {toAsyncApi} from './schema/asyncapi.js';
import {generateTypes} from './schema/generate-types.js';
import {toOpenApi} from './schema/openapi.js';
import {SchemaRegistry} from './schema/schema-registry.js';

/** Where {@link main} writes: one function per stream, each given whole chunks of text. */
export interface CliIo {
	readonly stdout: (text: string) => void;
	readonly stderr: (text: string) => void;
}

/** The exit codes of {@link main}. */
export const ExitCode = {ok: 0, failure: 1, usage: 2} as const;

const usage = `Usage:
  topicbus schemas export --format openapi|asyncapi [--dir schemas] [--out file] [--title T] [--version V]
  topicbus schemas types [--dir schemas] [--out file]

Options:
  --format   openapi (OpenAPI 3.1, one webhook per topic) or asyncapi (AsyncAPI 3.0, one channel per topic)
  --dir      the folder of JSON Schemas, one per topic with the topic in $id (default: schemas)
  --out      the file to write (default: standard output)
  --title    the document's title (default: "topicbus events")
  --version  the document's version (default: 1.0.0)
  --help     show this help
`;

const defaultIo: CliIo = {
	stdout: text => process.stdout.write(text),
	stderr: text => process.stderr.write(text),
};

// A bad command line: reported with the usage text and exit code 2.
class UsageError extends Error {}

/**
 * Runs the command line `argv` (without the `node` and script entries) and returns the exit code: 0 on success,
 * 2 for bad arguments (with the usage on stderr), 1 when the schemas cannot be loaded or the output cannot be
 * written (the message, naming the broken file, on stderr). Never throws for bad input. `--dir` and `--out` are
 * resolved against the current directory.
 */
export function main(argv: readonly string[], io: CliIo = defaultIo): number {
	let command: Command;
	try {
		command = parseCommand(argv);
	} catch (error) {
		if (!(error instanceof UsageError || isParseArgsError(error))) throw error;
		io.stderr(`topicbus: ${(error as Error).message}\n\n${usage}`);
		return ExitCode.usage;
	}
	if (command.kind === 'help') {
		io.stdout(usage);
		return ExitCode.ok;
	}
	try {
		const registry = SchemaRegistry.from(resolve(command.dir));
		const text =
			command.kind === 'types'
				? generateTypes(registry)
				: `${JSON.stringify((command.format === 'openapi' ? toOpenApi : toAsyncApi)(registry, {title: command.title, version: command.version}), undefined, 2)}\n`;
		if (command.out === undefined) {
			io.stdout(text);
		} else {
			const out = resolve(command.out);
			mkdirSync(dirname(out), {recursive: true});
			writeFileSync(out, text);
			const what = command.kind === 'types' ? 'types' : `${command.format === 'openapi' ? 'OpenAPI 3.1' : 'AsyncAPI 3.0'} document`;
			io.stdout(`Wrote ${what} for ${registry.size} topic(s) to ${out}\n`);
		}
		return ExitCode.ok;
	} catch (error) {
		// Schema errors carry the file's path; file-system errors carry theirs.
		const message = error instanceof EventBusError || isSystemError(error) ? error.message : String(error);
		io.stderr(`topicbus: ${message}\n`);
		return ExitCode.failure;
	}
}

type Command =
	| {readonly kind: 'help'}
	| {readonly kind: 'types'; readonly dir: string; readonly out: string | undefined}
	| {
			readonly kind: 'export';
			readonly format: 'openapi' | 'asyncapi';
			readonly dir: string;
			readonly out: string | undefined;
			readonly title: string;
			readonly version: string;
	  };

function parseCommand(argv: readonly string[]): Command {
	if (!Array.isArray(argv) || argv.some(argument => typeof argument !== 'string')) throw new UsageError('arguments must be strings');
	const {values, positionals} = parseArgs({
		args: [...argv],
		allowPositionals: true,
		strict: true,
		options: {
			format: {type: 'string'},
			dir: {type: 'string', default: 'schemas'},
			out: {type: 'string'},
			title: {type: 'string', default: 'topicbus events'},
			version: {type: 'string', default: '1.0.0'},
			help: {type: 'boolean', short: 'h'},
		},
	});
	if (values.help === true) return {kind: 'help'};
	const [group, action, ...rest] = positionals;
	if (group !== 'schemas') throw new UsageError(group === undefined ? 'missing command' : `unknown command \`${group}\``);
	if (rest.length > 0) throw new UsageError(`unexpected argument \`${rest[0]}\``);
	for (const name of ['dir', 'out', 'title', 'version'] as const) {
		if (values[name] === '') throw new UsageError(`--${name} cannot be empty`);
	}
	if (action === 'types') {
		if (values.format !== undefined) throw new UsageError('--format applies to `schemas export` only');
		return {kind: 'types', dir: values.dir, out: values.out};
	}
	if (action !== 'export') throw new UsageError(action === undefined ? 'missing subcommand: export or types' : `unknown subcommand \`${action}\``);
	if (values.format !== 'openapi' && values.format !== 'asyncapi') {
		throw new UsageError(values.format === undefined ? 'missing --format openapi|asyncapi' : `unknown format \`${values.format}\`: use openapi or asyncapi`);
	}
	return {kind: 'export', format: values.format, dir: values.dir, out: values.out, title: values.title, version: values.version};
}

function isParseArgsError(error: unknown): boolean {
	const code: unknown = error instanceof TypeError ? (error as unknown as {code?: unknown}).code : undefined;
	return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS');
}

function isSystemError(error: unknown): error is Error {
	return error instanceof Error && typeof (error as {code?: unknown}).code === 'string';
}

if (isEntryPoint(import.meta.url)) process.exitCode = main(process.argv.slice(2));
