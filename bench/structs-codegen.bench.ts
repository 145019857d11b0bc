/**
 * Generated struct classes against a raw typed-array loop and the library's runtime
 * (`defineStruct`) refs, in one process, interleaved by the harness, on the structs
 * issue's own benchmark (bench/structs.bench.ts): an array of 4,096 40-byte `Body` structs
 * (bench/bodyFields.ts), each element with 3 fields read and 1 written (`x += vx * mass`,
 * the old `x` summed), the raw loop written as that suite's, through one cursor
 * (`at(i, cursor)`) and through a new element ref per element (`at(i)`).
 *
 * Each loop is timed twice: in a program using one struct type, and in one using five
 * (`Body` to `Body5`, bench/benchStructs.ts, same fields): a loop of its own per type, the
 * five run one after the other. Every struct type's array shares the library's one `at`
 * and (for runtime refs) its accessor factories, whose type feedback then covers five
 * classes; the generated classes have an `at` and accessors of their own per class.
 *
 *   npm run bench -- structs-codegen
 *
 * Both regimes (see run.ts): `pristine`, and `realistic` (the heap's memory grown and every
 * error path of the measured methods taken once first). The generated classes
 * (bench/generated-structs/, made by `npx tsx bench/generate-structs.mts`) import the
 * library from bench/library.ts, so they extend the same build the benchmarks measure
 * (dist/ by default). The runtime refs come from declarations of their own, for which no
 * generated class is registered.
 *
 * The goal: generated access at least 0.6x the raw loop, and faster than the
 * runtime refs. Printed, never asserted.
 */
import { bodyFields } from './bodyFields.js'
import { Body2Ref, Body3Ref, Body4Ref, Body5Ref, BodyRef } from './generated-structs/benchStructs.js'
import { compileBatch } from './compile.js'
import type { BenchCase } from './harness.js'
import { createWasmHeapManager, defineStruct } from './library.js'
import { takeStructErrorPaths, type StructRegime } from './structs.bench.js'

const count = 4096
const size = 40

type Body = { x: number; vx: number; mass: number }
type Array = { at(index: number, reuse?: never): Body; address: number }

/** The structs issue's loop through a cursor, compiled for one array (a function, and type feedback, of its own). */
function cursorLoop(name: string, array: Array): () => unknown {
	const cursor = array.at(0)
	const body = 'let sum = 0\nfor (let i = 0; i < count; i++) {\nconst body = array.at(i, cursor)\nconst x = body.x\nbody.x = x + body.vx * body.mass\nsum += x\n}\nreturn sum'
	return compileBatch(name, body, { array, cursor, count })
}

/** The structs issue's loop through `at(i)`, compiled for one array. */
function atLoop(name: string, array: Array): () => unknown {
	const body = 'let sum = 0\nfor (let i = 0; i < count; i++) {\nconst body = array.at(i)\nconst x = body.x\nbody.x = x + body.vx * body.mass\nsum += x\n}\nreturn sum'
	return compileBatch(name, body, { array, count })
}

/** The structs issue's raw loop over the array at `base`, compiled for it. */
function rawLoop(name: string, memory: WebAssembly.Memory, base: number): () => unknown {
	const body =
		'const f64 = new Float64Array(memory.buffer)\nconst f32 = new Float32Array(memory.buffer)\nlet sum = 0\n' +
		'for (let i = 0; i < count; i++) {\nconst address = base + i * size\nconst x = f64[address / 8]\nconst vx = f32[(address + 16) / 4]\nconst mass = f64[(address + 24) / 8]\nf64[address / 8] = x + vx * mass\nsum += x\n}\nreturn sum'
	return compileBatch(name, body, { memory, base, count, size })
}

/**
 * One batch running `loops` one after the other (a program's five loops, one per struct
 * type), compiled per variant: one closure for every variant would share its call sites'
 * feedback, and V8 would inline the raw, runtime and generated loops into one function.
 */
function inTurn(name: string, loops: readonly (() => unknown)[]): () => unknown {
	const [a, b, c, d, e] = loops
	return compileBatch(name, 'return [a(), b(), c(), d(), e()]', { a, b, c, d, e })
}

export function createStructsCodegenCases(regime: StructRegime = 'pristine'): BenchCase[] {
	const suite = regime === 'pristine' ? 'structs-codegen' : 'structs-codegen realistic'
	const memory = new WebAssembly.Memory({ initial: 64 })
	const heap = createWasmHeapManager(memory)

	const runtimeTypes = ['Body', 'Body2', 'Body3', 'Body4', 'Body5'].map((name) => defineStruct(name, bodyFields))
	const generatedClasses = [BodyRef, Body2Ref, Body3Ref, Body4Ref, Body5Ref]
	const runtime = runtimeTypes.map((type) => heap.allocStructArray(type, count))
	const generated = generatedClasses.map((Class) => heap.allocStructArray(Class, count))
	const raw = runtimeTypes.map((type) => heap.allocStructArray(type, count))
	for (const array of [...runtime, ...generated, ...raw]) {
		for (let index = 0; index < count; index++) array.writeAt(index, { x: index, vx: 0.5, mass: 1e-9 * index })
	}
	if (!(generated[0]!.at(0) instanceof BodyRef) || runtime[0]!.at(0) instanceof BodyRef) throw new Error('bench: the generated array must give BodyRefs, the runtime one the library’s own refs')
	if (regime === 'realistic') {
		memory.grow(1)
		for (let type = 0; type < 5; type++) {
			takeStructErrorPaths(heap, runtime[type] as never, 'x')
			takeStructErrorPaths(heap, generated[type] as never, 'x', generatedClasses[type])
		}
	}

	const loops = (make: (name: string, array: Array) => () => unknown, arrays: readonly unknown[], what: string) =>
		arrays.map((array, type) => make(`${what}${type}`, array as Array))
	const raws = raw.map((array, type) => rawLoop(`raw${type}`, memory, array.address))
	const cursors = { generated: loops(cursorLoop, generated, 'generatedCursor'), runtime: loops(cursorLoop, runtime, 'runtimeCursor') }
	const ats = { generated: loops(atLoop, generated, 'generatedAt'), runtime: loops(atLoop, runtime, 'runtimeAt') }

	// the fields of one ref alone: no cursor move, the element's address stays
	const one = (name: string, ref: Body): (() => unknown) => compileBatch(name, 'for (let i = 0; i < count; i++) ref.x = ref.x + ref.vx * ref.mass\nreturn ref', { ref, count })
	const rawOne = compileBatch(
		'rawOne',
		'const f64 = new Float64Array(memory.buffer)\nconst f32 = new Float32Array(memory.buffer)\nfor (let i = 0; i < count; i++) f64[at / 8] = f64[at / 8] + f32[(at + 16) / 4] * f64[(at + 24) / 8]\nreturn f64',
		{ memory, at: raw[0]!.address, count },
	)
	const goals = { raw: 0.6, runtime: 1 }
	return [
		{ suite, name: 'generated at(i, cursor): 3 reads + 1 write (40-byte)', operations: count, library: cursors.generated[0]!, baselines: { raw: raws[0]!, runtime: cursors.runtime[0]! }, goals },
		{ suite, name: 'generated at(i): 3 reads + 1 write (40-byte)', operations: count, library: ats.generated[0]!, baselines: { raw: raws[0]!, runtime: ats.runtime[0]! }, goals },
		{ suite, name: 'generated: fields of one ref (3 reads + 1 write)', operations: count, library: one('generatedOne', generated[0]!.at(0) as Body), baselines: { raw: rawOne, runtime: one('runtimeOne', runtime[0]!.at(0) as Body) }, goals },
		{ suite, name: 'generated at(i, cursor), five struct types in use', operations: 5 * count, library: inTurn('generatedCursors', cursors.generated), baselines: { raw: inTurn('rawCursors', raws), runtime: inTurn('runtimeCursors', cursors.runtime) }, goals },
		{ suite, name: 'generated at(i), five struct types in use', operations: 5 * count, library: inTurn('generatedAts', ats.generated), baselines: { raw: inTurn('rawAts', raws), runtime: inTurn('runtimeAts', ats.runtime) }, goals },
	]
}
