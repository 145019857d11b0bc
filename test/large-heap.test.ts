/**
 * Heaps larger than 4 GiB: a 5 GiB ArrayBuffer with a bump allocator starting above
 * 2^32. On Node 20 a typed array is capped at 2^32 elements, so the manager's cached
 * whole-heap views are clipped and every access above 4 GiB takes its cold path;
 * each access here is checked against an independent `DataView` at the same address.
 */
import { expect } from 'chai'
import type { NormalizedElement } from '../codegen/normalize.js'
import { createWasmHeapManager, type WasmHeapManager } from '../src/index.js'
import { errorName, asViewElement, callMethod, viewableElements as elements, expectAddressRangeError, referenceRead, referenceWrite, sampleValue, viewContents, zeroOf } from './support/dynamic.js'
import type { ArrayRef, TypedArrayLike, Value, ValueRef } from './support/dynamic.js'
import { SeededRandom } from './support/heaps.js'
import { runtimeName } from './support/runtime.js'

const GiB = 2 ** 30
const heapSize = 5 * GiB
const fourGiB = 2 ** 32
/** Where the bump allocator starts: above 2^32. */
const allocationBase = fourGiB + 4096

describe('heaps larger than 4 GiB (5 GiB ArrayBuffer)', function () {
	this.timeout(120_000)

	let buffer: ArrayBuffer | undefined
	let heap: WasmHeapManager | undefined
	/** The bump allocator's next address; tests may move it to probe the heap's end. */
	let nextAddress = allocationBase
	const freedAddresses: number[] = []

	function current(): { heap: WasmHeapManager; buffer: ArrayBuffer; dataView: DataView } {
		if (heap === undefined || buffer === undefined) throw new Error('test setup: the 5 GiB heap is not allocated')
		return { heap, buffer, dataView: new DataView(buffer) }
	}

	before(function () {
		try {
			buffer = new ArrayBuffer(heapSize)
		} catch (error) {
			console.log(`      [large-heap] SKIPPED: ${runtimeName()} refused new ArrayBuffer(${heapSize}) (5 GiB): ${String(error)}`)
			this.skip()
		}

		let wholeHeapUint8 = 'a Uint8Array over the whole buffer works'
		try {
			new Uint8Array(buffer)
		} catch (error) {
			wholeHeapUint8 = `a Uint8Array over the whole buffer throws (${String(error)}): the manager's cached views are clipped`
		}
		console.log(`      [large-heap] ${runtimeName()}: 5 GiB ArrayBuffer allocated; ${wholeHeapUint8}`)

		heap = createWasmHeapManager(
			() => buffer!,
			// A bump allocator that trusts its caller: it may hand out a region past the
			// heap's end, which the manager must then refuse.
			(size) => {
				const address = nextAddress
				nextAddress += Math.max(16, Math.ceil(size / 16) * 16)
				return address
			},
			(address: number) => {
				freedAddresses.push(address)
			},
		)
	})

	after(() => {
		// Drop every reference to the 5 GiB buffer so it can be collected.
		heap = undefined
		buffer = undefined
	})

	it('the manager reports the whole 5 GiB buffer as its heap', () => {
		const { heap, buffer } = current()
		expect(heap.heap).to.equal(buffer)
		expect(heap.heap.byteLength).to.equal(heapSize)
	})

	it('every type reads and writes correctly above 2^32, across the 4 GiB line and at the very end', () => {
		const { heap, dataView } = current()
		const random = new SeededRandom(1)
		for (const element of elements) {
			const size = element.byteSize
			const addresses = [
				fourGiB,
				fourGiB + 1,
				fourGiB - size + 1,
				2 ** 31 + 7,
				3 * GiB + 5,
				allocationBase + 1_000_003,
				4.5 * GiB + 13,
				heapSize - size,
				heapSize - size - 3,
			]
			for (const address of addresses) {
				const context = `${element.name} at ${address}`
				// A sentinel 4 GiB lower: an address truncated to 32 bits would hit it.
				const aliased = address - fourGiB
				const sentinel = aliased >= 0 ? new Uint8Array(random.bytes(size)) : undefined
				if (sentinel !== undefined) new Uint8Array(current().buffer, aliased, size).set(sentinel)

				const written = sampleValue(element, random)
				callMethod(heap, element.methods.write, address, written)
				expect(referenceRead(dataView, element, address), context).to.equal(written)
				expect(callMethod(heap, element.methods.read, address), context).to.equal(written)

				const fromDataView = sampleValue(element, random)
				referenceWrite(dataView, element, address, fromDataView)
				expect(callMethod(heap, element.methods.read, address), context).to.equal(fromDataView)

				if (sentinel !== undefined && aliased + size <= address) {
					expect(Array.from(new Uint8Array(current().buffer, aliased, size)), `${context}: no aliasing 4 GiB lower`).to.deep.equal(Array.from(sentinel))
				}
			}
		}
	})

	it('every type reads and writes atomically above 2^32 and at the very end', () => {
		const { heap, dataView } = current()
		const random = new SeededRandom(2)
		for (const element of elements) {
			const size = element.byteSize
			const addresses = [fourGiB, fourGiB - size, allocationBase + 2_000_000, 4.75 * GiB, heapSize - 8, heapSize - size]
			for (const address of addresses) {
				const context = `${element.name} atomic at ${address}`
				const written = sampleValue(element, random)
				callMethod(heap, element.methods.writeAtomic, address, written)
				expect(referenceRead(dataView, element, address), context).to.equal(written)
				const fromDataView = sampleValue(element, random)
				referenceWrite(dataView, element, address, fromDataView)
				expect(callMethod(heap, element.methods.readAtomic, address), context).to.equal(fromDataView)
			}
			expectAddressRangeError(() => callMethod(heap, element.methods.readAtomic, heapSize), errorName(element, 'readAtomic'), heapSize, size, heapSize)
			if (size > 1) {
				expect(() => callMethod(heap, element.methods.readAtomic, allocationBase + 1), `${element.name}: misaligned atomic`).to.throw(RangeError, /align/)
			}
		}
	})

	it('readBigUint128LE / writeBigUint256LE above 2^32, across the 4 GiB line and at the very end', () => {
		const { heap, dataView } = current()
		const random = new SeededRandom(3)
		const wide = (words: number) => {
			let value = 0n
			for (let i = 0; i < words; i++) value |= random.bits64() << BigInt(64 * i)
			return value
		}
		const readWords = (address: number, words: number) => {
			let value = 0n
			for (let i = 0; i < words; i++) value |= dataView.getBigUint64(address + 8 * i, true) << BigInt(64 * i)
			return value
		}

		for (const address of [fourGiB - 8, fourGiB, allocationBase + 3, 4.5 * GiB + 1, heapSize - 16]) {
			const value = wide(2)
			heap.writeBigUint128LE(address, value)
			expect(readWords(address, 2), `128 at ${address}`).to.equal(value)
			expect(heap.readBigUint128LE(address), `128 at ${address}`).to.equal(value)
		}
		for (const address of [fourGiB - 16, fourGiB + 8, allocationBase + 5, heapSize - 32]) {
			const value = wide(4)
			heap.writeBigUint256LE(address, value)
			expect(readWords(address, 4), `256 at ${address}`).to.equal(value)
			expect(heap.readBigUint256LE(address), `256 at ${address}`).to.equal(value)
		}
		expectAddressRangeError(() => heap.readBigUint128LE(heapSize - 15), 'readBigUint128LE', heapSize - 15, 16, heapSize)
		expectAddressRangeError(() => heap.writeBigUint256LE(heapSize - 31, 1n), 'writeBigUint256LE', heapSize - 31, 32, heapSize)
	})

	it('view*Array of every type above 2^32 and at the very end matches a DataView, both ways', () => {
		const { heap, buffer, dataView } = current()
		const random = new SeededRandom(4)
		const count = 8
		for (const element of elements) {
			const size = element.byteSize
			for (const address of [allocationBase + 64, fourGiB - 2 * size, 4.25 * GiB, heapSize - count * size]) {
				const context = `${element.methods.view}(${address}, ${count})`
				const values = Array.from({ length: count }, () => sampleValue(element, random))
				values.forEach((value, index) => referenceWrite(dataView, element, address + index * size, value))
				const view = callMethod(heap, element.methods.view, address, count) as TypedArrayLike
				expect(view.buffer, context).to.equal(buffer)
				expect(view.byteOffset, context).to.equal(address)
				expect(view.length, context).to.equal(count)
				expect(viewContents(view), context).to.deep.equal(values.map((value) => asViewElement(element, value)))

				const replacement = sampleValue(element, random)
				view[count - 1] = asViewElement(element, replacement)
				expect(referenceRead(dataView, element, address + (count - 1) * size), context).to.equal(replacement)
			}
			expectAddressRangeError(() => callMethod(heap, element.methods.view, heapSize - (count - 1) * size, count), errorName(element, 'view'), heapSize - (count - 1) * size, count * size, heapSize)
		}
	})

	it('alloc refs (value and array) above 2^32: value, atomics, view, allocatedBytesView, clear, tracking and free', () => {
		const { heap, buffer, dataView } = current()
		const random = new SeededRandom(5)
		for (const element of elements) {
			const size = element.byteSize
			const ref = callMethod(heap, element.methods.alloc) as ValueRef
			expect(ref.address, element.name).to.be.greaterThan(fourGiB)
			expect(ref.address % size).to.equal(0)
			expect(ref.value, `${element.name}: a new region is cleared`).to.equal(zeroOf(element))

			const value = sampleValue(element, random)
			ref.value = value
			expect(referenceRead(dataView, element, ref.address), element.name).to.equal(value)
			const atomicValue = sampleValue(element, random)
			ref.writeAtomic(atomicValue)
			expect(referenceRead(dataView, element, ref.address), element.name).to.equal(atomicValue)
			const fromDataView = sampleValue(element, random)
			referenceWrite(dataView, element, ref.address, fromDataView)
			expect(ref.read(), element.name).to.equal(fromDataView)
			expect(ref.readAtomic(), element.name).to.equal(fromDataView)

			const bytes = ref.allocatedBytesView
			expect(bytes.buffer).to.equal(buffer)
			expect(bytes.byteOffset).to.equal(ref.address)
			expect(Array.from(bytes)).to.deep.equal(Array.from(new Uint8Array(buffer, ref.address, size)))
			ref.clear()
			expect(Array.from(new Uint8Array(buffer, ref.address, size)).every((byte) => byte === 0), `${element.name}.clear()`).to.equal(true)

			const values = Array.from({ length: 5 }, () => sampleValue(element, random))
			const arrayRef = callMethod(heap, element.methods.allocArray, values) as ArrayRef
			expect(arrayRef.address).to.be.greaterThan(fourGiB)
			values.forEach((v, index) => expect(referenceRead(dataView, element, arrayRef.address + index * size), `${element.name}[${index}]`).to.equal(v))
			const view = arrayRef.view
			expect(view.byteOffset).to.equal(arrayRef.address)
			expect(viewContents(view)).to.deep.equal(values.map((v) => asViewElement(element, v)))
			const newValue = sampleValue(element, random)
			arrayRef.writeAt(4, newValue)
			arrayRef.writeAtomicAt(0, newValue)
			expect(referenceRead(dataView, element, arrayRef.address + 4 * size)).to.equal(newValue)
			expect(arrayRef.readAtomicAt(0)).to.equal(newValue)
			expect(arrayRef.readAt(2)).to.equal(values[2])
			expect(arrayRef.allocatedBytesView.byteOffset).to.equal(arrayRef.address)
			expect(arrayRef.allocatedBytesView.length).to.equal(5 * size)
			arrayRef.clear()
			expect(new Uint8Array(buffer, arrayRef.address, 5 * size).every((byte) => byte === 0), `${element.name}Array.clear()`).to.equal(true)

			expect(heap.allocatedRefs).to.include(ref)
			expect(heap.allocatedRefs).to.include(arrayRef)
			heap.free(ref.address)
			expect(ref.isFreed).to.equal(true)
			expect(freedAddresses.at(-1)).to.equal(ref.address)
			arrayRef.free()
			expect(freedAddresses.at(-1)).to.equal(arrayRef.address)
		}
		expect(heap.allocatedRefs).to.deep.equal([])
		expect(heap.totalAllocatedByteSize).to.equal(0)
	})

	it('wrap refs (value and array) above 2^32 and at the very end', () => {
		const { heap, buffer, dataView } = current()
		const random = new SeededRandom(6)
		for (const element of elements) {
			const size = element.byteSize
			for (const address of [allocationBase + 8 * 1024, heapSize - size]) {
				const value = sampleValue(element, random)
				referenceWrite(dataView, element, address, value)
				const ref = callMethod(heap, element.methods.wrap, address) as ValueRef
				expect(ref.address).to.equal(address)
				expect(ref.value, `${element.methods.wrap}(${address})`).to.equal(value)
				expect(ref.readAtomic()).to.equal(value)
				const next = sampleValue(element, random)
				ref.value = next
				expect(referenceRead(dataView, element, address)).to.equal(next)
				expect(ref.allocatedBytesView.byteOffset).to.equal(address)
			}

			const count = 6
			const address = heapSize - count * size
			const values = Array.from({ length: count }, () => sampleValue(element, random))
			values.forEach((v, index) => referenceWrite(dataView, element, address + index * size, v))
			const arrayRef = callMethod(heap, element.methods.wrapArray, address, count) as ArrayRef
			expect(viewContents(arrayRef.view), element.methods.wrapArray).to.deep.equal(values.map((v) => asViewElement(element, v)))
			expect(arrayRef.readAt(count - 1)).to.equal(values[count - 1])
			expect(arrayRef.readAtomicAt(count - 1)).to.equal(values[count - 1])
			const bytes = arrayRef.allocatedBytesView
			expect(bytes.byteOffset + bytes.length).to.equal(heapSize)
			arrayRef.clear()
			expect(new Uint8Array(buffer, address, count * size).every((byte) => byte === 0)).to.equal(true)

			expectAddressRangeError(() => callMethod(heap, element.methods.wrap, heapSize - size + 1), element.methods.wrap, heapSize - size + 1, size, heapSize)
			expectAddressRangeError(() => callMethod(heap, element.methods.wrapArray, address + size, count), element.methods.wrapArray, address + size, count * size, heapSize)
		}
	})

	it('bounds errors at exactly the heap end, for every type', () => {
		const { heap } = current()
		const random = new SeededRandom(7)
		for (const element of elements) {
			const { methods, byteSize: size } = element
			const value = sampleValue(element, random)
			expect(() => callMethod(heap, methods.write, heapSize - size, value)).to.not.throw()
			expect(callMethod(heap, methods.read, heapSize - size)).to.equal(value)
			const outside = size > 1 ? [heapSize - size + 1, heapSize - 1, heapSize] : [heapSize]
			for (const address of [...outside, heapSize + 8, 2 ** 53 - 8]) {
				expectAddressRangeError(() => callMethod(heap, methods.read, address), errorName(element, 'read'), address, size, heapSize)
				expectAddressRangeError(() => callMethod(heap, methods.write, address, value), errorName(element, 'write'), address, size, heapSize)
			}
			// Nothing was written by the failed writes: the last value is still there.
			expect(callMethod(heap, methods.read, heapSize - size)).to.equal(value)
			expectAddressRangeError(() => callMethod(heap, methods.writeAtomic, heapSize, value), errorName(element, 'writeAtomic'), heapSize, size, heapSize)
			expectAddressRangeError(() => callMethod(heap, methods.view, heapSize, 1), errorName(element, 'view'), heapSize, size, heapSize)
			expect((callMethod(heap, methods.view, heapSize, 0) as TypedArrayLike).length, `${methods.view}(heapSize, 0)`).to.equal(0)
		}
	})

	it('negative addresses whose 32-bit wrap lies inside the heap are refused, for every type, and write nothing', () => {
		// ToUint32(-8) is 2^32 - 8, an aligned address inside this heap: a fast path that
		// shifts the address and compares in 32 bits (`index << 2 === address`) would take
		// -8 for 2^32 - 8. The same for -2^30 - 8 (3 GiB - 8) and -2^31 (2 GiB).
		const { heap, dataView } = current()
		const random = new SeededRandom(11)
		for (const element of elements) {
			const { methods, byteSize: size } = element
			const value = sampleValue(element, random)
			for (const address of [-size, -8, -GiB - 8, -(2 ** 31), -(2 ** 32) + 8]) {
				const aliased = (address >>> 0) - ((address >>> 0) % size)
				const before = dataView.getBigUint64(aliased - (aliased % 8), true)
				expectAddressRangeError(() => callMethod(heap, methods.read, address), errorName(element, 'read'), address, size, heapSize)
				expectAddressRangeError(() => callMethod(heap, methods.write, address, value), errorName(element, 'write'), address, size, heapSize)
				expect(dataView.getBigUint64(aliased - (aliased % 8), true), `${methods.write}(${address}) wrote at ${aliased}`).to.equal(before)
			}
		}
	})

	it('array refs of more than 2^31 elements write and read indexes of 2^31 and more (writeAt\'s fast path takes only [0, 2^31))', () => {
		// writeAt's fast path tests `index === (index | 0)`, false from 2^31 on: those indexes
		// take the cold path, whose full check must let them through to the element they name.
		const { heap, dataView } = current()
		const random = new SeededRandom(12)
		const count = 2 ** 31 + 3
		const address = 4096
		for (const element of elements.filter((row) => address + count * row.byteSize <= heapSize)) {
			const size = element.byteSize
			const arrayRef = callMethod(heap, element.methods.wrapArray, address, count, { deallocator: null }) as ArrayRef
			for (const index of [2 ** 31 - 1, 2 ** 31, 2 ** 31 + 1, 0, count - 1, 2 ** 31]) {
				const value = sampleValue(element, random)
				arrayRef.writeAt(index, value)
				expect(referenceRead(dataView, element, address + index * size), `${element.methods.wrapArray}(...).writeAt(${index})`).to.equal(value)
				expect(arrayRef.readAt(index), `readAt(${index})`).to.equal(value)
			}
			expect(() => arrayRef.writeAt(count, sampleValue(element, random))).to.throw(RangeError, new RegExp(`writeAt: index ${count} is out of range`))
			arrayRef.free()
		}
	})

	it('pointer53 values above 2^32 round-trip through writes, atomics and refs', () => {
		const { heap, dataView } = current()
		const values = [fourGiB, fourGiB + 1, allocationBase, heapSize - 8, heapSize, 2 ** 40 + 3, 2 ** 52 + 1, 2 ** 53 - 1]
		let address = allocationBase + 1_048_576
		for (const value of values) {
			heap.writePointer53(address, value)
			expect(dataView.getBigUint64(address, true), `writePointer53(${value})`).to.equal(BigInt(value))
			expect(heap.readPointer53(address)).to.equal(value)
			heap.writePointer53Atomic(address + 8, value)
			expect(dataView.getBigUint64(address + 8, true)).to.equal(BigInt(value))
			expect(heap.readPointer53Atomic(address + 8)).to.equal(value)
			address += 16
		}
		heap.writePointer53(heapSize - 8, 2 ** 53 - 1)
		expect(heap.readPointer53(heapSize - 8)).to.equal(2 ** 53 - 1)

		const ref = heap.allocPointer53()
		for (const value of values) {
			ref.value = value
			expect(ref.value).to.equal(value)
			expect(dataView.getBigUint64(ref.address, true)).to.equal(BigInt(value))
		}
		const arrayRef = heap.allocPointer53Array(values)
		expect(arrayRef.address).to.be.greaterThan(fourGiB)
		values.forEach((value, index) => {
			expect(arrayRef.readAt(index)).to.equal(value)
			expect(dataView.getBigUint64(arrayRef.address + 8 * index, true)).to.equal(BigInt(value))
		})
		expect(Array.from(arrayRef.view)).to.deep.equal(values.map(BigInt))

		// A stored value above 2^53 - 1 is refused, naming the (high) address.
		dataView.setBigUint64(heapSize - 8, 2n ** 53n, true)
		expect(() => heap.readPointer53(heapSize - 8)).to.throw(RangeError, new RegExp(`address ${heapSize - 8}`))
		expect(() => heap.writePointer53(allocationBase, 2 ** 53)).to.throw(RangeError, /pointer53/)
		ref.free()
		arrayRef.free()
	})

	it('an array of values whose region crosses the 4 GiB line is copied whole (the clipped whole-heap view does not reach its end)', () => {
		const { heap, dataView } = current()
		const saved = nextAddress
		try {
			// a 1-byte row's clipped view ends at 2^32: the region starts below it and ends above
			nextAddress = fourGiB - 3
			const values = [1, -2, 3, -4, 5, -6]
			const ref = heap.allocInt8Array(values)
			expect(ref.address).to.equal(fourGiB - 3)
			expect(values.map((_, k) => dataView.getInt8(fourGiB - 3 + k))).to.deep.equal(values)
			ref.free()
			nextAddress = fourGiB - 2
			const clamped = heap.allocClampedUint8Array([300, -5, 7, 8])
			expect([0, 1, 2, 3].map((k) => dataView.getUint8(fourGiB - 2 + k))).to.deep.equal([255, 0, 7, 8])
			clamped.free()
		} finally {
			nextAddress = saved
		}
	})

	it('an allocation the allocator places past the heap end fails with Error naming the size, and is freed', () => {
		const { heap } = current()
		const saved = nextAddress
		try {
			nextAddress = heapSize - 16
			const last = heap.allocFloat64Array(2)
			expect(last.address).to.equal(heapSize - 16)
			last.writeAt(1, 2.5)
			expect(heap.readFloat64(heapSize - 8)).to.equal(2.5)

			const freedBefore = freedAddresses.length
			expect(() => heap.allocInt32Array(8)).to.throw(Error, /allocating 32 bytes failed.*does not fit in the heap of 5368709120 bytes/)
			expect(freedAddresses.length).to.equal(freedBefore + 1)
			expect(freedAddresses.at(-1)).to.equal(heapSize)
			last.free()
		} finally {
			nextAddress = saved
		}
	})
})
