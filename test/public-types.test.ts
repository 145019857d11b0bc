/**
 * The public types as a strict TypeScript user meets them, where they once refused valid
 * code or lost what the declaration says: `npm run typecheck` compiles this file, so each
 * `assertType` line fails to compile when the inferred type drifts, and each
 * `@ts-expect-error` line fails as an unused directive when wrong code starts to compile.
 * The runtime checks beside them show that the types describe what the library does.
 */
import { expect } from 'chai'
import { createWasmHeapManager, type StructArrayRef, type StructRefOf, type StructType } from '../src/index.js'
import { Vec2 } from './support/structCorpus.js'
import { PointersArrayRef, PointersRef, Vec2ArrayRef, Vec2Ref } from './generated-structs/structCorpus.wasm32.js'

/** Type equality, as assignability both ways of the two function types (exact for unions and `any`). */
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false
/** Compiles only when `T` is `true`. */
function assertType<T extends true>(): T | undefined {
	return undefined
}

describe('public types for a strict TypeScript user', () => {
	it("iterating a generated array class gives its ref class, as at() does (its pointer setters take an address)", () => {
		const heap = createWasmHeapManager(new ArrayBuffer(65536))
		const pointers = heap.allocStructArray(PointersRef, 2)
		assertType<Equal<typeof pointers, PointersArrayRef>>()
		const target = heap.allocStruct(Vec2Ref, { x: 1 })
		for (const element of pointers) {
			assertType<Equal<typeof element, PointersRef>>()
			element.node = 0 // a generated setter takes an address: the library's StructRefOf types it as what it reads
			element.vec = target.address
			expect(element).to.be.instanceOf(PointersRef)
		}
		const spread = [...pointers]
		assertType<Equal<typeof spread, PointersRef[]>>()
		assertType<Equal<ReturnType<typeof pointers.at>, PointersRef>>()
		for (const vector of heap.allocStructArray(Vec2Ref, 2)) assertType<Equal<typeof vector, Vec2Ref>>()
		expect(pointers.readAt(1).vec).to.equal(target.address)
		// a struct type's own array still iterates as StructRefOf, in a generic function too
		const plain = heap.allocStructArray(Vec2, 1)
		for (const element of plain) assertType<Equal<typeof element, StructRefOf<typeof Vec2>>>()
		const refsOf = <T extends StructType>(array: StructArrayRef<T>): StructRefOf<T>[] => [...array]
		expect(refsOf(plain)).to.have.length(1)
	})
})
