/**
 * An append-only JSON-lines file that tolerates crashes: a line is written with one call and ends with a line feed,
 * so a crash (even SIGKILL) can only leave a torn last line, which `load()` skips and reports. Rewrites (compaction)
 * go to a temporary file renamed over the original, so they are atomic.
 */
import {closeSync, fstatSync, fsyncSync, ftruncateSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync} from 'node:fs';
import {dirname} from 'node:path';

/** A line `load()` could not parse. */
export interface SkippedLine {
	/** 1-based. */
	readonly lineNumber: number;
	/** True for an unterminated last line: what a crash during a write leaves (other bad lines are corruption). */
	readonly isTorn: boolean;
	readonly error: unknown;
}

/** What `load()` read. */
export interface JsonLinesContent {
	/** The parsed lines, in file order. */
	readonly values: unknown[];
	readonly skipped: readonly SkippedLine[];
	/** True when the file should be rewritten before the next append: a line was skipped, or the last one is unterminated. */
	readonly needsRewrite: boolean;
}

/** Synchronous access to one JSON-lines file: synchronous so that a write has reached the OS when it returns. */
export class JsonLinesFile {
	readonly path: string;
	#fd: number | undefined;
	#size = 0;
	#lines = 0;
	/** The file ends mid-line: the next append starts with a line feed so as not to glue onto it. */
	#isUnterminated = false;

	constructor(path: string) {
		this.path = path;
	}

	/** Lines in the file, as far as this object knows (set by `load`, `append` and `rewrite`). */
	get lineCount(): number {
		return this.#lines;
	}

	/** Reads and parses every line. A missing file is empty. Throws only when the file exists and cannot be read. */
	load(): JsonLinesContent {
		let text: string;
		try {
			text = readFileSync(this.path, 'utf8');
		} catch (error) {
			if ((error as {code?: unknown}).code === 'ENOENT') return {values: [], skipped: [], needsRewrite: false};
			throw error;
		}
		const lines = text.split('\n');
		const isTerminated = lines.at(-1) === '';
		if (isTerminated) lines.pop();
		const values: unknown[] = [];
		const skipped: SkippedLine[] = [];
		lines.forEach((line, index) => {
			if (line.trim() === '') return;
			try {
				values.push(JSON.parse(line));
			} catch (error) {
				skipped.push({lineNumber: index + 1, isTorn: !isTerminated && index === lines.length - 1, error});
			}
		});
		this.#lines = lines.length;
		this.#isUnterminated = !isTerminated && lines.length > 0;
		return {values, skipped, needsRewrite: skipped.length > 0 || (!isTerminated && lines.length > 0)};
	}

	/**
	 * Appends `lines` (each one JSON text without a line feed). On a failed write the file is cut back to where it
	 * was, so no partial line is left for the next append to glue onto; then the error is thrown.
	 */
	append(lines: readonly string[]): void {
		if (lines.length === 0) return;
		const fd = this.#open();
		const buffer = Buffer.from(`${this.#isUnterminated ? '\n' : ''}${lines.join('\n')}\n`, 'utf8');
		try {
			let written = 0;
			while (written < buffer.length) written += writeSync(fd, buffer, written, buffer.length - written);
		} catch (error) {
			try {
				ftruncateSync(fd, this.#size);
			} catch {
				// Nothing more to do: the next load() skips the torn line and reports it.
			}
			throw error;
		}
		this.#size += buffer.length;
		this.#lines += lines.length;
		this.#isUnterminated = false;
	}

	/** Replaces the whole file with `lines`, atomically (temporary file, fsync, rename). */
	rewrite(lines: readonly string[]): void {
		this.close();
		mkdirSync(dirname(this.path), {recursive: true});
		const temporary = `${this.path}.${process.pid}.tmp`;
		try {
			const fd = openSync(temporary, 'w');
			try {
				if (lines.length > 0) writeSync(fd, `${lines.join('\n')}\n`);
				fsyncSync(fd);
			} finally {
				closeSync(fd);
			}
			renameSync(temporary, this.path);
		} catch (error) {
			rmSync(temporary, {force: true});
			throw error;
		}
		this.#lines = lines.length;
		this.#isUnterminated = false;
	}

	/** Closes the file descriptor; a later `append` opens it again. */
	close(): void {
		if (this.#fd === undefined) return;
		const fd = this.#fd;
		this.#fd = undefined;
		closeSync(fd);
	}

	#open(): number {
		if (this.#fd !== undefined) return this.#fd;
		mkdirSync(dirname(this.path), {recursive: true});
		const fd = openSync(this.path, 'a');
		this.#size = fstatSync(fd).size;
		this.#fd = fd;
		return fd;
	}
}
