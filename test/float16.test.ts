/**
 * Float16: the exact conversion (against an independent nearest-half search, and
 * against the engine's Float16Array where it has one: Node 24, current browsers), and
 * every member on a heap. CI runs this file on Node 20 (no Float16Array: views throw)
 * and on Node 24 (real Float16Array views).
 */
import { expect } from 'chai'
import { bitsToFloat16, float16ToBits } from '../src/conversions.js'
import { hasDataViewFloat16, type DataViewWithFloat16 } from '../src/globalConstructors.js'
import { createWasmHeapManager, defineStruct, Float16ArrayRef, Float16Ref } from '../src/index.js'
import { SeededRandom } from './support/heaps.js'

type Float16ArrayConstructor = new (buffer: ArrayBufferLike, byteOffset?: number, length?: number) => ArrayLike<number> & { [index: number]: number; readonly buffer: ArrayBufferLike }
const EngineFloat16Array = (globalThis as { Float16Array?: Float16ArrayConstructor }).Float16Array

/** Every finite non-negative half, by bits 0..0x7bff, computed from the definition. */
const finiteHalves = Array.from({ length: 0x7c00 }, (_, bits) => {
	const exponent = bits >> 10
	const fraction = bits & 0x3ff
	return exponent === 0 ? fraction * 2 ** -24 : (1 + fraction / 1024) * 2 ** (exponent - 15)
})

/** The half nearest `value`, ties to the even bit pattern, by binary search over `finiteHalves`. */
function referenceBits(value: number): number {
	if (Number.isNaN(value)) return 0x7e00
	const sign = value < 0 || Object.is(value, -0) ? 0x8000 : 0
	const magnitude = Math.abs(value)
	// Halfway between the largest finite half (65504) and 65536 rounds to infinity.
	if (magnitude >= 65520) return sign | 0x7c00
	let low = 0
	let high = finiteHalves.length - 1
	while (low < high) {
		const middle = (low + high + 1) >> 1
		if (finiteHalves[middle]! <= magnitude) low = middle
		else high = middle - 1
	}
	const below = low
	if (finiteHalves[below] === magnitude || below === finiteHalves.length - 1) return sign | below
	const downError = magnitude - finiteHalves[below]!
	const upError = finiteHalves[below + 1]! - magnitude
	const nearest = downError < upError ? below : upError < downError ? below + 1 : below % 2 === 0 ? below : below + 1
	return sign | nearest
}

describe('Float16', () => {
	describe('conversion', () => {
		it('bitsToFloat16 decodes all 65,536 patterns by the definition, and float16ToBits gives every non-NaN pattern back', () => {
			for (let bits = 0; bits < 0x10000; bits++) {
				const value = bitsToFloat16(bits)
				const exponent = (bits >> 10) & 0x1f
				if (exponent === 0x1f && (bits & 0x3ff) !== 0) {
					expect(Number.isNaN(value), `0x${bits.toString(16)}`).to.equal(true)
					expect(float16ToBits(value) & 0x7e00).to.equal(0x7e00)
					continue
				}
				const magnitude = exponent === 0x1f ? Infinity : finiteHalves[bits & 0x7fff]!
				expect(Object.is(value, bits & 0x8000 ? -magnitude : magnitude), `0x${bits.toString(16)}`).to.equal(true)
				expect(float16ToBits(value)).to.equal(bits)
			}
		})

		it('rounds 200,000 random doubles, every midpoint and its neighbouring doubles, and the edges to the nearest half, ties to even', () => {
			const random = new SeededRandom(1616)
			const values = [65504, 65519.99, 65520, 2 ** -25, 2 ** -25 + 2 ** -60, 2 ** -26, 1e-10, 1 + 2 ** -11, 1 + 3 * 2 ** -11, -0, Infinity, -Infinity]
			// Each midpoint, and the doubles either side of it (one unit in the last place of the
			// double: the rounding then hangs on the double's lowest bit alone).
			const doubles = new Float64Array(1)
			const doubleBits = new BigInt64Array(doubles.buffer)
			const nextTo = (value: number, step: bigint): number => {
				doubles[0] = value
				doubleBits[0]! += step
				return doubles[0]!
			}
			for (let bits = 0; bits < 0x7bff; bits++) {
				const midpoint = (finiteHalves[bits]! + finiteHalves[bits + 1]!) / 2
				values.push(midpoint, nextTo(midpoint, 1n), nextTo(midpoint, -1n), -nextTo(midpoint, 1n))
			}
			for (let i = 0; i < 200_000; i++) {
				const scale = 2 ** (random.int(0, 45) - 28)
				values.push((random.next() * 2 - 1) * scale)
			}
			for (const value of values) {
				expect(float16ToBits(value), String(value)).to.equal(referenceBits(value))
			}
		})

		it('agrees with the engine Float16Array where there is one', function () {
			if (EngineFloat16Array === undefined) {
				// CI's Node 24 run (REQUIRE_MEMORY64=1, `npm run test:memory64`) must compare, not skip.
				if (process.env.REQUIRE_MEMORY64 === '1') expect.fail(`${process.version} has no Float16Array`)
				console.log(`      [float16] ${process.version}: no Float16Array here; compared with the reference search only`)
				return this.skip()
			}
			const halves = new EngineFloat16Array(new ArrayBuffer(2), 0, 1)
			const random = new SeededRandom(2424)
			for (let i = 0; i < 100_000; i++) {
				const value = (random.next() * 2 - 1) * 2 ** (random.int(0, 45) - 28)
				halves[0] = value
				expect(float16ToBits(value)).to.equal(new Uint16Array(halves.buffer as ArrayBuffer)[0])
			}
		})
	})

	describe("the engine's own DataView accessors", () => {
		const prototype = DataView.prototype as Partial<DataViewWithFloat16>
		const engineHasThem = typeof prototype.getFloat16 === 'function'
		/** Whether `bits` are a half NaN's: every exponent bit set, and a fraction. */
		const isNaNPattern = (bits: number): boolean => (bits & 0x7c00) === 0x7c00 && (bits & 0x3ff) !== 0
		/** A NaN whose sign bit is set, made from its bits (whether `-NaN` sets it is up to the engine). */
		const negativeNaN = new Float64Array(new BigUint64Array([0xfff8000000000000n]).buffer)[0]!

		it('are used where DataView has them, and the Uint16 bits elsewhere', () => {
			expect(hasDataViewFloat16).to.equal(engineHasThem)
			if (process.env.REQUIRE_MEMORY64 === '1') expect(hasDataViewFloat16, `${process.version} has no DataView.prototype.getFloat16`).to.equal(true)
			const heap = createWasmHeapManager(new WebAssembly.Memory({ initial: 1 }))
			const Half = defineStruct('Half', { h: 'Float16', k: 'Uint16' })
			const ref = heap.allocFloat16()
			const array = heap.allocFloat16Array(4)
			const struct = heap.allocStruct(Half)
			// Each plain member once, counting the calls of the engine's accessors (where they exist).
			const members: [string, () => unknown][] = [
				['writeFloat16', () => heap.writeFloat16(ref.address, 1.5)],
				['readFloat16', () => heap.readFloat16(ref.address)],
				['value setter', () => (ref.value = 2.5)],
				['value getter', () => ref.value],
				['write', () => ref.write(3.5)],
				['read', () => ref.read()],
				['writeAt', () => array.writeAt(1, 4.5)],
				['readAt', () => array.readAt(1)],
				['struct field setter', () => (struct.h = 5.5)],
				['struct field getter', () => struct.h],
				['readStruct', () => heap.readStruct(Half, struct.address)],
			]
			const counts = { get: 0, set: 0 }
			const { getFloat16, setFloat16 } = prototype
			if (engineHasThem) {
				prototype.getFloat16 = function (this: DataView, ...args: [number, boolean?]) {
					counts.get++
					return getFloat16!.apply(this, args)
				}
				prototype.setFloat16 = function (this: DataView, ...args: [number, number, boolean?]) {
					counts.set++
					return setFloat16!.apply(this, args)
				}
			}
			try {
				for (const [name, member] of members) {
					const before = counts.get + counts.set
					member()
					expect(counts.get + counts.set - before, name).to.equal(engineHasThem ? 1 : 0)
				}
			} finally {
				if (engineHasThem) Object.assign(prototype, { getFloat16, setFloat16 })
			}
			expect([heap.readFloat16(ref.address), array.readAt(1), struct.h]).to.deep.equal([3.5, 4.5, 5.5])
		})

		it('store the same bits as float16ToBits and read the same values as bitsToFloat16; a NaN as a quiet NaN', () => {
			const memory = new WebAssembly.Memory({ initial: 1 })
			const heap = createWasmHeapManager(memory)
			const halves = new Uint16Array(memory.buffer, 0, 2)
			const random = new SeededRandom(1624)
			const values = [negativeNaN, Number.NaN, -0, 0, Infinity, -Infinity, 65520, -65519.99, 2 ** -25, -(2 ** -25), 2 ** -24 * 1.5]
			for (let i = 0; i < 50_000; i++) values.push((random.next() * 2 - 1) * 2 ** (random.int(0, 45) - 28))
			for (const value of values) {
				heap.writeFloat16(0, value)
				if (Number.isNaN(value)) expect(isNaNPattern(halves[0]!), String(value)).to.equal(true)
				else expect(halves[0], String(value)).to.equal(float16ToBits(value))
			}
			// The conversion: one pattern for every NaN. The engine's own setFloat16 stores a NaN
			// as it does (V8 keeps the sign bit and the payload).
			expect([float16ToBits(negativeNaN), float16ToBits(Number.NaN), float16ToBits(Infinity - Infinity)]).to.deep.equal([0x7e00, 0x7e00, 0x7e00])
			heap.writeFloat16(0, negativeNaN)
			expect(isNaNPattern(halves[0]!)).to.equal(true)
			if (!hasDataViewFloat16) expect(halves[0]).to.equal(0x7e00)
			for (let bits = 0; bits < 0x10000; bits++) {
				halves[0] = bits
				const read = heap.readFloat16(0)
				const expected = bitsToFloat16(bits)
				if (Number.isNaN(expected)) {
					expect(Number.isNaN(read), `0x${bits.toString(16)}`).to.equal(true)
					// Written back: a NaN (0x7e00 through the conversion; V8's accessors keep the bits).
					heap.writeFloat16(2, read)
					expect(isNaNPattern(halves[1]!), `0x${bits.toString(16)}`).to.equal(true)
					if (!hasDataViewFloat16) expect(halves[1], `0x${bits.toString(16)}`).to.equal(0x7e00)
				} else {
					expect(Object.is(read, expected), `0x${bits.toString(16)}`).to.equal(true)
				}
			}
		})
	})

	describe('on a heap', () => {
		const memory = new WebAssembly.Memory({ initial: 1, maximum: 4, shared: true })
		let next = 1024
		const heap = createWasmHeapManager(() => memory.buffer, (size) => ((next += Math.ceil(Number(size) / 16) * 16), next), () => {})
		const bytes = () => new Uint16Array(memory.buffer)

		it('readFloat16/writeFloat16 store the rounded bits at any alignment', () => {
			heap.writeFloat16(33, 1 / 3)
			expect(new DataView(memory.buffer).getUint16(33, true)).to.equal(0x3555)
			expect(heap.readFloat16(33)).to.equal(0.333251953125)
			heap.writeFloat16(40, 1e6)
			expect(heap.readFloat16(40)).to.equal(Infinity)
		})

		it('readFloat16Atomic/writeFloat16Atomic go through Uint16 bits and need 2-byte alignment', () => {
			heap.writeFloat16Atomic(64, -0)
			expect(bytes()[32]).to.equal(0x8000)
			expect(Object.is(heap.readFloat16Atomic(64), -0)).to.equal(true)
			expect(() => heap.readFloat16Atomic(65)).to.throw(RangeError, /readFloat16Atomic: address 65 is not aligned to 2 bytes/)
		})

		it('Float16Ref and Float16ArrayRef', () => {
			const ref: Float16Ref = heap.allocFloat16()
			ref.value = 2.5
			expect([ref.value, ref.read(), bytes()[ref.address / 2]]).to.deep.equal([2.5, 2.5, 0x4100])
			const array: Float16ArrayRef = heap.allocFloat16Array([0.1, 65504, 5.960464477539063e-8])
			expect([0, 1, 2].map((index) => array.readAt(index))).to.deep.equal([0.0999755859375, 65504, 5.960464477539063e-8])
			array.writeAtomicAt(0, 3)
			expect(array.readAtomicAt(0)).to.equal(3)
			array.writeAt(1, -65504)
			expect(bytes()[array.address / 2 + 1]).to.equal(0xfbff)
			expect(array.bytesPerElement).to.equal(2)
			ref.writeAtomic(0.5)
			expect([ref.readAtomic(), bytes()[ref.address / 2]]).to.deep.equal([0.5, 0x3800])
		})

		it('wrapFloat16 and wrapFloat16Array see what C wrote', () => {
			new DataView(memory.buffer).setUint16(2000, 0x3c00, true) // 1.0
			new DataView(memory.buffer).setUint16(2002, 0xc000, true) // -2.0
			expect(heap.wrapFloat16(2001 - 1).value).to.equal(1)
			const wrapped = heap.wrapFloat16Array(2000, 2)
			expect([wrapped.readAt(0), wrapped.readAt(1), wrapped.elementCount]).to.deep.equal([1, -2, 2])
			expect(() => heap.wrapFloat16Array(2001, 1)).to.throw(RangeError, /wrapFloat16Array: address 2001 is not aligned to 2 bytes/)
		})

		it('allocFloat16Array converts every value before allocating', () => {
			const before = next
			expect(() => heap.allocFloat16Array([1, 2n as unknown as number])).to.throw(TypeError, /allocFloat16Array/)
			expect(next).to.equal(before)
		})

		it('viewFloat16Array is a real Float16Array where the engine has one, and otherwise a TypeError naming the global', () => {
			const array = heap.allocFloat16Array([1.5, -2])
			if (EngineFloat16Array === undefined) {
				expect(() => heap.viewFloat16Array(array.address, 2)).to.throw(TypeError, /viewFloat16Array: this engine has no Float16Array/)
				expect(() => array.view).to.throw(TypeError, /Float16Array/)
				return
			}
			const view = heap.viewFloat16Array(array.address, 2)
			expect(view).to.be.instanceOf(EngineFloat16Array)
			expect([view[0], view[1]]).to.deep.equal([1.5, -2])
			expect(array.view).to.be.instanceOf(EngineFloat16Array)
		})
	})
})
