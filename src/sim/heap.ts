/** A binary min-heap of timed items; ties break by insertion order, so runs replay exactly. */
export class TimedQueue<T> {
  private readonly items: Array<{ atMs: number; order: number; value: T }> = [];
  private order = 0;

  get length(): number {
    return this.items.length;
  }

  push(atMs: number, value: T): void {
    const items = this.items;
    items.push({ atMs, order: this.order++, value });
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(i, parent)) break;
      [items[i], items[parent]] = [items[parent]!, items[i]!];
      i = parent;
    }
  }

  peekTime(): number | undefined {
    return this.items[0]?.atMs;
  }

  pop(): { atMs: number; value: T } | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (top === undefined || last === undefined) return undefined;
    if (items.length > 0) {
      items[0] = last;
      this.sink(0);
    }
    return { atMs: top.atMs, value: top.value };
  }

  private sink(start: number): void {
    const items = this.items;
    let i = start;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let best = i;
      if (left < items.length && this.less(left, best)) best = left;
      if (right < items.length && this.less(right, best)) best = right;
      if (best === i) return;
      [items[i], items[best]] = [items[best]!, items[i]!];
      i = best;
    }
  }

  private less(a: number, b: number): boolean {
    const x = this.items[a]!;
    const y = this.items[b]!;
    return x.atMs < y.atMs || (x.atMs === y.atMs && x.order < y.order);
  }
}
