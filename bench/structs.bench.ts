/**
 * Struct field access (issue 14). The element `i` of an array of 40-byte structs
 * (`Body`: x, y: f64; vx, vy: f32; mass: f64; id, flags: u32) has three fields read and
 * one written (`x += vx * mass`):
 * - through `at(i)`, a new element ref per element: goal at least 0.4x the same loop
 *   written on a `Float64Array` and a `Float32Array` over the heap (`raw`);
 * - through one cursor moved with `at(i, cursor)`: goal at least 0.6x `raw`.
 * And `readStruct` of a 6-field struct against the same object built from six `read*`
 * calls (`six reads`): goal at least 1x.
 */
import type { BenchCase } from './harness.js'
import type * as Library from '../src/index.js'

/** What the struct cases need of a build of the library. */
export type StructLibrary = Pick<typeof Library, 'createWasmHeapManager' | 'defineStruct'>

const elementCount = 4096

export function createStructCases(library: StructLibrary): BenchCase[] {
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
	const Body = defineStruct('Body', { x: 'Float64', y: 'Float64', vx: 'Float32', vy: 'Float32', mass: 'Float64', id: 'Int32', flags: 'Uint32' })
	const bodies = heap.allocStructArray(Body, elementCount)
	for (let i = 0; i < elementCount; i++) bodies.writeAt(i, { x: i, vx: 0.5, mass: 1e-9 * i })
	const base = bodies.address

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

	const Six = defineStruct('Six', { a: 'Float64', b: 'Float64', c: 'Int32', d: 'Uint32', e: 'Float32', f: 'Int16' })
	const sixes = heap.allocStructArray(Six, 256)
	for (let i = 0; i < 256; i++) sixes.writeAt(i, { a: i, b: -i, c: i * 3, d: i, e: 0.25, f: -2 })
	const sixBase = sixes.address
	const sixSize = heap.sizeOf(Six)
	const [oa, ob, oc, od, oe, of] = ['a', 'b', 'c', 'd', 'e', 'f'].map((field) => heap.offsetOf(Six, field)) as [number, number, number, number, number, number]
	const readStructs = (): number => {
		let sum = 0
		for (let i = 0; i < 256; i++) sum += heap.readStruct(Six, sixBase + i * sixSize).c
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
			sum += value.c
		}
		return sum
	}

	return [
		{ suite: 'structs', name: 'at(i): read 3 fields, write 1 (40-byte struct)', operations: elementCount, library: throughAt, baselines: { raw }, goals: { raw: 0.4 } },
		{ suite: 'structs', name: 'at(i, cursor): read 3 fields, write 1', operations: elementCount, library: throughCursor, baselines: { raw }, goals: { raw: 0.6 } },
		{ suite: 'structs', name: 'readStruct of a 6-field struct', operations: 256, library: readStructs, baselines: { 'six reads': sixReads }, goals: { 'six reads': 1 } },
	]
}
