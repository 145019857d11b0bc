/**
 * Refs: `alloc<T>()`, `alloc<T>Array()`, `wrap<T>()`, `wrap<T>Array()` and the ref
 * objects they return, for every element type of the descriptor table.
 */
import { expect } from 'chai'
import * as util from 'node:util'
import { normalizeEncodings, type NormalizedElement } from '../codegen/normalize.js'
import { stringEncodingRows } from '../descriptors/encodings.js'
import * as api from '../src/index.js'
import {
	asViewElement,
	callMethod,
	conversionInputs,
	convertAsStored,
	elements as allElements,
	caught,
	exactSamples,
	expectSameBytes,
	expectThrow,
	referenceWrite,
	typedArrayConstructor,
	viewableElements as elements,
	wrongTypeValueOf,
	zeroOf,
} from './support/dynamic.js'
import type { ArrayRef, TypedArrayLike, Value, ValueRef } from './support/dynamic.js'
import { badAddresses, createTestHeap, snapshot, TestAllocator, type TestHeap } from './support/heaps.js'

function exportedClass(name: string): abstract new (...args: never[]) => unknown {
	const cls = (api as unknown as Record<string, unknown>)[name]
	if (typeof cls !== 'function') throw new Error(`test setup: ${name} is not exported`)
	return cls as abstract new (...args: never[]) => unknown
}

/** The little-endian bytes the heap must hold for `value`. */
function littleEndianBytes(element: NormalizedElement, value: Value): number[] {
	const dataView = new DataView(new ArrayBuffer(element.byteSize))
	referenceWrite(dataView, element, 0, value)
	return Array.from(new Uint8Array(dataView.buffer))
}

/** Asserts that `fn` throws as `expectThrow` says and leaves every byte of the memory unchanged. */
function expectFailureWithoutChange(
	memory: WebAssembly.Memory,
	fn: () => unknown,
	errorClass: new (...args: never[]) => Error,
	pattern: RegExp,
): void {
	const before = snapshot(memory)
	expectThrow(fn, errorClass, pattern)
	expectSameBytes(snapshot(memory), before)
}

/** Fills a region with a non-zero pattern, so that zeroing and copying are observable. */
function fillPattern(memory: WebAssembly.Memory, address: number, byteSize: number): void {
	const bytes = new Uint8Array(memory.buffer, address, byteSize)
	for (let offset = 0; offset < byteSize; offset++) bytes[offset] = 0xa0 + (offset % 16)
}

/** A manager over a TestAllocator whose deallocator also records every address it receives. */
function createSpyHeap(): TestHeap & { readonly freedAddresses: unknown[] } {
	const memory = new WebAssembly.Memory({ initial: 1, maximum: 2048 })
	const allocator = new TestAllocator(memory)
	const freedAddresses: unknown[] = []
	const heap = api.createWasmHeapManager(
		() => memory.buffer,
		allocator.alloc,
		(address: number) => {
			freedAddresses.push(address)
			allocator.free(address)
		},
	)
	return { heap, memory, allocator, freedAddresses }
}

const badIndicesOf = (count: number): number[] => [-1, count, 1.5, Number.NaN, Infinity]

describe('refs', () => {
	it('the descriptor table yields the 14 element types the seed lists, and Float16', () => {
		expect(allElements.map((element) => element.name)).to.deep.equal([
			'Int8', 'Uint8', 'ClampedUint8', 'Int16', 'Uint16', 'Int32', 'Uint32',
			'BigInt64', 'BigUint64', 'Float16', 'Float32', 'Float64', 'Pointer32', 'Pointer53', 'Pointer64',
		])
	})

	it('spot checks of conversion in alloc<T>Array(values) and writeAt (ClampedUint8 300 → 255, Int8 200 → -56, ...)', () => {
		const t = createTestHeap()
		const table: Array<[string, Value[], Value[]]> = [
			['ClampedUint8', [300, -5, 1.5, 2.5, 254.5], [255, 0, 2, 2, 254]],
			['Int8', [200, -129, 127.9], [-56, 127, 127]],
			['Uint16', [-1, 65537], [65535, 1]],
			['Int32', [2 ** 31, -(2 ** 31) - 1], [-(2 ** 31), 2 ** 31 - 1]],
			['Float32', [1.1, 1e39], [Math.fround(1.1), Infinity]],
			['BigInt64', [2n ** 63n, -1n], [-(2n ** 63n), -1n]],
			['BigUint64', [-1n, 2n ** 64n + 3n], [2n ** 64n - 1n, 3n]],
		]
		for (const [name, inputs, expected] of table) {
			const element = elements.find((each) => each.name === name)!
			const ref = callMethod<ArrayRef>(t.heap, element.methods.allocArray, inputs)
			expect(Array.from(ref.view as ArrayLike<Value>), name).to.deep.equal(expected)
			inputs.forEach((input, index) => {
				ref.writeAt(index, zeroOf(element))
				ref.writeAt(index, input)
				expect(ref.readAt(index), `${name} writeAt(${String(input)})`).to.equal(expected[index])
			})
		}
	})

	it('array refs of every type iterate over their values as readAt reads them: spread, Array.from, for-of, after growth; a freed one throws', () => {
		// Struct arrays and a struct's array fields iterated, typed array refs did not:
		// [...heap.allocInt32Array(3)] was a TypeError and Array.from(ref) a silent [].
		for (const element of allElements) {
			const t = createTestHeap({ pages: 1 })
			const samples = exactSamples(element)
			const ref = callMethod<ArrayRef & Iterable<Value>>(t.heap, element.methods.allocArray, samples)
			const expected = samples.map((_, index) => ref.readAt(index))
			// Pointer53 reads numbers where its view holds bigints; Float16 has no view on Node 20.
			expect([...ref], element.name).to.deep.equal(expected)
			expect(Array.from(ref), element.name).to.deep.equal(expected)
			t.memory.grow(1)
			const seen: Value[] = []
			for (const value of ref) seen.push(value)
			expect(seen, `${element.name} after growth`).to.deep.equal(expected)
			const alias = allElements.find((each) => each.aliasOf === element.name)
			if (alias !== undefined) expect([...callMethod<ArrayRef & Iterable<Value>>(t.heap, alias.methods.wrapArray, ref.address, samples.length)]).to.deep.equal(expected)
			expect([...callMethod<ArrayRef & Iterable<Value>>(t.heap, element.methods.allocArray, 0)], `${element.name}, no elements`).to.deep.equal([])
			ref.free()
			expect(() => [...ref], `${element.name} freed`).to.throw(Error, `${element.arrayRefClass}.readAt: the reference to address ${ref.address} has been freed`)
		}
		// The types say what iterating gives.
		const t = createTestHeap()
		const numbers: number[] = [...t.heap.allocInt32Array([1, 2])]
		const bigints: bigint[] = Array.from(t.heap.allocBigUint64Array([3n]))
		const pointers: number[] = [...t.heap.allocPointer53Array([4])]
		expect([numbers, bigints, pointers]).to.deep.equal([[1, 2], [3n], [4]])
	})

	it('an array ref’s iterator behaves as the generator it replaced: lazy, live reads, ended by a throw or return(), iterable, an Iterator', () => {
		const IteratorPrototype = Object.getPrototypeOf(Object.getPrototypeOf([][Symbol.iterator]())) as object
		const t = createTestHeap({ pages: 1 })
		const Cell = api.defineStruct('IterCell', { id: 'Int32', h: { array: 'Int16', length: 3 } })
		const cells = t.heap.allocStructArray(Cell, [{ id: 1, h: [4, 5, 6] }, { id: 2 }])
		const ref = t.heap.allocInt32Array([10, 20, 30])
		for (const [name, iterable, read] of [
			['Int32ArrayRef', ref, (value: unknown) => value],
			['StructArrayRef', cells, (value: unknown) => (value as { id: number }).id],
			['FieldArrayRef', cells.at(0).h, (value: unknown) => value],
		] as const) {
			const iterator = (iterable as Iterable<unknown>)[Symbol.iterator]() as IterableIterator<unknown>
			expect(iterator[Symbol.iterator](), name).to.equal(iterator)
			expect(IteratorPrototype.isPrototypeOf(iterator), name).to.equal(true)
			expect(read(iterator.next().value), name).to.equal(name === 'StructArrayRef' ? 1 : name === 'Int32ArrayRef' ? 10 : 4)
			expect(iterator.return!(7), name).to.deep.equal({ value: 7, done: true })
			expect(iterator.next(), `${name} after return()`).to.deep.equal({ value: undefined, done: true })
			const all = (iterable as Iterable<unknown>)[Symbol.iterator]()
			for (let index = 0; index < (iterable as { elementCount: number }).elementCount; index++) expect(all.next().done, name).to.equal(false)
			expect(all.next(), `${name} at the end`).to.deep.equal({ value: undefined, done: true })
			expect(all.next(), `${name} past the end`).to.deep.equal({ value: undefined, done: true })
		}
		// Each value is read when next() reaches it, not when the iterator is made.
		const live = ref[Symbol.iterator]()
		ref.writeAt(0, 11)
		expect(live.next().value).to.equal(11)
		ref.writeAt(1, 21)
		expect(live.next().value).to.equal(21)
		// A freed ref throws at the first next(), not before; the throw ends the iteration.
		const freed = t.heap.allocInt32Array([1, 2])
		const pending = freed[Symbol.iterator]()
		freed.free()
		expect(() => pending.next()).to.throw(Error, `Int32ArrayRef.readAt: the reference to address ${freed.address} has been freed`)
		expect(pending.next()).to.deep.equal({ value: undefined, done: true })
		// break in for-of closes it (return() called), as a generator's
		const broken = ref[Symbol.iterator]()
		for (const value of { [Symbol.iterator]: () => broken }) if (value === 11) break
		expect(broken.next()).to.deep.equal({ value: undefined, done: true })
	})

	it('alloc<T>Array(view of the same heap) copies the values even when the allocation grows the memory', () => {
		// `heap.allocInt32Array(otherRef.view)` is a natural way to copy an array. The view is
		// valid when passed; the allocation the manager makes may grow (and detach) the buffer.
		const failures: string[] = []
		for (const element of elements) {
			const t = createTestHeap({ pages: 1 })
			const samples = exactSamples(element)
			// A view on the heap holding the samples, of a type the element accepts values from.
			const source =
				element.kind === 'pointer53'
					? t.heap.allocFloat64Array(samples as number[]).view
					: callMethod<ArrayRef>(t.heap, element.methods.allocArray, samples).view
			// Use up the rest of the memory, so that the next allocation grows it.
			t.allocator.alloc(t.memory.buffer.byteLength - t.allocator.next)
			const sizeBefore = t.memory.buffer.byteLength
			try {
				const copy = callMethod<ArrayRef>(t.heap, element.methods.allocArray, source)
				expect(t.memory.buffer.byteLength, 'the allocation grew the memory').to.be.greaterThan(sizeBefore)
				expect(Array.from(copy.view as ArrayLike<Value>), element.name).to.deep.equal(samples.map((value) => asViewElement(element, value)))
			} catch (error) {
				failures.push(`${element.methods.allocArray}: ${(error as Error).constructor.name}: ${(error as Error).message}`)
			}
		}
		expect(failures, failures.join('\n')).to.deep.equal([])
	})

	for (const element of elements) {
		const { methods, byteSize } = element
		const samples = exactSamples(element)
		const sample = samples[0]!
		const zero = zeroOf(element)

		describe(`${element.refClass} from ${methods.alloc}()`, () => {
			let t: TestHeap
			beforeEach(() => {
				t = createTestHeap()
			})

			const alloc = (): ValueRef => callMethod<ValueRef>(t.heap, methods.alloc)

			it(`returns a tracked ${element.refClass} of ${byteSize} bytes at an aligned, non-null address, zeroed`, () => {
				// Dirty a region the allocator will hand out again, so zeroing is observable.
				const dirty = t.allocator.alloc(byteSize)
				fillPattern(t.memory, dirty, 16)
				t.allocator.free(dirty)

				const ref = alloc()
				expect(ref).to.be.instanceOf(exportedClass(element.refClass))
				expect(ref).to.be.instanceOf(api.HeapRef)
				expect(ref.address).to.equal(dirty)
				expect(ref.address).to.be.greaterThan(0)
				expect(ref.address % byteSize).to.equal(0)
				expect(ref.allocatedByteSize).to.equal(byteSize)
				expect(ref.isFreed).to.equal(false)
				expect(ref.read()).to.equal(zero)
				expect(Array.from(new Uint8Array(t.memory.buffer, ref.address, byteSize))).to.deep.equal(new Array(byteSize).fill(0))
				expect(t.heap.allocatedRefs).to.deep.equal([ref])
			})

			it(`value, read/write and readAtomic/writeAtomic round-trip ${element.valueType}s and agree with ${methods.read}`, () => {
				const ref = alloc()
				for (const value of samples) {
					ref.write(value)
					expect(ref.read()).to.equal(value)
					expect(typeof ref.read()).to.equal(element.valueType)
					expect(ref.value).to.equal(value)
					expect(ref.readAtomic()).to.equal(value)
					expect(callMethod(t.heap, methods.read, ref.address)).to.equal(value)
					ref.write(zero)
					expect(callMethod(t.heap, methods.read, ref.address)).to.equal(zero)

					ref.value = value
					expect(callMethod(t.heap, methods.read, ref.address)).to.equal(value)
					ref.clear()

					ref.writeAtomic(value)
					expect(callMethod(t.heap, methods.read, ref.address)).to.equal(value)
					expect(ref.readAtomic()).to.equal(value)
					ref.clear()

					callMethod(t.heap, methods.write, ref.address, value)
					expect(ref.value).to.equal(value)
					expect(ref.readAtomic()).to.equal(value)
					ref.clear()
				}
			})

			// Pointer53 values are validated, not converted: see the Pointer53 tests below.
			if (element.kind !== 'pointer53') it('converts written values as assigning to the TypedArray does', () => {
				const ref = alloc()
				for (const raw of conversionInputs(element)) {
					const expected = convertAsStored(element, raw)
					ref.write(raw)
					expect(Object.is(ref.read(), expected), `write(${String(raw)}) then read() = ${String(ref.read())}`).to.equal(true)
					ref.writeAtomic(raw)
					expect(Object.is(ref.readAtomic(), expected), `writeAtomic(${String(raw)})`).to.equal(true)
				}
			})

			it('rejects a value of the wrong JS type with TypeError, writing nothing', () => {
				const ref = alloc()
				ref.write(sample)
				expectFailureWithoutChange(t.memory, () => ref.write(wrongTypeValueOf(element)), TypeError, /./)
				expectFailureWithoutChange(t.memory, () => ref.writeAtomic(wrongTypeValueOf(element)), TypeError, /./)
				expect(ref.read()).to.equal(sample)
			})

			it('allocatedBytesView is a Uint8Array over exactly the referenced bytes', () => {
				const ref = alloc()
				ref.write(sample)
				const bytes = ref.allocatedBytesView
				expect(bytes).to.be.instanceOf(Uint8Array)
				expect(bytes.length).to.equal(byteSize)
				expect(bytes.byteOffset).to.equal(ref.address)
				expect(bytes.buffer).to.equal(t.memory.buffer)
				expect(Array.from(bytes)).to.deep.equal(littleEndianBytes(element, sample))

				// Writes through the view are seen by the ref.
				const other = samples[samples.length - 1]!
				bytes.set(littleEndianBytes(element, other))
				expect(ref.read()).to.equal(other)
			})

			it('clear() zeroes the region and nothing around it', () => {
				const before = alloc()
				const ref = alloc()
				const after = alloc()
				for (const each of [before, ref, after]) each.write(sample)
				ref.clear()
				expect(ref.read()).to.equal(zero)
				expect(Array.from(ref.allocatedBytesView)).to.deep.equal(new Array(byteSize).fill(0))
				expect(before.read()).to.equal(sample)
				expect(after.read()).to.equal(sample)
			})

			it('free() frees once; afterwards every member throws Error mentioning "freed", changing nothing', () => {
				const ref = alloc()
				const { address } = ref
				ref.write(sample)
				ref.free()
				expect(ref.isFreed).to.equal(true)
				expect(t.allocator.freeCalls).to.equal(1)
				expect(t.allocator.live.has(address)).to.equal(false)
				expect(t.heap.allocatedRefs).to.deep.equal([])

				// [the member the message names, a use of the ref]
				const uses: Array<[string, () => unknown]> = [
					['value', () => ref.value],
					['value', () => { ref.value = sample }],
					['read', () => ref.read()],
					['write', () => ref.write(sample)],
					['readAtomic', () => ref.readAtomic()],
					['writeAtomic', () => ref.writeAtomic(sample)],
					['clear', () => ref.clear()],
					['allocatedBytesView', () => ref.allocatedBytesView],
				]
				for (const [member, use] of uses) {
					const freed = new RegExp(`^${element.refClass}\\.${member}: the reference to address ${address} has been freed`)
					expectFailureWithoutChange(t.memory, use, Error, freed)
				}

				ref.free()
				expect(t.allocator.freeCalls, 'a second free() is a no-op').to.equal(1)
				expect(ref.isFreed).to.equal(true)
			})

			it('a freed ref cannot touch a new allocation that reuses its address', () => {
				const stale = alloc()
				stale.free()
				const fresh = alloc()
				expect(fresh.address).to.equal(stale.address)
				fresh.write(sample)
				expectFailureWithoutChange(t.memory, () => stale.write(zero), Error, /freed/)
				expectFailureWithoutChange(t.memory, () => stale.clear(), Error, /freed/)
				expect(fresh.read()).to.equal(sample)
			})

			it('[Symbol.dispose] frees the ref (`using`)', () => {
				let escaped: ValueRef | undefined
				{
					using ref = alloc()
					escaped = ref
					ref.write(sample)
					expect(ref.isFreed).to.equal(false)
				}
				expect(escaped.isFreed).to.equal(true)
				expect(t.allocator.freeCalls).to.equal(1)
				expect(t.heap.allocatedRefs).to.deep.equal([])

				const direct = alloc()
				direct[Symbol.dispose]()
				expect(direct.isFreed).to.equal(true)
				expect(t.allocator.freeCalls).to.equal(2)
			})
		})

		describe(`${element.arrayRefClass} from ${methods.allocArray}()`, () => {
			let t: TestHeap
			beforeEach(() => {
				t = createTestHeap()
			})

			const allocArray = (countOrValues: unknown): ArrayRef => callMethod<ArrayRef>(t.heap, methods.allocArray, countOrValues)
			const ViewClass = typedArrayConstructor(element.viewConstructor)

			it(`allocArray(n) returns a zeroed ${element.arrayRefClass} whose view is a ${element.viewConstructor}`, () => {
				const dirty = t.allocator.alloc(5 * byteSize)
				fillPattern(t.memory, dirty, 5 * byteSize)
				t.allocator.free(dirty)

				const ref = allocArray(5)
				expect(ref).to.be.instanceOf(exportedClass(element.arrayRefClass))
				expect(ref).to.be.instanceOf(api.ArrayHeapRef)
				expect(ref.address).to.equal(dirty)
				expect(ref.address % byteSize).to.equal(0)
				expect(ref.elementCount).to.equal(5)
				expect(ref.bytesPerElement).to.equal(byteSize)
				expect(ref.allocatedByteSize).to.equal(5 * byteSize)
				const view = ref.view
				expect(view).to.be.instanceOf(ViewClass)
				if (element.kind === 'pointer53') expect(view).to.be.instanceOf(BigUint64Array)
				expect(view.length).to.equal(5)
				expect(view.byteOffset).to.equal(ref.address)
				expect(view.buffer).to.equal(t.memory.buffer)
				expect(Array.from(view as ArrayLike<Value>)).to.deep.equal(new Array(5).fill(element.kind === 'pointer53' ? 0n : zero))
				expect(t.heap.allocatedRefs).to.deep.equal([ref])
			})

			it('allocArray(arrayLike) copies the values in (arrays and plain array-likes)', () => {
				const arrayLike: { length: number; [index: number]: Value } = { length: samples.length }
				samples.forEach((value, index) => (arrayLike[index] = value))

				for (const values of [samples, arrayLike]) {
					const ref = allocArray(values)
					expect(ref).to.be.instanceOf(exportedClass(element.arrayRefClass))
					expect(ref.elementCount).to.equal(samples.length)
					expect(ref.allocatedByteSize).to.equal(samples.length * byteSize)
					expect(Array.from(ref.view as ArrayLike<Value>)).to.deep.equal(samples.map((value) => asViewElement(element, value)))
					samples.forEach((value, index) => {
						expect(ref.readAt(index)).to.equal(value)
						expect(callMethod(t.heap, methods.read, ref.address + index * byteSize)).to.equal(value)
					})
				}
			})

			it('readAt/writeAt/readAtomicAt/writeAtomicAt round-trip and agree with the view and the manager', () => {
				const count = samples.length + 2
				const ref = allocArray(count)
				samples.forEach((value, index) => {
					const at = index + 1
					ref.writeAt(at, value)
					expect(ref.readAt(at)).to.equal(value)
					expect(ref.readAtomicAt(at)).to.equal(value)
					expect(callMethod(t.heap, methods.read, ref.address + at * byteSize)).to.equal(value)
					expect(ref.view[at]).to.equal(asViewElement(element, value))
					// Neighbours untouched.
					expect(ref.readAt(0)).to.equal(zero)
					expect(ref.readAt(count - 1)).to.equal(zero)

					ref.writeAtomicAt(at, zero)
					expect(ref.readAt(at)).to.equal(zero)
					ref.writeAtomicAt(at, value)
					expect(callMethod(t.heap, methods.read, ref.address + at * byteSize)).to.equal(value)

					callMethod(t.heap, methods.write, ref.address + at * byteSize, zero)
					expect(ref.readAtomicAt(at)).to.equal(zero)
				})
			})

			it('index checks: -1, n, 1.5, NaN, Infinity, 2^32 are RangeErrors, a string, an object or a symbol is a TypeError (never converted); nothing is written', () => {
				const count = 3
				const ref = allocArray(count)
				ref.writeAt(1, sample)
				const accesses: Array<[string, (index: unknown) => unknown]> = [
					['readAt', (index) => ref.readAt(index as number)],
					['writeAt', (index) => ref.writeAt(index as number, sample)],
					['readAtomicAt', (index) => ref.readAtomicAt(index as number)],
					['writeAtomicAt', (index) => ref.writeAtomicAt(index as number, sample)],
				]
				for (const [member, access] of accesses) {
					for (const index of badIndicesOf(count)) {
						expectFailureWithoutChange(
							t.memory,
							() => access(index),
							RangeError,
							new RegExp(`${element.arrayRefClass}\\.${member}: index ${String(index)} is out of range`),
						)
					}
					for (const index of ['1', '0']) {
						expectFailureWithoutChange(t.memory, () => access(index), TypeError, new RegExp(`${member}: index must be a number`))
					}
					// `writeAt`'s fast path tests `index === (index | 0)` after `typeof index === 'number'`: a
					// non-number is never converted (no valueOf call, no Symbol conversion error), and 2^32, which
					// `| 0` turns into 0, reaches the full check instead of element 0 (the others likewise).
					let conversions = 0
					const convertible = { valueOf: () => (conversions++, 1) }
					for (const index of [convertible, Symbol('index')]) {
						expectFailureWithoutChange(t.memory, () => access(index), TypeError, new RegExp(`${member}: index must be a number`))
					}
					expect(conversions, `${member} converted an object index`).to.equal(0)
					expectFailureWithoutChange(t.memory, () => access(2 ** 32), RangeError, new RegExp(`${element.arrayRefClass}\\.${member}: index 4294967296 is out of range`))
				}
				expect(ref.readAt(1)).to.equal(sample)
				expect(ref.readAt(-0)).to.equal(ref.readAt(0))
			})

			if (element.kind !== 'pointer53') it('copied and written values convert exactly as assigning into the TypedArray does', () => {
				const inputs = conversionInputs(element)
				const expected = new ViewClass(inputs.length)
				inputs.forEach((raw, index) => (expected[index] = raw))

				const ref = allocArray(inputs)
				expect(Array.from(ref.view as ArrayLike<Value>)).to.deep.equal(Array.from(expected as ArrayLike<Value>))

				ref.clear()
				inputs.forEach((raw, index) => ref.writeAt(index, raw))
				expect(Array.from(ref.view as ArrayLike<Value>)).to.deep.equal(Array.from(expected as ArrayLike<Value>))

				ref.clear()
				inputs.forEach((raw, index) => ref.writeAtomicAt(index, raw))
				expect(Array.from(ref.view as ArrayLike<Value>)).to.deep.equal(Array.from(expected as ArrayLike<Value>))
			})

			it('a bad value in the array-like throws before anything is allocated or written', () => {
				const keep = allocArray(2) // something already live, which must stay so
				const badLists: Value[][] =
					element.kind === 'pointer53'
						? [[1, -1], [2, 1.5], [3, 2 ** 53], [4, Number.NaN], [5, 1n]]
						: [[sample, wrongTypeValueOf(element)]]
				for (const values of badLists) {
					const liveBefore = new Map(t.allocator.live)
					const refsBefore = t.heap.allocatedRefs
					const totalBefore = t.heap.totalAllocatedByteSize
					const callsBefore = { alloc: t.allocator.allocCalls, free: t.allocator.freeCalls }

					const errorClass = element.kind === 'pointer53' && typeof values[1] === 'number' ? RangeError : TypeError
					expectThrow(() => allocArray(values), errorClass, /./)

					// The values are converted before the allocator is asked, so a bad one costs no allocation.
					expect(t.allocator.allocCalls, 'the allocator was not asked').to.equal(callsBefore.alloc)
					expect(t.allocator.freeCalls, 'nothing was freed').to.equal(callsBefore.free)
					expect(t.allocator.live).to.deep.equal(liveBefore)
					expect(t.heap.allocatedRefs).to.deep.equal(refsBefore)
					expect(t.heap.totalAllocatedByteSize).to.equal(totalBefore)
				}
				expect(keep.isFreed).to.equal(false)
				expect(t.heap.allocatedRefs).to.deep.equal([keep])
			})

			it('element count 0 (a count or an empty array-like) gives an empty, freeable array ref', () => {
				for (const countOrValues of [0, []]) {
					const ref = allocArray(countOrValues)
					expect(ref).to.be.instanceOf(exportedClass(element.arrayRefClass))
					expect(ref.address).to.be.greaterThan(0)
					expect(ref.elementCount).to.equal(0)
					expect(ref.allocatedByteSize).to.equal(0)
					expect(ref.view).to.be.instanceOf(ViewClass)
					expect(ref.view.length).to.equal(0)
					expect(ref.allocatedBytesView.length).to.equal(0)
					expectThrow(() => ref.readAt(0), RangeError, /index 0 is out of range/)
					expect(t.heap.allocatedRefs).to.include(ref)
					const freeCalls = t.allocator.freeCalls
					ref.free()
					expect(t.allocator.freeCalls).to.equal(freeCalls + 1)
					expect(t.heap.allocatedRefs).to.not.include(ref)
				}
				expect(t.allocator.live.size).to.equal(0)
			})

			it('a bad count or a non-array-like throws TypeError/RangeError before allocating', () => {
				const cases: Array<[unknown, new (...args: never[]) => Error, RegExp]> = [
					['abc', TypeError, /expected an element count or an array-like/],
					[{}, TypeError, /expected an element count or an array-like/],
					[null, TypeError, /expected an element count or an array-like/],
					[undefined, TypeError, /expected an element count or an array-like/],
					[5n, TypeError, /expected an element count or an array-like/],
					[{ length: '3' }, TypeError, /expected an element count or an array-like/],
					[-1, RangeError, /element count -1 is not a non-negative safe integer/],
					[1.5, RangeError, /element count 1.5 is not a non-negative safe integer/],
					[Number.NaN, RangeError, /element count NaN/],
					[Infinity, RangeError, /element count Infinity/],
					[{ length: -1 }, RangeError, /element count -1/],
				]
				for (const [argument, errorClass, pattern] of cases) {
					expectFailureWithoutChange(t.memory, () => allocArray(argument), errorClass, new RegExp(`${methods.allocArray}: ${pattern.source}`))
				}
				expect(t.allocator.allocCalls).to.equal(0)
				expect(t.heap.allocatedRefs).to.deep.equal([])
			})

			it('free() frees once; afterwards every member throws Error mentioning "freed"', () => {
				const ref = allocArray(samples)
				ref.free()
				expect(ref.isFreed).to.equal(true)
				expect(t.allocator.freeCalls).to.equal(1)
				expect(t.allocator.live.size).to.equal(0)
				expect(t.heap.allocatedRefs).to.deep.equal([])

				const freed = new RegExp(`${element.arrayRefClass}\\.\\w+: .*freed`)
				const uses: Array<() => unknown> = [
					() => ref.view,
					() => ref.readAt(0),
					() => ref.writeAt(0, sample),
					() => ref.readAtomicAt(0),
					() => ref.writeAtomicAt(0, sample),
					() => ref.clear(),
					() => ref.allocatedBytesView,
				]
				for (const use of uses) expectFailureWithoutChange(t.memory, use, Error, freed)

				ref.free()
				expect(t.allocator.freeCalls, 'a second free() is a no-op').to.equal(1)
			})

			it('[Symbol.dispose] frees the array ref (`using`)', () => {
				let escaped: ArrayRef | undefined
				{
					using ref = allocArray(3)
					escaped = ref
				}
				expect(escaped.isFreed).to.equal(true)
				expect(t.allocator.freeCalls).to.equal(1)
				expect(t.allocator.live.size).to.equal(0)
			})
		})

		describe(`${methods.wrap}() and ${methods.wrapArray}()`, () => {
			let t: ReturnType<typeof createSpyHeap>
			beforeEach(() => {
				t = createSpyHeap()
			})

			const wrap = (address: unknown): ValueRef => callMethod<ValueRef>(t.heap, methods.wrap, address)
			const wrapArray = (address: unknown, count: unknown): ArrayRef => callMethod<ArrayRef>(t.heap, methods.wrapArray, address, count)

			it(`${methods.wrap} sees the same memory as ${methods.read}/${methods.write}, untracked and not cleared`, () => {
				const address = t.allocator.alloc(byteSize)
				callMethod(t.heap, methods.write, address, sample)
				const ref = wrap(address)
				expect(ref).to.be.instanceOf(exportedClass(element.refClass))
				expect(ref.address).to.equal(address)
				expect(ref.allocatedByteSize).to.equal(byteSize)
				expect(ref.read()).to.equal(sample, 'wrapping must not clear the region')
				for (const value of samples) {
					ref.value = value
					expect(callMethod(t.heap, methods.read, address)).to.equal(value)
					callMethod(t.heap, methods.write, address, zero)
					expect(ref.readAtomic()).to.equal(zero)
				}
				expect(t.heap.allocatedRefs).to.deep.equal([])
				expect(t.heap.totalAllocatedByteSize).to.equal(0)
				expectThrow(() => t.heap.free(address), RangeError, /no live ref/)
			})

			it(`${methods.wrapArray} sees the same memory as the manager, untracked`, () => {
				const address = t.allocator.alloc(samples.length * byteSize)
				samples.forEach((value, index) => callMethod(t.heap, methods.write, address + index * byteSize, value))
				const ref = wrapArray(address, samples.length)
				expect(ref).to.be.instanceOf(exportedClass(element.arrayRefClass))
				expect(ref.elementCount).to.equal(samples.length)
				expect(ref.allocatedByteSize).to.equal(samples.length * byteSize)
				expect(Array.from(ref.view as ArrayLike<Value>)).to.deep.equal(samples.map((value) => asViewElement(element, value)))
				ref.writeAt(0, zero)
				expect(callMethod(t.heap, methods.read, address)).to.equal(zero)
				expect(t.heap.allocatedRefs).to.deep.equal([])
			})

			it('wrapping address 0 throws RangeError mentioning a null pointer', () => {
				expectFailureWithoutChange(t.memory, () => wrap(0), RangeError, new RegExp(`${methods.wrap}: .*null`))
				expectFailureWithoutChange(t.memory, () => wrapArray(0, 1), RangeError, new RegExp(`${methods.wrapArray}: .*null`))
			})

			it('wrapping past the heap end, or at a bad address, throws RangeError', () => {
				const heapSize = t.memory.buffer.byteLength
				expectFailureWithoutChange(t.memory, () => wrap(heapSize - byteSize + 1), RangeError, /out of range/)
				expectFailureWithoutChange(t.memory, () => wrap(heapSize), RangeError, /out of range/)
				expectFailureWithoutChange(t.memory, () => wrapArray(heapSize - byteSize, 2), RangeError, /out of range/)
				for (const address of badAddresses(heapSize)) {
					expectFailureWithoutChange(t.memory, () => wrap(address), RangeError, new RegExp(methods.wrap))
					expectFailureWithoutChange(t.memory, () => wrapArray(address, 1), RangeError, new RegExp(methods.wrapArray))
				}
				// The last element of the heap can be wrapped.
				expect(wrap(heapSize - byteSize).address).to.equal(heapSize - byteSize)
				expect(wrapArray(heapSize - byteSize, 1).elementCount).to.equal(1)
			})

			it('wrapArray checks the element count', () => {
				const address = t.allocator.alloc(16)
				expectThrow(() => wrapArray(address, -1), RangeError, /element count -1/)
				expectThrow(() => wrapArray(address, 1.5), RangeError, /element count 1.5/)
				expectThrow(() => wrapArray(address, '2'), TypeError, /element count must be a number/)
			})

			if (byteSize > 1) {
				it(`${methods.wrapArray} at an address not aligned to ${byteSize} throws RangeError mentioning alignment`, () => {
					const address = t.allocator.alloc(4 * byteSize)
					for (let offset = 1; offset < byteSize; offset++) {
						expectFailureWithoutChange(
							t.memory,
							() => wrapArray(address + offset, 2),
							RangeError,
							new RegExp(`${methods.wrapArray}: address ${address + offset} is not aligned to ${byteSize} bytes`),
						)
					}
				})

				it(`${methods.wrap} accepts a misaligned address for plain access, but its atomics throw RangeError`, () => {
					const address = t.allocator.alloc(4 * byteSize) + 1
					const ref = wrap(address)
					ref.write(sample)
					expect(ref.read()).to.equal(sample)
					expect(callMethod(t.heap, methods.read, address)).to.equal(sample)
					expectFailureWithoutChange(t.memory, () => ref.readAtomic(), RangeError, /not aligned/)
					expectFailureWithoutChange(t.memory, () => ref.writeAtomic(zero), RangeError, /not aligned/)
				})
			}

			it('free() on a wrapped ref calls the deallocator with its address, once', () => {
				const address = t.allocator.alloc(3 * byteSize)
				const ref = wrap(address)
				ref.free()
				expect(t.freedAddresses).to.deep.equal([address])
				expect(t.allocator.live.has(address)).to.equal(false)
				expect(ref.isFreed).to.equal(true)
				expectThrow(() => ref.read(), Error, /freed/)
				ref.free()
				expect(t.freedAddresses).to.deep.equal([address])

				const arrayAddress = t.allocator.alloc(3 * byteSize)
				const arrayRef = wrapArray(arrayAddress, 3)
				arrayRef.free()
				expect(t.freedAddresses).to.deep.equal([address, arrayAddress])
				expect(t.allocator.live.size).to.equal(0)
			})
		})
	}

	describe('pointer aliases', () => {
		for (const alias of elements.filter((element) => element.aliasOf !== undefined)) {
			const target = elements.find((element) => element.name === alias.aliasOf)!

			it(`${alias.refClass}/${alias.arrayRefClass} behave exactly like ${target.refClass}/${target.arrayRefClass}`, () => {
				const t = createTestHeap()
				expect(alias.byteSize).to.equal(target.byteSize)
				expect(exportedClass(alias.refClass)).to.not.equal(exportedClass(target.refClass))

				const aliasRef = callMethod<ValueRef>(t.heap, alias.methods.alloc)
				const targetRef = callMethod<ValueRef>(t.heap, target.methods.alloc)
				expect(aliasRef).to.be.instanceOf(exportedClass(alias.refClass))
				expect(aliasRef.allocatedByteSize).to.equal(targetRef.allocatedByteSize)
				for (const raw of [...conversionInputs(target), ...exactSamples(target)]) {
					aliasRef.write(raw)
					targetRef.write(raw)
					expect(aliasRef.read()).to.equal(targetRef.read())
					expect(Array.from(aliasRef.allocatedBytesView)).to.deep.equal(Array.from(targetRef.allocatedBytesView))
					aliasRef.writeAtomic(raw)
					targetRef.writeAtomic(raw)
					expect(aliasRef.readAtomic()).to.equal(targetRef.readAtomic())
					expect(callMethod(t.heap, alias.methods.read, targetRef.address)).to.equal(callMethod(t.heap, target.methods.read, targetRef.address))
				}

				const inputs = conversionInputs(target)
				const aliasArray = callMethod<ArrayRef>(t.heap, alias.methods.allocArray, inputs)
				const targetArray = callMethod<ArrayRef>(t.heap, target.methods.allocArray, inputs)
				expect(aliasArray).to.be.instanceOf(exportedClass(alias.arrayRefClass))
				expect(aliasArray.bytesPerElement).to.equal(targetArray.bytesPerElement)
				expect(aliasArray.view.constructor).to.equal(targetArray.view.constructor)
				expect(Array.from(aliasArray.view as ArrayLike<Value>)).to.deep.equal(Array.from(targetArray.view as ArrayLike<Value>))
				expect(Array.from(callMethod<TypedArrayLike>(t.heap, alias.methods.view, aliasArray.address, inputs.length) as ArrayLike<Value>))
					.to.deep.equal(Array.from(targetArray.view as ArrayLike<Value>))
			})
		}
	})

	describe('Pointer53Ref and Pointer53ArrayRef', () => {
		let t: TestHeap
		beforeEach(() => {
			t = createTestHeap()
		})

		it('store a little-endian uint64', () => {
			const ref = t.heap.allocPointer53()
			for (const value of [0, 1, 2 ** 32 - 1, 2 ** 32, 2 ** 32 + 7, 0x1f_ffff_0000_0001, 2 ** 53 - 1]) {
				ref.write(value)
				expect(t.heap.readBigUint64(ref.address)).to.equal(BigInt(value))
				const dataView = new DataView(t.memory.buffer)
				expect(dataView.getUint32(ref.address, true)).to.equal(value % 2 ** 32)
				expect(dataView.getUint32(ref.address + 4, true)).to.equal(Math.floor(value / 2 ** 32))
				ref.writeAtomic(value)
				expect(t.heap.readBigUint64(ref.address)).to.equal(BigInt(value))
				t.heap.writeBigUint64(ref.address, BigInt(value))
				expect(ref.read()).to.equal(value)
				expect(ref.readAtomic()).to.equal(value)
			}
		})

		it('a stored value above 2^53 - 1 makes every read throw RangeError', () => {
			const ref = t.heap.allocPointer53()
			const array = t.heap.allocPointer53Array(2)
			for (const stored of [2n ** 53n, 2n ** 64n - 1n, 0xffff_ffff_0000_0000n]) {
				t.heap.writeBigUint64(ref.address, stored)
				t.heap.writeBigUint64(array.address + 8, stored)
				const pattern = new RegExp(`${stored}.*above the largest pointer53 value`)
				expectThrow(() => ref.read(), RangeError, pattern)
				expectThrow(() => ref.value, RangeError, pattern)
				expectThrow(() => ref.readAtomic(), RangeError, pattern)
				expectThrow(() => array.readAt(1), RangeError, pattern)
				expectThrow(() => array.readAtomicAt(1), RangeError, pattern)
				expect(array.readAt(0)).to.equal(0)
				expect(array.view[1]).to.equal(stored)
			}
		})

		it('the error of a stored value above 2^53 - 1 names the ref member that read (read, value, readAt), on the fast path, after the memory grew, and in every polling mode', () => {
			for (const pollingMode of ['whenEmpty', 'always', 'never'] as const) {
				const t = createTestHeap({ pollingMode })
				const ref = t.heap.allocPointer53()
				const array = t.heap.allocPointer53Array(2)
				t.heap.writeBigUint64(ref.address, 2n ** 60n)
				t.heap.writeBigUint64(array.address + 8, 2n ** 60n)
				const reads = (): void => {
					const held = `holds ${2n ** 60n}, which is above the largest pointer53 value`
					expectThrow(() => ref.read(), RangeError, `Pointer53Ref.read: the uint64 at address ${ref.address} ${held} 2^53 - 1`)
					expectThrow(() => ref.value, RangeError, `Pointer53Ref.value: the uint64 at address ${ref.address} ${held} 2^53 - 1`)
					expect(String(ref)).to.equal(util.inspect(ref))
					expect(String(ref)).to.contain(`unreadable: 'Pointer53Ref.value: `)
					expectThrow(() => array.readAt(1), RangeError, `Pointer53ArrayRef.readAt: the uint64 at address ${array.address + 8} ${held} 2^53 - 1`)
					expectThrow(() => [...array], RangeError, /^Pointer53ArrayRef\.readAt: /)
					expect(array.readAt(0)).to.equal(0)
				}
				reads()
				// the memory grown: the first read of each takes the cold path, which polls
				// ('never' does not poll: its reads then say the buffer was detached)
				if (pollingMode === 'never') continue
				t.memory.grow(1)
				reads()
			}
		})

		it('writing a value that is not a safe non-negative integer throws, writing nothing', () => {
			const ref = t.heap.allocPointer53()
			const array = t.heap.allocPointer53Array(2)
			ref.write(1234)
			array.writeAt(1, 5678)
			for (const bad of [-1, 1.5, 2 ** 53, Number.NaN, Infinity, -0.5]) {
				const pattern = /not a valid pointer53 value/
				expectFailureWithoutChange(t.memory, () => ref.write(bad), RangeError, pattern)
				expectFailureWithoutChange(t.memory, () => (ref.value = bad), RangeError, pattern)
				expectFailureWithoutChange(t.memory, () => ref.writeAtomic(bad), RangeError, pattern)
				expectFailureWithoutChange(t.memory, () => array.writeAt(1, bad), RangeError, pattern)
				expectFailureWithoutChange(t.memory, () => array.writeAtomicAt(1, bad), RangeError, pattern)
			}
			expectFailureWithoutChange(t.memory, () => ref.write(5n as unknown as number), TypeError, /must be a number/)
			expect(ref.read()).to.equal(1234)
			expect(array.readAt(1)).to.equal(5678)
		})
	})

	describe('refs stay valid after the memory grows', () => {
		for (const pollingMode of ['whenEmpty', 'always'] as const) {
			it(`every ref type reads and writes through the new buffer (pollingMode '${pollingMode}')`, () => {
				const t = createTestHeap({ pollingMode })
				const live = elements.map((element) => {
					const samples = exactSamples(element)
					const ref = callMethod<ValueRef>(t.heap, element.methods.alloc)
					const arrayRef = callMethod<ArrayRef>(t.heap, element.methods.allocArray, samples)
					ref.write(samples[0]!)
					return { element, samples, ref, arrayRef }
				})

				const oldBuffer = t.memory.buffer
				const oldSize = oldBuffer.byteLength
				t.memory.grow(3)
				expect(oldBuffer.byteLength, 'the old buffer is detached').to.equal(0)
				expect(t.memory.buffer.byteLength).to.equal(oldSize + 3 * 65536)

				for (const { element, samples, ref, arrayRef } of live) {
					const last = samples[samples.length - 1]!
					expect(ref.read(), element.name).to.equal(samples[0])
					expect(ref.readAtomic()).to.equal(samples[0])
					ref.write(last)
					expect(callMethod(t.heap, element.methods.read, ref.address)).to.equal(last)
					expect(ref.allocatedBytesView.buffer).to.equal(t.memory.buffer)

					expect(Array.from(arrayRef.view as ArrayLike<Value>)).to.deep.equal(samples.map((value) => asViewElement(element, value)))
					expect(arrayRef.view.buffer).to.equal(t.memory.buffer)
					arrayRef.writeAt(0, last)
					expect(arrayRef.readAt(0)).to.equal(last)
					arrayRef.writeAtomicAt(0, samples[0]!)
					expect(arrayRef.readAtomicAt(0)).to.equal(samples[0])
				}

				// And growth caused by the allocator itself, in the middle of the work.
				const before = live[0]!
				const big = t.heap.allocUint8Array(5 * 65536)
				expect(t.memory.buffer.byteLength).to.be.greaterThan(oldSize + 3 * 65536)
				expect(before.ref.read()).to.equal(before.samples[before.samples.length - 1])
				expect(big.view.length).to.equal(5 * 65536)
				expect(big.readAt(5 * 65536 - 1)).to.equal(0)
			})
		}
	})
})

describe("a value ref's value setter given a value its type refuses", () => {
	for (const element of allElements.filter((row) => row.aliasOf === undefined)) {
		it(`${element.refClass}.value names value (not write) in its error, and writes nothing`, () => {
			const { heap, memory } = createTestHeap()
			const ref = callMethod<ValueRef>(heap, element.methods.alloc)
			const kept = element.valueType === 'bigint' ? 7n : 7
			ref.value = kept
			const refused: [unknown, RegExp][] =
				element.kind === 'pointer53'
					? [['x', /a pointer53 value must be a number, received "x"$/], [-1, /-1 is not a valid pointer53 value/], [1.5, /1\.5 is not a valid pointer53 value/]]
					: element.valueType === 'bigint'
						? [[1, /value must be a bigint, received 1$/], ['x', /value must be a bigint, received "x"$/]]
						: [[1n, /value must be a number, received 1n$/], [Symbol('s'), /value must be a number, received symbol$/]]
			for (const [value, message] of refused) {
				for (const [member, write] of [
					['value', () => ((ref as { value: unknown }).value = value)],
					['write', () => (ref as unknown as { write(value: unknown): void }).write(value)],
				] as const) {
					const before = snapshot(memory)
					const error = caught(write)
					expect(error.constructor, `${element.refClass}.${member}(${String(value)}): ${error.message}`).to.equal(element.kind === 'pointer53' && typeof value === 'number' ? RangeError : TypeError)
					expect(error.message).to.match(new RegExp(`^${element.refClass}\\.${member}: `))
					expect(error.message).to.match(message)
					expectSameBytes(snapshot(memory), before)
					expect(ref.value).to.equal(kept)
				}
			}
		})
	}
})

describe("a ref's class name as Object.prototype.toString gives it", () => {
	it('is the ref class (a struct ref: its struct), so an error about a ref given for a value, a string or an array names it, and nothing is written', () => {
		// Such errors said 'received an object (Object)' for any ref.
		const { heap, memory, allocator } = createTestHeap()
		for (const element of allElements) {
			const ref = callMethod<ValueRef>(heap, element.methods.alloc)
			const arrayRef = callMethod<ArrayRef>(heap, element.methods.allocArray, 2)
			expect(Object.prototype.toString.call(ref)).to.equal(`[object ${element.refClass}]`)
			expect(Object.prototype.toString.call(arrayRef)).to.equal(`[object ${element.arrayRefClass}]`)
		}
		for (const encoding of normalizeEncodings(stringEncodingRows)) {
			expect(Object.prototype.toString.call(callMethod(heap, encoding.methods.alloc, 'x'))).to.equal(`[object ${encoding.refClass}]`)
			expect(Object.prototype.toString.call(callMethod(heap, encoding.methods.allocSlice, 'x'))).to.equal(`[object ${encoding.sliceRefClass}]`)
		}
		const Pair = api.defineStruct('Pair', { values: { array: 'Int32', length: 2 } })
		const pair = heap.allocStruct(Pair)
		expect(Object.prototype.toString.call(pair)).to.equal('[object Pair]')
		const numbers = heap.allocInt32Array([1, 2])
		const text = heap.allocNullTerminatedUtf8String('text')
		const live = allocator.live.size
		const before = snapshot(memory)
		expect(() => heap.allocFloat64Array(numbers as never)).to.throw(
			TypeError,
			'allocFloat64Array: expected an element count or an array-like of values, received an object (Int32ArrayRef)',
		)
		expect(() => heap.writeNullTerminatedUtf8String(text.address, text as never)).to.throw(
			TypeError,
			'writeNullTerminatedUtf8String: value must be a string, received an object (Utf8StringRef)',
		)
		expect(() => heap.writeStruct(Pair, pair.address, { values: numbers as never })).to.throw(TypeError, 'received an object (Int32ArrayRef)')
		expect(String(numbers), 'String(ref) is unchanged').to.equal(`Int32ArrayRef { address: ${numbers.address}, elementCount: 2, values: [1, 2] }`)
		expect(allocator.live.size).to.equal(live)
		expect(snapshot(memory)).to.deep.equal(before)
	})
})
