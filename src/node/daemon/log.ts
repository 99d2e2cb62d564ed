import { appendFileSync } from "node:fs";
import type { LoggingConfig } from "../config/model.js";

export type LogLevel = "debug" | "info" | "notice" | "warning" | "error";

/**
 * Logging per corosync.conf's logging section: readable lines on stderr
 * (to_stderr), structured JSON lines in the logfile (to_logfile), debug on demand.
 */
export class Logger {
  constructor(private readonly config: LoggingConfig, private readonly nodeid: number) {}

  log(level: LogLevel, subsys: string, message: string, fields: Record<string, unknown> = {}): void {
    if (level === "debug" && !this.config.debug) return;
    const now = new Date();
    if (this.config.toStderr) {
      const stamp = this.config.timestamp ? `${now.toISOString().slice(11, 23)} ` : "";
      process.stderr.write(`${stamp}[${this.nodeid}] ${subsys} ${level}: ${message}\n`);
    }
    if (this.config.toLogfile && this.config.logfile !== undefined) {
      const record = { time: now.toISOString(), node: this.nodeid, subsys, level, message, ...fields };
      try {
        appendFileSync(this.config.logfile, `${JSON.stringify(record)}\n`);
      } catch {
        // A full or missing log disk must not stop the ring; stderr still has the line.
      }
    }
  }
}
