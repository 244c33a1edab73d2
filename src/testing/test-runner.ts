/**
 * The test framework functions the testing kit registers tests and hooks with. vitest is found on its own (it is
 * imported if installed); any other runner with the usual globals (jest, mocha) works too, or pass your own.
 */

/** The functions of a test runner that the kit calls. vitest's and jest's exports fit as they are. */
export interface TestRunner {
	describe(name: string, body: () => void): void;
	test(name: string, body: () => Promise<void> | void): void;
	beforeEach(hook: () => Promise<void> | void): void;
	afterEach(hook: () => Promise<void> | void): void;
}

const keys = ['describe', 'test', 'beforeEach', 'afterEach'] as const;

// Loaded once, and optional: the kit must still import in a project that tests with something else.
const vitest: Partial<TestRunner> | undefined = await import('vitest').then(
	module => module as unknown as Partial<TestRunner>,
	() => undefined,
);

/**
 * The runner to use: `given`, else vitest (when installed), else the globals. Throws a `TypeError` naming the
 * missing function when none provides it.
 */
export function resolveTestRunner(given?: Partial<TestRunner>): TestRunner {
	const globals = globalThis as unknown as Partial<TestRunner>;
	const runner: Partial<TestRunner> = {};
	for (const key of keys) {
		const found = given?.[key] ?? vitest?.[key] ?? globals[key];
		if (typeof found !== 'function') {
			throw new TypeError(`Expected \`runner.${key}\` to be a function: pass your test runner's functions, e.g. {describe, test, beforeEach, afterEach}`);
		}
		(runner as Record<string, unknown>)[key] = found;
	}
	return runner as TestRunner;
}
