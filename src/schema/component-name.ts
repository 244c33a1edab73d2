/**
 * A reversible mapping from topics to OpenAPI/AsyncAPI component names.
 *
 * Component names must match `^[a-zA-Z0-9._-]+$`, but topics may also hold `:` and a leading `$`. `_` is the escape
 * character: `_` → `__`, `:` → `_c`, `$` → `_d`. Every other escape (`_e...`, `_s...`) never comes out of
 * {@link toComponentName}, so names built as `toComponentName(topic) + '_event'` can never collide with a topic's name.
 */

const escapes: Readonly<Record<string, string>> = {_: '__', ':': '_c', $: '_d'};
const unescapes: Readonly<Record<string, string>> = {_: '_', c: ':', d: '$'};

/** The component name of `topic`; reversible with {@link fromComponentName}. */
export function toComponentName(topic: string): string {
	return topic.replace(/[_:$]/g, character => escapes[character] ?? character);
}

/** The topic a component name came from, or `undefined` when the name is not the escape of any topic. */
export function fromComponentName(name: string): string | undefined {
	let topic = '';
	for (let index = 0; index < name.length; index++) {
		const character = name[index];
		if (character !== '_') {
			topic += character;
			continue;
		}
		const escaped = unescapes[name[index + 1] ?? ''];
		if (escaped === undefined) return undefined;
		topic += escaped;
		index++;
	}
	return topic;
}
