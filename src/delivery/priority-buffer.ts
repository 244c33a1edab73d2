import {Deque} from './deque.js';

interface Level<T> {
	readonly priority: number;
	readonly items: Deque<T>;
}

/**
 * FIFO queues per priority level: `shift()` takes the oldest item of the highest level. Levels are kept sorted,
 * and the common case (one level, priority 0) never touches more than one deque.
 */
export class PriorityBuffer<T extends {readonly priority: number}> {
	// Sorted by priority, highest first. Few distinct levels exist in practice, so a sorted array beats a heap.
	readonly #levels: Level<T>[] = [];
	#length = 0;

	get length(): number {
		return this.#length;
	}

	push(item: T): void {
		this.#level(item.priority).items.push(item);
		this.#length++;
	}

	/** The priority of the lowest level that holds an item; `undefined` when empty. */
	get lowestPriority(): number | undefined {
		for (let index = this.#levels.length - 1; index >= 0; index--) {
			const level = this.#levels[index]!;
			if (level.items.length > 0) return level.priority;
		}
		return undefined;
	}

	/** Levels currently kept; a level goes as soon as it is empty, so distinct priorities cannot pile up. */
	get levelCount(): number {
		return this.#levels.length;
	}

	/** Removes the oldest item of the highest priority; `undefined` when empty. */
	shift(): T | undefined {
		const levels = this.#levels;
		for (let index = 0; index < levels.length; index++) {
			if (levels[index]!.items.length > 0) return this.#shiftFrom(index);
		}
		return undefined;
	}

	/** Removes the oldest item of the lowest priority (the one `drop-oldest` sacrifices). */
	shiftLowest(): T | undefined {
		for (let index = this.#levels.length - 1; index >= 0; index--) {
			if (this.#levels[index]!.items.length > 0) return this.#shiftFrom(index);
		}
		return undefined;
	}

	/** Removes everything, highest priority first. */
	clear(): T[] {
		const items: T[] = [];
		// No spread: a level may hold more items than a call can take as arguments.
		for (const level of this.#levels) for (const item of level.items.clear()) items.push(item);
		this.#levels.length = 0;
		this.#length = 0;
		return items;
	}

	#shiftFrom(index: number): T | undefined {
		const level = this.#levels[index]!;
		this.#length--;
		const item = level.items.shift();
		// An empty level goes, so that distinct priorities cannot pile up levels; priority 0, the common one, stays
		// (recreating it whenever the queue runs dry would cost a deque per event).
		if (level.items.length === 0 && level.priority !== 0) this.#levels.splice(index, 1);
		return item;
	}

	#level(priority: number): Level<T> {
		const levels = this.#levels;
		if (levels.length === 1 && levels[0]!.priority === priority) return levels[0]!;
		let index = 0;
		while (index < levels.length && levels[index]!.priority > priority) index++;
		const found = levels[index];
		if (found?.priority === priority) return found;
		const level = {priority, items: new Deque<T>()};
		levels.splice(index, 0, level);
		return level;
	}
}
