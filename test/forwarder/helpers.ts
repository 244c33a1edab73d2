import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import type {DeadLetterInput} from '../../src/index.js';
import type {DeliveryNotice} from '../../src/forwarder/index.js';

/** Retries and breaker fast enough for a real server under real timers (no assertion depends on them). */
export const fast = {retry: {initialMs: 5, maxMs: 20}, breaker: {failureThreshold: 1000, cooldownMs: 10}, batch: {lingerMs: 0}} as const;

/** Collects dead letters and notices. */
export function recorder(): {letters: DeadLetterInput[]; notices: DeliveryNotice[]; onDeadLetter: (letter: DeadLetterInput) => void; onDiagnostic: (notice: DeliveryNotice) => void} {
	const letters: DeadLetterInput[] = [];
	const notices: DeliveryNotice[] = [];
	return {letters, notices, onDeadLetter: letter => letters.push(letter), onDiagnostic: notice => notices.push(notice)};
}

/** A fresh temporary directory, removed by the returned function. */
export function tempDir(): {dir: string; remove: () => void} {
	const dir = mkdtempSync(join(tmpdir(), 'topicbus-forwarder-'));
	return {dir, remove: () => rmSync(dir, {recursive: true, force: true})};
}

/** Resolves once `predicate` holds, checking after each macrotask (for real I/O; never a wall-clock assertion). */
export async function until(predicate: () => boolean, what: string, limitMs = 10_000): Promise<void> {
	const started = Date.now();
	while (!predicate()) {
		if (Date.now() - started > limitMs) throw new Error(`Timed out waiting for ${what}`);
		await new Promise(resolve => setTimeout(resolve, 2));
	}
}
