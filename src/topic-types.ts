/**
 * Type-level topic matching: which topics of an event map a pattern can match, with the runtime's rules
 * (`*` = one segment, `**` = zero or more; a glob segment matches its `{a,b}` alternatives or its `*-suffix`/
 * `prefix*` shape, and a richer one such as `v?` is taken to match any segment).
 */

type Split<S extends string> = S extends `${infer Head}.${infer Rest}` ? [Head, ...Split<Rest>] : [S];

type IsGlob<Segment extends string> = Segment extends `${string}${'*' | '?' | '{' | '['}${string}` ? true : false;

type Alternatives<Body extends string> = Body extends `${infer Head},${infer Rest}` ? Head | Alternatives<Rest> : Body;

/**
 * A glob segment against a topic segment: `{a,b}` matches its alternatives, one `*` with literal text around it
 * (`*-failed`, `v*`) matches that shape; anything richer (`?`, `[...]`, several wildcards) is taken to match any
 * segment, as is a segment the type only knows as `string`.
 */
type GlobMatches<Glob extends string, TopicSegment extends string> = string extends TopicSegment
	? true
	: Glob extends `{${infer Body}}`
		? IsGlob<Body> extends true
			? true
			: TopicSegment extends Alternatives<Body>
				? true
				: false
		: Glob extends `${infer Prefix}*${infer Suffix}`
			? IsGlob<`${Prefix}${Suffix}`> extends true
				? true
				: TopicSegment extends `${Prefix}${string}${Suffix}`
					? true
					: false
			: true;

type SegmentMatches<PatternSegment extends string, TopicSegment extends string> = PatternSegment extends '*'
	? true
	: PatternSegment extends TopicSegment
		? true
		: IsGlob<PatternSegment> extends true
			? GlobMatches<PatternSegment, TopicSegment>
			: false;

type MatchSegments<Pattern extends string[], Topic extends string[]> = Pattern extends ['**', ...infer PatternRest extends string[]]
	? MatchSegments<PatternRest, Topic> extends true
		? true
		: Topic extends [string, ...infer TopicRest extends string[]]
			? MatchSegments<Pattern, TopicRest>
			: false
	: Pattern extends [infer PatternHead extends string, ...infer PatternRest extends string[]]
		? Topic extends [infer TopicHead extends string, ...infer TopicRest extends string[]]
			? SegmentMatches<PatternHead, TopicHead> extends true
				? MatchSegments<PatternRest, TopicRest>
				: false
			: false
		: Topic extends []
			? true
			: false;

/** True when `Pattern` matches `Topic` (both literal string types). */
export type TopicMatches<Pattern extends string, Topic extends string> = MatchSegments<Split<Pattern>, Split<Topic>>;

/** The members of the union `Topics` that `Pattern` matches. */
export type MatchingTopics<Topics extends string, Pattern extends string> = Topics extends string
	? TopicMatches<Pattern, Topics> extends true
		? Topics
		: never
	: never;
