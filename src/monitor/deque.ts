/** An array that drops from the front and pushes at the back in amortised O(1) (a list's tail and head). */
export class Deque<T> {
  private items: T[] = [];
  private start = 0;

  get length(): number {
    return this.items.length - this.start;
  }

  at(i: number): T {
    return this.items[this.start + i];
  }

  push(x: T): void {
    this.items.push(x);
  }

  /** Removes up to `n` items from the front, calling `each` on them. */
  dropFront(n: number, each: (x: T) => void): void {
    const end = Math.min(this.items.length, this.start + n);
    for (let i = this.start; i < end; i++) each(this.items[i]);
    this.start = end;
    if (this.start > 1024 && this.start * 2 > this.items.length) {
      this.items = this.items.slice(this.start);
      this.start = 0;
    }
  }

  clear(): void {
    this.items = [];
    this.start = 0;
  }

  /** The first `n` items from the front, and the last `n` from the back (newest first). */
  front(n: number): T[] {
    return this.items.slice(this.start, Math.min(this.items.length, this.start + n));
  }
  back(n: number): T[] {
    return this.items.slice(Math.max(this.start, this.items.length - n)).reverse();
  }
}
