/**
 * Import time: how long a fresh Node process takes to load topicbus's main entry, its bus alone
 * (`core/event-bus.js`, what `new EventBus()` needs), and Emittery as the baseline, each in its own process,
 * interleaved, several rounds.
 *
 *   npx tsx benchmarks/import-time.ts [ref] [--rounds N]
 *
 * `ref` is a commit (default HEAD) or `worktree`; it is compiled like `bench:ab` does, into `benchmarks/.ab/`.
 * Prints the median milliseconds of each and its ratio to Emittery's.
 */
import {execFileSync, spawnSync} from 'node:child_process';
import {existsSync, mkdirSync, rmSync} from 'node:fs';
import {join} from 'node:path';
import {fileURLToPath, pathToFileURL} from 'node:url';
import {median} from './lib/stats.js';

const root = fileURLToPath(new URL('..', import.meta.url));

function build(ref: string): string {
	const id = ref === 'worktree' ? 'worktree' : execFileSync('git', ['rev-parse', '--verify', `${ref}^{commit}`], {cwd: root, encoding: 'utf8'}).trim();
	const directory = join(root, 'benchmarks', '.ab', id);
	if (id === 'worktree') rmSync(directory, {recursive: true, force: true});
	if (!existsSync(join(directory, 'dist', 'index.js'))) {
		mkdirSync(directory, {recursive: true});
		if (id === 'worktree') execFileSync('cp', ['-r', 'src', 'tsconfig.json', 'tsconfig.build.json', directory], {cwd: root});
		else execFileSync('sh', ['-c', `git archive ${id} src tsconfig.json tsconfig.build.json | tar -x -C "${directory}"`], {cwd: root});
		spawnSync(join(root, 'node_modules', '.bin', 'tsc'), ['-p', join(directory, 'tsconfig.build.json')], {cwd: root, encoding: 'utf8'});
		if (!existsSync(join(directory, 'dist', 'index.js'))) throw new Error(`${ref} did not compile`);
	}
	return join(directory, 'dist');
}

/** Milliseconds a fresh process spends importing `specifier` (resolved from the repository root). */
function importTime(specifier: string): number {
	const script = `const t = performance.now(); await import(${JSON.stringify(specifier)}); process.stdout.write(String(performance.now() - t));`;
	const output = execFileSync(process.execPath, ['--input-type=module', '-e', script], {cwd: root, encoding: 'utf8'});
	return Number(output);
}

const args = process.argv.slice(2);
const roundsAt = args.indexOf('--rounds');
const rounds = roundsAt === -1 ? 9 : Number(args[roundsAt + 1]);
const ref = args.find((arg, index) => !arg.startsWith('--') && index !== roundsAt + 1) ?? 'HEAD';
const dist = build(ref);
const targets = {
	emittery: 'emittery',
	'topicbus (main entry)': pathToFileURL(join(dist, 'index.js')).href,
	'topicbus (EventBus alone)': pathToFileURL(join(dist, 'core', 'event-bus.js')).href,
};
const samples = new Map<string, number[]>(Object.keys(targets).map(name => [name, []]));
for (let round = 0; round < rounds; round++) {
	for (const [name, specifier] of Object.entries(targets)) samples.get(name)!.push(importTime(specifier));
}
const baseline = median(samples.get('emittery')!);
console.log(`import time, ${rounds} rounds, Node ${process.version}, ${ref}`);
for (const [name, values] of samples) {
	const value = median(values);
	console.log(`  ${name.padEnd(28)} ${value.toFixed(1).padStart(7)} ms  ${(value / baseline).toFixed(2)}x emittery`);
}
