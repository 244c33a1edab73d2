import fc from 'fast-check';
import {describe, expect, test} from 'vitest';
import {fromComponentName, toComponentName} from '../../src/schema/component-name.js';

const topicCharacter = fc.constantFrom(...'abcXYZ019_-:'.split(''));
const segment = fc.array(topicCharacter, {minLength: 1, maxLength: 8}).map(characters => characters.join(''));
const topic = fc
	.tuple(fc.boolean(), fc.array(segment, {minLength: 1, maxLength: 5}))
	.map(([isBusTopic, segments]) => `${isBusTopic ? '$' : ''}${segments.join('.')}`);

describe('toComponentName()', () => {
	test('toComponentName() - gives names OpenAPI and AsyncAPI accept', () => {
		fc.assert(fc.property(topic, value => /^[a-zA-Z0-9._-]+$/.test(toComponentName(value))));
	});

	test('toComponentName() - is reversed by fromComponentName()', () => {
		fc.assert(fc.property(topic, value => fromComponentName(toComponentName(value)) === value));
	});

	test('toComponentName() - is injective', () => {
		fc.assert(fc.property(topic, topic, (a, b) => a === b || toComponentName(a) !== toComponentName(b)));
	});

	test('toComponentName() - escapes _, : and $ only', () => {
		expect(toComponentName('$bus.dead-letter')).toBe('_dbus.dead-letter');
		expect(toComponentName('user:42.first_name')).toBe('user_c42.first__name');
		expect(toComponentName('order.created')).toBe('order.created');
	});

	test('toComponentName() - a suffix starting with _e, _s or _r never yields another topic\'s name', () => {
		fc.assert(
			fc.property(topic, fc.constantFrom('_event', '_send', '_receive'), (value, suffix) => fromComponentName(`${toComponentName(value)}${suffix}`) === undefined),
		);
		expect(fromComponentName('topicbus_envelope')).toBeUndefined();
		expect(fromComponentName('topicbus_headers')).toBeUndefined();
	});
});
