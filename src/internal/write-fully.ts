/** Writing a whole buffer with a positional `writeSync`, which may write less than it was asked to. */

/**
 * Writes all of `buffer` through `write` (`(buffer, offset, length) => bytes written`), calling it again for the
 * rest after a short write. A call that writes nothing without an error (a full disk on some file systems) throws
 * `onStall(written)` instead of looping forever.
 */
export function writeFully(write: (buffer: Uint8Array, offset: number, length: number) => number, buffer: Uint8Array, onStall: (written: number) => Error): void {
	let written = 0;
	while (written < buffer.length) {
		const count = write(buffer, written, buffer.length - written);
		if (!(count > 0)) throw onStall(written);
		written += count;
	}
}
