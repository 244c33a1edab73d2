/**
 * Maps topicbus's topic grammar onto NATS subjects. Topics and subjects share `.` as the separator; the patterns
 * differ: NATS has `*` (one token) and a trailing `>` (one or more tokens), topicbus has `*`, `**` (zero or more,
 * anywhere) and segment globs. Where NATS has no exact form, the bridge subscribes to the widest safe subject and
 * filters with the bus's own matcher.
 */
import {InvalidTopicError} from '../errors.js';
import {isReservedTopic, parseTopicPattern} from './topic-grammar.js';

/**
 * The NATS subjects that together receive every topic `pattern` matches (under `prefix`), widest where NATS has no
 * exact form:
 * - `*` stays `*`; a segment glob (`v?`, `{a,b}`) becomes `*`;
 * - a trailing `**` (or a run of them) becomes both the subject without it and that subject followed by `>` (`**`
 *   may match nothing); `**` alone becomes `>`;
 * - a leading or mid-pattern `**` becomes `>` from that segment on.
 *
 * @throws {InvalidTopicError} when the pattern breaks the grammar or starts with a reserved `$` segment.
 */
export function patternToSubjects(pattern: string, prefix: string): string[] {
	const segments = parseTopicPattern(pattern);
	if (isReservedTopic(pattern)) {
		throw new InvalidTopicError(pattern, 'reserved', '`$` topics are the bus\'s own and never cross a bridge');
	}
	const tokens: string[] = prefix === '' ? [] : [prefix];
	for (const [index, segment] of segments.entries()) {
		if (segment.kind === 'literal') tokens.push(segment.text);
		else if (segment.kind === 'star' || segment.kind === 'glob') tokens.push('*');
		else {
			// When only `**`s are left they may all match nothing, so the subject before them is a topic too.
			const restMayBeEmpty = segments.slice(index).every(rest => rest.kind === 'globstar');
			return restMayBeEmpty && index > 0 ? [tokens.join('.'), [...tokens, '>'].join('.')] : [[...tokens, '>'].join('.')];
		}
	}
	return [tokens.join('.')];
}

/** True when NATS needs no local filtering for `pattern`: only literals, `*` and a trailing `**`. */
export function isExactOnNats(pattern: string): boolean {
	const segments = parseTopicPattern(pattern);
	return segments.every((segment, index) => segment.kind === 'literal' || segment.kind === 'star' || (segment.kind === 'globstar' && index === segments.length - 1));
}

/** The subject a topic is published on. */
export function topicToSubject(topic: string, prefix: string): string {
	return prefix === '' ? topic : `${prefix}.${topic}`;
}

/** The topic a subject carries, or `undefined` when the subject is outside `prefix`. */
export function subjectToTopic(subject: string, prefix: string): string | undefined {
	if (prefix === '') return subject;
	return subject.length > prefix.length + 1 && subject.startsWith(prefix) && subject.charCodeAt(prefix.length) === 46 ? subject.slice(prefix.length + 1) : undefined;
}

/** True when the subscription subject `filter` (with `*` and `>`) receives the concrete subject `subject`. */
export function subjectMatches(filter: string, subject: string): boolean {
	const wanted = filter.split('.');
	const tokens = subject.split('.');
	for (const [index, token] of wanted.entries()) {
		if (token === '>') return tokens.length > index;
		if (index >= tokens.length || (token !== '*' && token !== tokens[index])) return false;
	}
	return wanted.length === tokens.length;
}

/** True when every subject `narrow` receives, `wide` receives too. */
export function subjectCovers(wide: string, narrow: string): boolean {
	const outer = wide.split('.');
	const inner = narrow.split('.');
	for (const [index, token] of outer.entries()) {
		const other = inner[index];
		if (token === '>') return other !== undefined;
		if (other === undefined || other === '>' || (token !== '*' && (other === '*' || other !== token))) return false;
	}
	return outer.length === inner.length;
}

/** True when some concrete subject is received by both `a` and `b`. */
export function subjectsOverlap(a: string, b: string): boolean {
	const left = a.split('.');
	const right = b.split('.');
	for (let index = 0; ; index++) {
		const x = left[index];
		const y = right[index];
		if (x === undefined || y === undefined) return x === y;
		if (x === '>' || y === '>') return true;
		if (x !== '*' && y !== '*' && x !== y) return false;
	}
}

/** Removes duplicates and subjects another one in the list already covers; keeps first-seen order. */
export function reduceSubjects(subjects: readonly string[]): string[] {
	const unique = [...new Set(subjects)];
	return unique.filter(subject => !unique.some(other => other !== subject && subjectCovers(other, subject)));
}

/** True when no two subjects overlap (JetStream refuses overlapping consumer filters). */
export function areDisjoint(subjects: readonly string[]): boolean {
	return subjects.every((subject, index) => subjects.slice(index + 1).every(other => !subjectsOverlap(subject, other)));
}
