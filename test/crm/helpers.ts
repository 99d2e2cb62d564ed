import { parseXml } from "../../src/cib/index.js";
import { CrmShell, MemoryCibStore } from "../../src/crm/index.js";

export const EMPTY_CIB = `<cib crm_feature_set="3.16.1" validate-with="pacemaker-3.9" epoch="1" num_updates="0" admin_epoch="0">
  <configuration><crm_config/><nodes/><resources/><constraints/></configuration><status/>
</cib>`;

export interface Run {
  store: MemoryCibStore;
  stdout: string;
  stderr: string;
  failed: boolean;
  /** `crm configure show` of what was committed. */
  show: () => Promise<string>;
}

export function emptyStore(): MemoryCibStore {
  const parsed = parseXml(EMPTY_CIB, "empty");
  if (!parsed.ok) throw new Error("empty CIB does not parse");
  return new MemoryCibStore(parsed.value.root);
}

/** Runs a crm script (as `crm -f`) through the real shell against an in-memory CIB. */
export async function runCrm(script: string, options: { store?: MemoryCibStore; force?: boolean } = {}): Promise<Run> {
  const store = options.store ?? emptyStore();
  let stdout = "";
  let stderr = "";
  const io = { out: (t: string) => (stdout += t), err: (t: string) => (stderr += t) };
  const shell = new CrmShell(store, io, { force: options.force ?? true, external: {} });
  await shell.runScript(script, "test.crm");
  shell.finish();
  const show = async () => {
    let text = "";
    const viewer = new CrmShell(store, { out: (t) => (text += t), err: () => {} }, { force: false, external: {} });
    await viewer.runScript("configure\nshow\n", "show");
    return text.trimEnd();
  };
  return { store, stdout, stderr, failed: shell.failed, show };
}

/** Wraps statements into a `configure … commit` script. */
export function script(...lines: string[]): string {
  return ["configure", ...lines, "commit", ""].join("\n");
}
