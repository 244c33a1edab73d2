import {ErrorCodes, EventBusError} from '../errors.js';

/** Why the dead-letter file was refused or could not be written. */
export type DeadLetterFileProblem =
	/** The path holds a file that the store did not write (no dead-letter header): it is left alone. */
	| 'foreign-file'
	/** The path is a symbolic link: the store never writes through one (nor renames over it). */
	| 'symlink'
	/** A store of another live process holds the file's lock, or another store of this process took the file over. */
	| 'locked'
	/** The file was replaced or removed behind the store's back (another writer compacted it). */
	| 'replaced'
	/** The file system accepted no bytes of a write without reporting an error. */
	| 'short-write';

/** The code of {@link DeadLetterFileError}. */
export const deadLetterFileErrorCode = ErrorCodes.DeadLetterFileError;

/**
 * The dead-letter store refused its file, or found it changed by someone else: `problem` says which, `path` which
 * file. The original file is never replaced with a partial one; letters stay in memory.
 */
export class DeadLetterFileError extends EventBusError {
	readonly path: string;
	readonly problem: DeadLetterFileProblem;

	constructor(path: string, problem: DeadLetterFileProblem, detail: string, options?: {cause?: unknown}) {
		super(deadLetterFileErrorCode, `Dead-letter file ${path}: ${detail}`, options);
		this.path = path;
		this.problem = problem;
	}
}
