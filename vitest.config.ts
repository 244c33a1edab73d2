import {defineConfig} from 'vitest/config';

// Two projects. `unit` is the everyday suite (`npm test`): files share one module graph per worker (no per-file
// isolation), which is what keeps it fast, so a unit test file must not mock modules. `slow` holds what spawns
// processes, drives a browser or a nats-server, or runs the independent document validators; it keeps per-file isolation.
// CI runs both (`npm run test:all`).
const slow = [
	'test/**/*.slow.test.ts',
	'test/**/*.browser.test.ts',
	'test/bridge/**/*.test.ts',
	'test/collector/crash.test.ts',
	'test/collector/cli.test.ts',
	'test/schema/cli.test.ts',
	'test/schema/asyncapi.test.ts',
	'test/schema/openapi.test.ts',
];

export default defineConfig({
	test: {
		// Type tests (expectTypeOf) are checked by `npm run typecheck`; at run time they are no-ops.
		typecheck: {enabled: false},
		testTimeout: 20_000,
		hookTimeout: 20_000,
		projects: [
			{extends: true, test: {name: 'unit', include: ['test/**/*.test.ts'], exclude: slow, isolate: false}},
			{extends: true, test: {name: 'slow', include: slow}},
		],
	},
});
