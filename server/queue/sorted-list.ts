/**
 * An array kept sorted by a total order. Binary search finds a slot, `splice` shifts the tail; for the few thousand
 * entries of a call center the memmove is cheaper than the pointer chasing of a balanced tree, and iteration in
 * order (what dispatch does most) is a plain array walk.
 *
 * The order must be total (tie-break on a unique sequence number) and an entry's sort key must not change while it
 * is in the list: {@link SortedList.remove} finds the entry by its key.
 */
export class SortedList<T> {
  private readonly items: T[] = [];

  constructor(private readonly compare: (a: T, b: T) => number) {}

  get size(): number {
    return this.items.length;
  }

  at(index: number): T | undefined {
    return this.items[index];
  }

  first(): T | undefined {
    return this.items[0];
  }

  insert(item: T): void {
    this.items.splice(this.lowerBound(item), 0, item);
  }

  /** Removes this very entry; false when it is not in the list. */
  remove(item: T): boolean {
    const index = this.indexOf(item);
    if (index < 0) return false;
    this.items.splice(index, 1);
    return true;
  }

  /** Index of this very entry, or -1. */
  indexOf(item: T): number {
    const index = this.lowerBound(item);
    return this.items[index] === item ? index : -1;
  }

  /** First index at or after `from` for which `past` holds; `past` must be false then true along the list. */
  firstIndexWhere(from: number, past: (item: T) => boolean): number {
    let lo = from;
    let hi = this.items.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (past(this.items[mid] as T)) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  clear(): void {
    this.items.length = 0;
  }

  values(): readonly T[] {
    return this.items;
  }

  [Symbol.iterator](): Iterator<T> {
    return this.items[Symbol.iterator]();
  }

  private lowerBound(item: T): number {
    return this.firstIndexWhere(0, (other) => this.compare(other, item) >= 0);
  }
}
