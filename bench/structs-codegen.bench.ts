/**
 * Generated struct classes against a raw typed-array loop and the library's runtime
 * (`defineStruct`) refs, in one process, interleaved by the harness: over an array of
 * 4,096 40-byte `Body` structs (bench/benchStructs.ts), each element gets 3 reads and 1
 * write (`x += vx * mass`), through one cursor (`at(i, cursor)`) and through a new
 * element ref per element (`at(i)`).
 *
 *   npm run bench -- structs-codegen
 *
 * Both regimes (see run.ts): `pristine`, and `realistic` (the heap's memory grown and every
 * error path of the measured methods taken once first). The generated classes
 * (bench/generated-structs/, made by `npx tsx bench/generate-structs.mts`) import the
 * library from bench/library.ts, so they extend the same build the benchmarks measure
 * (dist/ by default).
 *
 * The goal: generated access at least 0.6x the raw loop, and faster than the
 * runtime refs. Printed, never asserted.
 */
import { Body } from './benchStructs.js'
import { BodyRef } from './generated-structs/benchStructs.js'
import type { BenchCase } from './harness.js'
import type { StructRef } from '../src/index.js'
import { createWasmHeapManager } from './library.js'
import { takeStructErrorPaths, type StructRegime } from './structs.bench.js'

const count = 4096

export function createStructsCodegenCases(regime: StructRegime = 'pristine'): BenchCase[] {
	const suite = regime === 'pristine' ? 'structs-codegen' : 'structs-codegen realistic'
	const memory = new WebAssembly.Memory({ initial: 16 })
	const heap = createWasmHeapManager(memory)

	// the runtime refs' array first: its element class is fixed before BodyRef is registered
	const runtime = heap.allocStructArray(Body, count)
	const generated = heap.allocStructArray(BodyRef, count)
	const raw = heap.allocStructArray(Body, count)
	for (const array of [runtime, generated, raw]) {
		for (let index = 0; index < count; index++) array.writeAt(index, { x: index, vx: 0.5, mass: 2, id: index })
	}
	const runtimeCursor = runtime.at(0) as StructRef & { x: number; vx: number; mass: number }
	if (runtimeCursor instanceof BodyRef) throw new Error('the runtime refs must be the library’s own class')
	const generatedCursor = generated.at(0)
	if (!(generatedCursor instanceof BodyRef)) throw new Error('the generated array must give BodyRefs')
	if (regime === 'realistic') {
		memory.grow(1)
		takeStructErrorPaths(heap, runtime as never, 'x')
		takeStructErrorPaths(heap, generated as never, 'x', BodyRef)
	}

	const rawLoop = (): unknown => {
		// the typed arrays are taken per batch, as a loop over a growable heap must
		const buffer = heap.heap
		const f64 = new Float64Array(buffer)
		const f32 = new Float32Array(buffer)
		const base = raw.address
		for (let index = 0; index < count; index++) {
			const at = base + index * 40
			f64[at >> 3] = f64[at >> 3]! + f32[(at + 16) >> 2]! * f32[(at + 24) >> 2]!
		}
		return f64
	}
	return [
		{
			suite,
			name: 'generated at(i, cursor): x += vx * mass (40-byte)',
			operations: count,
			library: () => {
				let cursor = generatedCursor
				for (let index = 0; index < count; index++) {
					cursor = generated.at(index, cursor)
					cursor.x = cursor.x + cursor.vx * cursor.mass
				}
				return cursor
			},
			baselines: {
				raw: rawLoop,
				runtime: () => {
					let cursor = runtimeCursor
					for (let index = 0; index < count; index++) {
						cursor = runtime.at(index, cursor as never) as typeof runtimeCursor
						cursor.x = cursor.x + cursor.vx * cursor.mass
					}
					return cursor
				},
			},
			goals: { raw: 0.6, runtime: 1 },
		},
		{
			suite,
			name: 'generated at(i): x += vx * mass (40-byte)',
			operations: count,
			library: () => {
				let sum = 0
				for (let index = 0; index < count; index++) {
					const body = generated.at(index)
					const x = body.x
					body.x = x + body.vx * body.mass
					sum += x
				}
				return sum
			},
			baselines: {
				raw: rawLoop,
				runtime: () => {
					let sum = 0
					for (let index = 0; index < count; index++) {
						const body = runtime.at(index) as typeof runtimeCursor
						const x = body.x
						body.x = x + body.vx * body.mass
						sum += x
					}
					return sum
				},
			},
			goals: { raw: 0.6, runtime: 1 },
		},
		{
			// the field accessors alone: one ref, no cursor move (the element's address stays)
			suite,
			name: 'generated: fields of one ref (3 reads + 1 write)',
			operations: count,
			library: () => {
				const ref = generatedCursor
				for (let index = 0; index < count; index++) ref.x = ref.x + ref.vx * ref.mass
				return ref
			},
			baselines: {
				raw: () => {
					const buffer = heap.heap
					const f64 = new Float64Array(buffer)
					const f32 = new Float32Array(buffer)
					const at = raw.address
					for (let index = 0; index < count; index++) f64[at >> 3] = f64[at >> 3]! + f32[(at + 16) >> 2]! * f32[(at + 24) >> 2]!
					return f64
				},
				runtime: () => {
					const ref = runtimeCursor
					for (let index = 0; index < count; index++) ref.x = ref.x + ref.vx * ref.mass
					return ref
				},
			},
			goals: { raw: 0.6, runtime: 1 },
		},
	]
}
