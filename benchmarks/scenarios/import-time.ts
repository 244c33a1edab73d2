/**
 * Import time: how long a fresh Node process (the one the suite runs on) takes to import topicbus's compiled main
 * entry, `EventBus` alone (`core/event-bus.js`, what `new EventBus()` needs), and Emittery, each in its own process,
 * interleaved, 9 rounds (1 in a quick run); the median of each. The working tree's `src/` is compiled first, as
 * `bench:ab` does (into `benchmarks/.ab/worktree`).
 */
import {join} from 'node:path';
import {pathToFileURL} from 'node:url';
import {buildRef, importTime} from '../lib/build.js';
import {defineScenario, fromIssue, type ResultRow, type Target} from '../lib/scenario.js';
import {median, relativeSpread} from '../lib/stats.js';

const metric = 'import time';

/** Issue 10: importing the main entry takes at most twice Emittery's time. */
const withinTwiceEmittery: Target = fromIssue(10, {
	text: 'Import time of the main entry: within 2x Emittery',
	evaluate(rows) {
		const topicbus = rows.find(row => row.metric === metric && row.isBaseline === true);
		const emittery = rows.find(row => row.metric === metric && row.library === 'emittery');
		if (topicbus === undefined || emittery === undefined) return {status: 'not measured', actual: 'no row'};
		const ratio = topicbus.value / emittery.value;
		return {status: ratio <= 2 ? 'met' : 'missed', actual: `${ratio.toFixed(1)}x emittery (${topicbus.value.toFixed(1)} ms against ${emittery.value.toFixed(1)} ms)`};
	},
});

export default defineScenario({
	name: 'import-time',
	title: 'a fresh process importing the compiled main entry, EventBus alone, and Emittery (ms, lower is better)',
	targets: [withinTwiceEmittery],
	async run(context) {
		context.log('import-time: compiling the working tree');
		const {dist} = buildRef('worktree');
		const entries = [
			{library: 'topicbus', variant: 'main entry', specifier: pathToFileURL(join(dist, 'index.js')).href, isBaseline: true},
			{library: 'topicbus', variant: 'EventBus alone', specifier: pathToFileURL(join(dist, 'core', 'event-bus.js')).href, isBaseline: false},
			{library: 'emittery', variant: undefined, specifier: 'emittery', isBaseline: false},
		].filter(entry => context.isSelected(entry.variant === undefined ? entry.library : `${entry.library} (${entry.variant})`));
		const rounds = context.isQuick ? 1 : 9;
		const samples = entries.map(() => [] as number[]);
		for (let round = 0; round < rounds; round++) {
			for (let index = 0; index < entries.length; index++) {
				// Rotated each round, so that drift and the file cache's warmth hit every entry alike.
				const entry = (index + round) % entries.length;
				samples[entry]!.push(importTime(process.execPath, entries[entry]!.specifier));
			}
		}
		return entries.map(
			(entry, index): ResultRow => ({
				library: entry.library,
				variant: entry.variant,
				metric,
				unit: 'ms',
				value: median(samples[index]!),
				better: 'lower',
				isBaseline: entry.isBaseline,
				spread: relativeSpread(samples[index]!),
				rounds,
			}),
		);
	},
});
