/**
 * Shared by the bridge tests that need a real nats-server: where it is, whether it is up, unique names per run,
 * and a bounded wait. Without a server the tests are skipped with a reason, except under CI=true, where they run
 * (and fail) so that CI never skips them silently.
 */
import {connect as connectTcp} from 'node:net';

export const natsUrl = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';

function isReachable(url: string): Promise<boolean> {
	const {hostname, port} = new URL(url);
	return new Promise(resolve => {
		const socket = connectTcp({host: hostname, port: Number(port || 4222)});
		const done = (result: boolean): void => {
			socket.destroy();
			resolve(result);
		};
		socket.setTimeout(1_000, () => done(false));
		socket.once('connect', () => done(true));
		socket.once('error', () => done(false));
	});
}

export const natsAvailable = await isReachable(natsUrl);
/** True when the NATS tests must be skipped: no server, and not under CI. */
export const skipNats = !natsAvailable && process.env.CI !== 'true';
if (skipNats) console.log(`[bridge tests] skipped: no nats-server reachable at ${natsUrl} (start one with \`nats-server -js\`; under CI=true these tests fail instead)`);

let counter = 0;
/** A subject prefix and stream name no other run or test shares. */
export function uniqueName(label: string): string {
	counter++;
	return `${label}${process.pid}x${Date.now().toString(36)}x${counter}`;
}

/** Polls `condition` until it holds; rejects after `timeoutMs` (a bound on the test, not a timing assertion). */
export async function eventually(condition: () => boolean, timeoutMs = 10_000, what = 'condition'): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!condition()) {
		if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
		await new Promise(resolve => setTimeout(resolve, 10));
	}
}
