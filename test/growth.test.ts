/**
 * Heap growth and polling: refs, reads, writes, atomics and views across the growth
 * of non-shared and shared `WebAssembly.Memory` objects, the three polling modes
 * (counting `getLatestHeap` calls), and the fixed list of bad addresses in every mode.
 */
import { expect } from 'chai'
import type { NormalizedElement } from '../codegen/normalize.js'
import { createWasmHeapManager, defineStruct, type HeapError, type PollingMode, type WasmHeapManager } from '../src/index.js'
import { errorName, asViewElement, callMethod, caught, viewableElements as elements, expectAddressRangeError, referenceRead, referenceWrite, sampleValue, viewContents } from './support/dynamic.js'
import type { ArrayRef, TypedArrayLike, Value, ValueRef } from './support/dynamic.js'
import { SeededRandom, TestAllocator, badAddresses, createTestHeap, snapshot } from './support/heaps.js'

const pageSize = 65536
const modes: readonly PollingMode[] = ['never', 'whenEmpty', 'always']

interface Held {
	readonly element: NormalizedElement
	readonly value: Value
	readonly ref: ValueRef
	readonly values: Value[]
	readonly arrayRef: ArrayRef
	/** A further value for writes after growth. */
	readonly newValue: Value
}

const arrayLength = 4

/** Allocates a value ref and a 4-element array ref of every type, filled with seeded values. */
function holdRefs(heap: WasmHeapManager, seed: number): Held[] {
	const random = new SeededRandom(seed)
	return elements.map((element) => {
		const value = sampleValue(element, random)
		const ref = callMethod(heap, element.methods.alloc) as ValueRef
		ref.value = value
		const values = Array.from({ length: arrayLength }, () => sampleValue(element, random))
		const arrayRef = callMethod(heap, element.methods.allocArray, values) as ArrayRef
		return { element, value, ref, values, arrayRef, newValue: sampleValue(element, random) }
	})
}

/** Checks every held ref against its values, through the refs and through an independent DataView. */
function expectHeldIntact(held: readonly Held[], buffer: ArrayBufferLike, when: string): void {
	const dataView = new DataView(buffer)
	for (const { element, value, ref, values, arrayRef } of held) {
		const context = `${element.name} ${when}`
		expect(ref.value, context).to.equal(value)
		expect(referenceRead(dataView, element, ref.address), context).to.equal(value)
		for (let index = 0; index < arrayLength; index++) {
			expect(arrayRef.readAt(index), `${context} [${index}]`).to.equal(values[index])
			expect(referenceRead(dataView, element, arrayRef.address + index * element.byteSize), context).to.equal(values[index])
		}
	}
}

/**
 * A value of `element` written at `address` of each of two buffers (different values),
 * and a value ref and a 2-element array ref wrapped there.
 */
function inBothBuffers(heap: WasmHeapManager, element: NormalizedElement, address: number, random: SeededRandom, first: ArrayBuffer, second: ArrayBuffer) {
	const valueInFirst = sampleValue(element, random)
	const valueInSecond = sampleValue(element, random)
	referenceWrite(new DataView(first), element, address, valueInFirst)
	referenceWrite(new DataView(second), element, address, valueInSecond)
	const ref = callMethod(heap, element.methods.wrap, address) as ValueRef
	const arrayRef = callMethod(heap, element.methods.wrapArray, address, 2) as ArrayRef
	return { valueInFirst, valueInSecond, ref, arrayRef }
}

describe('growth', () => {
	describe('non-shared WebAssembly.Memory, pollingMode whenEmpty (default)', () => {
		function setup(seed: number) {
			const { heap, memory } = createTestHeap({ pages: 1 })
			const held = holdRefs(heap, seed)
			// Nothing grew while allocating: the growth below is the first one.
			expect(memory.buffer.byteLength).to.equal(pageSize)
			return { heap, memory, held }
		}

		function grow(memory: WebAssembly.Memory, pages = 1): ArrayBuffer {
			const old = memory.buffer as ArrayBuffer
			memory.grow(pages)
			expect(old.byteLength, 'the old buffer is detached').to.equal(0)
			expect(memory.buffer).to.not.equal(old)
			return old
		}

		it('detaches the old buffer: a view taken before growth has length 0', () => {
			const { heap, memory, held } = setup(1)
			const views = held.map(({ element, arrayRef }) => callMethod(heap, element.methods.view, arrayRef.address, arrayLength) as TypedArrayLike)
			for (const [index, view] of views.entries()) {
				expect(viewContents(view)).to.deep.equal(held[index]!.values.map((value) => asViewElement(held[index]!.element, value)))
			}
			grow(memory)
			for (const [index, view] of views.entries()) expect(view.length, held[index]!.element.name).to.equal(0)
		})

		it('every ref, read, atomic and view sees the old contents on the new buffer', () => {
			const { heap, memory, held } = setup(2)
			grow(memory, 3)
			expectHeldIntact(held, memory.buffer, 'after growth')
			for (const { element, value, ref, values, arrayRef } of held) {
				expect(callMethod(heap, element.methods.read, ref.address), element.name).to.equal(value)
				expect(callMethod(heap, element.methods.readAtomic, ref.address), element.name).to.equal(value)
				expect(ref.read(), element.name).to.equal(value)
				expect(ref.readAtomic(), element.name).to.equal(value)
				const view = arrayRef.view
				expect(view.buffer, element.name).to.equal(memory.buffer)
				expect(viewContents(view), element.name).to.deep.equal(values.map((v) => asViewElement(element, v)))
				const managerView = callMethod(heap, element.methods.view, arrayRef.address, arrayLength) as TypedArrayLike
				expect(managerView.buffer).to.equal(memory.buffer)
				expect(viewContents(managerView)).to.deep.equal(values.map((v) => asViewElement(element, v)))
				for (let index = 0; index < arrayLength; index++) {
					expect(arrayRef.readAtomicAt(index), element.name).to.equal(values[index])
				}
			}
			expect(heap.heap).to.equal(memory.buffer)
		})

		it('writes through the manager and refs after growth land in the new buffer', () => {
			const { heap, memory, held } = setup(3)
			grow(memory)
			const random = new SeededRandom(33)
			for (const { element, ref, arrayRef } of held) {
				const values = Array.from({ length: 6 }, () => sampleValue(element, random))
				ref.value = values[0]!
				expect(referenceRead(new DataView(memory.buffer), element, ref.address)).to.equal(values[0])
				ref.writeAtomic(values[1]!)
				expect(referenceRead(new DataView(memory.buffer), element, ref.address)).to.equal(values[1])
				callMethod(heap, element.methods.write, ref.address, values[2])
				expect(referenceRead(new DataView(memory.buffer), element, ref.address)).to.equal(values[2])
				arrayRef.writeAt(1, values[3]!)
				arrayRef.writeAtomicAt(2, values[4]!)
				callMethod(heap, element.methods.writeAtomic, arrayRef.address + 3 * element.byteSize, values[5])
				const dataView = new DataView(memory.buffer)
				expect(referenceRead(dataView, element, arrayRef.address + element.byteSize)).to.equal(values[3])
				expect(referenceRead(dataView, element, arrayRef.address + 2 * element.byteSize)).to.equal(values[4])
				expect(referenceRead(dataView, element, arrayRef.address + 3 * element.byteSize)).to.equal(values[5])
			}
		})

		it('refs keep working across several growths in a row', () => {
			const { memory, held } = setup(4)
			for (let round = 0; round < 5; round++) {
				grow(memory, round + 1)
				expectHeldIntact(held, memory.buffer, `after growth ${round + 1}`)
			}
		})

		/**
		 * Each probe is the very first access after a growth, in a fresh heap, so each
		 * one must itself notice the detached buffer and poll.
		 */
		const firstAccessProbes: ReadonlyArray<readonly [string, (heap: WasmHeapManager, memory: WebAssembly.Memory, held: Held) => void]> = [
			['read<T>', (heap, _memory, { element, ref, value }) => {
				expect(callMethod(heap, element.methods.read, ref.address)).to.equal(value)
			}],
			['write<T>', (heap, memory, { element, ref, newValue }) => {
				callMethod(heap, element.methods.write, ref.address, newValue)
				expect(referenceRead(new DataView(memory.buffer), element, ref.address)).to.equal(newValue)
			}],
			['read<T>Atomic', (heap, _memory, { element, ref, value }) => {
				expect(callMethod(heap, element.methods.readAtomic, ref.address)).to.equal(value)
			}],
			['write<T>Atomic', (heap, memory, { element, ref, newValue }) => {
				callMethod(heap, element.methods.writeAtomic, ref.address, newValue)
				expect(referenceRead(new DataView(memory.buffer), element, ref.address)).to.equal(newValue)
			}],
			['view<T>Array', (heap, memory, { element, arrayRef, values }) => {
				const view = callMethod(heap, element.methods.view, arrayRef.address, arrayLength) as TypedArrayLike
				expect(view.buffer).to.equal(memory.buffer)
				expect(viewContents(view)).to.deep.equal(values.map((v) => asViewElement(element, v)))
			}],
			['wrap<T>', (heap, _memory, { element, ref, value }) => {
				expect((callMethod(heap, element.methods.wrap, ref.address) as ValueRef).value).to.equal(value)
			}],
			['wrap<T>Array', (heap, _memory, { element, arrayRef, values }) => {
				const wrapped = callMethod(heap, element.methods.wrapArray, arrayRef.address, arrayLength) as ArrayRef
				expect(wrapped.readAt(arrayLength - 1)).to.equal(values[arrayLength - 1])
			}],
			['ref.value (get)', (_heap, _memory, { ref, value }) => {
				expect(ref.value).to.equal(value)
			}],
			['ref.value (set)', (_heap, memory, { element, ref, newValue }) => {
				ref.value = newValue
				expect(referenceRead(new DataView(memory.buffer), element, ref.address)).to.equal(newValue)
			}],
			['ref.readAtomic()', (_heap, _memory, { ref, value }) => {
				expect(ref.readAtomic()).to.equal(value)
			}],
			['ref.writeAtomic()', (_heap, memory, { element, ref, newValue }) => {
				ref.writeAtomic(newValue)
				expect(referenceRead(new DataView(memory.buffer), element, ref.address)).to.equal(newValue)
			}],
			['arrayRef.readAt()', (_heap, _memory, { arrayRef, values }) => {
				expect(arrayRef.readAt(2)).to.equal(values[2])
			}],
			['arrayRef.writeAt()', (_heap, memory, { element, arrayRef, newValue }) => {
				arrayRef.writeAt(2, newValue)
				expect(referenceRead(new DataView(memory.buffer), element, arrayRef.address + 2 * element.byteSize)).to.equal(newValue)
			}],
			['arrayRef.readAtomicAt()', (_heap, _memory, { arrayRef, values }) => {
				expect(arrayRef.readAtomicAt(1)).to.equal(values[1])
			}],
			['arrayRef.view', (_heap, memory, { element, arrayRef, values }) => {
				const view = arrayRef.view
				expect(view.buffer).to.equal(memory.buffer)
				expect(viewContents(view)).to.deep.equal(values.map((v) => asViewElement(element, v)))
			}],
			['ref.allocatedBytesView', (_heap, memory, { element, ref }) => {
				const bytes = ref.allocatedBytesView
				expect(bytes.buffer).to.equal(memory.buffer)
				expect(Array.from(bytes)).to.deep.equal(Array.from(new Uint8Array(memory.buffer, ref.address, element.byteSize)))
			}],
			['arrayRef.clear()', (_heap, memory, { element, arrayRef }) => {
				arrayRef.clear()
				const bytes = new Uint8Array(memory.buffer, arrayRef.address, arrayLength * element.byteSize)
				expect(bytes.every((byte) => byte === 0)).to.equal(true)
			}],
			['alloc<T>()', (heap, memory, { element, newValue }) => {
				const fresh = callMethod(heap, element.methods.alloc) as ValueRef
				fresh.value = newValue
				expect(referenceRead(new DataView(memory.buffer), element, fresh.address)).to.equal(newValue)
			}],
			['read<T> in the newly grown region', (heap, memory, { element, newValue }) => {
				const address = pageSize + 8 * 16
				referenceWrite(new DataView(memory.buffer), element, address, newValue)
				expect(callMethod(heap, element.methods.read, address)).to.equal(newValue)
			}],
			['write<T>Atomic in the newly grown region', (heap, memory, { element, newValue }) => {
				const address = memory.buffer.byteLength - 8
				callMethod(heap, element.methods.writeAtomic, address, newValue)
				expect(referenceRead(new DataView(memory.buffer), element, address)).to.equal(newValue)
			}],
			['view<T>Array in the newly grown region', (heap, memory, { element }) => {
				const address = pageSize + 256
				const view = callMethod(heap, element.methods.view, address, 16) as TypedArrayLike
				expect(view.buffer).to.equal(memory.buffer)
				expect(view.byteOffset).to.equal(address)
				expect(view.length).to.equal(16)
			}],
		]

		for (const [probe, run] of firstAccessProbes) {
			it(`${probe} works as the first access after growth, for every type`, () => {
				for (const [index, element] of elements.entries()) {
					const { heap, memory, held } = setup(100 + index)
					grow(memory)
					const entry = held.find((h) => h.element === element)!
					try {
						run(heap, memory, entry)
					} catch (error) {
						if (error instanceof Error) error.message = `${element.name}: ${error.message}`
						throw error
					}
				}
			})
		}

		it('readBigUint128LE / writeBigUint256LE work as the first access after growth', () => {
			{
				const { heap, memory } = setup(5)
				const address = 8 * 1024
				new DataView(memory.buffer).setBigUint64(address, 0x0123456789abcdefn, true)
				new DataView(memory.buffer).setBigUint64(address + 8, 0xfedcba9876543210n, true)
				grow(memory)
				expect(heap.readBigUint128LE(address)).to.equal(0xfedcba98765432100123456789abcdefn)
			}
			{
				const { heap, memory } = setup(6)
				grow(memory)
				const value = 2n ** 256n - 12345n
				heap.writeBigUint256LE(pageSize + 32, value)
				const dataView = new DataView(memory.buffer)
				expect(dataView.getBigUint64(pageSize + 32, true)).to.equal(BigInt.asUintN(64, value))
				expect(dataView.getBigUint64(pageSize + 56, true)).to.equal(value >> 192n)
			}
		})

		it('the heap getter returns the new buffer as the first access after growth', () => {
			const { heap, memory } = setup(7)
			grow(memory)
			expect(heap.heap).to.equal(memory.buffer)
			expect(heap.heap.byteLength).to.equal(2 * pageSize)
		})

		it('a zero-length view at address 0 right after growth is a view of the new buffer', () => {
			const { heap, memory } = setup(8)
			grow(memory)
			const view = heap.viewUint8Array(0, 0)
			expect(view.length).to.equal(0)
			expect(view.buffer).to.equal(memory.buffer)
		})

		it('growth driven by the allocator (alloc grows the memory) keeps every held ref intact', () => {
			const { heap, memory, held } = setup(9)
			const big = heap.allocFloat64Array(3 * pageSize / 8)
			expect(memory.buffer.byteLength).to.be.greaterThan(pageSize)
			expect(big.view.buffer).to.equal(memory.buffer)
			big.writeAt(big.elementCount - 1, 1.25)
			expect(new DataView(memory.buffer).getFloat64(big.address + big.allocatedBytesView.length - 8, true)).to.equal(1.25)
			expectHeldIntact(held, memory.buffer, 'after allocator-driven growth')
		})

		it('alloc<T>Array(values) whose own allocation grows the memory copies the values into the new buffer', () => {
			const random = new SeededRandom(10)
			for (const element of elements) {
				const { heap, memory } = createTestHeap({ pages: 1 })
				const count = (2 * pageSize) / element.byteSize
				const values = Array.from({ length: count }, () => sampleValue(element, random))
				const ref = callMethod(heap, element.methods.allocArray, values) as ArrayRef
				expect(memory.buffer.byteLength, element.name).to.be.greaterThan(2 * pageSize)
				const dataView = new DataView(memory.buffer)
				for (const index of [0, 1, count >> 1, count - 1]) {
					expect(referenceRead(dataView, element, ref.address + index * element.byteSize), `${element.name}[${index}]`).to.equal(values[index])
				}
			}
		})
	})

	describe('shared WebAssembly.Memory, pollingMode whenEmpty (default)', () => {
		function setup(seed: number) {
			const { heap, memory } = createTestHeap({ pages: 1, shared: true, maximum: 64 })
			expect(memory.buffer).to.be.instanceOf(SharedArrayBuffer)
			const held = holdRefs(heap, seed)
			expect(memory.buffer.byteLength).to.equal(pageSize)
			return { heap, memory, held }
		}

		function grow(memory: WebAssembly.Memory, pages = 1): SharedArrayBuffer {
			const old = memory.buffer as unknown as SharedArrayBuffer
			memory.grow(pages)
			expect(old.byteLength, 'a shared buffer is never detached').to.equal(pageSize)
			expect(memory.buffer).to.not.equal(old)
			expect(memory.buffer.byteLength).to.equal(pageSize * (1 + pages))
			return old
		}

		/** An 8-byte aligned address that exists only in the grown part. */
		const grownAddress = pageSize + 1024

		const grownRegionProbes: ReadonlyArray<readonly [string, (heap: WasmHeapManager, memory: WebAssembly.Memory, element: NormalizedElement, value: Value) => void]> = [
			['read<T>', (heap, memory, element, value) => {
				referenceWrite(new DataView(memory.buffer), element, grownAddress, value)
				expect(callMethod(heap, element.methods.read, grownAddress)).to.equal(value)
			}],
			['read<T> (unaligned)', (heap, memory, element, value) => {
				referenceWrite(new DataView(memory.buffer), element, grownAddress + 3, value)
				expect(callMethod(heap, element.methods.read, grownAddress + 3)).to.equal(value)
			}],
			['write<T>', (heap, memory, element, value) => {
				callMethod(heap, element.methods.write, grownAddress, value)
				expect(referenceRead(new DataView(memory.buffer), element, grownAddress)).to.equal(value)
			}],
			['read<T>Atomic', (heap, memory, element, value) => {
				referenceWrite(new DataView(memory.buffer), element, grownAddress, value)
				expect(callMethod(heap, element.methods.readAtomic, grownAddress)).to.equal(value)
			}],
			['write<T>Atomic', (heap, memory, element, value) => {
				callMethod(heap, element.methods.writeAtomic, grownAddress, value)
				expect(referenceRead(new DataView(memory.buffer), element, grownAddress)).to.equal(value)
			}],
			['view<T>Array', (heap, memory, element, value) => {
				referenceWrite(new DataView(memory.buffer), element, grownAddress + element.byteSize, value)
				const view = callMethod(heap, element.methods.view, grownAddress, 4) as TypedArrayLike
				expect(view.buffer).to.equal(memory.buffer)
				expect(view[1]).to.equal(asViewElement(element, value))
			}],
			['wrap<T>', (heap, memory, element, value) => {
				referenceWrite(new DataView(memory.buffer), element, grownAddress, value)
				const ref = callMethod(heap, element.methods.wrap, grownAddress) as ValueRef
				expect(ref.value).to.equal(value)
			}],
			['wrap<T>Array', (heap, memory, element, value) => {
				const ref = callMethod(heap, element.methods.wrapArray, grownAddress, 4) as ArrayRef
				ref.writeAt(3, value)
				expect(referenceRead(new DataView(memory.buffer), element, grownAddress + 3 * element.byteSize)).to.equal(value)
			}],
			['a view ending in the grown part', (heap, memory, element, value) => {
				const address = pageSize - 2 * element.byteSize
				referenceWrite(new DataView(memory.buffer), element, address + 3 * element.byteSize, value)
				const view = callMethod(heap, element.methods.view, address, 4) as TypedArrayLike
				expect(view.buffer).to.equal(memory.buffer)
				expect(view[3]).to.equal(asViewElement(element, value))
			}],
		]

		for (const [probe, run] of grownRegionProbes) {
			it(`${probe} at an address only in the grown part succeeds (the manager polls before throwing)`, () => {
				const random = new SeededRandom(200)
				for (const element of elements) {
					const { heap, memory } = setup(201)
					grow(memory)
					try {
						run(heap, memory, element, sampleValue(element, random))
					} catch (error) {
						if (error instanceof Error) error.message = `${element.name}: ${error.message}`
						throw error
					}
				}
			})
		}

		it('readBigUint128LE / writeBigUint256LE at an address only in the grown part succeed', () => {
			{
				const { heap, memory } = setup(202)
				grow(memory)
				const value = 2n ** 128n - 3n
				new DataView(memory.buffer).setBigUint64(grownAddress, BigInt.asUintN(64, value), true)
				new DataView(memory.buffer).setBigUint64(grownAddress + 8, value >> 64n, true)
				expect(heap.readBigUint128LE(grownAddress)).to.equal(value)
			}
			{
				const { heap, memory } = setup(203)
				grow(memory)
				const value = 2n ** 255n + 7n
				heap.writeBigUint256LE(grownAddress, value)
				expect(new DataView(memory.buffer).getBigUint64(grownAddress + 24, true)).to.equal(value >> 192n)
			}
		})

		it('refs held across growth keep reading and writing the same memory', () => {
			const { heap, memory, held } = setup(204)
			const old = grow(memory, 2)
			expectHeldIntact(held, memory.buffer, 'after shared growth')

			// Refs allocated in the grown part work next to them.
			const late = heap.allocInt32Array(Array.from({ length: 20000 }, (_, i) => i * 3))
			expect(late.address + late.allocatedBytesView.length).to.be.greaterThan(pageSize)
			expect(late.readAt(19999)).to.equal(19999 * 3)
			expectHeldIntact(held, memory.buffer, 'after allocating in the grown part')

			for (const { element, ref, arrayRef, newValue } of held) {
				ref.value = newValue
				arrayRef.writeAtomicAt(0, newValue)
				// The old and new SharedArrayBuffers share their first page.
				expect(referenceRead(new DataView(old), element, ref.address)).to.equal(newValue)
				expect(referenceRead(new DataView(memory.buffer), element, ref.address)).to.equal(newValue)
				expect(referenceRead(new DataView(memory.buffer), element, arrayRef.address)).to.equal(newValue)
				expect(ref.readAtomic()).to.equal(newValue)
				expect(arrayRef.readAt(0)).to.equal(newValue)
			}
		})

		it('the heap getter returns the grown SharedArrayBuffer', () => {
			const { heap, memory } = setup(205)
			grow(memory)
			expect(heap.heap).to.equal(memory.buffer)
			expect(heap.heap.byteLength).to.equal(2 * pageSize)
		})

		it('an address past the grown memory still throws RangeError naming the grown heap size', () => {
			const { heap, memory } = setup(206)
			grow(memory)
			expectAddressRangeError(() => heap.readInt32(2 * pageSize), 'readInt32', 2 * pageSize, 4, 2 * pageSize)
		})
	})

	/** A manager over a fresh growable memory whose `getLatestHeap` counts its calls. */
	function countingHeap(pollingMode: PollingMode, shared = false) {
		const memory = new WebAssembly.Memory({ initial: 1, maximum: 64, shared })
		const allocator = new TestAllocator(memory)
		const counter = { calls: 0 }
		const heap = createWasmHeapManager(
			() => {
				counter.calls++
				return memory.buffer
			},
			allocator.alloc,
			allocator.free,
			{ pollingMode },
		)
		return { heap, memory, counter }
	}

	/** One access of each kind, for every type, on a heap with refs at hand: [name, action]. */
	function accessesOfEveryKind(heap: WasmHeapManager, held: readonly Held[]): Array<readonly [string, () => unknown]> {
		const accesses: Array<readonly [string, () => unknown]> = []
		for (const { element, ref, arrayRef, value } of held) {
			const { methods } = element
			accesses.push(
				[methods.read, () => callMethod(heap, methods.read, ref.address)],
				[methods.write, () => callMethod(heap, methods.write, ref.address, value)],
				[methods.readAtomic, () => callMethod(heap, methods.readAtomic, ref.address)],
				[methods.writeAtomic, () => callMethod(heap, methods.writeAtomic, ref.address, value)],
				[methods.view, () => callMethod(heap, methods.view, arrayRef.address, arrayLength)],
				[methods.wrap, () => callMethod(heap, methods.wrap, ref.address)],
				[methods.wrapArray, () => callMethod(heap, methods.wrapArray, arrayRef.address, arrayLength)],
				[`${element.refClass}.value (get)`, () => ref.value],
				[`${element.refClass}.value (set)`, () => (ref.value = value)],
				[`${element.refClass}.readAtomic`, () => ref.readAtomic()],
				[`${element.refClass}.writeAtomic`, () => ref.writeAtomic(value)],
				[`${element.refClass}.allocatedBytesView`, () => ref.allocatedBytesView],
				[`${element.arrayRefClass}.readAt`, () => arrayRef.readAt(1)],
				[`${element.arrayRefClass}.writeAt`, () => arrayRef.writeAt(1, value)],
				[`${element.arrayRefClass}.readAtomicAt`, () => arrayRef.readAtomicAt(2)],
				[`${element.arrayRefClass}.writeAtomicAt`, () => arrayRef.writeAtomicAt(2, value)],
				[`${element.arrayRefClass}.view`, () => arrayRef.view],
				[`${element.arrayRefClass}.clear`, () => arrayRef.clear()],
			)
		}
		accesses.push(['readBigUint128LE', () => heap.readBigUint128LE(64)], ['writeBigUint256LE', () => heap.writeBigUint256LE(64, 5n)])
		return accesses
	}

	describe("pollingMode 'never'", () => {
		it('calls getLatestHeap exactly once, at construction, whatever is accessed', () => {
			const { heap, counter } = countingHeap('never')
			expect(counter.calls).to.equal(1)
			const held = holdRefs(heap, 300)
			for (const [, access] of accessesOfEveryKind(heap, held)) access()
			void heap.heap
			expect(() => heap.readInt32(pageSize)).to.throw(RangeError)
			expect(counter.calls).to.equal(1)
		})

		it('after a non-shared growth, accesses throw RangeError saying the cached buffer was detached and the mode fetches no new one', () => {
			// It said only '... must end within the heap of 0 bytes', blaming the address.
			const { heap, memory, counter } = countingHeap('never')
			const held = holdRefs(heap, 301)
			const text = heap.allocNullTerminatedUtf8String('text')
			const slice = heap.allocUtf16StringSlice('slice')
			const Point = defineStruct('Point', { x: 'Int32', y: 'Float64' })
			const point = heap.allocStruct(Point, { x: 1, y: 2 })
			memory.grow(1)
			const before = snapshot(memory)
			const accesses: Array<readonly [string, () => unknown]> = [
				...accessesOfEveryKind(heap, held),
				['readNullTerminatedUtf8String', () => heap.readNullTerminatedUtf8String(text.address)],
				['writeNullTerminatedUtf8String', () => heap.writeNullTerminatedUtf8String(text.address, 'x')],
				['writeNullTerminatedUtf8String', () => heap.writeNullTerminatedUtf8String(text.address, 'x', 2)],
				['Utf8StringRef.read', () => text.value],
				['lengthOfNullTerminatedUtf8String', () => heap.lengthOfNullTerminatedUtf8String(text.address)],
				['readUtf16StringSlice', () => heap.readUtf16StringSlice(slice.address, 5)],
				['writeUtf16StringSlice', () => heap.writeUtf16StringSlice(slice.address, 'x')],
				['writeUtf16StringSlice', () => heap.writeUtf16StringSlice(0, 'x', 1)],
				['Utf16StringSliceRef.read', () => slice.value],
				['readStruct', () => heap.readStruct(Point, point.address)],
				['writeStruct', () => heap.writeStruct(Point, point.address, { x: 5 })],
			]
			for (const [name, access] of accesses) {
				const error = caught(access, name)
				expect(error, name).to.be.instanceOf(RangeError)
				expect((error as HeapError).code, name).to.equal('ERR_HEAP_OUT_OF_RANGE')
				expect(error.message, name).to.match(/^[\w.]+: address \d+ is out of range: the heap's buffer was detached \(its memory grew\), and pollingMode 'never' does not fetch the new one; /)
			}
			const int32 = held.find((h) => h.element.name === 'Int32')!
			expect(() => heap.readInt32(int32.ref.address)).to.throw(
				RangeError,
				`readInt32: address ${int32.ref.address} is out of range: the heap's buffer was detached (its memory grew), and pollingMode 'never' does not fetch the new one; for a memory that grows, use 'whenEmpty' (the default)`,
			)
			// A bad address is still named as such.
			expect(() => heap.readInt32(-1)).to.throw(RangeError, 'readInt32: address -1 is not a non-negative integer')
			expect(snapshot(memory)).to.deep.equal(before)
			expect(heap.heap.byteLength).to.equal(0)
			expect(counter.calls).to.equal(1)
		})

		it('a heap that is not detached keeps the address error: a memory that did not grow, a buffer of 0 bytes', () => {
			const { heap } = countingHeap('never')
			expectAddressRangeError(() => heap.readInt32(pageSize), 'readInt32', pageSize, 4, pageSize)
			const empty = createWasmHeapManager(() => new ArrayBuffer(0), () => 8, () => {}, { pollingMode: 'never' })
			expectAddressRangeError(() => empty.readUint8(0), 'readUint8', 0, 1, 0)
			expect(() => empty.readNullTerminatedUtf8String(0)).to.throw(RangeError, 'readNullTerminatedUtf8String: address 0 is out of range: a 1-byte access must end within the heap of 0 bytes')
			expect(() => empty.writeUtf8StringSlice(0, 'x', 1)).to.throw(RangeError, 'writeUtf8StringSlice: address 0 is out of range: 1 element of 1 byte must end within the heap of 0 bytes')
		})

		it('after a shared growth, an address only in the grown part is out of range (never polled)', () => {
			const { heap, memory, counter } = countingHeap('never', true)
			memory.grow(1)
			expectAddressRangeError(() => heap.readUint8(pageSize), 'readUint8', pageSize, 1, pageSize)
			expect(heap.readUint8(pageSize - 1)).to.equal(0)
			expect(counter.calls).to.equal(1)
		})

		it('an allocation that grew the memory is seen: the built-in allocator over a bare memory, shared or not, and an allocator export that grows its memory', () => {
			for (const shared of [false, true]) {
				const memory = new WebAssembly.Memory({ initial: 1, maximum: 100, shared })
				const heap = createWasmHeapManager(memory, { pollingMode: 'never' })
				const held = heap.allocInt32Array([1, 2, 3])
				const big = heap.allocUint8Array(5 * pageSize) // the allocator grows the memory
				expect(memory.buffer.byteLength, `shared: ${shared}`).to.be.greaterThan(5 * pageSize)
				big.writeAt(big.elementCount - 1, 7)
				expect([big.readAt(big.elementCount - 1), held.readAt(2), heap.heap.byteLength], `shared: ${shared}`).to.deep.equal([7, 3, memory.buffer.byteLength])
				big.free()
				held.free()
			}
			// A module's malloc that grows its memory when it runs out (as dlmalloc and Rust's do).
			const memory = new WebAssembly.Memory({ initial: 1, maximum: 100 })
			let next = 64
			let calls = 0
			const heap = createWasmHeapManager(
				() => {
					calls++
					return memory.buffer
				},
				(size) => {
					const address = next
					next += Math.ceil(size / 16) * 16
					if (next > memory.buffer.byteLength) memory.grow(Math.ceil((next - memory.buffer.byteLength) / pageSize))
					return address
				},
				() => {},
				{ pollingMode: 'never' },
			)
			const held = heap.allocFloat64Array([0.5, 1.5])
			expect(calls).to.equal(1)
			const big = heap.allocFloat64Array(pageSize)
			big.writeAt(pageSize - 1, 2.5)
			expect([big.readAt(pageSize - 1), held.readAt(1), calls]).to.deep.equal([2.5, 1.5, 2])
		})

		it('with a static ArrayBuffer, every kind of access works', () => {
			const buffer = new ArrayBuffer(pageSize)
			let next = 16
			let calls = 0
			const heap = createWasmHeapManager(
				() => {
					calls++
					return buffer
				},
				(size) => {
					const address = next
					next += Math.ceil(size / 16) * 16
					return address
				},
				() => {},
				{ pollingMode: 'never' },
			)
			const held = holdRefs(heap, 302)
			expectHeldIntact(held, buffer, 'static buffer')
			const random = new SeededRandom(303)
			for (const { element, ref, arrayRef } of held) {
				const value = sampleValue(element, random)
				callMethod(heap, element.methods.writeAtomic, ref.address, value)
				expect(callMethod(heap, element.methods.read, ref.address)).to.equal(value)
				expect(referenceRead(new DataView(buffer), element, ref.address)).to.equal(value)
				const view = callMethod(heap, element.methods.view, arrayRef.address, arrayLength) as TypedArrayLike
				expect(view.buffer).to.equal(buffer)
				expect((callMethod(heap, element.methods.wrap, ref.address) as ValueRef).readAtomic()).to.equal(value)
			}
			expect(heap.heap).to.equal(buffer)
			expect(calls).to.equal(1)
		})
	})

	describe("pollingMode 'always'", () => {
		it('calls getLatestHeap once on every read, write, atomic, view and ref access', () => {
			const { heap, counter } = countingHeap('always')
			const held = holdRefs(heap, 400)
			for (const [name, access] of accessesOfEveryKind(heap, held)) {
				const before = counter.calls
				access()
				expect(counter.calls - before, name).to.equal(1)
			}
			const before = counter.calls
			void heap.heap
			expect(counter.calls - before, 'heap getter').to.equal(1)
		})

		it('allocation polls too', () => {
			const { heap, counter } = countingHeap('always')
			for (const element of elements) {
				const before = counter.calls
				callMethod(heap, element.methods.alloc)
				expect(counter.calls - before, element.methods.alloc).to.be.at.least(1)
			}
		})

		it('reads, writes, atomics, views and refs follow a getLatestHeap that swaps between two ArrayBuffers', () => {
			const first = new ArrayBuffer(pageSize)
			const second = new ArrayBuffer(pageSize)
			let current = first
			const heap = createWasmHeapManager(() => current, () => 0, () => {}, { pollingMode: 'always' })
			const random = new SeededRandom(401)
			const address = 512
			for (const element of elements) {
				const { valueInFirst, valueInSecond, ref, arrayRef } = inBothBuffers(heap, element, address, random, first, second)

				for (const [buffer, expected] of [[first, valueInFirst], [second, valueInSecond], [first, valueInFirst]] as const) {
					current = buffer
					const context = `${element.name} on the ${buffer === first ? 'first' : 'second'} buffer`
					expect(callMethod(heap, element.methods.read, address), context).to.equal(expected)
					expect(callMethod(heap, element.methods.readAtomic, address), context).to.equal(expected)
					expect(ref.value, context).to.equal(expected)
					expect(ref.readAtomic(), context).to.equal(expected)
					expect(arrayRef.readAt(0), context).to.equal(expected)
					const view = callMethod(heap, element.methods.view, address, 1) as TypedArrayLike
					expect(view.buffer, context).to.equal(buffer)
					expect(view[0], context).to.equal(asViewElement(element, expected))
					expect(heap.heap, context).to.equal(buffer)
				}

				// Writes land in the current buffer only.
				const written = sampleValue(element, random)
				current = second
				callMethod(heap, element.methods.write, address + 64, written)
				ref.value = written
				expect(referenceRead(new DataView(second), element, address + 64)).to.equal(written)
				expect(referenceRead(new DataView(second), element, address)).to.equal(written)
				expect(referenceRead(new DataView(first), element, address)).to.equal(valueInFirst)
				expect(new Uint8Array(first, address + 64, 8).every((byte) => byte === 0)).to.equal(true)
				new Uint8Array(second, address + 64, 8).fill(0)
			}
		})
	})

	describe("pollingMode 'whenEmpty'", () => {
		// The hot paths read the manager's own copies of its views (`fastInt32Array`, `fastDataView`, ...):
		// a replaced buffer that is not detached keeps its old views working, so every copy must follow it.
		it('after a poll adopts another, larger buffer, every fast path reads and writes it, not the old one still alive', () => {
			const first = new ArrayBuffer(pageSize)
			const second = new ArrayBuffer(2 * pageSize)
			let current = first
			const heap = createWasmHeapManager(() => current, () => 0, () => {})
			const random = new SeededRandom(402)
			// A region of 128 bytes per type: the value (and the array's first element) at its start, writes at +64.
			const held = elements.map((element, index) => {
				const address = 1024 + index * 128
				const { valueInFirst, valueInSecond, ref, arrayRef } = inBothBuffers(heap, element, address, random, first, second)
				// Used on the first buffer, so that the refs' fast paths have run there.
				expect(callMethod(heap, element.methods.read, address), element.name).to.equal(valueInFirst)
				expect(ref.value, element.name).to.equal(valueInFirst)
				expect(arrayRef.readAt(0), element.name).to.equal(valueInFirst)
				return { element, address, valueInFirst, valueInSecond, ref, arrayRef }
			})
			current = second
			// Past the first buffer's end: the manager polls and takes the second.
			expect(heap.readUint8(pageSize + 8)).to.equal(0)
			for (const { element, address, valueInFirst, valueInSecond, ref, arrayRef } of held) {
				const context = `${element.name} after the poll`
				expect(callMethod(heap, element.methods.read, address), context).to.equal(valueInSecond)
				expect(ref.value, context).to.equal(valueInSecond)
				expect(arrayRef.readAt(0), context).to.equal(valueInSecond)
				const written = sampleValue(element, random)
				callMethod(heap, element.methods.write, address + 64, written)
				expect(referenceRead(new DataView(second), element, address + 64), context).to.equal(written)
				ref.value = written
				expect(referenceRead(new DataView(second), element, address), context).to.equal(written)
				arrayRef.writeAt(1, written)
				expect(referenceRead(new DataView(second), element, address + element.byteSize), context).to.equal(written)
				expect(referenceRead(new DataView(first), element, address), `${context}: the old buffer keeps its value`).to.equal(valueInFirst)
				expect(new Uint8Array(first, address + 64, 64).every((byte) => byte === 0), `${context}: nothing written to the old buffer`).to.equal(true)
			}
		})

		it('does not call getLatestHeap on in-range accesses to a live heap', () => {
			const { heap, counter } = countingHeap('whenEmpty')
			const held = holdRefs(heap, 500)
			const afterSetup = counter.calls
			const random = new SeededRandom(501)
			// Random memory may hold uint64 values above 2^53 - 1, which readPointer53 rejects.
			const readable = elements.filter((element) => element.kind !== 'pointer53')
			for (let i = 0; i < 1000; i++) {
				const element = random.pick(readable)
				const address = random.int(0, (pageSize - 8) / 8) * 8
				callMethod(heap, element.methods.read, address)
			}
			expect(counter.calls - afterSetup, '1,000 reads').to.equal(0)
			for (const [name, access] of accessesOfEveryKind(heap, held)) {
				access()
				expect(counter.calls - afterSetup, name).to.equal(0)
			}
		})

		it('calls getLatestHeap exactly once more before throwing an out-of-range error', () => {
			const { heap, counter } = countingHeap('whenEmpty')
			for (const element of elements) {
				const { methods, byteSize } = element
				const outOfRange: Array<readonly [string, () => unknown]> = [
					[methods.read, () => callMethod(heap, methods.read, pageSize)],
					[methods.write, () => callMethod(heap, methods.write, pageSize - byteSize + 1, sampleValue(element, new SeededRandom(1)))],
					[methods.readAtomic, () => callMethod(heap, methods.readAtomic, pageSize)],
					[methods.view, () => callMethod(heap, methods.view, pageSize - byteSize, 2)],
					[methods.wrap, () => callMethod(heap, methods.wrap, pageSize)],
				]
				for (const [name, access] of outOfRange) {
					const before = counter.calls
					expect(access, name).to.throw(RangeError, /out of range/)
					expect(counter.calls - before, name).to.equal(1)
				}
			}
		})

		it('after a non-shared growth, the first access polls once and later in-range accesses do not', () => {
			const { heap, memory, counter } = countingHeap('whenEmpty')
			heap.writeFloat64(pageSize - 8, 6.5)
			memory.grow(1)
			const before = counter.calls
			expect(heap.readFloat64(pageSize - 8)).to.equal(6.5)
			expect(counter.calls - before).to.equal(1)
			for (let i = 0; i < 1000; i++) heap.readInt32((i * 8) % (2 * pageSize - 8))
			expect(counter.calls - before).to.equal(1)
		})
	})

	describe('bad addresses, in every polling mode', () => {
		const wideIntegers = [
			{ read: 'readBigUint128LE', write: 'writeBigUint128LE', byteSize: 16, value: 1n },
			{ read: 'readBigUint256LE', write: 'writeBigUint256LE', byteSize: 32, value: 1n },
		] as const

		for (const pollingMode of modes) {
			it(`'${pollingMode}': -1, 1.5, NaN, Infinity, heapSize, 2 ** 53 and a last byte past the end throw RangeError naming method, address, size and heap size`, () => {
				const { heap, memory } = createTestHeap({ pages: 1, pollingMode })
				const heapSize = memory.buffer.byteLength
				const random = new SeededRandom(600)
				const before = snapshot(memory)
				let checked = 0
				for (const element of elements) {
					const { methods, byteSize } = element
					const value = sampleValue(element, random)
					const addresses = [...badAddresses(heapSize)]
					if (byteSize > 1) addresses.push(heapSize - byteSize + 1)
					for (const address of addresses) {
						const partial = address === heapSize - byteSize + 1 && byteSize > 1
						expectAddressRangeError(() => callMethod(heap, methods.read, address), errorName(element, 'read'), address, byteSize, heapSize)
						expectAddressRangeError(() => callMethod(heap, methods.write, address, value), errorName(element, 'write'), address, byteSize, heapSize)
						if (!partial) {
							// A partial address is also misaligned; atomics and views may report either.
							expectAddressRangeError(() => callMethod(heap, methods.readAtomic, address), errorName(element, 'readAtomic'), address, byteSize, heapSize)
							expectAddressRangeError(() => callMethod(heap, methods.writeAtomic, address, value), errorName(element, 'writeAtomic'), address, byteSize, heapSize)
							expectAddressRangeError(() => callMethod(heap, methods.view, address, 1), errorName(element, 'view'), address, byteSize, heapSize)
							expectAddressRangeError(() => callMethod(heap, methods.wrap, address), methods.wrap, address, byteSize, heapSize)
							expectAddressRangeError(() => callMethod(heap, methods.wrapArray, address, 1), methods.wrapArray, address, byteSize, heapSize)
						}
						checked++
					}
				}
				for (const wide of wideIntegers) {
					for (const address of [...badAddresses(heapSize), heapSize - wide.byteSize + 1]) {
						expectAddressRangeError(() => callMethod(heap, wide.read, address), wide.read, address, wide.byteSize, heapSize)
						expectAddressRangeError(() => callMethod(heap, wide.write, address, wide.value), wide.write, address, wide.byteSize, heapSize)
						checked++
					}
				}
				expect(checked).to.be.greaterThan(100)
				expect(Buffer.compare(snapshot(memory), before), 'nothing was written').to.equal(0)
			})

			const notNumberCases = [
				['reads, writes, views and wraps', ['read', 'write', 'view', 'wrap']],
				['atomics', ['readAtomic', 'writeAtomic']],
			] as const
			for (const [label, kinds] of notNumberCases) {
				it(`'${pollingMode}': ${label}: a string, bigint or undefined address throws TypeError naming the method and the value`, () => {
					const { heap, memory } = createTestHeap({ pages: 1, pollingMode })
					const random = new SeededRandom(601)
					const before = snapshot(memory)
					const notNumbers: ReadonlyArray<readonly [unknown, string]> = [['16', '16'], [16n, '16n'], [undefined, 'undefined']]
					const failures: string[] = []
					let checked = 0
					for (const element of elements) {
						const value = sampleValue(element, random)
						for (const [address, shown] of notNumbers) {
							for (const kind of kinds) {
								const method = element.methods[kind]
								const args = kind === 'write' || kind === 'writeAtomic' ? [address, value] : kind === 'view' ? [address, 1] : [address]
								const error = caught(() => callMethod(heap, method, ...args), `${method}(${shown})`)
								checked++
								const ok = error instanceof TypeError && error.message.includes(`${errorName(element, kind)}:`) && error.message.includes(shown) && /number/.test(error.message)
								if (!ok) failures.push(`${method}(${shown}) threw ${error.name}: ${error.message}`)
							}
						}
					}
					expect(checked).to.equal(elements.length * notNumbers.length * kinds.length)
					expect(failures, `${failures.length} wrong errors, e.g.\n${failures.slice(0, 3).join('\n')}`).to.deep.equal([])
					expect(Buffer.compare(snapshot(memory), before), 'nothing was written').to.equal(0)
				})
			}
		}
	})
})
