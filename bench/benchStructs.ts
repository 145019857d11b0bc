/**
 * The structs of the generated-classes benchmark (bench/structs-codegen.bench.ts);
 * bench/generated-structs/ is generated from them by `npx tsx bench/generate-structs.mts`.
 * Declared with the build the benchmarks measure (bench/library.ts), as the generated
 * classes are.
 */
import { bodyFields } from './bodyFields.js'
import { defineStruct } from './library.js'

/** x, y (8 bytes each), vx, vy (4 each), mass (8), id, flags (4 each): 40 bytes on every ABI, the structs issue's `Body`. */
export const Body = defineStruct('Body', bodyFields)
/** The same fields as a struct type of its own: with Body3 to Body5, a program using five struct types. */
export const Body2 = defineStruct('Body2', bodyFields)
/** The same fields as a struct type of its own (see {@link Body2}). */
export const Body3 = defineStruct('Body3', bodyFields)
/** The same fields as a struct type of its own (see {@link Body2}). */
export const Body4 = defineStruct('Body4', bodyFields)
/** The same fields as a struct type of its own (see {@link Body2}). */
export const Body5 = defineStruct('Body5', bodyFields)
