/**
 * Replay rejection for one sender: the newest boot epoch seen, the highest
 * sequence number, and which of the last `replayWindowSize` numbers arrived (so
 * datagrams reordered by the network or sent on several links pass exactly once).
 * The bitmap is circular: bit (seq mod size) belongs to seq while seq is in the window.
 */
export const replayWindowSize = 1024;

export class ReplayWindow {
  private epoch = -1n;
  private highest = 0;
  private readonly seen = new Uint8Array(replayWindowSize);

  /** True when (epoch, seq) is new, and records it. An older epoch is an older boot: rejected. */
  accept(epoch: bigint, seqBig: bigint): boolean {
    if (seqBig <= 0n || seqBig > BigInt(Number.MAX_SAFE_INTEGER)) return false;
    if (epoch < this.epoch) return false;
    if (epoch > this.epoch) {
      this.epoch = epoch;
      this.highest = 0;
      this.seen.fill(0);
    }
    const seq = Number(seqBig);
    if (seq > this.highest) {
      const cleared = Math.min(seq - this.highest, replayWindowSize);
      for (let n = 1; n <= cleared; n++) this.seen[(this.highest + n) % replayWindowSize] = 0;
      this.highest = seq;
    } else if (this.highest - seq >= replayWindowSize) {
      return false;
    }
    const slot = seq % replayWindowSize;
    if (this.seen[slot] === 1) return false;
    this.seen[slot] = 1;
    return true;
  }
}
