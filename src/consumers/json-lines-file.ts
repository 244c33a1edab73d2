/**
 * An append-only JSON-lines file that tolerates crashes and never destroys data: a line is written completely (every
 * write checked) and ends with a line feed, so a crash (even SIGKILL) can only leave a torn last line, which `load()`
 * skips and reports. The file starts with a header line that marks it as ours; a file without one is refused, never
 * overwritten. Rewrites (compaction) go to a fresh temporary file (random name, created exclusively), which is
 * fsynced, checked, then renamed over the original: the original is never replaced by a partial file. Symbolic links
 * are refused, and a lock file keeps a store of another process from writing at the same time (within this process,
 * a new store takes the file over and the previous one is refused on its next write).
 */
import {randomUUID} from 'node:crypto';
import * as nodeFs from 'node:fs';
import {hostname} from 'node:os';
import {basename, dirname, join, resolve} from 'node:path';
import {writeFully} from '../internal/write-fully.js';
import {DeadLetterFileError} from './dead-letter-file-error.js';

/**
 * The file-system calls the file uses: `node:fs` by default. A seam for tests (short writes, ENOSPC, crashes) and
 * for unusual file systems; each call has `node:fs`'s synchronous contract.
 */
export interface FileSystem {
	openSync(path: string, flags: number | string, mode?: number): number;
	writeSync(fd: number, buffer: Uint8Array, offset: number, length: number): number;
	fsyncSync(fd: number): void;
	ftruncateSync(fd: number, length: number): void;
	closeSync(fd: number): void;
	fstatSync(fd: number): {readonly size: number; readonly ino: number; readonly dev: number};
	lstatSync(path: string, options: {throwIfNoEntry: false}): {readonly ino: number; readonly dev: number; isSymbolicLink(): boolean} | undefined;
	readFileSync(path: string, encoding: 'utf8'): string;
	renameSync(from: string, to: string): void;
	rmSync(path: string, options: {force: true}): void;
	mkdirSync(path: string, options: {recursive: true}): unknown;
}

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
	/** The parsed lines, in file order (the header not included). */
	readonly values: unknown[];
	readonly skipped: readonly SkippedLine[];
	/** True when the file should be rewritten before the next append: a line was skipped, the last one is unterminated, or the header is missing. */
	readonly needsRewrite: boolean;
}

/** Options of {@link JsonLinesFile}. */
export interface JsonLinesFileOptions {
	/** The first line, which marks a file as ours (one JSON object). */
	readonly header: string;
	/** Also accept a file without the header when its first line (raw text) passes this test: a file from before headers. */
	readonly isLegacyLine?: (line: string) => boolean;
	/** @default node:fs */
	readonly fs?: FileSystem;
}

const {O_APPEND, O_CREAT, O_EXCL, O_NOFOLLOW, O_WRONLY} = nodeFs.constants;
const appendFlags = O_WRONLY | O_APPEND | O_CREAT | (O_NOFOLLOW ?? 0);
const exclusiveFlags = O_WRONLY | O_CREAT | O_EXCL | (O_NOFOLLOW ?? 0);
const fileMode = 0o600;

/**
 * The store holding each lock of this process, by lock path. Another process is kept out by the lock file; within
 * this one, a new store takes the file over (a restart in the same process, an instance never closed) and the
 * previous holder finds out on its next write, with a coded error, instead of writing beside it.
 */
const holders = new Map<string, JsonLinesFile>();

/** Synchronous access to one JSON-lines file: synchronous so that a write has reached the OS when it returns. */
export class JsonLinesFile {
	readonly path: string;
	readonly #fs: FileSystem;
	readonly #header: string;
	readonly #isLegacyLine: ((line: string) => boolean) | undefined;
	readonly #lockPath: string;
	#fd: number | undefined;
	/** The inode the descriptor writes to: a different one at the path means another writer replaced the file. */
	#identity: string | undefined;
	#isLocked = false;
	#size = 0;
	#lines = 0;
	/** The file ends mid-line: the next append starts with a line feed so as not to glue onto it. */
	#isUnterminated = false;

	constructor(path: string, options: JsonLinesFileOptions) {
		this.path = path;
		this.#fs = options.fs ?? (nodeFs as unknown as FileSystem);
		this.#header = options.header;
		this.#isLegacyLine = options.isLegacyLine;
		this.#lockPath = resolve(dirname(path), `${basename(path)}.lock`);
	}

	/** Lines in the file after the header, as far as this object knows (set by `load`, `append` and `rewrite`). */
	get lineCount(): number {
		return this.#lines;
	}

	/**
	 * Takes the lock, then reads and parses every line. A missing or empty file is empty.
	 *
	 * @throws {DeadLetterFileError} when the path is a symbolic link (`symlink`), holds a file that is not ours
	 * (`foreign-file`), or another store holds the lock (`locked`).
	 * @throws the file system's error when the file exists but cannot be read.
	 */
	load(): JsonLinesContent {
		this.#refuseSymlink();
		let text: string;
		try {
			text = this.#fs.readFileSync(this.path, 'utf8');
		} catch (error) {
			if ((error as {code?: unknown}).code !== 'ENOENT') throw error;
			text = '';
		}
		const lines = text.split('\n');
		const isTerminated = lines.at(-1) === '';
		if (isTerminated) lines.pop();
		const hasHeader = lines[0] === this.#header;
		// A crash during the very first write leaves a torn header: nothing but a prefix of it.
		if (lines.length === 1 && !isTerminated && this.#header.startsWith(lines[0]!)) lines.pop();
		if (lines.length > 0 && !hasHeader && this.#isLegacyLine?.(lines[0]!) !== true) {
			throw new DeadLetterFileError(this.path, 'foreign-file', 'the file was not written by a dead-letter store (no header line); it is left as it is');
		}
		this.#lock();
		const body = hasHeader ? lines.slice(1) : lines;
		const offset = hasHeader ? 2 : 1;
		const values: unknown[] = [];
		const skipped: SkippedLine[] = [];
		body.forEach((line, index) => {
			if (line.trim() === '') return;
			try {
				values.push(JSON.parse(line));
			} catch (error) {
				skipped.push({lineNumber: index + offset, isTorn: !isTerminated && index === body.length - 1, error});
			}
		});
		this.#lines = body.length;
		this.#isUnterminated = !isTerminated && lines.length > 0;
		return {values, skipped, needsRewrite: skipped.length > 0 || this.#isUnterminated || (lines.length > 0 && !hasHeader)};
	}

	/**
	 * Appends `lines` (each one JSON text without a line feed), writing the header first into a new file. On a failed
	 * write the file is cut back to where it was, so no partial line is left for the next append to glue onto; then
	 * the error is thrown.
	 *
	 * @throws {DeadLetterFileError} when the file was replaced behind this store's back, or the path became a link.
	 */
	append(lines: readonly string[]): void {
		if (lines.length === 0) return;
		this.#checkHolder();
		const fd = this.#open();
		const prefix = this.#size === 0 ? `${this.#header}\n` : this.#isUnterminated ? '\n' : '';
		const buffer = Buffer.from(`${prefix}${lines.join('\n')}\n`, 'utf8');
		try {
			writeAll(this.#fs, fd, buffer, this.path);
		} catch (error) {
			try {
				this.#fs.ftruncateSync(fd, this.#size);
			} catch {
				// Nothing more to do: the next load() skips the torn line and reports it.
			}
			throw error;
		}
		this.#size += buffer.length;
		this.#lines += lines.length;
		this.#isUnterminated = false;
	}

	/**
	 * Replaces the whole file with the header and `lines`: a new temporary file (random name, created exclusively,
	 * never through a link) is written completely, fsynced and renamed over the original. On any failure the
	 * temporary file is removed, the original is left as it was, and the error is thrown.
	 */
	rewrite(lines: readonly string[]): void {
		this.#checkHolder();
		this.#closeDescriptor();
		this.#lock();
		this.#fs.mkdirSync(dirname(this.path), {recursive: true});
		const temporary = join(dirname(this.path), `.${basename(this.path)}.${randomUUID()}.tmp`);
		let fd: number | undefined;
		try {
			fd = this.#fs.openSync(temporary, exclusiveFlags, fileMode);
			writeAll(this.#fs, fd, Buffer.from(`${[this.#header, ...lines].join('\n')}\n`, 'utf8'), temporary);
			this.#fs.fsyncSync(fd);
			this.#fs.closeSync(fd);
			fd = undefined;
			this.#refuseSymlink();
			this.#fs.renameSync(temporary, this.path);
		} catch (error) {
			if (fd !== undefined) {
				try {
					this.#fs.closeSync(fd);
				} catch {
					// Already failing: the original error is the one to report.
				}
			}
			this.#fs.rmSync(temporary, {force: true});
			throw error;
		}
		syncDirectory(this.#fs, dirname(this.path));
		this.#lines = lines.length;
		this.#isUnterminated = false;
	}

	/** Closes the file descriptor and releases the lock; a later `append` or `rewrite` takes both again. */
	close(): void {
		this.#closeDescriptor();
		if (!this.#isLocked) return;
		this.#isLocked = false;
		// Taken over by another store of this process: the lock is that store's now.
		if (holders.get(this.#lockPath) !== this) return;
		holders.delete(this.#lockPath);
		try {
			this.#fs.rmSync(this.#lockPath, {force: true});
		} catch {
			// A lock left behind names a process that is gone; the next store takes it over.
		}
	}

	#closeDescriptor(): void {
		if (this.#fd === undefined) return;
		const fd = this.#fd;
		this.#fd = undefined;
		this.#identity = undefined;
		this.#fs.closeSync(fd);
	}

	#open(): number {
		if (this.#fd !== undefined) {
			// Another writer that compacted the file renamed a new one over it: appending to ours would lose letters.
			const current = this.#fs.lstatSync(this.path, {throwIfNoEntry: false});
			if (current !== undefined && `${current.dev}:${current.ino}` === this.#identity) return this.#fd;
			this.#closeDescriptor();
			throw new DeadLetterFileError(this.path, 'replaced', 'the file was replaced or removed by someone else since it was opened; reload the store');
		}
		this.#lock();
		this.#fs.mkdirSync(dirname(this.path), {recursive: true});
		let fd: number;
		try {
			fd = this.#fs.openSync(this.path, appendFlags, fileMode);
		} catch (error) {
			if ((error as {code?: unknown}).code === 'ELOOP') throw symlinkError(this.path, error);
			throw error;
		}
		const stat = this.#fs.fstatSync(fd);
		this.#size = stat.size;
		this.#identity = `${stat.dev}:${stat.ino}`;
		this.#fd = fd;
		return fd;
	}

	#refuseSymlink(): void {
		if (this.#fs.lstatSync(this.path, {throwIfNoEntry: false})?.isSymbolicLink() === true) throw symlinkError(this.path);
	}

	/** Throws when another store of this process took the file over since this one locked it. */
	#checkHolder(): void {
		if (!this.#isLocked || holders.get(this.#lockPath) === this) return;
		this.#isLocked = false;
		this.#closeDescriptor();
		throw new DeadLetterFileError(this.path, 'locked', 'another store in this process has taken the file over since this one opened it; this store no longer writes it');
	}

	/**
	 * Creates the lock file exclusively; takes over one whose process (on this host) is gone, or that another store
	 * of this process holds (see `holders`).
	 */
	#lock(): void {
		if (this.#isLocked) return;
		if (holders.has(this.#lockPath)) {
			holders.get(this.#lockPath)!.#closeDescriptor();
			holders.set(this.#lockPath, this);
			this.#isLocked = true;
			return;
		}
		this.#fs.mkdirSync(dirname(this.path), {recursive: true});
		const owner = Buffer.from(JSON.stringify({pid: process.pid, host: hostname()}));
		for (let attempt = 0; attempt < 2; attempt++) {
			let fd: number;
			try {
				fd = this.#fs.openSync(this.#lockPath, exclusiveFlags, fileMode);
			} catch (error) {
				if ((error as {code?: unknown}).code !== 'EEXIST') throw error;
				const holder = this.#readLock();
				if (holder !== undefined && !isStale(holder) && !isThisProcess(holder)) {
					throw new DeadLetterFileError(this.path, 'locked', `another store holds ${this.#lockPath} (process ${holder.pid} on ${holder.host}); close it first, or remove the lock file if that process is gone`);
				}
				this.#fs.rmSync(this.#lockPath, {force: true});
				continue;
			}
			try {
				writeAll(this.#fs, fd, owner, this.#lockPath);
			} finally {
				this.#fs.closeSync(fd);
			}
			this.#isLocked = true;
			holders.set(this.#lockPath, this);
			return;
		}
		throw new DeadLetterFileError(this.path, 'locked', `could not take ${this.#lockPath}: another store keeps taking it`);
	}

	#readLock(): {pid: number; host: string} | undefined {
		try {
			const {pid, host} = JSON.parse(this.#fs.readFileSync(this.#lockPath, 'utf8')) as {pid?: unknown; host?: unknown};
			return typeof pid === 'number' && typeof host === 'string' ? {pid, host} : undefined;
		} catch {
			// Unreadable or half-written: a holder that crashed while taking it.
			return undefined;
		}
	}
}

/** Writes all of `buffer`, however many calls it takes; a call that writes nothing is an error, never a loop. */
function writeAll(fs: FileSystem, fd: number, buffer: Uint8Array, path: string): void {
	writeFully(
		(chunk, at, length) => fs.writeSync(fd, chunk, at, length),
		buffer,
		written => new DeadLetterFileError(path, 'short-write', `the file system wrote ${written} of ${buffer.length} bytes and then nothing`),
	);
}

function syncDirectory(fs: FileSystem, directory: string): void {
	let fd: number | undefined;
	try {
		fd = fs.openSync(directory, 'r');
		fs.fsyncSync(fd);
	} catch {
		// Not every platform can fsync a directory; the rename itself has happened.
	} finally {
		if (fd !== undefined) fs.closeSync(fd);
	}
}

// A lock file of this process that no live store holds: one never closed and gone (its lock stays in `holders`
// until taken over), or left from before a fork.
function isThisProcess(holder: {pid: number; host: string}): boolean {
	return holder.host === hostname() && holder.pid === process.pid;
}

function isStale(holder: {pid: number; host: string}): boolean {
	if (holder.host !== hostname()) return false;
	if (holder.pid === process.pid) return false;
	try {
		process.kill(holder.pid, 0);
		return false;
	} catch (error) {
		return (error as {code?: unknown}).code === 'ESRCH';
	}
}

function symlinkError(path: string, cause?: unknown): DeadLetterFileError {
	return new DeadLetterFileError(path, 'symlink', 'the path is a symbolic link; give the real path of the file', cause === undefined ? undefined : {cause});
}
