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
