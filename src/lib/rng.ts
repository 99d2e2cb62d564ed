import { assert } from "./assert.js";

/**
 * A seeded random source. Cores never call Math.random(); they receive an Rng
 * so that the simulator can replay any run from its seed.
 */
export interface Rng {
  /** Uniform float in [0, 1). */
  next(): number;
  /** Uniform integer in [0, bound). */
  int(bound: number): number;
}

/** xoshiro128** — small, fast, and good enough for fault injection and jitter. */
export function seededRng(seed: number): Rng {
  let a = 0x9e3779b9 ^ seed, b = 0x243f6a88 ^ (seed >>> 1), c = 0xb7e15162, d = 0x85a308d3 ^ seed;
  const nextU32 = (): number => {
    const result = Math.imul(rotl(Math.imul(b, 5), 7), 9) >>> 0;
    const t = b << 9;
    c ^= a; d ^= b; b ^= c; a ^= d; c ^= t;
    d = rotl(d, 11);
    return result;
  };
  for (let i = 0; i < 16; i++) nextU32(); // let the seed diffuse before use
  return {
    next: () => nextU32() / 0x1_0000_0000,
    int: (bound: number) => {
      assert(Number.isInteger(bound) && bound > 0, "rng bound must be a positive integer");
      return Math.floor((nextU32() / 0x1_0000_0000) * bound);
    },
  };
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
