/**
 * Compiled builds of topicbus's `src/` for benchmarks that need JavaScript rather than tsx: A/B runs of two
 * versions (`ab.ts`) and import time (a fresh process importing the compiled entry).
 */
import {execFileSync, spawnSync} from 'node:child_process';
import {existsSync, mkdirSync, rmSync} from 'node:fs';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';

/** The repository's root. */
export const repositoryRoot = fileURLToPath(new URL('../..', import.meta.url));

/** A compiled version of `src/`. */
export interface Build {
	/** The commit id, or `worktree`. */
	readonly id: string;
	/** Its compiled `dist/` directory. */
	readonly dist: string;
	/** tsc's output when it reported type errors (the JavaScript it emitted is used anyway). */
	readonly typeErrors: string | undefined;
}

/**
 * Compiles `ref`'s `src/` (a commit, anything `git rev-parse` accepts, or `worktree` for the working tree) into
 * `benchmarks/.ab/<commit>/dist`. A commit's build is reused while it exists; the working tree is always rebuilt.
 */
export function buildRef(ref: string): Build {
	const id = ref === 'worktree' ? 'worktree' : execFileSync('git', ['rev-parse', '--verify', `${ref}^{commit}`], {cwd: repositoryRoot, encoding: 'utf8'}).trim();
	const directory = join(repositoryRoot, 'benchmarks', '.ab', id);
	const dist = join(directory, 'dist');
	if (id === 'worktree') rmSync(directory, {recursive: true, force: true});
	if (existsSync(join(dist, 'index.js'))) return {id, dist, typeErrors: undefined};
	mkdirSync(directory, {recursive: true});
	if (id === 'worktree') execFileSync('cp', ['-r', 'src', 'tsconfig.json', 'tsconfig.build.json', directory], {cwd: repositoryRoot});
	else execFileSync('sh', ['-c', `git archive ${id} src tsconfig.json tsconfig.build.json | tar -x -C "${directory}"`], {cwd: repositoryRoot});
	// Inside the repository, so that the build resolves this checkout's node_modules. A commit in the middle of a
	// change may not type-check, yet still compile to JavaScript that runs: that is reported, not fatal.
	const result = spawnSync(join(repositoryRoot, 'node_modules', '.bin', 'tsc'), ['-p', join(directory, 'tsconfig.build.json')], {cwd: repositoryRoot, encoding: 'utf8'});
	if (!existsSync(join(dist, 'index.js'))) throw new Error(`${ref} did not compile:\n${result.stdout}${result.stderr}`);
	return {id, dist, typeErrors: result.status === 0 ? undefined : `${result.stdout}${result.stderr}`};
}

/** Milliseconds a fresh process of `node` spends importing `specifier` (resolved from the repository root). */
export function importTime(node: string, specifier: string): number {
	const script = `const t = performance.now(); await import(${JSON.stringify(specifier)}); process.stdout.write(String(performance.now() - t));`;
	const output = execFileSync(node, ['--input-type=module', '-e', script], {cwd: repositoryRoot, encoding: 'utf8'});
	return Number(output);
}
