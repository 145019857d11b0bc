/**
 * Every element type, from the descriptor table: seeded round-trips against DataView
 * (aligned and unaligned), boundary addresses, value conversion identical to TypedArray
 * assignment, atomics on a SharedArrayBuffer, and the fixed list of bad addresses.
 */
import { expect } from 'chai'
import { createWasmHeapManager, type WasmHeapManager } from '../src/index.js'
import { wideIntegerRows } from '../descriptors/elements.js'
import { normalizeWideIntegers, type NormalizedElement } from '../codegen/normalize.js'
import { withArticle } from '../src/wording.js'
import { badAddresses, SeededRandom, snapshot } from './support/heaps.js'
import {
	callMethod,
	conversionInputs,
	convertAsStored,
	elements,
	errorName,
	exactSamples,
	expectAddressRangeError,
	hasViewConstructor,
	randomInput,
	referenceRead,
	referenceWrite,
	typedArrayConstructor,
	wrongTypeValueOf,
} from './support/dynamic.js'

const heapSize = 65536

/** Equality by `Object.is`: NaN equals NaN, and -0 differs from 0. */
function expectSame(actual: unknown, expected: unknown, message: string): void {
	expect(Object.is(actual, expected), `${message}: ${String(actual)} is not ${String(expected)}`).to.equal(true)
}

function staticHeap(shared = false): { heap: WasmHeapManager; buffer: ArrayBuffer | SharedArrayBuffer } {
	const buffer = shared ? new SharedArrayBuffer(heapSize) : new ArrayBuffer(heapSize)
	const heap = createWasmHeapManager(
		() => buffer,
		() => 0,
		() => {},
	)
	return { heap, buffer }
}


/** The bytes a TypedArray element assignment produces for `value` (the conversion reference). */
function referenceBytes(element: NormalizedElement, value: number | bigint): Uint8Array {
	if (element.kind === 'pointer53') {
		const bytes = new Uint8Array(8)
		new DataView(bytes.buffer).setBigUint64(0, BigInt(value), true)
		return bytes
	}
	if (element.bits !== undefined) {
		const bytes = new Uint8Array(element.byteSize)
		referenceWrite(new DataView(bytes.buffer), element, 0, value)
		return bytes
	}
	const Constructor = typedArrayConstructor(element.viewConstructor)
	const array = new Constructor(1)
	array[0] = value
	return new Uint8Array(array.buffer)
}

describe('numeric access, for every descriptor row', () => {
	for (const element of elements) {
		const { read, write, readAtomic, writeAtomic, view } = element.methods
		const size = element.byteSize
		const named = (method: keyof NormalizedElement['methods']): string => errorName(element, method)

		describe(element.name, () => {
			it(`${read} agrees with DataView at 2,000 seeded aligned and unaligned addresses`, () => {
				const { heap, buffer } = staticHeap()
				const random = new SeededRandom(1000 + size)
				const bytes = random.bytes(heapSize)
				new Uint8Array(buffer).set(bytes)
				const dataView = new DataView(buffer)
				for (let i = 0; i < 2000; i++) {
					const aligned = i % 2 === 0
					let address = random.int(0, heapSize - size + 1)
					if (aligned) address -= address % size
					if (element.kind === 'pointer53') {
						// Keep the stored uint64 within the pointer53 range: its top 11 bits must be 0.
						dataView.setUint8(address + 7, 0)
						dataView.setUint8(address + 6, dataView.getUint8(address + 6) & 0x1f)
					}
					expectSame(callMethod(heap, read, address), referenceRead(dataView, element, address), `${read}(${address})`)
				}
			})

			it(`${write} produces the bytes of a TypedArray assignment (random values, aligned and unaligned)`, () => {
				const { heap, buffer } = staticHeap()
				const random = new SeededRandom(2000 + size)
				const bytes = new Uint8Array(buffer)
				for (let i = 0; i < 2000; i++) {
					const value = randomInput(element, random)
					const address = random.int(0, heapSize - size + 1)
					callMethod(heap, write, address, value)
					expect([...bytes.subarray(address, address + size)], `${write}(${address}, ${value})`).to.deep.equal([
						...referenceBytes(element, value),
					])
				}
			})

			it(`${write} converts the boundary samples exactly as TypedArray assignment does`, () => {
				const { heap, buffer } = staticHeap()
				const bytes = new Uint8Array(buffer)
				for (const value of conversionInputs(element)) {
					callMethod(heap, write, 3, value)
					expect([...bytes.subarray(3, 3 + size)], `${write}(3, ${String(value)})`).to.deep.equal([
						...referenceBytes(element, value),
					])
					const expected = referenceRead(new DataView(buffer), element, 3)
					expect(callMethod(heap, read, 3)).to.deep.equal(expected)
				}
			})

			it(`${read} and ${write} at the first and last addresses of the heap`, () => {
				const { heap, buffer } = staticHeap()
				const sample = exactSamples(element)[0]!
				for (const address of [0, heapSize - size]) {
					new Uint8Array(buffer).fill(0xa5)
					callMethod(heap, write, address, sample)
					expect([...new Uint8Array(buffer, address, size)], `${write}(${address})`).to.deep.equal([...referenceBytes(element, sample)])
					expect(callMethod(heap, read, address)).to.deep.equal(convertAsStored(element, sample))
				}
			})

			it(`${readAtomic} / ${writeAtomic} round-trip on a SharedArrayBuffer and agree with the plain accessors`, () => {
				const { heap, buffer } = staticHeap(true)
				const random = new SeededRandom(3000 + size)
				for (const value of [...conversionInputs(element), ...Array.from({ length: 200 }, () => randomInput(element, random))]) {
					const address = random.int(0, heapSize / size) * size
					callMethod(heap, writeAtomic, address, value)
					expect([...new Uint8Array(buffer, address, size)], `${writeAtomic}(${address}, ${String(value)})`).to.deep.equal([
						...referenceBytes(element, value),
					])
					const plain = callMethod(heap, read, address)
					expect(callMethod(heap, readAtomic, address)).to.deep.equal(plain)
				}
			})

			it(`${readAtomic} / ${writeAtomic} also work on a non-shared ArrayBuffer`, () => {
				const { heap } = staticHeap(false)
				const value = exactSamples(element)[0]!
				callMethod(heap, writeAtomic, size * 5, value)
				expect(callMethod(heap, readAtomic, size * 5)).to.deep.equal(callMethod(heap, read, size * 5))
			})

			if (size > 1) {
				it(`atomics and ${view} reject a misaligned address with a RangeError`, () => {
					const { heap, buffer } = staticHeap(true)
					const before = snapshot(buffer)
					expect(() => callMethod(heap, readAtomic, size + 1)).to.throw(RangeError, `${named('readAtomic')}: address ${size + 1} is not aligned to ${size} bytes`)
					expect(() => callMethod(heap, writeAtomic, size + 1, exactSamples(element)[0])).to.throw(RangeError, 'not aligned')
					expect(() => callMethod(heap, view, size + 1, 2)).to.throw(RangeError, 'not aligned')
					expect(snapshot(buffer)).to.deep.equal(before)
				})
			}

			it(`${read}, ${write}, ${readAtomic}, ${writeAtomic} and ${view} reject the fixed list of bad addresses with a RangeError naming method, address, size and heap size, changing nothing`, () => {
				const { heap, buffer } = staticHeap(true)
				new Uint8Array(buffer).set(new SeededRandom(7).bytes(heapSize))
				const before = snapshot(buffer)
				const value = exactSamples(element)[0]!
				const methodKeys: Record<string, keyof NormalizedElement['methods']> = { [read]: 'read', [write]: 'write', [readAtomic]: 'readAtomic', [writeAtomic]: 'writeAtomic', [view]: 'view' }
				for (const address of badAddresses(heapSize)) {
					for (const [method, args] of [
						[read, [address]],
						[write, [address, value]],
						[readAtomic, [address]],
						[writeAtomic, [address, value]],
						[view, [address, 1]],
					] as const) {
						expectAddressRangeError(() => callMethod(heap, method, ...args), errorName(element, methodKeys[method]!), address, size, heapSize)
					}
				}
				expect(snapshot(buffer)).to.deep.equal(before)
			})

			it(`${read} rejects an access whose last byte lies past the end of the heap`, () => {
				const { heap } = staticHeap()
				if (size === 1) return expect(() => callMethod(heap, read, heapSize)).to.throw(RangeError)
				expect(() => callMethod(heap, read, heapSize - size + 1)).to.throw(
					RangeError,
					`${withArticle(`${size}-byte`)} access must end within the heap of ${heapSize} bytes`,
				)
			})

			it(`${read} and ${writeAtomic} reject non-number addresses with a TypeError`, () => {
				const { heap } = staticHeap()
				for (const address of ['8', 8n, undefined, null, {}]) {
					expect(() => callMethod(heap, read, address), `${read}(${String(address)})`).to.throw(TypeError, 'address must be a number')
					expect(() => callMethod(heap, writeAtomic, address, exactSamples(element)[0])).to.throw(TypeError)
				}
			})

			it(`${write} and ${writeAtomic} reject a value of the wrong JS type with a TypeError, writing nothing`, () => {
				const { heap, buffer } = staticHeap()
				const before = snapshot(buffer)
				const wrong = wrongTypeValueOf(element)
				expect(() => callMethod(heap, write, 16, wrong)).to.throw(TypeError)
				expect(() => callMethod(heap, writeAtomic, 16, wrong)).to.throw(TypeError)
				expect(snapshot(buffer)).to.deep.equal(before)
			})

			if (!hasViewConstructor(element)) {
				it(`${view} throws a TypeError naming ${element.viewConstructor}, which this engine lacks, once its arguments are valid`, () => {
					const { heap } = staticHeap()
					expect(() => callMethod(heap, view, size * 10, 7)).to.throw(TypeError, `${view}: this engine has no ${element.viewConstructor}`)
					expect(() => callMethod(heap, view, -1, 7)).to.throw(RangeError, `${view}: address -1`)
					expect(() => callMethod(heap, view, 0, '3')).to.throw(TypeError, 'element count must be a number')
				})
				return
			}

			it(`${view} returns a ${element.viewConstructor} over exactly the requested elements`, () => {
				const { heap, buffer } = staticHeap()
				new Uint8Array(buffer).set(new SeededRandom(11).bytes(heapSize))
				const address = size * 10
				const result = callMethod(heap, view, address, 7) as ArrayLike<unknown> & { buffer: ArrayBufferLike; byteOffset: number }
				expect(result).to.be.instanceOf(typedArrayConstructor(element.viewConstructor))
				expect(result.length).to.equal(7)
				expect(result.byteOffset).to.equal(address)
				expect(result.buffer).to.equal(buffer)
				expect(callMethod(heap, view, heapSize - size * 3, 3)).to.have.length(3)
				expect(callMethod(heap, view, 0, 0)).to.have.length(0)
				expect(() => callMethod(heap, view, heapSize - size * 3, 4)).to.throw(RangeError, 'out of range')
				for (const count of [-1, 1.5, Number.NaN, 2 ** 53]) {
					expect(() => callMethod(heap, view, 0, count), `count ${count}`).to.throw(RangeError)
				}
				expect(() => callMethod(heap, view, 0, '3')).to.throw(TypeError, 'element count must be a number')
			})
		})
	}
})

describe('value conversion details', () => {
	it('float atomics move exact bit patterns (-0, NaN, subnormals)', () => {
		const { heap, buffer } = staticHeap(true)
		const dataView = new DataView(buffer)
		heap.writeFloat64Atomic(8, -0)
		expect(Object.is(heap.readFloat64Atomic(8), -0)).to.equal(true)
		expect(dataView.getBigUint64(8, true)).to.equal(0x8000000000000000n)
		heap.writeFloat64Atomic(8, 5e-324)
		expect(heap.readFloat64Atomic(8)).to.equal(5e-324)
		heap.writeFloat32Atomic(16, Number.NaN)
		expect(heap.readFloat32Atomic(16)).to.be.NaN
		heap.writeFloat32Atomic(16, 1.4e-45)
		expect(heap.readFloat32Atomic(16)).to.equal(Math.fround(1.4e-45))
	})

	it('pointer53 writes reject values that are not safe non-negative integers, writing nothing', () => {
		const { heap, buffer } = staticHeap()
		const before = snapshot(buffer)
		for (const value of [-1, 1.5, 2 ** 53, Number.NaN, Number.POSITIVE_INFINITY]) {
			expect(() => heap.writePointer53(8, value), String(value)).to.throw(RangeError, 'not a valid pointer53 value')
			expect(() => heap.writePointer53Atomic(8, value), String(value)).to.throw(RangeError, 'not a valid pointer53 value')
		}
		expect(() => heap.writePointer53(8, 5n as unknown as number)).to.throw(TypeError)
		expect(snapshot(buffer)).to.deep.equal(before)
	})

	it('pointer53 reads reject stored values above 2^53 - 1, naming the address and the value', () => {
		const { heap } = staticHeap()
		heap.writeBigUint64(8, 2n ** 53n)
		expect(() => heap.readPointer53(8)).to.throw(RangeError, 'address 8 holds 9007199254740992')
		expect(() => heap.readPointer53Atomic(8)).to.throw(RangeError, 'above the largest pointer53 value')
		heap.writeBigUint64(8, 2n ** 53n - 1n)
		expect(heap.readPointer53(8)).to.equal(2 ** 53 - 1)
		expect(heap.readPointer53Atomic(8)).to.equal(2 ** 53 - 1)
	})

	it('aliases behave as the rows they alias', () => {
		const { heap } = staticHeap()
		heap.writePointer32(4, -1)
		expect(heap.readUint32(4)).to.equal(2 ** 32 - 1)
		expect(heap.readPointer32(4)).to.equal(heap.readUint32(4))
		heap.writePointer64(8, -1n)
		expect(heap.readPointer64(8)).to.equal(2n ** 64n - 1n)
		expect(heap.viewPointer32Array(4, 1)).to.be.instanceOf(Uint32Array)
		expect(heap.viewPointer64Array(8, 1)).to.be.instanceOf(BigUint64Array)
		expect(heap.viewPointer53Array(8, 1)).to.be.instanceOf(BigUint64Array)
	})
})

describe('wide unsigned integers', () => {
	for (const wide of normalizeWideIntegers(wideIntegerRows)) {
		describe(wide.name, () => {
			it(`${wide.read}/${wide.write} round-trip seeded values as little-endian 64-bit words`, () => {
				const { heap, buffer } = staticHeap()
				const dataView = new DataView(buffer)
				const random = new SeededRandom(wide.bits)
				const limit = 1n << BigInt(wide.bits)
				for (let i = 0; i < 500; i++) {
					let value = 0n
					for (let word = 0; word < wide.wordCount; word++) value |= random.bits64() << BigInt(64 * word)
					if (i === 0) value = 0n
					if (i === 1) value = limit - 1n
					const address = random.int(0, heapSize - wide.byteSize + 1)
					callMethod(heap, wide.write, address, value)
					let expected = 0n
					for (let word = wide.wordCount - 1; word >= 0; word--) {
						expected = (expected << 64n) | dataView.getBigUint64(address + 8 * word, true)
					}
					expect(expected).to.equal(value)
					expect(callMethod(heap, wide.read, address)).to.equal(value)
				}
			})

			it('rejects values outside [0, 2^n) and non-bigints, writing nothing', () => {
				const { heap, buffer } = staticHeap()
				const before = snapshot(buffer)
				expect(() => callMethod(heap, wide.write, 0, -1n)).to.throw(RangeError, `unsigned ${wide.bits}-bit range`)
				expect(() => callMethod(heap, wide.write, 0, 1n << BigInt(wide.bits))).to.throw(RangeError)
				expect(() => callMethod(heap, wide.write, 0, 5)).to.throw(TypeError, 'must be a bigint')
				for (const address of badAddresses(heapSize)) {
					expect(() => callMethod(heap, wide.write, address, 1n)).to.throw(RangeError, `${wide.byteSize}-byte access`)
					expect(() => callMethod(heap, wide.read, address)).to.throw(RangeError, `${wide.read}: address`)
				}
				expect(snapshot(buffer)).to.deep.equal(before)
			})
		})
	}
})
