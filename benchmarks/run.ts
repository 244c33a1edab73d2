/**
 * The benchmark runner: `npm run bench [-- <filter>...] [--quick] [--library <name>] [--profile] [--update-readme]`.
 *
 * Each scenario file in `scenarios/` runs in its own child process with `--expose-gc`, one at a time (so the other
 * core stays idle); results are printed as a table and written to `results/latest.json`.
 */
import {fork} from 'node:child_process';
import {mkdtempSync, readdirSync, readFileSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import {basename, dirname, join} from 'node:path';
import {performance} from 'node:perf_hooks';
import {fileURLToPath} from 'node:url';
import {parseArgs} from 'node:util';
import {formatProfile, summarizeProfile} from './lib/cpu-profile.js';
import {toConsoleTable, toConsoleTargets, toMarkdown, withRatios, type Report} from './lib/report.js';
import type {ReportedRow, TargetResult} from './lib/scenario.js';
import type {WorkerMessage, WorkerOptions} from './lib/worker.js';

const benchmarksDir = dirname(fileURLToPath(import.meta.url));
const root = dirname(benchmarksDir);
const scenariosDir = join(benchmarksDir, 'scenarios');
const resultsFile = join(benchmarksDir, 'results', 'latest.json');
const readmeFile = join(benchmarksDir, 'README.md');
const readmeStart = '<!-- bench:results:start -->';
const readmeEnd = '<!-- bench:results:end -->';

// The order; a scenario file not listed here runs after these, in alphabetical order.
const preferredOrder = ['exact-topic', 'fan-out', 'wildcard-cache-hits', 'high-cardinality', 'async-handlers', 'mixed-priorities', 'churn', 'latency', 'memory'];

const peers = ['eventemitter3', 'mitt', 'eventemitter2', 'emittery', 'qlobber', 'p-queue', 'picomatch'];

const usage = `Usage: npm run bench -- [filter...] [options]

  filter              run scenarios whose name contains any filter (default: all)
  --quick             every scenario for a moment (a smoke test: the numbers mean nothing)
  --library <name>    measure only rows whose label ("library (variant)") contains <name>,
                      or is exactly <name> when written =<name> (repeatable)
  --profile           also write a V8 CPU profile per scenario and print its top functions by self time
  --update-readme     write the table into benchmarks/README.md (full, unfiltered runs only)`;

const {values: flags, positionals: filters} = parseArgs({
	allowPositionals: true,
	options: {
		quick: {type: 'boolean', default: false},
		library: {type: 'string', multiple: true, default: []},
		profile: {type: 'boolean', default: false},
		'update-readme': {type: 'boolean', default: false},
		help: {type: 'boolean', default: false},
	},
});

function discoverScenarios(): string[] {
	const names = readdirSync(scenariosDir)
		.filter(file => file.endsWith('.ts'))
		.map(file => basename(file, '.ts'));
	const rank = (name: string): number => {
		const index = preferredOrder.indexOf(name);
		return index === -1 ? preferredOrder.length : index;
	};
	return names.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

interface ScenarioOutcome {
	readonly message: WorkerMessage | undefined;
	readonly exitCode: number | null;
}

async function runScenario(name: string, options: WorkerOptions): Promise<ScenarioOutcome> {
	const timeoutMs = options.isQuick ? 60_000 : 300_000;
	const child = fork(join(benchmarksDir, 'lib', 'worker.ts'), [join(scenariosDir, `${name}.ts`), JSON.stringify(options)], {
		execArgv: [...process.execArgv, '--expose-gc'],
		stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
	});
	let message: WorkerMessage | undefined;
	child.on('message', received => {
		message = received as WorkerMessage;
	});
	const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
	const exitCode = await new Promise<number | null>(resolve => {
		child.on('exit', code => resolve(code));
	});
	clearTimeout(timer);
	if (message === undefined && exitCode === null) message = {type: 'error', message: `killed after ${timeoutMs / 1000} s`};
	return {message, exitCode};
}

function packageVersion(name: string): string {
	const manifest = JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')) as {version: string};
	return manifest.version;
}

function replaceReadmeSection(markdown: string): void {
	const readme = readFileSync(readmeFile, 'utf8');
	const start = readme.indexOf(readmeStart);
	const end = readme.indexOf(readmeEnd);
	if (start === -1 || end < start) throw new Error(`${readmeFile} has no ${readmeStart} ... ${readmeEnd} section`);
	writeFileSync(readmeFile, `${readme.slice(0, start + readmeStart.length)}\n${markdown}\n${readme.slice(end)}`);
}

async function main(): Promise<number> {
	if (flags.help) {
		console.log(usage);
		return 0;
	}
	const all = discoverScenarios();
	const selected = filters.length === 0 ? all : all.filter(name => filters.some(filter => name.includes(filter)));
	if (selected.length === 0) {
		console.error(`No scenario matches ${filters.join(', ')}. Scenarios: ${all.join(', ')}`);
		return 1;
	}
	const isFullRun = !flags.quick && filters.length === 0 && flags.library.length === 0 && !flags.profile;
	if (flags['update-readme'] && !isFullRun) {
		console.error('--update-readme needs a full run: no filter, no --quick, no --library, no --profile.');
		return 1;
	}
	const profileDir = flags.profile ? mkdtempSync(join(os.tmpdir(), 'topicbus-profile-')) : undefined;
	const started = performance.now();
	const scenarios: {name: string; title: string}[] = [];
	const results: ReportedRow[] = [];
	const targets: TargetResult[] = [];
	const failures: {scenario: string; message: string}[] = [];
	const profiles: string[] = [];
	for (const name of selected) {
		console.error(`${name} ...`);
		const profileFile = profileDir === undefined ? undefined : join(profileDir, `${name}.cpuprofile`);
		const {message, exitCode} = await runScenario(name, {isQuick: flags.quick, libraries: flags.library, profileFile});
		if (message?.type === 'result' && exitCode === 0) {
			scenarios.push({name, title: message.title});
			results.push(...withRatios(name, message.rows));
			targets.push(...message.targets);
		} else {
			const reason = message?.type === 'error' ? message.message : `the worker exited with code ${exitCode} without a result`;
			failures.push({scenario: name, message: reason});
			console.error(`${name} FAILED: ${reason}`);
		}
		if (profileFile !== undefined && message?.type === 'result') profiles.push(profileFile);
	}
	const cpus = os.cpus();
	const report: Report = {
		date: new Date().toISOString(),
		mode: flags.quick ? 'quick' : 'full',
		filters,
		libraries: flags.library,
		durationSeconds: (performance.now() - started) / 1000,
		machine: {
			cpu: cpus[0]?.model.trim() ?? 'unknown',
			cores: cpus.length,
			memoryGb: Math.round(os.totalmem() / 2 ** 30),
			node: process.version,
			v8: process.versions.v8,
			platform: `${os.platform()} ${os.release()} ${os.arch()}`,
		},
		versions: Object.fromEntries(peers.map(name => [name, packageVersion(name)])),
		scenarios,
		results,
		targets,
		failures,
	};
	writeFileSync(resultsFile, `${JSON.stringify(report, undefined, '\t')}\n`);
	const {machine} = report;
	console.log(`\n${machine.cpu}, ${machine.cores} cores, Node ${machine.node}; ${report.mode} run in ${report.durationSeconds.toFixed(0)} s`);
	if (flags.quick) console.log('Quick mode: every scenario ran for a moment; the numbers below are not measurements.');
	console.log(toConsoleTable(report));
	console.log(toConsoleTargets(targets));
	for (const profile of profiles) {
		console.log(`\nCPU profile ${profile} (open it in Chrome DevTools), top functions by self time:`);
		console.log(formatProfile(summarizeProfile(profile, root)));
	}
	console.log(`\nWrote ${resultsFile}`);
	if (flags['update-readme']) {
		replaceReadmeSection(toMarkdown(report));
		console.log(`Updated ${readmeFile}`);
	}
	if (failures.length > 0) console.error(`\n${failures.length} scenario(s) failed: ${failures.map(failure => failure.scenario).join(', ')}`);
	return failures.length > 0 ? 1 : 0;
}

process.exitCode = await main();
