// Compile-time pins between a response schema and the TypeScript type it describes: the type is
// what code uses, the schema what the OpenAPI document shows, and a pin fails the build when the
// two drift apart in either direction.

/** `true` when A and B are the same type: each is assignable to the other. */
export type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

/** Compiles only when every entry is `true`. */
export type Pinned<T extends { [K in keyof T]: true }> = T;
