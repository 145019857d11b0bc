/**
 * The fields of the 40-byte `Body` struct both struct benchmarks use (bench/structs.bench.ts,
 * bench/structs-codegen.bench.ts): one table, so the generated classes are measured on the
 * structs issue's own struct and loop. Plain data, so each suite declares it with the build
 * it measures.
 */
export const bodyFields = {
	x: 'Float64',
	y: 'Float64',
	vx: 'Float32',
	vy: 'Float32',
	mass: 'Float64',
	id: 'Int32',
	flags: 'Uint32',
} as const
