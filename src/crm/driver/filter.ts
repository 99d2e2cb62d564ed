import { CrmError } from "../core/errors.js";
import type { ConfigureSession } from "../core/session.js";

/** `filter COMMAND [ID...]`: not supported yet. */
export async function runFilter(_session: ConfigureSession, command: string, _ids: string[]): Promise<void> {
  throw new CrmError(`filter is not supported yet (${command})`);
}
