/**
 * The executor layer's public surface: run resource-agent actions (ocf, lsb,
 * systemd/service, stonith) the way Pacemaker's executor does, with results
 * ready for the CIB's operation history (lrm_rsc_op).
 */
export { AGENT_CLASSES, agentRefText, isAgentClass, parseAgentRef, type AgentClass, type AgentRef } from "./core/agent.js";
export { OCF_RC, OP_STATUS_CODE, isOcfRc, rcMeaning, rcName, type OcfRc, type OpStatus } from "./core/codes.js";
export { canonicalParameters, forceRestartParameters, pickParameters } from "./core/digest.js";
export { CRM_FEATURE_SET, OCF_RA_VERSION, metaVariableName } from "./core/environment.js";
export { parseDurationMs, parseMetadata, supportsAction, type ActionInfo, type AgentMetadata, type ParameterInfo } from "./core/metadata.js";
export { FENCE_ACTIONS, RESOURCE_ACTIONS, isAction, type Action, type FenceAction, type OpRequest, type OpResult, type ResourceAction } from "./core/operation.js";
export { OpScheduler, type Outcome, type ScheduledOp, type SchedulerEffect, type SchedulerLimits } from "./core/scheduler.js";
export { Executor, opDigest, type ExecutorOptions, type RecurringHandle, type ResultListener } from "./driver/executor.js";
export { PACKAGED_AGENTS, availableClasses, defaultDirectories, listAgents, locateAgent, ocfProviders, type AgentDirectories } from "./driver/locate.js";
export { describeAgentSync } from "./driver/describe-sync.js";
