import {describe, expect, test} from 'vitest';
import {DeliveryTracker} from '../../src/delivery/delivery-tracker.js';
import type {BusEvent, DeliveryReport} from '../../src/index.js';

const event = {id: 'e1', topic: 'a'} as BusEvent;

function tracked(): {tracker: DeliveryTracker; reports: DeliveryReport[]} {
	const reports: DeliveryReport[] = [];
	const tracker = new DeliveryTracker(report => {
		reports.push(report);
	});
	return {tracker, reports};
}

describe('DeliveryTracker', () => {
	test('DeliveryTracker - resolves at dispatch when nothing matched', () => {
		const {tracker, reports} = tracked();
		tracker.dispatched(event, 0);
		expect(reports).toEqual([{event, matched: 0, succeeded: 0, failed: 0, dropped: 0, skipped: 0, deadLettered: 0, failures: []}]);
	});

	test('DeliveryTracker - resolves once, after every matched subscription reported', () => {
		const {tracker, reports} = tracked();
		tracker.dispatched(event, 4);
		tracker.succeeded();
		tracker.skipped();
		tracker.dropped();
		expect(reports).toEqual([]);
		const failure = {subscriptionId: 'sub_1', subscriptionName: 'n', error: new Error('x'), attempts: 2};
		tracker.failed(failure);
		expect(reports).toEqual([{event, matched: 4, succeeded: 1, failed: 1, dropped: 1, skipped: 1, deadLettered: 2, failures: [failure]}]);
	});

	test('DeliveryTracker - an event dropped before dispatch reports one drop', () => {
		const {tracker, reports} = tracked();
		tracker.droppedBeforeDispatch(event);
		expect(reports).toEqual([{event, matched: 0, succeeded: 0, failed: 0, dropped: 1, skipped: 0, deadLettered: 1, failures: []}]);
	});
});
