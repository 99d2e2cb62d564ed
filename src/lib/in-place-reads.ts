import { type OnReadOpts, Socket, type SocketConstructorOpts } from "node:net";
import { assert } from "./assert.js";

/** The reader of a stream: a queue of received bytes that at times wants a payload buffer filled in place. */
export interface InPlaceConsumer {
  /** The unfilled rest of a payload buffer the next bytes belong in, or undefined. */
  sink(): Uint8Array | undefined;
  /** byteCount bytes were read into the start of the last sink(). */
  sunk(byteCount: number): void;
  /** Bytes read outside a sink; the view stays valid (slab memory is never written twice). */
  received(chunk: Uint8Array): void;
}

const slabBytes = 256 * 1024;
/** As Node's own reads: bytes past a header that turn out to be payload are copied once, so keep that part short. */
const slabReadBytesMax = 64 * 1024;
/** A shorter payload rest is read together with what follows it (one read, then a small copy). */
const sinkBytesMin = 16 * 1024;

/**
 * onread options for a socket that reads payloads straight into its
 * consumer's buffers and everything else into slabs handed out piece by
 * piece. Node's default reads into a fresh 64 KiB chunk per read and leaves
 * the copy into a payload buffer to the parser; on loopback this halves the
 * CPU spent per received MiB.
 */
export function inPlaceReads(consumer: () => InPlaceConsumer | undefined): OnReadOpts {
  let slab = Buffer.allocUnsafe(slabBytes);
  let slabUsed = 0;
  let intoSink = false;
  return {
    buffer: () => {
      const sink = consumer()?.sink();
      intoSink = sink !== undefined && sink.length >= sinkBytesMin;
      if (intoSink) return sink!;
      if (slabBytes - slabUsed < sinkBytesMin) {
        slab = Buffer.allocUnsafe(slabBytes);
        slabUsed = 0;
      }
      return slab.subarray(slabUsed, slabUsed + slabReadBytesMax);
    },
    callback: (byteCount) => {
      const reader = consumer();
      assert(reader !== undefined, "bytes read before the socket's consumer exists");
      if (intoSink) {
        reader.sunk(byteCount);
      } else {
        const chunk = slab.subarray(slabUsed, slabUsed + byteCount);
        slabUsed += byteCount;
        reader.received(chunk);
      }
      return true; // the consumer pauses the socket itself when it must
    },
  };
}

/**
 * net.Server takes no onread option: a socket accepted with pauseOnConnect
 * (not yet reading) hands its handle over to a new socket that reads in place.
 * The accepted shell is destroyed without closing the connection.
 */
export function acceptWithInPlaceReads(accepted: Socket, onread: OnReadOpts): Socket {
  const shell = accepted as unknown as { _handle: unknown };
  const handle = shell._handle;
  assert(handle !== null && handle !== undefined, "accepted socket has no handle");
  shell._handle = null;
  accepted.destroy();
  return new Socket({ handle, onread, readable: true, writable: true } as SocketConstructorOpts);
}
