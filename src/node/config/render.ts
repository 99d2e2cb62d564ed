import type { ClusterConfig } from "./model.js";

/**
 * The effective configuration as corosync.conf text (3.x form), every default
 * written out, so an operator sees what the node will really run with.
 */
export function renderEffective(config: ClusterConfig): string {
  const t = config.timings;
  const lines: string[] = [`# effective configuration of ${config.file} (${config.form} form)`, "totem {", "    version: 2"];
  const kv = (indent: number, key: string, value: string | number | boolean) => {
    lines.push(`${" ".repeat(indent)}${key}: ${typeof value === "boolean" ? (value ? "yes" : "no") : value}`);
  };
  if (config.clusterName !== "") kv(4, "cluster_name", config.clusterName);
  kv(4, "transport", config.transport);
  kv(4, "crypto_cipher", config.cipher);
  kv(4, "crypto_hash", config.hash);
  if (config.cipher !== "none" || config.hash !== "none") kv(4, "keyfile", config.keyfile);
  kv(4, "link_mode", config.linkMode);
  if (config.localNodeid !== undefined) kv(4, "nodeid", config.localNodeid);
  // corosync.conf's token is before token_coefficient; the effective one is in the comment.
  const extraNodes = config.nodes.length >= 3 ? config.nodes.length - 2 : 0;
  lines.push(`    # effective token timeout: ${t.token} ms (token + ${extraNodes} * token_coefficient)`);
  for (const [key, value] of Object.entries(t)) kv(4, key, key === "token" ? t.token - extraNodes * t.token_coefficient : (value as number | boolean));
  for (const iface of config.interfaces) {
    lines.push("    interface {");
    kv(8, "linknumber", iface.linknumber);
    if (iface.bindnetaddr !== undefined) kv(8, "bindnetaddr", iface.bindnetaddr);
    if (iface.mcastaddr !== undefined) kv(8, "mcastaddr", iface.mcastaddr);
    kv(8, "mcastport", iface.port);
    kv(8, "ttl", iface.ttl);
    lines.push("    }");
  }
  lines.push("}");
  if (config.nodes.length > 0) {
    lines.push("nodelist {");
    for (const node of config.nodes) {
      lines.push("    node {");
      node.addrs.forEach((addr, link) => addr !== undefined && kv(8, `ring${link}_addr`, addr));
      kv(8, "nodeid", node.nodeid);
      if (node.name !== undefined) kv(8, "name", node.name);
      if (node.votes !== 1) kv(8, "quorum_votes", node.votes);
      lines.push("    }");
    }
    lines.push("}");
  }
  renderQuorumAndLogging(config, lines, kv);
  return `${lines.join("\n")}\n`;
}

type Put = (indent: number, key: string, value: string | number | boolean) => void;

function renderQuorumAndLogging(config: ClusterConfig, lines: string[], kv: Put): void {
  const q = config.quorum;
  if (q.provider !== "none") {
    lines.push("quorum {");
    kv(4, "provider", q.provider);
    if (q.expectedVotes !== undefined) kv(4, "expected_votes", q.expectedVotes);
    kv(4, "two_node", q.twoNode);
    kv(4, "wait_for_all", q.waitForAll);
    kv(4, "last_man_standing", q.lastManStanding);
    kv(4, "last_man_standing_window", q.lastManStandingWindowMs);
    kv(4, "auto_tie_breaker", q.autoTieBreaker);
    kv(4, "auto_tie_breaker_node", Array.isArray(q.autoTieBreakerNode) ? q.autoTieBreakerNode.join(" ") : q.autoTieBreakerNode);
    kv(4, "allow_downscale", q.allowDownscale);
    lines.push("}");
  }
  const l = config.logging;
  lines.push("logging {");
  kv(4, "to_stderr", l.toStderr);
  kv(4, "to_logfile", l.toLogfile);
  if (l.logfile !== undefined) kv(4, "logfile", l.logfile);
  kv(4, "to_syslog", l.toSyslog);
  kv(4, "debug", l.debug ? "on" : "off");
  kv(4, "timestamp", l.timestamp ? "on" : "off");
  kv(4, "fileline", l.fileline);
  lines.push("}");
  for (const service of config.services) lines.push("service {", `    name: ${service.name}`, `    ver: ${service.ver}`, "}");
}
