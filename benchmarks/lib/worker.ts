/**
 * Runs one scenario in a fresh process (started by `run.ts` with `--expose-gc`) and sends its rows and targets back
 * over IPC. One process per scenario keeps one scenario's heap, JIT state and leftover timers out of the next.
 */
import {writeFileSync} from 'node:fs';
import {Session} from 'node:inspector/promises';
import {pathToFileURL} from 'node:url';
import type {ResultRow, Scenario, ScenarioContext, TargetResult} from './scenario.js';

/** What the runner passes to a worker, as JSON in argv. */
export interface WorkerOptions {
	readonly isQuick: boolean;
	readonly libraries: readonly string[];
	/** Write a V8 CPU profile of `run()` (module loading excluded) to this file. */
	readonly profileFile?: string | undefined;
}

/** What a worker sends back. */
export type WorkerMessage =
	| {readonly type: 'result'; readonly title: string; readonly rows: ResultRow[]; readonly targets: TargetResult[]}
	| {readonly type: 'error'; readonly message: string};

async function main(): Promise<void> {
	const [scenarioPath, optionsJson] = process.argv.slice(2);
	if (scenarioPath === undefined || optionsJson === undefined) throw new TypeError('Usage: worker.ts <scenario file> <options json>');
	const options = JSON.parse(optionsJson) as WorkerOptions;
	const gc = (globalThis as {gc?: () => void}).gc;
	if (gc === undefined) throw new Error('The worker needs --expose-gc');
	const module = (await import(pathToFileURL(scenarioPath).href)) as {default?: Scenario};
	const scenario = module.default;
	if (scenario?.run === undefined) throw new TypeError(`${scenarioPath} has no default export made with defineScenario()`);
	const context: ScenarioContext = {
		isQuick: options.isQuick,
		libraries: options.libraries,
		log: message => process.stderr.write(`  ${scenario.name}: ${message}\n`),
		collectGarbage: () => {
			// Under the profiler, forced collections would drown the collector's real share.
			if (options.profileFile !== undefined) return;
			gc();
			gc();
		},
		isSelected: label => options.libraries.length === 0 || options.libraries.some(wanted => (wanted.startsWith('=') ? label === wanted.slice(1) : label.includes(wanted))),
	};
	const rows = options.profileFile === undefined ? await scenario.run(context) : await profiled(options.profileFile, async () => scenario.run(context));
	// A quick run's numbers mean nothing, so neither would a verdict on them.
	const targets = (options.isQuick ? [] : (scenario.targets ?? [])).map(target => ({scenario: scenario.name, text: target.text, issue: target.issue, ...target.evaluate(rows)}));
	await send({type: 'result', title: scenario.title, rows, targets});
}

async function profiled<T>(file: string, fn: () => Promise<T>): Promise<T> {
	const session = new Session();
	session.connect();
	await session.post('Profiler.enable');
	await session.post('Profiler.setSamplingInterval', {interval: 100});
	await session.post('Profiler.start');
	try {
		return await fn();
	} finally {
		const {profile} = await session.post('Profiler.stop');
		writeFileSync(file, JSON.stringify(profile));
		session.disconnect();
	}
}

async function send(message: WorkerMessage): Promise<void> {
	await new Promise<void>((resolve, reject) => {
		process.send!(message, (error: Error | null) => (error === null ? resolve() : reject(error)));
	});
}

try {
	await main();
	process.exit(0);
} catch (error) {
	await send({type: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error)}).catch(() => undefined);
	process.exit(1);
}
