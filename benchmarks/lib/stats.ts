/** Small statistics over samples. */

export function median(values: readonly number[]): number {
	return quantile([...values].sort((a, b) => a - b), 0.5);
}

/** The `q` quantile (0..1) of ascending `sorted`, nearest rank: the value at or below which `q` of samples fall. */
export function quantile(sorted: ArrayLike<number>, q: number): number {
	if (sorted.length === 0) return Number.NaN;
	const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
	return sorted[rank]!;
}

/** (max - min) / median: how far apart the rounds were. */
export function relativeSpread(values: readonly number[]): number {
	const middle = median(values);
	return middle === 0 ? 0 : (Math.max(...values) - Math.min(...values)) / middle;
}
