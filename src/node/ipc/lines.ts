import type { Socket } from "node:net";
import { lineBytesMax } from "./protocol.js";

/** Splits a stream into JSON lines; a line over the bound ends the connection. */
export function onJsonLines(socket: Socket, handle: (value: unknown) => void, onBad: (why: string) => void): void {
  let buffered = "";
  socket.setEncoding("utf8");
  socket.on("data", (chunk: string) => {
    buffered += chunk;
    let newline = buffered.indexOf("\n");
    while (newline >= 0) {
      const line = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
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
      newline = buffered.indexOf("\n");
    }
    if (buffered.length > lineBytesMax) onBad(`a line is longer than ${lineBytesMax} bytes`);
  });
}
