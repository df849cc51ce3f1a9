/**
 * The engine's deadlines in one min-heap, so the adapter needs exactly one timer: the earliest deadline.
 *
 * Cancelling is lazy: a deadline is live while the `live` map holds the same time for its key; stale heap entries
 * are dropped when they reach the top, and the heap is rebuilt when stale ones outnumber live ones (bounded memory).
 */
export class DeadlineHeap<T> {
  private heap: { at: number; key: string; item: T }[] = [];
  private readonly live = new Map<string, number>();

  /** Number of live deadlines. */
  get size(): number {
    return this.live.size;
  }

  /** Sets or moves the deadline of `key`. */
  set(key: string, at: number, item: T): void {
    this.live.set(key, at);
    this.push({ at, key, item });
    if (this.heap.length > 64 && this.heap.length > 3 * this.live.size) this.compact();
  }

  delete(key: string): void {
    this.live.delete(key);
  }

  has(key: string): boolean {
    return this.live.has(key);
  }

  /** Time of `key`'s deadline, if live. */
  get(key: string): number | undefined {
    return this.live.get(key);
  }

  /** Earliest live deadline. */
  peek(): number | undefined {
    this.dropStale();
    return this.heap[0]?.at;
  }

  /** Removes and returns the earliest live deadline if it is due at `now`. */
  popDue(now: number): { key: string; item: T } | undefined {
    this.dropStale();
    const top = this.heap[0];
    if (top === undefined || top.at > now) return undefined;
    this.pop();
    this.live.delete(top.key);
    return { key: top.key, item: top.item };
  }

  private dropStale(): void {
    for (let top = this.heap[0]; top !== undefined && this.live.get(top.key) !== top.at; top = this.heap[0]) this.pop();
  }

  private compact(): void {
    const entries = this.heap.filter((e) => this.live.get(e.key) === e.at);
    // A key set twice to the same time leaves two live-looking entries; keep one.
    const seen = new Set<string>();
    this.heap = [];
    for (const e of entries) {
      if (seen.has(e.key)) continue;
      seen.add(e.key);
      this.push(e);
    }
  }

  private push(entry: { at: number; key: string; item: T }): void {
    const heap = this.heap;
    heap.push(entry);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = heap[parent]!;
      if (p.at <= entry.at) break;
      heap[i] = p;
      i = parent;
    }
    heap[i] = entry;
  }

  private pop(): void {
    const heap = this.heap;
    const last = heap.pop();
    if (last === undefined || heap.length === 0) return;
    let i = 0;
    const n = heap.length;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const child = r < n && heap[r]!.at < heap[l]!.at ? r : l;
      if (heap[child]!.at >= last.at) break;
      heap[i] = heap[child]!;
      i = child;
    }
    heap[i] = last;
  }
}
