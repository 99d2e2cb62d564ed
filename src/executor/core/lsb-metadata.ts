/**
 * Init scripts have no meta-data action; like Pacemaker, Quorate describes
 * them from their LSB comment header (### BEGIN INIT INFO … ### END INIT INFO):
 * Short-Description and Description, with the LSB actions.
 */
export function lsbMetadataXml(name: string, script: string): string {
  const header = /^### BEGIN INIT INFO\s*$([\s\S]*?)^### END INIT INFO\s*$/m.exec(script)?.[1] ?? "";
  const fields = new Map<string, string>();
  let last: string | undefined;
  for (const line of header.split("\n")) {
    const field = /^#\s*([A-Za-z-]+):\s*(.*)$/.exec(line);
    if (field?.[1] !== undefined) {
      last = field[1].toLowerCase();
      fields.set(last, (field[2] ?? "").trim());
    } else if (last !== undefined && /^#(\t| {2,})/.test(line)) {
      // Continuation lines of Description start with "#" and a tab or several spaces.
      fields.set(last, `${fields.get(last) ?? ""} ${line.slice(1).trim()}`.trim());
    }
  }
  const short = fields.get("short-description") ?? name;
  const long = fields.get("description") ?? short;
  return [
    '<?xml version="1.0"?>',
    `<resource-agent name="${escape(name)}" version="1.0">`,
    "  <version>1.1</version>",
    `  <longdesc lang="en">${escape(long)}</longdesc>`,
    `  <shortdesc lang="en">${escape(short)}</shortdesc>`,
    "  <parameters/>",
    "  <actions>",
    '    <action name="start" timeout="15s"/>',
    '    <action name="stop" timeout="15s"/>',
    '    <action name="status" timeout="15s"/>',
    '    <action name="restart" timeout="15s"/>',
    '    <action name="force-reload" timeout="15s"/>',
    '    <action name="monitor" timeout="15s" interval="15s"/>',
    '    <action name="meta-data" timeout="5s"/>',
    "  </actions>",
    "</resource-agent>",
    "",
  ].join("\n");
}

function escape(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll('"', "&quot;");
}
