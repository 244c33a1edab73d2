/** Summarises a V8 `.cpuprofile` (from `node --cpu-prof`): self time per function, highest first. */
import {readFileSync} from 'node:fs';
import {relative} from 'node:path';
import {fileURLToPath} from 'node:url';

interface ProfileNode {
	readonly id: number;
	readonly callFrame: {readonly functionName: string; readonly url: string};
	readonly children?: readonly number[];
}

interface CpuProfile {
	readonly nodes: readonly ProfileNode[];
	readonly samples: readonly number[];
	readonly timeDeltas: readonly number[];
}

export interface FunctionTime {
	readonly name: string;
	readonly location: string;
	readonly selfMs: number;
	readonly share: number;
}

/** Self time per function (all of a function's call sites merged), sorted by time. */
export function summarizeProfile(file: string, root: string): FunctionTime[] {
	const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
	const byId = new Map(profile.nodes.map(node => [node.id, node]));
	const selfByKey = new Map<string, {name: string; location: string; micros: number}>();
	let total = 0;
	for (const [index, id] of profile.samples.entries()) {
		const micros = profile.timeDeltas[index] ?? 0;
		const node = byId.get(id);
		if (node === undefined) continue;
		total += micros;
		const {functionName, url} = node.callFrame;
		// tsx compiles each file onto one line, so a line number would say nothing: the file and the name must do.
		const location = url === '' ? '' : displayPath(url, root);
		const name = functionName === '' ? '(anonymous)' : functionName;
		const key = `${name}@${location}`;
		const entry = selfByKey.get(key) ?? {name, location, micros: 0};
		entry.micros += micros;
		selfByKey.set(key, entry);
	}
	return [...selfByKey.values()]
		.sort((a, b) => b.micros - a.micros)
		.map(({name, location, micros}) => ({name, location, selfMs: micros / 1000, share: total === 0 ? 0 : micros / total}));
}

function displayPath(url: string, root: string): string {
	if (!url.startsWith('file:')) return url;
	const path = relative(root, fileURLToPath(url));
	return path.startsWith('node_modules/') ? path.slice('node_modules/'.length) : path;
}

/** Lines like `  23.4%  #dispatch  src/core/event-bus.ts`. */
export function formatProfile(times: readonly FunctionTime[], limit = 30): string {
	return times
		.slice(0, limit)
		.map(time => `${(time.share * 100).toFixed(1).padStart(6)}%  ${time.name.padEnd(36)} ${time.location}`)
		.join('\n');
}
