/**
 * Struct field access (issue 14), in both regimes (see run.ts): `pristine`, and
 * `realistic`, where the heap's memory has grown once and every error path of the measured
 * methods (index out of range, a bad cursor, a freed element, readStruct past the heap)
 * has been taken once before anything is timed. The element `i` of an array of 40-byte structs
 * (`Body`, bench/bodyFields.ts: x, y: f64; vx, vy: f32; mass: f64; id, flags: u32) has three fields read and
 * one written (`x += vx * mass`):
 * - through `at(i)`, a new element ref per element: goal at least 0.4x the same loop
 *   written on a `Float64Array` and a `Float32Array` over the heap (`raw`);
 * - through one cursor moved with `at(i, cursor)`: goal at least 0.6x `raw`;
 * - the same in a function given the array, the cursor a local of it (as programs write the
 *   loop: neither is a constant V8 can fold into the loop's code): goal at least 0.6x `raw`
 *   written the same way;
 * - the same, touching ten fields per element (eight reads, two writes), in one function
 *   and split into two of five fields each: goal at least 0.6x `raw`.
 * And `readStruct` of a 6-field struct against the same object built from six `read*`
 * calls (`six reads`): goal at least 1x.
 */
import { bodyFields } from './bodyFields.js'
import type { BenchCase } from './harness.js'
import type * as Library from '../src/index.js'

/** What the struct cases need of a build of the library. */
export type StructLibrary = Pick<typeof Library, 'createWasmHeapManager' | 'defineStruct'>

/** `pristine`, or `realistic`: a memory grown and every error path taken once first. */
export type StructRegime = 'pristine' | 'realistic'

const elementCount = 4096

/** Runs `action`, which must throw (an error path taken once, so V8 compiles it as a call). */
export function attemptError(action: () => unknown): void {
	try {
		action()
	} catch {
		return
	}
	throw new Error('bench: an error path did not throw')
}

/**
 * The realistic regime's set-up: every error path of the struct methods the cases time,
 * taken once on `array` and on a struct array freed here (through its number field
 * `field`), and readStruct past the heap's end. The freed array is made from `madeFrom`,
 * what `array` was made from (its declaration, or its generated class): an array of
 * another class would make the element refs' roots of two classes, and every field
 * access polymorphic (a mix this regime does not mean to measure).
 */
export function takeStructErrorPaths(
	heap: ReturnType<StructLibrary['createWasmHeapManager']>,
	array: { at(index: number, reuse?: never): unknown; readAt(index: number): unknown; elementCount: number; type: Library.StructType },
	field: string,
	madeFrom: unknown = array.type,
): void {
	attemptError(() => array.at(array.elementCount))
	attemptError(() => array.at(-1))
	attemptError(() => array.at(0, {} as never))
	attemptError(() => array.readAt(array.elementCount))
	attemptError(() => heap.readStruct(array.type, heap.heap.byteLength))
	const freed = heap.allocStructArray(madeFrom as Library.StructType, 1) as unknown as { at(index: number, reuse?: unknown): Record<string, number>; free(): void }
	const element = freed.at(0)
	const cursor = freed.at(0)
	freed.free()
	attemptError(() => element[field])
	attemptError(() => (element[field] = 1))
	attemptError(() => freed.at(0, cursor))
}

export function createStructCases(library: StructLibrary, regime: StructRegime = 'pristine'): BenchCase[] {
	const { createWasmHeapManager, defineStruct } = library
	const memory = new WebAssembly.Memory({ initial: 16 })
	let bump = 1024
	const heap = createWasmHeapManager(
		() => memory.buffer,
		(size: number) => {
			const address = bump
			bump += Math.ceil(size / 16) * 16
			return address
		},
		() => {},
	)
	const Body = defineStruct('Body', bodyFields)
	const bodies = heap.allocStructArray(Body, elementCount)
	for (let i = 0; i < elementCount; i++) bodies.writeAt(i, { x: i, vx: 0.5, mass: 1e-9 * i })
	const base = bodies.address
	const suite = regime === 'pristine' ? 'structs' : 'structs realistic'

	const raw = (): number => {
		const f64 = new Float64Array(memory.buffer)
		const f32 = new Float32Array(memory.buffer)
		let sum = 0
		for (let i = 0; i < elementCount; i++) {
			const address = base + i * 40
			const x = f64[address / 8]!
			const vx = f32[(address + 16) / 4]!
			const mass = f64[(address + 24) / 8]!
			f64[address / 8] = x + vx * mass
			sum += x
		}
		return sum
	}
	const throughAt = (): number => {
		let sum = 0
		for (let i = 0; i < elementCount; i++) {
			const body = bodies.at(i)
			const x = body.x
			body.x = x + body.vx * body.mass
			sum += x
		}
		return sum
	}
	const cursor = bodies.at(0)
	const throughCursor = (): number => {
		let sum = 0
		for (let i = 0; i < elementCount; i++) {
			const body = bodies.at(i, cursor)
			const x = body.x
			body.x = x + body.vx * body.mass
			sum += x
		}
		return sum
	}

	// The same loop as a program writes it: a function given the array, its cursor a local. Neither is a
	// constant to TurboFan then (above, both are the closure's, which V8 folds into the loop's code).
	type BodyArray = typeof bodies
	const walkWithCursor = (array: BodyArray): number => {
		const local = array.at(0)
		let sum = 0
		for (let i = 0; i < elementCount; i++) {
			const body = array.at(i, local)
			const x = body.x
			body.x = x + body.vx * body.mass
			sum += x
		}
		return sum
	}
	const rawGiven = (heapMemory: WebAssembly.Memory, at: number): number => {
		const f64 = new Float64Array(heapMemory.buffer)
		const f32 = new Float32Array(heapMemory.buffer)
		let sum = 0
		for (let i = 0; i < elementCount; i++) {
			const address = at + i * 40
			const x = f64[address / 8]!
			const vx = f32[(address + 16) / 4]!
			const mass = f64[(address + 24) / 8]!
			f64[address / 8] = x + vx * mass
			sum += x
		}
		return sum
	}
	const throughLocalCursor = (): number => walkWithCursor(bodies)
	const rawLocal = (): number => rawGiven(memory, base)
	// A step that touches ten fields (eight reads, two writes), as a simulation's does.
	const stepWithCursor = (array: BodyArray): number => {
		const local = array.at(0)
		let sum = 0
		for (let i = 0; i < elementCount; i++) {
			const body = array.at(i, local)
			body.x = body.x + body.vx * body.mass
			body.y = body.y + body.vy * body.mass
			sum += body.id + body.flags
		}
		return sum
	}
	const rawStep = (heapMemory: WebAssembly.Memory, at: number): number => {
		const f64 = new Float64Array(heapMemory.buffer)
		const f32 = new Float32Array(heapMemory.buffer)
		const i32 = new Int32Array(heapMemory.buffer)
		const u32 = new Uint32Array(heapMemory.buffer)
		let sum = 0
		for (let i = 0; i < elementCount; i++) {
			const address = at + i * 40
			const mass = f64[(address + 24) / 8]!
			f64[address / 8] = f64[address / 8]! + f32[(address + 16) / 4]! * mass
			f64[(address + 8) / 8] = f64[(address + 8) / 8]! + f32[(address + 20) / 4]! * mass
			sum += i32[(address + 32) / 4]! + u32[(address + 36) / 4]!
		}
		return sum
	}
	// The same step as two functions of five fields each: each is compiled with an inlining budget of its own.
	const moveX = (array: BodyArray): void => {
		const local = array.at(0)
		for (let i = 0; i < elementCount; i++) {
			const body = array.at(i, local)
			body.x = body.x + body.vx * body.mass
		}
	}
	const moveYAndSum = (array: BodyArray): number => {
		const local = array.at(0)
		let sum = 0
		for (let i = 0; i < elementCount; i++) {
			const body = array.at(i, local)
			body.y = body.y + body.vy * body.mass
			sum += body.id + body.flags
		}
		return sum
	}
	const throughStep = (): number => stepWithCursor(bodies)
	const throughSplitStep = (): number => {
		moveX(bodies)
		return moveYAndSum(bodies)
	}
	const rawSteps = (): number => rawStep(memory, base)

	const Six = defineStruct('Six', { a: 'Float64', b: 'Float64', c: 'Int32', d: 'Uint32', e: 'Float32', f: 'Int16' })
	const sixes = heap.allocStructArray(Six, 256)
	for (let i = 0; i < 256; i++) sixes.writeAt(i, { a: i, b: -i, c: i * 3, d: i, e: 0.25, f: -2 })
	const sixBase = sixes.address
	const sixSize = heap.sizeOf(Six)
	const [oa, ob, oc, od, oe, of] = ['a', 'b', 'c', 'd', 'e', 'f'].map((field) => heap.offsetOf(Six, field)) as [number, number, number, number, number, number]
	if (regime === 'realistic') {
		memory.grow(1)
		takeStructErrorPaths(heap, bodies as never, 'x')
		takeStructErrorPaths(heap, sixes as never, 'c')
		for (const address of [-1, 0.5, heap.heap.byteLength]) {
			attemptError(() => heap.readFloat64(address))
			attemptError(() => heap.readInt32(address))
			attemptError(() => heap.readUint32(address))
			attemptError(() => heap.readFloat32(address))
			attemptError(() => heap.readInt16(address))
		}
	}
	// Both loops keep the objects they build (as a program snapshotting structs does), so
	// neither object can be optimised away: the comparison is of building the same object.
	const keptStructs: unknown[] = new Array(256).fill(null)
	const keptReads: unknown[] = new Array(256).fill(null)
	const readStructs = (): number => {
		let sum = 0
		for (let i = 0; i < 256; i++) {
			const value = heap.readStruct(Six, sixBase + i * sixSize)
			keptStructs[i] = value
			sum += value.c
		}
		return sum
	}
	const sixReads = (): number => {
		let sum = 0
		for (let i = 0; i < 256; i++) {
			const address = sixBase + i * sixSize
			const value = {
				a: heap.readFloat64(address + oa),
				b: heap.readFloat64(address + ob),
				c: heap.readInt32(address + oc),
				d: heap.readUint32(address + od),
				e: heap.readFloat32(address + oe),
				f: heap.readInt16(address + of),
			}
			keptReads[i] = value
			sum += value.c
		}
		return sum
	}

	// Whole-struct writes (two nested records, a number, an enum-like integer, an array) and a walk along
	// pointer fields, against DataView sets and loads of the same fields (bench/cliffs-probe.mjs's cliffs)
	const Vec = defineStruct('Vec', { x: 'Float32', y: 'Float32' })
	const Shape = defineStruct('Shape', { pos: Vec, vel: Vec, mass: 'Float64', kind: 'Uint32', hist: { array: 'Int32', length: 4 } })
	const shapes = heap.allocStructArray(Shape, 64)
	const shapeBase = shapes.address
	const shapeSize = heap.sizeOf(Shape)
	const shape = { pos: { x: 1, y: 2 }, vel: { x: 3, y: 4 }, mass: 5, kind: 1, hist: [6, 7, 8, 9] }
	const partial = { pos: { x: 1, y: 2 }, mass: 5 }
	const writeStructs = (): number => {
		for (let i = 0; i < 64; i++) heap.writeStruct(Shape, shapeBase + i * shapeSize, shape)
		return 0
	}
	const setShapes = (): number => {
		const view = new DataView(memory.buffer)
		for (let i = 0; i < 64; i++) {
			const a = shapeBase + i * shapeSize
			view.setFloat32(a, shape.pos.x, true)
			view.setFloat32(a + 4, shape.pos.y, true)
			view.setFloat32(a + 8, shape.vel.x, true)
			view.setFloat32(a + 12, shape.vel.y, true)
			view.setFloat64(a + 16, shape.mass, true)
			view.setUint32(a + 24, shape.kind, true)
			for (let k = 0; k < 4; k++) view.setInt32(a + 28 + k * 4, shape.hist[k]!, true)
		}
		return 0
	}
	const writePartials = (): number => {
		for (let i = 0; i < 64; i++) shapes.at(i).write(partial)
		return 0
	}
	const setPartials = (): number => {
		const view = new DataView(memory.buffer)
		for (let i = 0; i < 64; i++) {
			const a = shapeBase + i * shapeSize
			view.setFloat32(a, partial.pos.x, true)
			view.setFloat32(a + 4, partial.pos.y, true)
			view.setFloat64(a + 16, partial.mass, true)
		}
		return 0
	}
	// A fixed-array field read through its struct each time: a new FieldArrayRef per read.
	const oneShape = shapes.at(5)
	oneShape.hist.write([6, 7, 8, 9])
	if (regime === 'realistic') {
		attemptError(() => oneShape.hist.readAt(4))
		attemptError(() => oneShape.hist.writeAt(0, 5n as never))
	}
	const histThroughStruct = (): number => {
		let sum = 0
		for (let i = 0; i < 1024; i++) sum += oneShape.hist.readAt(i & 3)
		return sum
	}
	const rawHist = (): number => {
		const i32 = new Int32Array(memory.buffer)
		const at = (shapeBase + 5 * shapeSize + heap.offsetOf(Shape, 'hist')) / 4
		let sum = 0
		for (let i = 0; i < 1024; i++) sum += i32[at + (i & 3)]!
		return sum
	}
	type Linked = { readonly v: number; readonly next: Linked | null }
	const ListNode: Library.StructType = defineStruct('ListNode', { v: 'Int32', next: { pointer: (): Library.StructType => ListNode } })
	const list = heap.allocStructArray(ListNode, 64)
	for (let i = 0; i < 64; i++) list.writeAt(i, { v: i, next: i < 63 ? list.address + (i + 1) * 8 : null } as never)
	const walk = (): number => {
		let sum = 0
		for (let node = list.at(0) as unknown as Linked | null; node !== null; node = node.next) sum += node.v
		return sum
	}
	const rawWalk = (): number => {
		const view = new DataView(memory.buffer)
		let sum = 0
		for (let address = list.address; address !== 0; address = view.getUint32(address + 4, true)) sum += view.getInt32(address, true)
		return sum
	}

	return [
		{ suite, name: 'at(i): read 3 fields, write 1 (40-byte struct)', operations: elementCount, library: throughAt, baselines: { raw }, goals: { raw: 0.4 } },
		{ suite, name: 'at(i, cursor): read 3 fields, write 1', operations: elementCount, library: throughCursor, baselines: { raw }, goals: { raw: 0.6 } },
		{ suite, name: 'at(i, cursor), the array a parameter and the cursor a local', operations: elementCount, library: throughLocalCursor, baselines: { raw: rawLocal }, goals: { raw: 0.6 } },
		{ suite, name: 'at(i, cursor), ten fields touched (8 reads, 2 writes), the cursor a local', operations: elementCount, library: throughStep, baselines: { raw: rawSteps }, goals: { raw: 0.6 } },
		{ suite, name: 'the same ten fields in two functions of five', operations: elementCount, library: throughSplitStep, baselines: { raw: rawSteps }, goals: { raw: 0.6 } },
		{ suite, name: 'readStruct of a 6-field struct', operations: 256, library: readStructs, baselines: { 'six reads': sixReads }, goals: { 'six reads': 1 } },
		{ suite, name: 'writeStruct of a struct with nested structs and an array', operations: 64, library: writeStructs, baselines: { raw: setShapes } },
		{ suite, name: 'StructRef.write of a nested partial', operations: 64, library: writePartials, baselines: { raw: setPartials } },
		{ suite, name: 'a walk along pointer fields (n = n.next)', operations: 64, library: walk, baselines: { raw: rawWalk } },
		{ suite, name: "a fixed-array field's readAt through its struct each time (s.hist.readAt(k))", operations: 1024, library: histThroughStruct, baselines: { raw: rawHist } },
	]
}
