/**
 * A memory64 allocator (it takes and returns `bigint`s) whose address is no safe integer:
 * above 2^53 - 1, or negative (an i64 of 2^63 or more, read as signed). The error said only
 * `the allocator returned 1152921504606846976n`; it now says why the address is refused. No
 * heap reaches such an address, so it names no block of this heap: it is not given to the
 * deallocator, nothing else was allocated, the heap and the allocation table are unchanged,
 * and the manager keeps working. On the first call (the kinds not learned yet) and later.
 */
import { expect } from 'chai'
import { createWasmHeapManager } from '../src/index.js'
import { caught } from './support/dynamic.js'
import { loadWasiFixture } from './support/fixtures.js'
import { snapshot } from './support/heaps.js'

describe('a memory64 allocator that returns an address no heap reaches', () => {
	const unsafe: readonly bigint[] = [2n ** 53n, 2n ** 53n + 1n, 2n ** 60n + 7n, -8n, -(2n ** 63n)]
	for (const returned of unsafe) {
		it(`${returned}n: the error says what was returned and why it is refused; the deallocator is not called, nothing changes`, () => {
			const memory = new WebAssembly.Memory({ initial: 1, maximum: 2 })
			let next = returned
			let bump = 1024n
			const sizes: bigint[] = []
			const frees: unknown[][] = []
			const malloc = (size: bigint, alignment: bigint): bigint => {
				if (typeof size !== 'bigint' || typeof alignment !== 'bigint') throw new TypeError('Cannot convert 16 to a BigInt')
				sizes.push(size)
				if (next !== 0n) {
					const address = next
					next = 0n
					return address
				}
				const address = bump
				bump += 64n
				return address
			}
			const heap = createWasmHeapManager(() => memory.buffer, malloc, (...args: unknown[]) => void frees.push(args), { trackAllocations: true })
			const before = snapshot(memory)
			const reason =
				returned < 0n
					? 'negative (an i64 address of 2^63 or more, read as signed)'
					: 'above 2^53 - 1, the largest address a number holds exactly'
			const expected = (method: string, byteSize: number): string =>
				`${method}: allocating ${byteSize} bytes failed: the allocator returned ${returned}n, which is ${reason}: ` +
				'no heap reaches it (a heap has fewer than 2^53 bytes), so it is no block of this heap, and it was not given to the deallocator'
			const check = (method: string, byteSize: number, call: () => unknown): void => {
				const error = caught(call) as Error & { code?: string }
				expect(error.constructor, method).to.equal(Error)
				expect(error.code, method).to.equal('ERR_HEAP_ALLOCATION_FAILED')
				expect(error.message).to.equal(expected(method, byteSize))
				expect(frees, 'nothing given to the deallocator').to.deep.equal([])
				expect(heap.allocatedRefs).to.deep.equal([])
				expect(Buffer.compare(snapshot(memory), before)).to.equal(0)
			}
			// first call: the manager learns the kinds from it
			check('allocInt32', 4, () => heap.allocInt32())
			// once known, through the other allocating members
			next = returned
			check('allocate', 24, () => heap.allocate(24, 8))
			next = returned
			check('allocFloat64Array', 32, () => heap.allocFloat64Array([1, 2, 3, 4]))
			next = returned
			check('allocNullTerminatedUtf8String', 3, () => heap.allocNullTerminatedUtf8String('ab'))
			// the manager keeps working: the next allocation is a real one, freed with a bigint address
			const ref = heap.allocInt32(7)
			expect(ref.address).to.equal(1024)
			expect(ref.value).to.equal(7)
			ref.free()
			expect(frees).to.deep.equal([[1024n, 4n, 4n]])
			expect(sizes.length).to.equal(5)
		})
	}

	it('2^53 - 1 is a safe address: past this heap, it is the out-of-range error, and the block is given back', () => {
		const memory = new WebAssembly.Memory({ initial: 1, maximum: 2 })
		const frees: unknown[][] = []
		const heap = createWasmHeapManager(() => memory.buffer, (size: bigint) => (typeof size === 'bigint' ? 2n ** 53n - 1n : (() => { throw new TypeError('BigInt') })()), (...args: unknown[]) => void frees.push(args))
		expect(caught(() => heap.allocate(1, 1)).message).to.match(/^allocate: allocating 1 byte failed: the allocator returned address 9007199254740991, but the region does not fit in the heap/)
		expect(frees).to.deep.equal([[2n ** 53n - 1n, 1n, 1n]])
	})
})

describe("a wasm32 malloc's address of 2 GiB or more, which arrives as a negative i32", () => {
	// Real C: the wasi build's dlmalloc, pushed past 2 GiB (a 2 GiB block, then 1 MiB to cross
	// the line): its next blocks lie above 2^31, and its i32 result reads negative in JavaScript.
	it('is read unsigned: allocated, written, read by C, freed back to malloc (it was refused, and leaked)', async () => {
		const { exports, memory } = await loadWasiFixture()
		exports.malloc(2 ** 31 - 2 ** 20)
		exports.malloc(2 ** 20)
		const probe = exports.malloc(16)
		exports.free(probe)
		expect(probe, "malloc's next block").to.be.lessThan(0)
		const frees: number[] = []
		const heap = createWasmHeapManager(() => memory.buffer, exports.malloc, (address: number) => (frees.push(address), exports.free(address)), { trackAllocations: true })
		const array = heap.allocInt32Array([5, -7, 11, 2 ** 30])
		expect(array.address).to.equal(probe >>> 0)
		expect(array.address).to.be.greaterThan(2 ** 31)
		expect(exports.sum_i32(array.address, 4)).to.equal(5 - 7 + 11 + 2 ** 30)
		expect(new DataView(memory.buffer).getInt32(array.address + 4, true)).to.equal(-7)
		const value = heap.allocFloat64(0.5)
		expect(value.address).to.be.greaterThan(2 ** 31)
		expect(heap.allocatedRefs).to.have.length(2)
		array.free()
		value.free()
		expect(frees).to.deep.equal([probe >>> 0, value.address])
		// given back: malloc hands the same block out again
		expect(exports.malloc(16)).to.equal(probe)
	})

	it("a negative number whose unsigned reading is past the heap: refused saying so, not given back, nothing changed", () => {
		const memory = new WebAssembly.Memory({ initial: 1, maximum: 2 })
		const frees: unknown[] = []
		let result = -8
		const heap = createWasmHeapManager(() => memory.buffer, () => result, (address: number) => void frees.push(address))
		const before = snapshot(memory)
		const error = caught(() => heap.allocInt32()) as Error & { code?: string }
		expect(error.constructor).to.equal(Error)
		expect(error.code).to.equal('ERR_HEAP_ALLOCATION_FAILED')
		expect(error.message).to.equal(
			"allocInt32: allocating 4 bytes failed: the allocator returned -8, a negative address; read unsigned, as a wasm32 malloc's i32 of 2 GiB or more is, it is 4294967288, which is not within the heap of 65536 bytes: it is no block of this heap, and it was not given to the deallocator",
		)
		// not an i32 (below -2^31, or not an integer): refused as before
		for (const bad of [-(2 ** 31) - 8, -1.5]) {
			result = bad
			expect(caught(() => heap.allocInt32()).message).to.equal(`allocInt32: allocating 4 bytes failed: the allocator returned ${bad}`)
		}
		expect(frees).to.deep.equal([])
		expect(Buffer.compare(snapshot(memory), before)).to.equal(0)
	})

	it('a negative number over a heap larger than 4 GiB, which no wasm32 module has: refused, though its unsigned reading is in the heap', () => {
		const buffer = new ArrayBuffer(5 * 2 ** 30)
		const frees: unknown[] = []
		const heap = createWasmHeapManager(() => buffer, () => -16, (address: number) => void frees.push(address))
		expect(caught(() => heap.allocInt32()).message).to.equal(
			"allocInt32: allocating 4 bytes failed: the allocator returned -16, a negative address; read unsigned, as a wasm32 malloc's i32 of 2 GiB or more is, it is 4294967280, but a heap of 5368709120 bytes is no wasm32 memory (at most 4 GiB): it is no block of this heap, and it was not given to the deallocator",
		)
		expect(frees).to.deep.equal([])
		expect(new Uint8Array(buffer, 4294967280, 4)).to.deep.equal(new Uint8Array(4))
	})
})
