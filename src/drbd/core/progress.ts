import { BLOCK_BYTES } from "./bitmap.js";

/** Resync / verify progress as DRBD reports it: done %, blocks done/total, speed and ETA. */
export class Progress {
  doneBlocks = 0;

  constructor(readonly totalBlocks: number, readonly startedMs: number) {}

  advance(blocks: number, _nowMs: number): void {
    this.doneBlocks = Math.min(this.totalBlocks, this.doneBlocks + blocks);
  }

  percent(): number {
    return this.totalBlocks === 0 ? 100 : (100 * this.doneBlocks) / this.totalBlocks;
  }

  speedKiBps(nowMs: number): number {
    const seconds = Math.max(0.001, (nowMs - this.startedMs) / 1000);
    return (this.doneBlocks * BLOCK_BYTES) / 1024 / seconds;
  }

  etaSeconds(nowMs: number): number {
    const speed = this.speedKiBps(nowMs);
    const leftKiB = ((this.totalBlocks - this.doneBlocks) * BLOCK_BYTES) / 1024;
    return speed <= 0 ? Number.POSITIVE_INFINITY : leftKiB / speed;
  }

  summary(nowMs: number): string {
    return `${this.percent().toFixed(1)}%, ${this.doneBlocks}/${this.totalBlocks} blocks, ${Math.round(this.speedKiBps(nowMs))} KiB/s`;
  }
}
