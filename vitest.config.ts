import {defineConfig} from 'vitest/config';

export default defineConfig({
	test: {
		include: ['test/**/*.test.ts'],
		// Type tests (expectTypeOf) are checked by `npm run typecheck`; at run time they are no-ops.
		typecheck: {enabled: false},
		testTimeout: 20_000,
		hookTimeout: 20_000,
	},
});
