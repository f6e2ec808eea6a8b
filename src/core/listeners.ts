/**
 * The listeners of one event. `add` returns its own removal, so whatever subscribes in a
 * `start()` can unsubscribe in the matching `stop()`, and a component started again does not
 * call the listeners of its previous run.
 */
export class Listeners<Args extends unknown[]> {
  private readonly listeners = new Set<(...args: Args) => void>();

  /** Adds `listener`; call the returned function to remove it (more than once is harmless). */
  add(listener: (...args: Args) => void): () => void {
    // A wrapper of our own, so the same function added twice is two subscriptions, each removable.
    const entry = (...args: Args) => listener(...args);
    this.listeners.add(entry);
    return () => {
      this.listeners.delete(entry);
    };
  }

  /** Calls every listener, in the order they were added. */
  emit(...args: Args): void {
    for (const listener of [...this.listeners]) listener(...args);
  }

  /** How many are listening, for tests that check nothing leaks across restarts. */
  get size(): number {
    return this.listeners.size;
  }
}
