/** Whether a module is the script node was started with: the check a CLI module makes before running `main`. */
import {realpathSync} from 'node:fs';
import {fileURLToPath} from 'node:url';

/**
 * True when `moduleUrl` (the caller's `import.meta.url`) is the file `entry` names (by default `process.argv[1]`),
 * also when started through a symbolic link, as npm's `node_modules/.bin/<name>` is. False when either path does
 * not resolve.
 */
export function isEntryPoint(moduleUrl: string, entry: string | undefined = process.argv[1]): boolean {
	if (entry === undefined) return false;
	try {
		return realpathSync(entry) === realpathSync(fileURLToPath(moduleUrl));
	} catch {
		return false;
	}
}
