/**
 * Type-level topic matching: which topics of an event map a pattern can match, with the runtime's rules
 * (`*` = one segment, `**` = zero or more, a glob segment such as `{a,b}` or `v?` is taken to match any segment).
 */

type Split<S extends string> = S extends `${infer Head}.${infer Rest}` ? [Head, ...Split<Rest>] : [S];

type IsGlob<Segment extends string> = Segment extends `${string}${'*' | '?' | '{' | '['}${string}` ? true : false;

type SegmentMatches<PatternSegment extends string, TopicSegment extends string> = PatternSegment extends '*'
	? true
	: PatternSegment extends TopicSegment
		? true
		: IsGlob<PatternSegment>;

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
