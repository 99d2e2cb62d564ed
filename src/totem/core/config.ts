import { assert } from "../../lib/assert.js";
import { err, ok, type Result } from "../../lib/result.js";

/**
 * Totem timing and flow-control parameters, named and defaulted as in
 * corosync 3 (corosync.conf(5), totem section). Times are milliseconds.
 */
export interface TotemConfig {
  readonly token: number;
  readonly token_coefficient: number;
  readonly token_retransmit: number;
  readonly hold: number;
  readonly token_retransmits_before_loss_const: number;
  readonly join: number;
  readonly send_join: number;
  readonly consensus: number;
  readonly merge: number;
  /** Link re-check period: read by the driver (links are a transport concern), not the core. */
  readonly downcheck: number;
  readonly fail_recv_const: number;
  readonly seqno_unchanged_const: number;
  readonly miss_count_const: number;
  readonly window_size: number;
  readonly max_messages: number;
  /** Bytes of application payload packed into one frame (one seq on the ring). */
  readonly netmtu: number;
  /**
   * Accepted for corosync.conf compatibility; the core never holds the token
   * while retransmissions are requested, which is what `yes` asks for.
   */
  readonly cancel_token_hold_on_retransmit: boolean;
  /**
   * Quorate addition (0 disables): after token loss, a member that has sent
   * nothing for this long while every other member agrees is moved to the
   * fail set without waiting for the whole consensus timeout.
   */
  readonly fail_silent: number;
}

/** What a corosync.conf may set explicitly; the rest is derived. */
export type TotemSettings = Partial<TotemConfig>;

const FIXED_DEFAULTS = {
  token: 3000,
  token_coefficient: 650,
  token_retransmits_before_loss_const: 4,
  join: 50,
  send_join: 0,
  merge: 200,
  downcheck: 1000,
  fail_recv_const: 2500,
  seqno_unchanged_const: 30,
  miss_count_const: 5,
  window_size: 50,
  max_messages: 17,
  netmtu: 1500,
  cancel_token_hold_on_retransmit: false,
} as const;

/**
 * The effective configuration. `nodelistSize` is the number of nodes in the
 * nodelist, or undefined without one (multicast discovery): token_coefficient
 * applies only with a nodelist of at least 3 nodes. Derived values
 * (token_retransmit, hold, consensus) are computed only when not set.
 */
export function effectiveTotemConfig(settings: TotemSettings, nodelistSize: number | undefined): Result<TotemConfig, string[]> {
  const base = { ...FIXED_DEFAULTS, ...definedOnly(settings) };
  const extraNodes = nodelistSize !== undefined && nodelistSize >= 3 ? nodelistSize - 2 : 0;
  const token = base.token + extraNodes * base.token_coefficient;
  const tokenRetransmit = settings.token_retransmit ?? Math.floor(token / (base.token_retransmits_before_loss_const + 0.2));
  const config: TotemConfig = {
    ...base,
    token,
    token_retransmit: tokenRetransmit,
    hold: settings.hold ?? Math.max(1, Math.floor(tokenRetransmit * 0.8 - 10)),
    consensus: settings.consensus ?? Math.floor(token * 1.2),
    fail_silent: settings.fail_silent ?? defaultFailSilent(base.join, nodelistSize),
  };
  const problems = totemConfigProblems(config);
  return problems.length === 0 ? ok(config) : err(problems);
}

/**
 * 4 × join for up to 5 nodes; one more join period per node beyond that, so
 * that on a large ring a live node that was briefly not scheduled while
 * dozens of peers flood it with joins is not taken for a crashed one.
 */
function defaultFailSilent(join: number, nodelistSize: number | undefined): number {
  return join * (4 + Math.max(0, (nodelistSize ?? 0) - 5));
}

function definedOnly(settings: TotemSettings): TotemSettings {
  return Object.fromEntries(Object.entries(settings).filter(([, v]) => v !== undefined)) as TotemSettings;
}

/** Relations between settings that corosync also insists on (or warns about). */
export function totemConfigProblems(c: TotemConfig): string[] {
  const problems: string[] = [];
  const positive: Array<keyof TotemConfig> = [
    "token", "token_retransmit", "hold", "join", "consensus", "merge", "downcheck", "fail_recv_const",
    "seqno_unchanged_const", "miss_count_const", "window_size", "max_messages", "netmtu",
    "token_retransmits_before_loss_const",
  ];
  for (const key of positive) {
    const value = c[key];
    if (typeof value !== "number" || !Number.isInteger(value) || value <= 0) problems.push(`totem.${key} must be a positive integer (got ${String(value)})`);
  }
  if (!Number.isInteger(c.token_coefficient) || c.token_coefficient < 0) problems.push("totem.token_coefficient must be a non-negative integer");
  if (!Number.isInteger(c.send_join) || c.send_join < 0) problems.push("totem.send_join must be a non-negative integer");
  if (!Number.isInteger(c.fail_silent) || c.fail_silent < 0) problems.push("totem.fail_silent must be a non-negative integer");
  if (c.hold >= c.token_retransmit) problems.push(`totem.hold (${c.hold}) must be less than token_retransmit (${c.token_retransmit})`);
  if (c.token_retransmit >= c.token) problems.push(`totem.token_retransmit (${c.token_retransmit}) must be less than token (${c.token})`);
  if (c.consensus <= c.join) problems.push(`totem.consensus (${c.consensus}) must exceed join (${c.join})`);
  if (c.max_messages > c.window_size) problems.push(`totem.max_messages (${c.max_messages}) must not exceed window_size (${c.window_size})`);
  if (c.netmtu < 128 || c.netmtu > 60000) problems.push(`totem.netmtu must be between 128 and 60000 (got ${c.netmtu})`);
  return problems;
}

/** The incumbent's 3-node defaults, handy for tests and the simulator. */
export function defaultTotemConfig(nodelistSize: number | undefined = undefined): TotemConfig {
  const result = effectiveTotemConfig({}, nodelistSize);
  assert(result.ok, "the built-in totem defaults are consistent");
  return result.value;
}
