/**
 * Reads the schema files of a folder. Kept apart from the registry so that the registry itself does no I/O.
 */
import {readdirSync, readFileSync, statSync, type Dirent} from 'node:fs';
import {join} from 'node:path';
import {SchemaRegistryError} from '../errors.js';
import {describeThrown} from '../internal/bounded-json.js';

/** One file's parsed JSON and where it came from. */
export interface SchemaFile {
	readonly path: string;
	readonly content: unknown;
}

/**
 * Every `*.json` file under `dir` (recursively, sorted by path, hidden files and folders skipped), parsed.
 * Throws {@link SchemaRegistryError} with the path of a folder that cannot be read or a file that is not JSON.
 */
export function readSchemaFiles(dir: string): SchemaFile[] {
	return listJsonFiles(dir).map(path => ({path, content: readJson(path)}));
}

function listJsonFiles(dir: string): string[] {
	let entries: Dirent[];
	try {
		entries = readdirSync(dir, {withFileTypes: true});
	} catch (error) {
		throw new SchemaRegistryError(`cannot read the schema folder: ${messageOf(error)}`, {path: dir, cause: error});
	}
	const files: string[] = [];
	for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
		// Editors and VCS leave hidden files behind; they are never schemas.
		if (entry.name.startsWith('.')) continue;
		const path = join(dir, entry.name);
		// Symbolic links to folders are not followed, so a link cycle cannot make loading loop.
		if (entry.isDirectory()) files.push(...listJsonFiles(path));
		else if (entry.name.endsWith('.json') && (entry.isFile() || isLinkToFile(path))) files.push(path);
	}
	return files;
}

function isLinkToFile(path: string): boolean {
	try {
		return statSync(path).isFile();
	} catch {
		return false;
	}
}

function readJson(path: string): unknown {
	let text: string;
	try {
		text = readFileSync(path, 'utf8');
	} catch (error) {
		throw new SchemaRegistryError(`cannot read the schema file: ${messageOf(error)}`, {path, cause: error});
	}
	try {
		return JSON.parse(text) as unknown;
	} catch (error) {
		// The parser's message quotes the file's first bytes (Node 22+): a link to a secret must not end up in a log.
		throw new SchemaRegistryError(`the file is not valid JSON${positionOf(error)}`, {path});
	}
}

function positionOf(error: unknown): string {
	const match = /position (\d+)/.exec(messageOf(error));
	return match === null ? '' : ` (at position ${match[1]})`;
}

function messageOf(error: unknown): string {
	return describeThrown(error);
}
