import { parseArgs } from "node:util";
import { type CliCommand, EXIT_FAILURE, EXIT_OK, UsageError } from "../cli/command.js";
import { FileBlockDevice } from "./driver/file-device.js";
import { NbdServer } from "./driver/server.js";
import { type NbdTls, loadTls } from "./driver/tls.js";

const usage = "usage: quorate nbd serve --file PATH [--size BYTES[K|M|G]] [--export NAME] [--listen IP:PORT] [--read-only]\n" +
  "       [--tls on|require --tls-certificates DIR [--tls-verify-peer]]";

/** `quorate nbd serve`: export one file over NBD, unreplicated, until SIGINT/SIGTERM. */
export const nbd: CliCommand = async (args) => {
  const [verb, ...rest] = args;
  if (verb !== "serve") throw new UsageError(usage);
  const { values } = parseServeArgs(rest);
  if (values.file === undefined) throw new UsageError(`--file is required\n${usage}`);
  const { host, port } = parseListen(values.listen);
  const sizeBytes = values.size === undefined ? undefined : parseSize(values.size);
  const device = await FileBlockDevice.open(values.file, { readOnly: values["read-only"], ...(sizeBytes === undefined ? {} : { sizeBytes }) })
    .catch((error: unknown) => fail(`cannot open ${values.file}: ${(error as Error).message}`));
  if (device === undefined) return EXIT_FAILURE;
  const tls = serveTls(values);
  if (tls === null) {
    await device.close();
    return EXIT_FAILURE;
  }
  const server = new NbdServer(tls === undefined ? {} : { tls });
  server.addExport(values.export, device);
  const address = await server.listen(port, host).catch((error: unknown) => fail(`cannot listen on ${values.listen}: ${(error as Error).message}`));
  if (address === undefined) {
    await device.close();
    return EXIT_FAILURE;
  }
  process.stdout.write(`nbd: serving ${values.file} (${device.sizeBytes} bytes) as "${values.export}" on ${address.address}:${address.port}\n`);
  await new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  await server.dispose();
  await device.close();
  return EXIT_OK;
};

/** Reports an operating error (missing file, busy port) without a stack trace. */
function fail(message: string): undefined {
  process.stderr.write(`quorate nbd: ${message}\n`);
  return undefined;
}

function parseServeArgs(args: string[]) {
  try {
    return parseArgs({
      args,
      options: {
        file: { type: "string" },
        size: { type: "string" },
        export: { type: "string", default: "" },
        listen: { type: "string", default: "127.0.0.1:10809" },
        "read-only": { type: "boolean", default: false },
        tls: { type: "string", default: "off" },
        "tls-certificates": { type: "string" },
        "tls-verify-peer": { type: "boolean", default: false },
      },
      strict: true,
    });
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n${usage}`);
  }
}

/** --tls off|on|require with --tls-certificates DIR; null after reporting an error. */
function serveTls(values: { tls: string; "tls-certificates"?: string | undefined; "tls-verify-peer": boolean }): NbdTls | undefined | null {
  if (!["off", "on", "require"].includes(values.tls)) throw new UsageError(`--tls wants off, on or require (got "${values.tls}")`);
  if (values.tls === "off") return undefined;
  const dir = values["tls-certificates"];
  if (dir === undefined) throw new UsageError(`--tls ${values.tls} needs --tls-certificates DIR\n${usage}`);
  const loaded = loadTls({ certificatesDir: dir, required: values.tls === "require", verifyPeer: values["tls-verify-peer"] });
  if (!loaded.ok) return fail(loaded.error) ?? null;
  return loaded.value;
}

export function parseListen(text: string): { host: string; port: number } {
  const match = /^(.*):(\d{1,5})$/.exec(text);
  const port = match === null ? NaN : Number(match[2]);
  if (match === null || match[1] === "" || port > 65535) throw new UsageError(`--listen wants IP:PORT (got "${text}")`);
  return { host: match[1]!.replace(/^\[(.*)\]$/, "$1"), port };
}

export function parseSize(text: string): number {
  const match = /^(\d+)([KMG]?)$/i.exec(text);
  if (match === null) throw new UsageError(`--size wants BYTES with an optional K, M or G suffix (got "${text}")`);
  const unit = { "": 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3 }[match[2]!.toUpperCase() as "" | "K" | "M" | "G"];
  return Number(match[1]) * unit;
}
