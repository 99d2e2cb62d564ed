import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";

/** Why network namespaces cannot be used here, or undefined when they can. */
export function netnsUnavailable(): string | undefined {
  if (process.getuid?.() !== 0) return "network namespaces need root (CI runs as root)";
  const probe = spawnSync("ip", ["netns", "add", "qm-probe"], { encoding: "utf8" });
  if (probe.status !== 0) return `ip netns add failed: ${probe.stderr.trim() || probe.error?.message}`;
  spawnSync("ip", ["netns", "del", "qm-probe"]);
  if (spawnSync("iptables", ["--version"]).status !== 0) return "iptables is not installed";
  return undefined;
}

function ip(...args: string[]): void {
  execFileSync("ip", args, { stdio: ["ignore", "ignore", "pipe"] });
}

/**
 * N namespaces `<prefix>1..N` on one bridge (inside `<prefix>br`), node i at
 * `<subnet>i/24`. Partitions are iptables DROP rules inside the node namespaces.
 */
export class Lan {
  private constructor(readonly prefix: string, readonly size: number, readonly subnet: string) {}

  static create(prefix: string, size: number, subnet: string, options: { multicastRoute?: boolean } = {}): Lan {
    const lan = new Lan(prefix, size, subnet);
    lan.dispose(); // leftovers of a killed run
    const bridgeNs = `${prefix}br`;
    ip("netns", "add", bridgeNs);
    ip("-n", bridgeNs, "link", "add", "br0", "type", "bridge");
    ip("-n", bridgeNs, "link", "set", "br0", "up");
    for (let i = 1; i <= size; i++) {
      const ns = lan.ns(i);
      ip("netns", "add", ns);
      ip("link", "add", `${prefix}${i}a`, "type", "veth", "peer", "name", `${prefix}${i}b`);
      ip("link", "set", `${prefix}${i}a`, "netns", ns, "name", "eth0");
      ip("link", "set", `${prefix}${i}b`, "netns", bridgeNs);
      ip("-n", bridgeNs, "link", "set", `${prefix}${i}b`, "master", "br0", "up");
      ip("-n", ns, "addr", "add", `${subnet}${i}/24`, "dev", "eth0");
      ip("-n", ns, "link", "set", "eth0", "up");
      ip("-n", ns, "link", "set", "lo", "up");
      if (options.multicastRoute) ip("-n", ns, "route", "add", "224.0.0.0/4", "dev", "eth0");
    }
    return lan;
  }

  ns(i: number): string {
    return `${this.prefix}${i}`;
  }

  /** Files under /etc/netns/<ns>/ appear under /etc/ for processes started with `ip netns exec`. */
  etcDir(i: number): string {
    const dir = `/etc/netns/${this.ns(i)}`;
    mkdirSync(dir, { recursive: true });
    return dir;
  }

  /** Cuts every path between the groups (both directions). */
  partition(groups: number[][]): void {
    for (const group of groups) {
      const others = groups.filter((g) => g !== group).flat();
      for (const i of group) {
        for (const o of others) {
          execFileSync("ip", ["netns", "exec", this.ns(i), "iptables", "-A", "INPUT", "-s", `${this.subnet}${o}`, "-j", "DROP"]);
          execFileSync("ip", ["netns", "exec", this.ns(i), "iptables", "-A", "OUTPUT", "-d", `${this.subnet}${o}`, "-j", "DROP"]);
        }
      }
    }
  }

  heal(): void {
    for (let i = 1; i <= this.size; i++) execFileSync("ip", ["netns", "exec", this.ns(i), "iptables", "-F"]);
  }

  dispose(): void {
    for (let i = 1; i <= this.size; i++) {
      spawnSync("ip", ["netns", "del", this.ns(i)]);
      rmSync(`/etc/netns/${this.ns(i)}`, { recursive: true, force: true });
    }
    spawnSync("ip", ["netns", "del", `${this.prefix}br`]);
  }
}
