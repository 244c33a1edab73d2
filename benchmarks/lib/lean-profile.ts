/**
 * The lean profile's options, for its benchmark rows: `leanProfile` from the main entry where it is exported, else
 * the options it sets that this version of the bus has (no history, no async context, no payload freezing).
 */
import * as topicbus from '../../src/index.js';
import type {EventBusOptions} from '../../src/index.js';

const fallback: EventBusOptions = {historySize: 0, asyncContext: false, freezePayloads: false};
const exported = (topicbus as unknown as {readonly leanProfile?: EventBusOptions}).leanProfile;

/** What `new EventBus(leanOptions)` is given. */
export const leanOptions: EventBusOptions = exported ?? fallback;

/** Says which of the two the rows measured. */
export const leanNote: string =
	exported === undefined ? 'historySize: 0, asyncContext: false, freezePayloads: false (no leanProfile export in this build)' : 'new EventBus(leanProfile)';
