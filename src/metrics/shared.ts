/**
 * One collection shared by every concurrent caller, then kept for `ttlMs`: scrapes that arrive while a
 * collection runs wait for it instead of starting their own, and scrapes within the cache time get the
 * same result. A failed collection is not kept.
 */
export class SharedCollection<T> {
  private inflight?: Promise<T>;
  private cached?: { at: number; value: T };

  constructor(
    private readonly produce: () => Promise<T>,
    private readonly ttlMs: number,
    private readonly clock: () => number = () => performance.now(),
  ) {}

  get(): Promise<T> {
    if (this.cached && this.clock() - this.cached.at < this.ttlMs) return Promise.resolve(this.cached.value);
    this.inflight ??= this.produce()
      .then((value) => {
        this.cached = { at: this.clock(), value };
        return value;
      })
      .finally(() => {
        this.inflight = undefined;
      });
    return this.inflight;
  }
}
