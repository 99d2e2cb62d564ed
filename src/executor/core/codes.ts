/**
 * Exit codes and operation statuses, as the OCF Resource Agent API (1.1) and
 * Pacemaker Explained ("Resource Agent Return Codes", "Operation status") define them.
 * The numbers are the interface: they are what lands in the CIB's lrm_rsc_op.
 */
export const OCF_RC = {
  success: 0,
  errGeneric: 1,
  errArgs: 2,
  errUnimplemented: 3,
  errPerm: 4,
  errInstalled: 5,
  errConfigured: 6,
  notRunning: 7,
  runningPromoted: 8,
  failedPromoted: 9,
  degraded: 190,
  degradedPromoted: 191,
} as const;

export type OcfRc = (typeof OCF_RC)[keyof typeof OCF_RC];

const RC_NAMES: Record<OcfRc, string> = {
  0: "OCF_SUCCESS",
  1: "OCF_ERR_GENERIC",
  2: "OCF_ERR_ARGS",
  3: "OCF_ERR_UNIMPLEMENTED",
  4: "OCF_ERR_PERM",
  5: "OCF_ERR_INSTALLED",
  6: "OCF_ERR_CONFIGURED",
  7: "OCF_NOT_RUNNING",
  8: "OCF_RUNNING_PROMOTED",
  9: "OCF_FAILED_PROMOTED",
  190: "OCF_DEGRADED",
  191: "OCF_DEGRADED_PROMOTED",
};

const RC_MEANINGS: Record<OcfRc, string> = {
  0: "ok",
  1: "error",
  2: "invalid parameter",
  3: "unimplemented feature",
  4: "insufficient privileges",
  5: "not installed",
  6: "not configured",
  7: "not running",
  8: "promoted",
  9: "promoted (failed)",
  190: "degraded",
  191: "promoted (degraded)",
};

export function isOcfRc(code: number): code is OcfRc {
  return Object.hasOwn(RC_NAMES, code);
}

export function rcName(rc: OcfRc): string {
  return RC_NAMES[rc];
}

export function rcMeaning(rc: OcfRc): string {
  return RC_MEANINGS[rc];
}

/**
 * Execution status of an operation (lrm_rsc_op op-status), separate from the
 * agent's rc: "done" means the agent ran to completion and its rc is meaningful.
 */
export const OP_STATUS_CODE = {
  pending: -1,
  done: 0,
  cancelled: 1,
  timeout: 2,
  "not-supported": 3,
  error: 4,
  "no-fence-device": 5,
  "not-installed": 6,
  invalid: 7,
  "not-connected": 8,
} as const;

export type OpStatus = keyof typeof OP_STATUS_CODE;

/**
 * LSB init scripts: `status` has its own codes (LSB 3.1 §20.2): 0 running,
 * 1 dead with pid file, 2 dead with lock file, 3 not running, 4 unknown.
 * Every other action uses codes 0–7 that coincide with OCF's; anything else is
 * a generic error.
 */
export function lsbToOcf(action: string, exitCode: number): OcfRc {
  if (action === "status" || action === "monitor") {
    if (exitCode === 0) return OCF_RC.success;
    if (exitCode >= 1 && exitCode <= 3) return OCF_RC.notRunning;
    return OCF_RC.errGeneric;
  }
  if (exitCode >= 0 && exitCode <= 7) return exitCode as OcfRc;
  return OCF_RC.errGeneric;
}

/**
 * Fence agents exit 0 on success; for `status`, 0 means the target is powered
 * on and 2 that it is off (the fence-agents convention), reported as
 * "running" / "not running".
 */
export function fenceToOcf(action: string, exitCode: number): OcfRc {
  if (exitCode === 0) return OCF_RC.success;
  if (action === "status" && exitCode === 2) return OCF_RC.notRunning;
  return OCF_RC.errGeneric;
}
