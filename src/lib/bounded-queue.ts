import { assert } from "./assert.js";

export type OverflowPolicy = "drop-newest" | "drop-oldest";

/**
 * A FIFO with a capacity and an explicit overflow policy. Drops are counted so
 * that status output can show them; nothing in Quorate queues without a bound.
 */
export class BoundedQueue<T> {
  private items: T[] = [];
  private head = 0;
  dropped = 0;

  constructor(readonly capacity: number, readonly overflow: OverflowPolicy = "drop-newest") {
    assert(Number.isInteger(capacity) && capacity > 0, "queue capacity must be a positive integer");
  }

  get length(): number {
    return this.items.length - this.head;
  }

  /** Returns false when the item (or, with drop-oldest, the oldest item) was dropped. */
  push(item: T): boolean {
    if (this.length < this.capacity) {
      this.items.push(item);
      return true;
    }
    this.dropped++;
    if (this.overflow === "drop-newest") return false;
    this.shift();
    this.items.push(item);
    return false;
  }

  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head++];
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }

  peek(): T | undefined {
    return this.items[this.head];
  }
}
