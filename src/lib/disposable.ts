/**
 * Ownership of sockets, timers and child processes: whoever creates one
 * registers it, and dispose() releases children in reverse order.
 */
export interface Disposable {
  dispose(): void | Promise<void>;
}

export class DisposableStore implements Disposable {
  private children: Disposable[] = [];
  private disposed = false;

  add<T extends Disposable>(child: T): T {
    if (this.disposed) {
      void child.dispose();
      return child;
    }
    this.children.push(child);
    return child;
  }

  /** Registers a plain cleanup function. */
  defer(cleanup: () => void | Promise<void>): void {
    this.add({ dispose: cleanup });
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    const children = this.children.reverse();
    this.children = [];
    for (const child of children) await child.dispose();
  }
}
