import {execFile} from 'node:child_process';
import {fileURLToPath} from 'node:url';
import {promisify} from 'node:util';
import {describe, expect, it} from 'vitest';

// The README's demo commands, run as a newcomer runs them: each must finish on its own with no server started by
// hand, and say what it promises.
const root = fileURLToPath(new URL('../..', import.meta.url));
const run = async (script: string): Promise<string> => {
	const {stdout} = await promisify(execFile)(process.execPath, ['--import', 'tsx', script], {cwd: root, timeout: 60_000});
	return stdout;
};

describe('demos', () => {
	it('npm run demo - the tour of the bus runs to its end', async () => {
		const output = await run('examples/demo.ts');
		expect(output).toContain('dead letter');
	}, 90_000);

	it('npm run demo:collector - every event published survives the collector outage, each stored once', async () => {
		const output = await run('examples/collector-demo.ts');
		expect(output).toMatch(/152 events from the shop stored, of 152 published/);
		expect(output).toContain('breaker: closed -> open');
		expect(output).toMatch(/order\.created\n\s+payment\.requested\n\s+payment\.failed/);
	}, 90_000);
});
