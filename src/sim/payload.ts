/**
 * Simulator payloads identify themselves: sender, incarnation and counter,
 * followed by bytes derived from them, so integrity is checked by recomputing.
 */
export interface PayloadId {
  readonly sender: number;
  readonly incarnation: number;
  readonly counter: number;
}

const HEADER_BYTES = 12;

export function makePayload(id: PayloadId, fillerBytes: number): Uint8Array {
  const bytes = new Uint8Array(HEADER_BYTES + fillerBytes);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, id.sender);
  view.setUint32(4, id.incarnation);
  view.setUint32(8, id.counter);
  for (let i = 0; i < fillerBytes; i++) bytes[HEADER_BYTES + i] = fillerByte(id, i);
  return bytes;
}

/** The id, or null when the bytes are not exactly what makePayload would produce. */
export function readPayload(bytes: Uint8Array): PayloadId | null {
  if (bytes.byteLength < HEADER_BYTES) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const id = { sender: view.getUint32(0), incarnation: view.getUint32(4), counter: view.getUint32(8) };
  for (let i = HEADER_BYTES; i < bytes.byteLength; i++) if (bytes[i] !== fillerByte(id, i - HEADER_BYTES)) return null;
  return id;
}

export function payloadKey(id: PayloadId): string {
  return `${id.sender}/${id.incarnation}/${id.counter}`;
}

function fillerByte(id: PayloadId, i: number): number {
  return (id.sender * 31 + id.incarnation * 17 + id.counter * 7 + i) & 0xff;
}
