import {afterAll, describe, expect, test} from 'vitest';
import {EventBus, getEventBus} from '../../src/index.js';
import {useIsolatedBus} from '../../src/testing/index.js';

/** Code under test that uses the process-wide bus itself. */
function startMailer(): void {
	getEventBus().subscribe('user.created', () => {}, {name: 'mailer'});
}

describe('useIsolatedBus()', () => {
	const bus = useIsolatedBus({source: 'isolated', resetTimeoutMs: 20});
	const seen: EventBus[] = [];

	test('useIsolatedBus() - the first test gets a fresh singleton created with the options', async () => {
		startMailer();
		seen.push(bus());
		expect(bus()).toBe(getEventBus());
		expect(bus().subscriptions().map(info => info.name)).toEqual(['mailer']);
		expect((await bus().publish('user.created', null)).source).toBe('isolated');
	});

	test('useIsolatedBus() - the next test gets another one: nothing leaks', () => {
		seen.push(bus());
		expect(seen[1]).not.toBe(seen[0]);
		expect(bus().subscriptions()).toEqual([]);
		expect(bus().history()).toEqual([]);
	});

	test('useIsolatedBus() - a handler that never settles cannot hang the reset', () => {
		getEventBus().subscribe('stuck', async () => new Promise(() => {}));
		void getEventBus().publish('stuck', null);
	});

	afterAll(() => {
		expect(seen.every(instance => instance instanceof EventBus)).toBe(true);
		expect(seen[0]?.state).toBe('closed');
	});
});

describe('useIsolatedBus() arguments', () => {
	test('useIsolatedBus() - malformed options are TypeErrors', () => {
		expect(() => useIsolatedBus({resetTimeoutMs: -1})).toThrow(/`options.resetTimeoutMs`/);
		expect(() => useIsolatedBus({runner: {beforeEach: 'no' as never, afterEach: 'no' as never}})).toThrow(/`runner.beforeEach`/);
	});
});
