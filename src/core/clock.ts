/**
 * A millisecond wall clock that never goes backwards: event timestamps and time-sortable ids rely on that, and
 * wall clocks can step back (NTP).
 *
 * It reads `Date.now()` on every call. (An earlier version reused one reading within a synchronous run of code to
 * save the read, about 40 ns on a VM; but a loop doing real work between publishes then stamped events with a
 * time up to dozens of readings old. A timestamp is "when the event was accepted", so it is read each time.)
 */
export class Clock {
	#now = 0;

	/** Milliseconds since the epoch; never less than a previous result. */
	now(): number {
		const now = Date.now();
		if (now > this.#now) this.#now = now;
		return this.#now;
	}
}
