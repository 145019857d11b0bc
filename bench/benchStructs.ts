/**
 * The 40-byte struct of the generated-classes benchmark (bench/structs-codegen.bench.ts);
 * bench/generated-structs/ is generated from it by `npx tsx bench/generate-structs.mts`.
 * Declared with the build the benchmarks measure (bench/library.ts), as the generated
 * classes are.
 */
import { defineStruct } from './library.js'

/** x, y (8 bytes each), vx, vy, mass (4 each), id (4), energy (8): 40 bytes on every ABI. */
export const Body = defineStruct('Body', {
	x: 'Float64',
	y: 'Float64',
	vx: 'Float32',
	vy: 'Float32',
	mass: 'Float32',
	id: 'Int32',
	energy: 'Float64',
})
