import type { Socket } from "node:net";
import { lineBytesMax } from "./protocol.js";

/** Splits a stream into JSON lines; a line over the bound ends the connection. */
export function onJsonLines(socket: Socket, handle: (value: unknown) => void, onBad: (why: string) => void): void {
  let buffered = "";
  socket.setEncoding("utf8");
  socket.on("data", (chunk: string) => {
    buffered += chunk;
    let start = 0;
    let newline = buffered.indexOf("\n", start);
    while (newline >= 0) {
      const line = buffered.slice(start, newline);
      start = newline + 1;
      if (line.trim() !== "") {
        let value: unknown;
        try {
          value = JSON.parse(line);
        } catch {
          onBad("a line is not JSON");
          return;
        }
        handle(value);
      }
      newline = buffered.indexOf("\n", start);
    }
    buffered = buffered.slice(start); // one copy per chunk, not one per line
    if (buffered.length > lineBytesMax) onBad(`a line is longer than ${lineBytesMax} bytes`);
  });
}

/**
 * Writes JSON lines, joining the lines of one event-loop turn into one write:
 * deliveries come in bursts, and one large write costs far less than many small ones.
 */
export class LineWriter {
  private pending: string[] = [];
  private pendingChars = 0;
  constructor(private readonly socket: Socket) {}

  /** Bytes (about) waiting: joined lines not yet written plus what the socket still holds. */
  get backlog(): number {
    return this.pendingChars + this.socket.writableLength;
  }

  write(value: unknown): void {
    if (this.pending.length === 0) process.nextTick(() => this.flush());
    const line = `${JSON.stringify(value)}\n`;
    this.pending.push(line);
    this.pendingChars += line.length;
  }

  private flush(): void {
    const text = this.pending.join("");
    this.pending = [];
    this.pendingChars = 0;
    if (!this.socket.destroyed) this.socket.write(text);
  }
}
