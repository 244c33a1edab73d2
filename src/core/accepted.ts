/**
 * What `publish()` returns for an event accepted at once: a promise-compatible object already fulfilled with the
 * event, whose native promise is created only when someone calls `then`, `catch` or `finally` (which `await` does).
 * A producer that publishes in a loop without awaiting each call then allocates no promise per event; with
 * AsyncLocalStorage's promise hook on (Node 20 and 22), each promise also runs the hook.
 *
 * It is not a native `Promise`: `instanceof Promise` and `util.types.isPromise` are false. `await`, `.then`,
 * `Promise.all`, `Promise.resolve(accepted)` and typed code written against `Promise<T>` work as with a promise.
 */
export class AcceptedEvent<T> implements Promise<T> {
	readonly #value: T;
	#promise: Promise<T> | undefined;

	constructor(value: T) {
		this.#value = value;
	}

	get [Symbol.toStringTag](): string {
		return 'AcceptedEvent';
	}

	then<Fulfilled = T, Rejected = never>(
		onFulfilled?: ((value: T) => Fulfilled | PromiseLike<Fulfilled>) | null,
		onRejected?: ((reason: unknown) => Rejected | PromiseLike<Rejected>) | null,
	): Promise<Fulfilled | Rejected> {
		return this.#resolved().then(onFulfilled, onRejected);
	}

	catch<Rejected = never>(onRejected?: ((reason: unknown) => Rejected | PromiseLike<Rejected>) | null): Promise<T | Rejected> {
		return this.#resolved().catch(onRejected);
	}

	finally(onFinally?: (() => void) | null): Promise<T> {
		return this.#resolved().finally(onFinally);
	}

	#resolved(): Promise<T> {
		this.#promise ??= Promise.resolve(this.#value);
		return this.#promise;
	}
}
