/** Nominal typing for plain values: a NodeId is not a Score even though both are numbers. */
export type Brand<T, B extends string> = T & { readonly __brand: B };
