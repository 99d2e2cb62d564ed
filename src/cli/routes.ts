import type { CliRoute } from "./command.js";

/**
 * The one table of `quorate` subcommands. Each layer owns its command
 * implementations in `src/<layer>/cli*.ts`; this table only names them.
 */
export const routes: Record<string, CliRoute> = {
  demo: { summary: "run a local 3-node demo cluster on loopback", load: async () => (await import("../node/cli.js")).demo },
  start: { summary: "run a cluster node in the foreground", load: async () => (await import("../node/cli.js")).start },
  status: { summary: "membership, links and quorum of the local node (--json)", load: async () => (await import("../node/cli.js")).status },
  quorum: { summary: "quorum expected N: change expected votes at run time (like corosync-quorumtool -e)", load: async () => (await import("../node/cli.js")).quorum },
  config: { summary: "config check FILE: validate a corosync.conf", load: async () => (await import("../node/cli.js")).config },
  keygen: { summary: "write a cluster authkey (like corosync-keygen)", load: async () => (await import("../node/cli.js")).keygen },
  sim: { summary: "run the deterministic cluster simulator (--seed S --nodes N --steps K)", load: async () => (await import("../sim/cli.js")).sim },
  cib: { summary: "cib check|diff|patch FILE…: check a CIB file (like crm_verify), diff two, apply a patch", load: async () => (await import("../cib/cli.js")).cib },
  crm: { summary: "the crm shell (crmsh-compatible)", load: async () => (await import("../crm/cli.js")).crm },
  simulate: { summary: "compute a transition from a CIB (like crm_simulate)", load: async () => (await import("../scheduler/cli.js")).simulate },
  explain: { summary: "say in plain words why a resource is where it is", load: async () => (await import("../scheduler/cli.js")).explain },
  drbd: { summary: "replicated storage (drbdadm verbs)", load: async () => (await import("../drbd/cli.js")).drbd },
  drbdadm: { summary: "alias of `quorate drbd`", load: async () => (await import("../drbd/cli.js")).drbd },
  nbd: { summary: "nbd serve --file PATH: export a file over NBD (standalone, unreplicated)", load: async () => (await import("../nbd/cli.js")).nbd },
  agent: { summary: "agent exec CLASS:PROVIDER:TYPE ACTION: run one resource-agent action locally", load: async () => (await import("../executor/cli.js")).agent },
};
