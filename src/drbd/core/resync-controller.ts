/**
 * The resync rate (drbd.conf(5), disk section: resync-rate and the c-*
 * settings of the dynamic resync speed controller).
 *
 * With c-plan-ahead 0 the rate is fixed at resync-rate. Otherwise the rate
 * starts at resync-rate and follows the path: the controller aims for an
 * amount of resync data in flight (requested, not yet acknowledged by the
 * peer) of c-fill-target, or, when that is 0, of what c-delay-target's worth
 * of the current rate is. Less in flight than the aim means the path drains
 * faster than planned and the rate rises; more means it is congested and the
 * rate falls. c-plan-ahead is the time over which a correction is spread
 * (the controller's time constant). The rate stays within c-max-rate (0: no
 * limit); while application I/O runs, the resync yields down to c-min-rate
 * (0: the resync never yields).
 */
export interface ResyncControl {
  /** resync-rate: the fixed rate, and the dynamic controller's starting point. */
  rateBytesPerSec: number;
  planAheadMs: number;
  fillTargetBytes: number;
  delayTargetMs: number;
  /** 0: no limit. */
  maxRateBytesPerSec: number;
  /** 0: the resync does not yield to application I/O. */
  minRateBytesPerSec: number;
}

/** The slowest a dynamically controlled resync goes: one 4 KiB block a second. */
const RATE_FLOOR_BYTES_PER_SEC = 4096;

export class ResyncController {
  private rate: number;

  constructor(private readonly control: ResyncControl) {
    this.rate = this.clamp(control.rateBytesPerSec);
  }

  /** The rate the last step allowed (bytes per second). */
  get rateBytesPerSec(): number {
    return this.rate;
  }

  /** A new resync starts from resync-rate again. */
  restart(): void {
    this.rate = this.clamp(this.control.rateBytesPerSec);
  }

  /**
   * One controller step: `elapsedMs` since the last one, the resync bytes in
   * flight now, and whether application I/O ran meanwhile. Returns the bytes
   * the resync may request during the next `elapsedMs`.
   */
  step(elapsedMs: number, inFlightBytes: number, applicationIo: boolean): number {
    const c = this.control;
    if (c.planAheadMs > 0) {
      const aim = c.fillTargetBytes > 0 ? c.fillTargetBytes : (this.rate * c.delayTargetMs) / 1000;
      const error = Math.max(-1, (aim - inFlightBytes) / Math.max(aim, 1));
      this.rate = this.clamp(this.rate * (1 + (error * Math.min(elapsedMs, c.planAheadMs)) / c.planAheadMs));
    }
    const yielding = applicationIo && c.minRateBytesPerSec > 0;
    const rate = yielding ? Math.min(this.rate, c.minRateBytesPerSec) : this.rate;
    return (rate * elapsedMs) / 1000;
  }

  private clamp(rate: number): number {
    const c = this.control;
    if (c.planAheadMs === 0) return rate;
    const max = c.maxRateBytesPerSec > 0 ? c.maxRateBytesPerSec : Number.POSITIVE_INFINITY;
    return Math.min(max, Math.max(RATE_FLOOR_BYTES_PER_SEC, rate));
  }
}
