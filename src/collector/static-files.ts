/**
 * Serves the dashboard's files from one folder: no path leaves it, content types by extension.
 */
import {readFile, stat} from 'node:fs/promises';
import {extname, resolve, sep} from 'node:path';
import {fileURLToPath} from 'node:url';

const contentTypes: Readonly<Record<string, string>> = {
	'.html': 'text/html; charset=utf-8',
	'.js': 'text/javascript; charset=utf-8',
	'.mjs': 'text/javascript; charset=utf-8',
	'.css': 'text/css; charset=utf-8',
	'.json': 'application/json; charset=utf-8',
	'.svg': 'image/svg+xml',
	'.png': 'image/png',
	'.ico': 'image/x-icon',
	'.woff2': 'font/woff2',
	'.txt': 'text/plain; charset=utf-8',
	'.map': 'application/json; charset=utf-8',
};

/** The package's `dashboard/` folder, from `src/collector` and `dist/collector` alike. */
export const defaultDashboardDir: URL = new URL('../../dashboard/', import.meta.url);

/** A file to send. */
export interface StaticFile {
	readonly body: Buffer;
	readonly contentType: string;
}

/** Reads files below one folder. */
export class StaticFiles {
	readonly #root: string;

	constructor(dir: string | URL) {
		this.#root = resolve(typeof dir === 'string' ? dir : fileURLToPath(dir));
	}

	/** The file at `relativePath` (URL-decoded, `/`-separated), or undefined when it is missing or outside the folder. */
	async read(relativePath: string): Promise<StaticFile | undefined> {
		if (relativePath.includes('\0')) return undefined;
		const path = resolve(this.#root, `.${sep}${relativePath}`);
		if (path !== this.#root && !path.startsWith(this.#root + sep)) return undefined;
		const contentType = contentTypes[extname(path).toLowerCase()];
		if (contentType === undefined) return undefined;
		try {
			if (!(await stat(path)).isFile()) return undefined;
			return {body: await readFile(path), contentType};
		} catch {
			return undefined;
		}
	}
}
