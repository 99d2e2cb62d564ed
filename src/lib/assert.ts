/**
 * Assertions that stay on in production. A failed assertion is a bug, never an
 * operating error: it is not caught, the process exits and the cluster fails over.
 */
export class AssertionFailure extends Error {
  override name = "AssertionFailure";
}

export function assert(condition: unknown, why: string): asserts condition {
  if (!condition) throw new AssertionFailure(why);
}

/** Exhaustiveness check for discriminated unions. */
export function assertNever(value: never, what = "value"): never {
  throw new AssertionFailure(`unexpected ${what}: ${JSON.stringify(value)}`);
}
