/**
 * The built-in allocator (src/HeapAllocator.ts), `createHeapAllocator` and
 * `createWasmHeapManager(target)`:
 *
 * - seeded random sequences of 100,000 allocations and frees (sizes 0–64 KiB, alignments
 *   1–4096) against a model: no overlap, every region aligned and inside the heap, its
 *   bytes intact until its free, `usedByteSize` exact (each free gives back what its alloc
 *   added), `check()` passing, and once everything is freed one free block spanning the
 *   whole range;
 * - growth of a `WebAssembly.Memory` on demand and its limits; fixed ranges;
 * - attaching to the state a header with the magic number holds;
 * - 4 `worker_threads` allocating, filling, verifying and freeing on one shared memory,
 *   growing it at the same time;
 * - bad input: the error class and message, and memory unchanged.
 */
import { readFileSync } from 'node:fs'
import { runInNewContext } from 'node:vm'
import { expect } from 'chai'
import { createHeapAllocator, createWasmHeapManager, type HeapAllocator } from '../src/index.js'
import { caught, expectSameBytes, expectThrow } from './support/dynamic.js'
import { SeededRandom, snapshot } from './support/heaps.js'
import {
	barrier,
	firstDamaged,
	randomAlignment,
	startHeapAllocatorWorker,
	type AllocatorWorkerReport,
	type HeldRegion,
} from './support/heapAllocatorWorker.js'

const pageSize = 65536

/** The block `alloc(byteSize)` takes at least: an 8-byte header plus the bytes, rounded up to 8, and at least 16. */
function minimumBlock(byteSize: number): number {
	return Math.max(16, Math.ceil((byteSize + 8) / 8) * 8)
}

/** Live regions sorted by address: finds a new region's neighbours in O(log n), so every allocation is checked for overlap. */
class RegionModel {
	readonly starts: number[] = []
	readonly regions = new Map<number, { end: number; block: number; serial: number; byteSize: number }>()
	usedByteSize = 0

	/** Adds `[address, address + max(byteSize, 1))`, failing on any overlap with a live region. */
	add(address: number, byteSize: number, block: number, serial: number): void {
		const end = address + Math.max(byteSize, 1)
		let low = 0
		let high = this.starts.length
		while (low < high) {
			const middle = (low + high) >> 1
			if (this.starts[middle]! < address) low = middle + 1
			else high = middle
		}
		const before = this.starts[low - 1]
		const after = this.starts[low]
		if (before !== undefined && this.regions.get(before)!.end > address) {
			throw new Error(`region [${address}, ${end}) overlaps the live region at ${before} (to ${this.regions.get(before)!.end})`)
		}
		if (after !== undefined && after < end) throw new Error(`region [${address}, ${end}) overlaps the live region at ${after}`)
		this.starts.splice(low, 0, address)
		this.regions.set(address, { end, block, serial, byteSize })
		this.usedByteSize += block
	}

	remove(address: number): { block: number; serial: number; byteSize: number } {
		const region = this.regions.get(address)!
		this.regions.delete(address)
		let low = 0
		let high = this.starts.length
		while (low < high) {
			const middle = (low + high) >> 1
			if (this.starts[middle]! < address) low = middle + 1
			else high = middle
		}
		this.starts.splice(low, 1)
		this.usedByteSize -= region.block
		return region
	}

	get size(): number {
		return this.starts.length
	}
}

/** Sizes 0–64 KiB, spread evenly over the powers of two (so small sizes dominate, as in real programs). */
function modelSize(random: SeededRandom): number {
	if (random.next() < 0.03) return 0
	const bits = random.int(0, 17)
	return Math.min(65536, random.int(1 << Math.max(0, bits - 1), (1 << bits) + 1))
}

/** Marks a region's first and last 4 bytes with its serial number (regions of 8 bytes or more). */
function mark(bytes: DataView, address: number, byteSize: number, serial: number): void {
	if (byteSize < 8) return
	bytes.setUint32(address, serial, true)
	bytes.setUint32(address + byteSize - 4, serial ^ 0xa5a5a5a5, true)
}

function expectMarked(bytes: DataView, address: number, byteSize: number, serial: number): void {
	if (byteSize < 8) return
	expect(bytes.getUint32(address, true), `first word of the region at ${address}`).to.equal(serial)
	expect(bytes.getUint32(address + byteSize - 4, true), `last word of the region at ${address}`).to.equal((serial ^ 0xa5a5a5a5) >>> 0)
}

/**
 * The counters agree with each other and with what `alloc` can do: on a range of
 * `fixedRange` bytes (used + free), `largestFreeBlock` is exact, as `alloc` sees it: a
 * request for its size less the 8-byte header succeeds, taking exactly that block, and one
 * byte more fails. (Both change nothing the sequence depends on: the block is freed again.)
 */
function expectCountersAgree(allocator: HeapAllocator, fixedRange: number | undefined): void {
	const used = allocator.usedByteSize
	const free = allocator.freeByteSize
	const largest = allocator.largestFreeBlock
	expect(largest, 'largestFreeBlock within freeByteSize').to.be.at.most(free)
	expect(largest % 8, 'largestFreeBlock is a block size').to.equal(0)
	if (fixedRange === undefined) return
	expect(used + free, 'used + free bytes span the range').to.equal(fixedRange)
	expect(allocator.alloc(Math.max(0, largest - 7)), `alloc(${largest - 7}): larger than the largest free block`).to.equal(0)
	if (largest < 16) return
	const address = allocator.alloc(largest - 8)
	expect(address, `alloc(${largest - 8}) from the largest free block`).to.not.equal(0)
	expect(allocator.usedByteSize - used, 'the whole block').to.equal(largest)
	allocator.free(address)
	expect(allocator.usedByteSize).to.equal(used)
}

interface SequenceResult {
	allocations: number
	failures: number
	peakLive: number
}

/**
 * Runs `operations` seeded random allocations and frees on `allocator` against the model,
 * checking each step; `bufferOf()` gives the heap's current buffer. Leaves the live regions
 * in `model`.
 */
function runSequence(
	allocator: HeapAllocator,
	bufferOf: () => ArrayBufferLike,
	model: RegionModel,
	random: SeededRandom,
	operations: number,
	targetLive: number,
	fixedRange?: number,
): SequenceResult {
	let allocations = 0
	let failures = 0
	let peakLive = 0
	for (let serial = 1; serial <= operations; serial++) {
		const freeing = model.size > 0 && random.next() < (model.size >= targetLive ? 0.7 : 0.3)
		if (freeing) {
			const address = model.starts[random.int(0, model.size)]!
			const region = model.remove(address)
			expectMarked(new DataView(bufferOf()), address, region.byteSize, region.serial)
			const before = allocator.usedByteSize
			allocator.free(address, region.byteSize)
			expect(before - allocator.usedByteSize, `bytes given back by free(${address})`).to.equal(region.block)
		} else {
			const byteSize = modelSize(random)
			const alignment = random.next() < 0.7 ? undefined : 1 << random.int(0, 13)
			const before = allocator.usedByteSize
			const address = allocator.alloc(byteSize, alignment)
			allocations++
			if (address === 0) {
				failures++
				expect(allocator.usedByteSize, 'a failed alloc changes nothing').to.equal(before)
				// Sizes with the default alignment fail only when no free block can hold them.
				if (alignment === undefined) expect(allocator.largestFreeBlock).to.be.below(minimumBlock(byteSize))
				continue
			}
			const block = allocator.usedByteSize - before
			// The block is the minimum, or 8 bytes more when the rest was too small to split off.
			expect([minimumBlock(byteSize), minimumBlock(byteSize) + 8], `block of alloc(${byteSize}, ${alignment})`).to.include(block)
			expect(address % (alignment ?? 8), `alignment of alloc(${byteSize}, ${alignment}) = ${address}`).to.equal(0)
			const buffer = bufferOf()
			expect(address + byteSize, 'region end').to.be.at.most(buffer.byteLength)
			model.add(address, byteSize, block, serial)
			mark(new DataView(buffer), address, byteSize, serial)
			peakLive = Math.max(peakLive, model.size)
		}
		expect(allocator.usedByteSize, 'usedByteSize').to.equal(model.usedByteSize)
		if (serial % 500 === 0) expectCountersAgree(allocator, fixedRange)
		if (serial % 2000 === 0) allocator.check()
	}
	allocator.check()
	return { allocations, failures, peakLive }
}

/** Frees every live region of `model` in random order, verifying each, then checks the heap is one free block. */
function freeEverything(allocator: HeapAllocator, bufferOf: () => ArrayBufferLike, model: RegionModel, random: SeededRandom): void {
	while (model.size > 0) {
		const address = model.starts[random.int(0, model.size)]!
		const region = model.remove(address)
		expectMarked(new DataView(bufferOf()), address, region.byteSize, region.serial)
		allocator.free(address)
	}
	allocator.check()
	expect(allocator.usedByteSize).to.equal(0)
	expect(allocator.largestFreeBlock, 'one free block spans the range').to.equal(allocator.freeByteSize)
}

describe('createHeapAllocator: the built-in allocator', function () {
	this.timeout(120_000)

	it('a fresh heap: nothing used, one free block spanning the range, alloc(0) unique and non-null', () => {
		const buffer = new ArrayBuffer(pageSize)
		const allocator = createHeapAllocator(buffer)
		expect(allocator.usedByteSize).to.equal(0)
		expect(allocator.freeByteSize).to.be.above(pageSize - 4096).and.below(pageSize)
		expect(allocator.largestFreeBlock).to.equal(allocator.freeByteSize)
		// The README's figure for the allocator's own header: the range less it, start (16) and the 8-byte end marker.
		const headerBytes = Number(/the allocator's own header takes ([\d,]+) bytes at `start`/.exec(readFileSync(new URL('../README.md', import.meta.url), 'utf8'))![1]!.replace(',', ''))
		expect(pageSize - 16 - 8 - allocator.freeByteSize, "the header's size, as the README gives it").to.equal(headerBytes)
		const total = allocator.freeByteSize
		const zeros = [allocator.alloc(0), allocator.alloc(0), allocator.alloc(0)]
		expect(new Set(zeros).size).to.equal(3)
		for (const address of zeros) {
			expect(address).to.be.above(0)
			expect(address % 8).to.equal(0)
		}
		expect(allocator.usedByteSize).to.equal(3 * 16)
		expect(allocator.usedByteSize + allocator.freeByteSize).to.equal(total)
		for (const address of zeros) allocator.free(address)
		allocator.free(0) // like C's free(NULL)
		expect(allocator.usedByteSize).to.equal(0)
		expect(allocator.largestFreeBlock).to.equal(total)
		allocator.check()
	})

	it('default start 16 and alignment 8; the bytes below start and the regions themselves are the caller\'s', () => {
		const buffer = new ArrayBuffer(pageSize)
		new Uint8Array(buffer, 0, 16).fill(0xee)
		const allocator = createHeapAllocator(buffer)
		expect([...new Uint8Array(buffer, 0, 16)]).to.deep.equal(new Array(16).fill(0xee))
		const addresses = [1, 3, 8, 13, 100].map((byteSize) => allocator.alloc(byteSize))
		for (const address of addresses) {
			expect(address % 8).to.equal(0)
			expect(address).to.be.above(16)
		}
		// Free functions, like C's: callable detached from the allocator.
		const { alloc, free } = allocator
		const detached = alloc(24, 16)
		expect(detached % 16).to.equal(0)
		free(detached, 24, 16)
		allocator.check()
	})

	it('every alignment from 1 to 4096 is honoured, with every size class around it', () => {
		const memory = new WebAssembly.Memory({ initial: 1, maximum: 64 })
		const allocator = createHeapAllocator(memory)
		const model = new RegionModel()
		let serial = 0
		for (let shift = 0; shift <= 12; shift++) {
			const alignment = 1 << shift
			for (const byteSize of [0, 1, 7, 8, 9, 24, alignment - 1, alignment, alignment + 1, 3 * alignment]) {
				const before = allocator.usedByteSize
				const address = allocator.alloc(byteSize, alignment)
				expect(address % alignment, `alloc(${byteSize}, ${alignment})`).to.equal(0)
				expect(address + byteSize).to.be.at.most(memory.buffer.byteLength)
				model.add(address, byteSize, allocator.usedByteSize - before, ++serial)
				mark(new DataView(memory.buffer), address, byteSize, serial)
			}
		}
		allocator.check()
		expect(allocator.usedByteSize).to.equal(model.usedByteSize)
		freeEverything(allocator, () => memory.buffer, model, new SeededRandom(1))
	})

	it('100,000 seeded random allocations and frees (0–64 KiB, alignments 1–4096) on a growing memory match the model', () => {
		const memory = new WebAssembly.Memory({ initial: 1, maximum: 2048 })
		const allocator = createHeapAllocator(memory)
		const overhead = memory.buffer.byteLength - allocator.freeByteSize
		const model = new RegionModel()
		const random = new SeededRandom(16)
		const result = runSequence(allocator, () => memory.buffer, model, random, 100_000, 400)
		expect(result.failures, 'no failure while the memory can grow').to.equal(0)
		expect(result.peakLive).to.be.above(300)
		expect(memory.buffer.byteLength, 'the memory grew').to.be.above(pageSize)
		expect(allocator.usedByteSize + allocator.freeByteSize, 'the range follows the memory').to.equal(memory.buffer.byteLength - overhead)
		freeEverything(allocator, () => memory.buffer, model, random)
		expect(allocator.freeByteSize).to.equal(memory.buffer.byteLength - overhead)
	})

	it('a seeded sequence on a fixed 1 MiB ArrayBuffer: alloc returns 0 only when no free block is large enough, and recovers', () => {
		const buffer = new ArrayBuffer(1 << 20)
		const allocator = createHeapAllocator(buffer)
		const total = allocator.freeByteSize
		const model = new RegionModel()
		const random = new SeededRandom(7)
		const result = runSequence(allocator, () => buffer, model, random, 30_000, 200, total)
		expect(result.failures, 'the heap filled up at times').to.be.above(0)
		expect(buffer.byteLength).to.equal(1 << 20)
		freeEverything(allocator, () => buffer, model, random)
		expect(allocator.freeByteSize).to.equal(total)
		// After everything coalesced, the largest possible request fits again.
		const largest = allocator.alloc(total - 8)
		expect(largest).to.be.above(0)
		expect(allocator.freeByteSize).to.equal(0)
		expect(allocator.alloc(0), 'nothing left').to.equal(0)
		allocator.free(largest)
		allocator.check()
	})

	it('an aligned request is served from any free block that holds it aligned, not only from the classes its worst-case search covers', () => {
		// A full fixed heap with one free block of 3,040 bytes that contains a 4096-aligned address.
		for (const target of ['buffer', 'memory at its maximum'] as const) {
			const memory = new WebAssembly.Memory({ initial: 1, maximum: 1 })
			const allocator = createHeapAllocator(target === 'buffer' ? new ArrayBuffer(pageSize) : memory)
			const blocks: number[] = []
			for (let address = allocator.alloc(8); address !== 0; address = allocator.alloc(8)) blocks.push(address)
			const first = blocks.findIndex((address) => address > 2 * 4096 + 100) - 50
			for (const address of blocks.slice(first, first + 190)) allocator.free(address)
			const hole = blocks[first]! - 8
			expect(allocator.largestFreeBlock, target).to.equal(190 * 16)
			// A 24-byte block at 8192 - 8 leaves a free block of 696 bytes before it.
			const small = allocator.alloc(16, 4096)
			expect(small, `${target}: alloc(16, 4096) in the hole at ${hole}`).to.equal(2 * 4096)
			allocator.check()
			allocator.free(small)
			const large = allocator.alloc(2000, 4096)
			expect(large, `${target}: alloc(2000, 4096)`).to.equal(2 * 4096)
			expect(allocator.alloc(2000, 4096), 'no second one').to.equal(0)
			allocator.check()
		}
	})

	it('largestFreeBlock is exact, as alloc sees it, wherever the largest block sits: the designated victim, deep in its class\'s list', () => {
		/** A full heap over a fixed buffer, blocks of `byteSizes` (each between two in use) freed in that order; then `prepare`. */
		const heapWith = (byteSizes: number[], prepare: (allocator: HeapAllocator) => void = () => {}): HeapAllocator => {
			const allocator = createHeapAllocator(new ArrayBuffer(pageSize))
			const freed = byteSizes.map((byteSize) => {
				const address = allocator.alloc(byteSize)
				allocator.alloc(8)
				return address
			})
			while (allocator.freeByteSize >= 16) allocator.alloc(8)
			for (const address of freed) allocator.free(address)
			prepare(allocator)
			return allocator
		}
		const expectLargest = (allocator: HeapAllocator, largest: number, where: string): void => {
			expect(allocator.largestFreeBlock, where).to.equal(largest)
			expect(allocator.alloc(largest - 7), `${where}: one byte more than it holds`).to.equal(0)
			const used = allocator.usedByteSize
			expect(allocator.alloc(largest - 8), where).to.not.equal(0)
			expect(allocator.usedByteSize - used).to.equal(largest)
			allocator.check()
		}
		// A small request splits the one listed block (2,008 bytes): its rest is the victim.
		expectLargest(heapWith([2000], (allocator) => allocator.alloc(8)), 2008 - 16, 'the victim')
		// Blocks of 1,080 and then 1,056 bytes, one size class: the smaller heads the list.
		expectLargest(heapWith([1072, 1048]), 1080, 'second on its list')
	})

	it('coalesces with both neighbours: freeing in any order leaves one block', () => {
		for (const order of [
			[0, 1, 2],
			[2, 1, 0],
			[1, 0, 2],
			[0, 2, 1],
			[1, 2, 0],
			[2, 0, 1],
		]) {
			const allocator = createHeapAllocator(new ArrayBuffer(pageSize))
			const total = allocator.freeByteSize
			const addresses = [allocator.alloc(100), allocator.alloc(200), allocator.alloc(300)]
			const tail = allocator.alloc(8) // keeps the three off the end of the range
			for (const index of order) {
				allocator.free(addresses[index]!)
				allocator.check()
			}
			allocator.free(tail)
			expect(allocator.largestFreeBlock, `freed in order ${order.join(', ')}`).to.equal(total)
			// The merged space is reused: one request as large as the three blocks fits where they were.
			expect(allocator.alloc(100 + 200 + 300 + 16)).to.equal(addresses[0])
		}
	})

	it('the top, carved by small requests: a rest too small for a block goes with the last one, counted, and comes back on free', () => {
		const allocator = createHeapAllocator(new ArrayBuffer(pageSize))
		// Nothing is ever freed, so every request is carved from the top (no list, no victim).
		const blocks: number[] = []
		while (allocator.freeByteSize > 100) blocks.push(allocator.alloc(8))
		const rest = allocator.freeByteSize
		expect(rest).to.be.oneOf([88, 96])
		allocator.check()
		const used = allocator.usedByteSize
		// A block of rest - 8 bytes would leave 8, too few for a block: the request takes the whole top.
		const last = allocator.alloc(rest - 16)
		expect(last).to.equal(blocks.at(-1)! + 16)
		expect(allocator.usedByteSize).to.equal(used + rest)
		expect(allocator.freeByteSize).to.equal(0)
		expect(allocator.largestFreeBlock).to.equal(0)
		allocator.check() // the end marker no longer says that a free block precedes it
		expect(allocator.alloc(0)).to.equal(0)
		allocator.free(last)
		expect(allocator.freeByteSize).to.equal(rest)
		allocator.check()
		expect(allocator.alloc(rest - 8)).to.equal(last)
		allocator.check()
	})

	it('blocks of 2 GiB and more (sizes past 2^31) on a 3 GiB buffer: allocated, counted, merged and checked', () => {
		const GiB = 2 ** 30
		const buffer = new ArrayBuffer(3 * GiB) // pages the allocator never touches stay uncommitted
		const allocator = createHeapAllocator(buffer)
		const total = allocator.freeByteSize
		expect(total).to.be.above(2 ** 31)
		expect(allocator.largestFreeBlock).to.equal(total)
		const small = allocator.alloc(100)
		const huge = allocator.alloc(2.5 * GiB, 4096)
		expect(huge % 4096).to.equal(0)
		expect(huge + 2.5 * GiB).to.be.at.most(3 * GiB)
		expect(allocator.usedByteSize).to.be.above(2.5 * GiB)
		const bytes = new Uint8Array(buffer)
		bytes[huge] = 1
		bytes[huge + 2.5 * GiB - 1] = 2
		const after = allocator.alloc(1000) // from what is left past the huge block
		allocator.check()
		expect(allocator.alloc(GiB), 'no room for another GiB').to.equal(0)
		allocator.free(huge)
		allocator.check()
		expect(allocator.largestFreeBlock, 'the freed block, merged with the gap before it').to.be.above(2.5 * GiB)
		const again = allocator.alloc(2 * GiB + 8)
		expect(again).to.be.above(0)
		allocator.free(again)
		allocator.free(small)
		allocator.free(after)
		allocator.check()
		expect(allocator.usedByteSize).to.equal(0)
		expect(allocator.largestFreeBlock).to.equal(total)
	})

	describe('growth', () => {
		it('grows a WebAssembly.Memory on demand, only when no free block fits', () => {
			const memory = new WebAssembly.Memory({ initial: 8, maximum: 1024 })
			const allocator = createHeapAllocator(memory)
			const small = allocator.alloc(1000)
			expect(memory.buffer.byteLength, 'no growth for what fits').to.equal(8 * pageSize)
			const large = allocator.alloc(1 << 20)
			expect(large).to.be.above(0)
			expect(memory.buffer.byteLength).to.be.at.least(large + (1 << 20))
			new Uint8Array(memory.buffer, large, 1 << 20).fill(1)
			const lengthAfter = memory.buffer.byteLength
			allocator.free(large)
			// The freed megabyte serves the next large request without growing.
			expect(allocator.alloc(1 << 19)).to.be.above(0)
			expect(memory.buffer.byteLength).to.equal(lengthAfter)
			allocator.free(small)
			allocator.check()
		})

		it('a free block that serves the request is used before the memory grows: aligned requests, and a fit deep in the request\'s own class', () => {
			// One page, filled, then holes made in it: growing the memory would be a waste.
			const onePage = (): { memory: WebAssembly.Memory; allocator: HeapAllocator; blocks: number[] } => {
				const memory = new WebAssembly.Memory({ initial: 1, maximum: 100 })
				const allocator = createHeapAllocator(memory)
				const blocks: number[] = []
				return { memory, allocator, blocks }
			}
			// A 3,040-byte hole around 8192: only an address inside it is 4096-aligned with room for 2,000 bytes.
			for (const [byteSize, alignment] of [[16, 4096], [2000, 4096], [100, 64]] as const) {
				const { memory, allocator, blocks } = onePage()
				while (allocator.freeByteSize >= 16) blocks.push(allocator.alloc(8))
				const first = blocks.findIndex((address) => address > 2 * 4096 + 100) - 50
				for (const address of blocks.slice(first, first + 190)) allocator.free(address)
				const hole = blocks[first]! - 8
				const address = allocator.alloc(byteSize, alignment)
				expect(memory.buffer.byteLength, `alloc(${byteSize}, ${alignment}) grew the memory`).to.equal(pageSize)
				expect(address, `alloc(${byteSize}, ${alignment}) in the hole at ${hole}`).to.be.within(hole + 8, hole + 190 * 16 - byteSize)
				expect(address % alignment).to.equal(0)
				allocator.check()
			}
			// Default alignment: 20 free blocks of 1,008 bytes, then (21st on the list) one of 1,016
			// in the same size class, [1008, 1024); a 1,008-byte request (a 1,016-byte block) fits only the last.
			const { memory, allocator, blocks } = onePage()
			const fitting = allocator.alloc(1008)
			blocks.push(allocator.alloc(8))
			const tooSmall = Array.from({ length: 20 }, () => {
				const address = allocator.alloc(1000)
				blocks.push(allocator.alloc(8))
				return address
			})
			while (allocator.freeByteSize >= 16) blocks.push(allocator.alloc(8))
			allocator.free(fitting)
			for (const address of tooSmall) allocator.free(address)
			expect(allocator.alloc(1008), 'the one block that fits').to.equal(fitting)
			expect(memory.buffer.byteLength, 'alloc(1008) grew the memory').to.equal(pageSize)
			allocator.check()
		})

		it('small requests that never free grow a plain WebAssembly.Memory without corrupting it: unique addresses, counters exact', () => {
			// Every growth here is served to a small request with no free list and no victim, the
			// path that once read the grown block through the view of the detached buffer.
			const memory = new WebAssembly.Memory({ initial: 1, maximum: 100 })
			const allocator = createHeapAllocator(memory)
			const addresses = new Set<number>()
			for (let i = 0; i < 20_000; i++) {
				const address = allocator.alloc(24)
				expect(addresses.has(address), `allocation ${i} at ${address} is live already`).to.equal(false)
				addresses.add(address)
			}
			expect(memory.buffer.byteLength, 'the memory grew').to.be.above(8 * pageSize)
			expect(allocator.usedByteSize).to.equal(20_000 * 32)
			allocator.check()
			// The same through a manager over the bare memory: refs of small arrays, no two at one address.
			const managed = new WebAssembly.Memory({ initial: 1, maximum: 100 })
			const heap = createWasmHeapManager(managed)
			const refs = Array.from({ length: 5000 }, (_, index) => heap.allocFloat64Array([index, -index, 0.5, 1.5]))
			expect(new Set(refs.map((ref) => ref.address)).size).to.equal(5000)
			expect(refs.every((ref, index) => ref.readAt(0) === index && ref.readAt(3) === 1.5)).to.equal(true)
			createHeapAllocator(managed).check()
		})

		it('grows by at least an eighth of the memory at a time, so that growth stays rare', () => {
			const memory = new WebAssembly.Memory({ initial: 16, maximum: 64 })
			const allocator = createHeapAllocator(memory)
			const full = allocator.alloc(allocator.freeByteSize - 8)
			expect(allocator.freeByteSize, 'the heap is full').to.equal(0)
			expect(allocator.alloc(100)).to.be.above(0)
			expect(memory.buffer.byteLength / pageSize, 'grown by 16 / 8 pages, not the 1 page the request needs').to.equal(18)
			allocator.free(full)
			allocator.check()
		})

		it('stops at maximumByteSize and at the memory\'s own maximum: alloc returns 0, nothing changes, smaller requests still succeed', () => {
			for (const [memoryMaximum, maximumByteSize] of [
				[100, 4 * pageSize],
				[4, undefined],
			] as const) {
				const memory = new WebAssembly.Memory({ initial: 1, maximum: memoryMaximum })
				const allocator = createHeapAllocator(memory, { maximumByteSize })
				const cap = 4 * pageSize
				const before = allocator.usedByteSize
				expect(allocator.alloc(cap)).to.equal(0)
				expect(allocator.usedByteSize).to.equal(before)
				const addresses: number[] = []
				for (;;) {
					const address = allocator.alloc(10_000)
					if (address === 0) break
					addresses.push(address)
				}
				expect(memory.buffer.byteLength, 'grown to the cap, not past it').to.equal(cap)
				expect(addresses.length).to.be.at.least(Math.floor((cap - 8192) / 10_016))
				expect(allocator.largestFreeBlock).to.be.below(10_024)
				expect(allocator.alloc(16)).to.be.above(0)
				allocator.check()
			}
		})

		it('a memory grown by someone else (the module) is taken in when needed; a non-shared buffer\'s detach is followed', () => {
			const memory = new WebAssembly.Memory({ initial: 1, maximum: 16 })
			const allocator = createHeapAllocator(memory)
			const first = allocator.alloc(100)
			memory.grow(3) // detaches the buffer the allocator holds
			expect(allocator.usedByteSize).to.be.above(0)
			const large = allocator.alloc(3 * pageSize)
			expect(large).to.be.above(0)
			expect(memory.buffer.byteLength, 'the grown memory sufficed').to.equal(4 * pageSize)
			allocator.free(first)
			allocator.free(large)
			allocator.check()
		})

		it('end fixes the range of a memory: no growth, and the bytes past end are untouched', () => {
			const memory = new WebAssembly.Memory({ initial: 2, maximum: 16 })
			new Uint8Array(memory.buffer).fill(0x5a)
			const allocator = createHeapAllocator(memory, { start: 1000, end: pageSize })
			const before = snapshot(memory)
			expect(allocator.alloc(pageSize)).to.equal(0)
			expect(memory.buffer.byteLength).to.equal(2 * pageSize)
			const addresses: number[] = []
			for (let address = allocator.alloc(500); address !== 0; address = allocator.alloc(500)) {
				expect(address).to.be.at.least(1000)
				expect(address + 500).to.be.at.most(pageSize)
				addresses.push(address)
			}
			const after = snapshot(memory)
			expect(after.subarray(0, 1000), 'below start').to.deep.equal(before.subarray(0, 1000))
			expect(after.subarray(pageSize), 'past end').to.deep.equal(before.subarray(pageSize))
			for (const address of addresses) allocator.free(address)
			allocator.check()
		})
	})

	describe('a resizable ArrayBuffer', () => {
		type Resizable = ArrayBuffer & { resize(byteLength: number): void }
		const resizable = (byteLength: number, maxByteLength: number): Resizable =>
			new (ArrayBuffer as unknown as new (byteLength: number, options: { maxByteLength: number }) => Resizable)(byteLength, { maxByteLength })

		it('is a fixed range: the allocator does not grow it, nor take in what the user adds', () => {
			const buffer = resizable(pageSize, 4 * pageSize)
			const allocator = createHeapAllocator(buffer)
			const total = allocator.freeByteSize
			expect(allocator.alloc(pageSize)).to.equal(0)
			expect(buffer.byteLength).to.equal(pageSize)
			buffer.resize(2 * pageSize)
			expect(allocator.alloc(pageSize), 'still the range it was created over').to.equal(0)
			expect(allocator.freeByteSize).to.equal(total)
			allocator.check()
		})

		it('shrunk under the heap: every call is a RangeError naming both lengths, nothing written; usable again once resized back, and check() names what the resize cleared', () => {
			const buffer = resizable(pageSize, pageSize)
			const allocator = createHeapAllocator(buffer)
			const kept = allocator.alloc(100)
			const cut = allocator.alloc(20_000)
			new Uint8Array(buffer, kept, 100).fill(7)
			buffer.resize(cut - 8)
			const before = snapshot(buffer)
			const message = `HeapAllocator: the heap's buffer was resized to ${cut - 8} bytes, but the heap ends at ${pageSize}`
			const calls: Record<string, () => unknown> = {
				alloc: () => allocator.alloc(8),
				'alloc aligned': () => allocator.alloc(8, 64),
				free: () => allocator.free(kept),
				usedByteSize: () => allocator.usedByteSize,
				freeByteSize: () => allocator.freeByteSize,
				largestFreeBlock: () => allocator.largestFreeBlock,
				check: () => allocator.check(),
			}
			for (const [name, call] of Object.entries(calls)) {
				const error = expectThrow(call, RangeError, message) as Error & { code: string }
				expect(error.code, name).to.equal('ERR_HEAP_OUT_OF_RANGE')
			}
			expect(snapshot(buffer), 'the bytes the buffer kept').to.deep.equal(before)
			// The bytes past the shrink come back as zeros: the block that started there lost its header.
			buffer.resize(pageSize)
			expectThrow(() => allocator.check(), Error, `HeapAllocator.check: the heap is corrupted: block at ${cut - 8}: size 0 is below 16 or runs past the end marker at ${pageSize - 8}`)
			expect(allocator.usedByteSize).to.be.above(0)
			allocator.free(kept)
			expect([...new Uint8Array(buffer, kept + 8, 92)].every((byte) => byte === 7), 'the block before the shrink').to.equal(true)
		})

		it('shrunk but still past the end of the range: the allocator carries on', () => {
			const buffer = resizable(2 * pageSize, 2 * pageSize)
			const allocator = createHeapAllocator(buffer, { end: pageSize })
			const address = allocator.alloc(1000)
			buffer.resize(pageSize + 12)
			expect(allocator.usedByteSize).to.equal(1008)
			allocator.free(address)
			expect(allocator.alloc(pageSize - 4000)).to.be.above(0)
			allocator.check()
			buffer.resize(pageSize - 8)
			expectThrow(() => allocator.alloc(8), RangeError, /resized to 65528 bytes, but the heap ends at 65536/)
		})

		it('under a manager: its accesses are RangeErrors, its allocations the manager\'s Error with the allocator\'s as cause', () => {
			const buffer = resizable(pageSize, pageSize)
			const heap = createWasmHeapManager(buffer)
			const array = heap.allocInt32Array(1000)
			buffer.resize(array.address + 100)
			expectThrow(() => array.readAt(999), RangeError, /address \d+ is out of range: a 4-byte access must end within the heap of \d+ bytes/)
			const error = expectThrow(() => heap.allocInt32(), Error, /^allocInt32: allocating 4 bytes failed: the allocator threw RangeError: HeapAllocator: the heap's buffer was resized to/)
			expect((error as Error & { code: string }).code).to.equal('ERR_HEAP_ALLOCATION_FAILED')
			expect((error.cause as Error & { code: string }).code).to.equal('ERR_HEAP_OUT_OF_RANGE')
		})
	})

	describe('attaching to a heap that holds the allocator\'s state', () => {
		it('a second allocator over the same memory shares the pool: usage, frees and growth', () => {
			const memory = new WebAssembly.Memory({ initial: 1, maximum: 64 })
			const first = createHeapAllocator(memory)
			const a = first.alloc(100)
			const second = createHeapAllocator(memory, { maximumByteSize: pageSize }) // attaching: options of the range are the header's
			expect(second.usedByteSize).to.equal(first.usedByteSize)
			const b = second.alloc(200_000) // grows the memory: the first sees the new range
			expect(b).to.be.above(0)
			expect(first.freeByteSize).to.equal(second.freeByteSize)
			second.free(a)
			first.free(b)
			expect(first.usedByteSize).to.equal(0)
			first.check()
			second.check()
		})

		it('a start that is a WebAssembly.Global (a module\'s __heap_base), rounded up to 8', () => {
			const memory = new WebAssembly.Memory({ initial: 1 })
			const heapBase = new WebAssembly.Global({ value: 'i32', mutable: false }, 1234)
			const allocator = createHeapAllocator(memory, { start: heapBase })
			const address = allocator.alloc(1)
			expect(address).to.be.above(1234)
			const again = createHeapAllocator(memory, { start: 1240 })
			expect(again.usedByteSize, 'attached at the rounded start').to.equal(allocator.usedByteSize)
		})

		describe('a joining thread cannot corrupt the heap it joins', () => {
			// Each of these wrote a fresh header over the live state before: every block in use
			// became free (and would be handed out again), or the creator's header and blocks
			// were overwritten, with no error.
			const shared = () => new WebAssembly.Memory({ initial: 2, maximum: 16, shared: true })
			const live = (memory: WebAssembly.Memory) => {
				const creator = createHeapAllocator(memory, { start: 256 })
				const address = creator.alloc(100)
				new Uint8Array(memory.buffer).fill(7, address, address + 100)
				return { creator, address, used: creator.usedByteSize }
			}

			// Another thread knows of the creator only through its header in the memory: a memory
			// holding a copy of the creator's bytes, which this thread's record of the allocators it
			// created does not know, stands for that thread's view (in this thread the record
			// refuses first: 'two allocators over one memory' below).
			const elsewhere = (memory: WebAssembly.Memory): WebAssembly.Memory => {
				const pages = memory.buffer.byteLength / pageSize
				const copy = new WebAssembly.Memory({ initial: pages, maximum: 16, shared: memory.buffer instanceof SharedArrayBuffer } as WebAssembly.MemoryDescriptor)
				new Uint8Array(copy.buffer).set(new Uint8Array(memory.buffer))
				return copy
			}

			for (const start of [16, 512, 3000, 65536]) {
				it(`another start (${start}) than the creator's (256), whose header or range it overlaps, is refused with memory untouched`, () => {
					const memory = shared()
					const { creator, used } = live(memory)
					expectThrow(() => createHeapAllocator(memory, { start }), RangeError, /^createHeapAllocator: the range \[\d+, 4294967296\) overlaps the allocator at 256/)
					const joined = elsewhere(memory)
					const before = snapshot(joined)
					expectThrow(
						() => createHeapAllocator(joined, { start }),
						RangeError,
						`createHeapAllocator: a new allocator at ${start} would overlap the allocator at 256 (whose range may reach 4294967296) and corrupt its blocks: every thread that joins a heap must pass the same start (here 256); to start afresh, zero the first 16 bytes of its header`,
					)
					expectThrow(() => createWasmHeapManager(joined, { start }), RangeError, /every thread that joins a heap must pass the same start \(here 256\)/)
					expectSameBytes(snapshot(joined), before)
					const attached = createHeapAllocator(joined, { start: 256 })
					attached.check()
					expect(attached.usedByteSize).to.equal(used)
					creator.check()
					expect(creator.usedByteSize).to.equal(used)
				})
			}

			it('an allocator above one whose range may grow into it is refused; above a fixed range, and in a range of its own, it is not', () => {
				const memory = new WebAssembly.Memory({ initial: 4, maximum: 16 })
				createHeapAllocator(memory, { start: 16, end: pageSize })
				const above = createHeapAllocator(memory, { start: pageSize, end: 2 * pageSize })
				above.check()
				const other = new WebAssembly.Memory({ initial: 1, maximum: 16 })
				createHeapAllocator(other)
				other.grow(1)
				expectThrow(() => createHeapAllocator(elsewhere(other), { start: pageSize }), RangeError, /^createHeapAllocator: a new allocator at 65536 would overlap the allocator at 16 \(whose range may reach 4294967296\)/)
				const apart = elsewhere(memory)
				createHeapAllocator(apart, { start: 2 * pageSize, end: 3 * pageSize }).check()
			})

			it('a header that lost its magic number (overwritten) is refused, not initialised afresh; zeroed, the range starts afresh', () => {
				const memory = shared()
				const { address } = live(memory)
				const words = new Uint32Array(memory.buffer)
				words[256 / 4] = 0xdeadbeef
				const before = snapshot(memory)
				expectThrow(
					() => createHeapAllocator(memory, { start: 256 }),
					Error,
					"createHeapAllocator: the heap is corrupted: the allocator header at 256 lost its magic number (it reads 0xdeadbeef) but keeps its version and base: a heap in use, overwritten (a new header would free its live blocks); to start afresh, zero the header's first 16 bytes",
				)
				expectSameBytes(snapshot(memory), before)
				expect(new Uint8Array(memory.buffer)[address + 99]).to.equal(7)
				words.fill(0, 256 / 4, 256 / 4 + 4)
				const fresh = createHeapAllocator(memory, { start: 256 })
				expect(fresh.usedByteSize).to.equal(0)
				fresh.check()
			})

			it('a header whose end, growth limit, lock word or quick-block count cannot be is refused on attach', () => {
				const cases: [number, number, RegExp][] = [
					[4, 10, /^createHeapAllocator: the heap is corrupted: the allocator header at 256 records end 40$/],
					[4, 2 * pageSize / 4 + 1, /records end 131076$/],
					[5, 100, /records growth limit 400, below its end 131072$/],
					[2, 7, /records lock word 7 and 0 quick blocks$/],
					[9, 100000, /records lock word 0 and 100000 quick blocks$/],
				]
				for (const [word, value, message] of cases) {
					const memory = shared()
					const { creator } = live(memory)
					const words = new Uint32Array(memory.buffer)
					const held = words[256 / 4 + word]!
					words[256 / 4 + word] = value
					expectThrow(() => createHeapAllocator(memory, { start: 256 }), Error, message)
					words[256 / 4 + word] = held
					createHeapAllocator(memory, { start: 256 }).check()
					creator.check()
				}
			})
		})

		it('a header of another layout version or a base that disagrees is refused', () => {
			const buffer = new ArrayBuffer(pageSize)
			createHeapAllocator(buffer)
			const words = new Uint32Array(buffer)
			words[4 + 1] = 99 // the version word after the magic at 16
			expectThrow(() => createHeapAllocator(buffer), Error, /^createHeapAllocator: the allocator header at 16 has layout version 99; this library reads version 2$/)
			words[4 + 1] = 2
			words[4 + 3] = 24 // the recorded base
			expectThrow(() => createHeapAllocator(buffer), Error, /^createHeapAllocator: the heap is corrupted: the header at 16 records base 24$/)
		})

		it('a buffer shorter than the range the header records is refused, naming the memory to pass instead', () => {
			const memory = new WebAssembly.Memory({ initial: 1, maximum: 4 })
			createHeapAllocator(memory).alloc(2 * pageSize)
			const copy = memory.buffer.slice(0, pageSize)
			expectThrow(() => createHeapAllocator(copy), RangeError, /ends at 196608, past this buffer's 65536 bytes \(pass the WebAssembly.Memory/)
		})
	})

	describe('two allocators over one memory', () => {
		const overlap = (base: number, limit: number, other: number, otherLimit: number): string =>
			`createHeapAllocator: the range [${base}, ${limit}) overlaps the allocator at ${other}, whose range may reach ${otherLimit}: ` +
			'share its pool (the same start) or keep the ranges apart (end, maximumByteSize)'

		it('a range that overlaps another allocator\'s (to its growth limit) is refused, memory unchanged', () => {
			const memory = new WebAssembly.Memory({ initial: 2, maximum: 100 })
			const first = createHeapAllocator(memory, { start: 16, end: pageSize })
			const held = first.alloc(100)
			const before = snapshot(memory)
			// Its start inside the other's header; its start inside the other's blocks.
			for (const [start, end] of [[1024, undefined], [20_000, 2 * pageSize]] as const) {
				const error = expectThrow(() => createHeapAllocator(memory, { start, end }), RangeError, overlap(start, end ?? 2 ** 32, 16, pageSize))
				expect((error as Error & { code: string }).code).to.equal('ERR_HEAP_INVALID_ARGUMENT')
				expectSameBytes(snapshot(memory), before)
			}
			// The memory's buffer given instead of the memory: the same heap.
			expectThrow(() => createHeapAllocator(memory.buffer, { start: 1024 }), RangeError, overlap(1024, 2 * pageSize, 16, pageSize))
			// A growing heap reaches any start past its own: refused too, whichever comes first.
			const growing = new WebAssembly.Memory({ initial: 2, maximum: 100 })
			createHeapAllocator(growing, { start: pageSize })
			expectThrow(() => createHeapAllocator(growing), RangeError, overlap(16, 2 ** 32, pageSize, 2 ** 32))
			expectThrow(() => createHeapAllocator(growing, { start: 16, end: pageSize + 8 }), RangeError, overlap(16, pageSize + 8, pageSize, 2 ** 32))
			// Overwritten, the other's header no longer claims the range.
			new Uint32Array(memory.buffer)[4] = 0
			const second = createHeapAllocator(memory, { start: 1024 })
			second.check()
			expect(held).to.be.above(0)
		})

		it("a region handed to another thread's manager as its address (README, Threads): release() keeps the block, the other's wrap frees it into the shared pool; a ref itself does not clone", () => {
			const memory = new WebAssembly.Memory({ initial: 1, maximum: 16, shared: true })
			const sender = createWasmHeapManager(memory) // one thread's manager
			const receiver = createWasmHeapManager(memory) // another's, joined to the same pool
			const pool = createHeapAllocator(memory)
			const values = sender.allocFloat64Array([1.5, -2.5, 3.25])
			const text = sender.allocNullTerminatedUtf8String('handed over ✓')
			// postMessage(ref) structured-clones it: the engine refuses (the ref holds the manager's functions)
			for (const ref of [values, text]) expect(() => structuredClone(ref)).to.throw(DOMException, /could not be cloned/)
			const used = pool.usedByteSize
			const handed = [values.release(), text.release()] as const
			expect(handed).to.deep.equal([values.address, text.address])
			expect(sender.allocatedRefs, 'released: no longer the sender\'s').to.have.length(0)
			expect(pool.usedByteSize, 'released, not freed').to.equal(used)
			const wrappedValues = receiver.wrapFloat64Array(handed[0], 3)
			const wrappedText = receiver.wrapNullTerminatedUtf8String(handed[1])
			expect([...[0, 1, 2].map((index) => wrappedValues.readAt(index)), wrappedText.value]).to.deep.equal([1.5, -2.5, 3.25, 'handed over ✓'])
			wrappedValues.free()
			wrappedText.free()
			expect(pool.usedByteSize, 'both blocks back in the shared pool').to.equal(0)
			pool.check()
		})

		it('ranges apart share a memory, whichever is created first; the same start joins the pool', () => {
			const buffer = new ArrayBuffer(2 * pageSize)
			const upper = createHeapAllocator(buffer, { start: pageSize })
			const lower = createHeapAllocator(buffer, { end: pageSize })
			const a = lower.alloc(60_000)
			const b = upper.alloc(60_000)
			expect(a).to.be.above(0).and.below(pageSize - 60_000)
			expect(b).to.be.above(pageSize)
			new Uint8Array(buffer, a, 60_000).fill(1)
			new Uint8Array(buffer, b, 60_000).fill(2)
			lower.check()
			upper.check()
			// Each refuses the other's blocks, saying they lie outside its own, and frees nothing.
			const before = snapshot(buffer)
			const outside = (address: number, first: number, last: number): string =>
				`HeapAllocator.free: address ${address} is not a live block: it lies outside this heap, whose blocks' addresses run from ${first} to ${last} (an address from another heap, or computed wrong?)`
			expectThrow(() => lower.free(b), RangeError, outside(b, 16 + 3600 + 8, pageSize - 16))
			expectThrow(() => upper.free(a), RangeError, outside(a, pageSize + 3600 + 8, 2 * pageSize - 16))
			expectSameBytes(snapshot(buffer), before)
			expect(createHeapAllocator(buffer, { start: pageSize }).usedByteSize, 'joined').to.equal(upper.usedByteSize)
			expectThrow(() => createHeapAllocator(buffer, { start: pageSize + 4096 }), RangeError, overlap(pageSize + 4096, 2 * pageSize, pageSize, 2 * pageSize))
			// A manager's built-in allocator capped below another's start.
			const memory = new WebAssembly.Memory({ initial: 2, maximum: 100 })
			const heap = createWasmHeapManager(memory, { maximumByteSize: pageSize })
			const own = createHeapAllocator(memory, { start: pageSize })
			const array = heap.allocUint8Array(1000)
			const address = own.alloc(200_000)
			expect(address).to.be.above(pageSize)
			new Uint8Array(memory.buffer, address, 200_000).fill(9)
			array.writeAt(999, 3)
			createHeapAllocator(memory).check()
			own.check()
			expectThrow(() => createHeapAllocator(memory, { start: 2 * pageSize }), RangeError, overlap(2 * pageSize, 2 ** 32, pageSize, 2 ** 32))
		})
	})

	describe('bad input: a clear error and memory unchanged', () => {
		it('alloc: byteSize and alignment', () => {
			const buffer = new ArrayBuffer(pageSize)
			const allocator = createHeapAllocator(buffer)
			allocator.alloc(40)
			const before = snapshot(buffer)
			const call = allocator.alloc as (...args: unknown[]) => number
			for (const bad of ['8', 8n, null, undefined, {}]) {
				expectThrow(() => call(bad), TypeError, `HeapAllocator.alloc: byteSize must be a number, received ${bad === 8n ? '8n; pass a bigint size as Number(byteSize)' : bad === '8' ? '"8"' : bad === null ? 'null' : bad === undefined ? 'undefined' : 'an object (Object)'}`)
			}
			for (const bad of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53, -0.5]) {
				expectThrow(() => call(bad), RangeError, `HeapAllocator.alloc: byteSize ${bad} is not a non-negative safe integer`)
			}
			for (const bad of [0, 3, 6, -8, 8192, 1.5, Number.NaN]) {
				expectThrow(() => call(16, bad), RangeError, `HeapAllocator.alloc: alignment ${bad} is not a power of two from 1 to 4096`)
			}
			expectThrow(() => call(16, '8'), TypeError, 'HeapAllocator.alloc: alignment must be a number, received "8"')
			expect(snapshot(buffer)).to.deep.equal(before)
			// Too large to ever fit is not an error: it is a failed allocation.
			expect(allocator.alloc(2 ** 40)).to.equal(0)
			expect(allocator.alloc(2 ** 32 - 1)).to.equal(0)
			expect(snapshot(buffer)).to.deep.equal(before)
		})

		it('a request no block of the range could ever hold returns 0 with the heap exactly as it was (quick lists and victim in place)', () => {
			const buffer = new ArrayBuffer(pageSize)
			const allocator = createHeapAllocator(buffer)
			const quick = allocator.alloc(64)
			const listed = allocator.alloc(2000)
			allocator.alloc(8)
			allocator.free(quick) // between two blocks in use: onto its quick list
			allocator.free(listed)
			allocator.alloc(8) // splits the listed block: its rest is the victim
			const memory = new WebAssembly.Memory({ initial: 1, maximum: 100 })
			const growing = createHeapAllocator(memory, { maximumByteSize: 2 * pageSize })
			const quickOfGrowing = growing.alloc(64)
			growing.alloc(8)
			growing.free(quickOfGrowing)
			for (const [heap, target, range] of [[allocator, buffer, pageSize], [growing, memory, 2 * pageSize]] as const) {
				const before = snapshot(target)
				const used = heap.usedByteSize
				for (const [byteSize, alignment] of [[2 ** 32 - 1, undefined], [2 ** 31, undefined], [range, undefined], [range - 3600, 8], [range, 64], [2 ** 32 - 1, 4096]] as const) {
					expect(heap.alloc(byteSize, alignment), `alloc(${byteSize}, ${alignment})`).to.equal(0)
					expectSameBytes(snapshot(target), before)
				}
				expect(heap.usedByteSize).to.equal(used)
				heap.check()
			}
			expect(memory.buffer.byteLength, 'no growth for what could never fit').to.equal(pageSize)
			// The largest request that can fit still does: one block from the header to the end marker.
			for (const [target, options] of [[new ArrayBuffer(2 * pageSize), {}], [new WebAssembly.Memory({ initial: 1, maximum: 2 }), {}], [new WebAssembly.Memory({ initial: 1, maximum: 100 }), { maximumByteSize: 2 * pageSize }]] as const) {
				const largest = 2 * pageSize - 16 - 3600 - 8 - 8
				const fresh = createHeapAllocator(target, options)
				expect(fresh.alloc(largest + 1), 'one byte more').to.equal(0)
				expect(fresh.alloc(largest), `alloc(${largest})`).to.equal(16 + 3600 + 8)
				fresh.check()
			}
		})

		it('free: anything but the address of a live block is a RangeError, and frees nothing', () => {
			const buffer = new ArrayBuffer(pageSize)
			const allocator = createHeapAllocator(buffer)
			const live = allocator.alloc(64)
			const freed = allocator.alloc(64)
			allocator.alloc(8)
			allocator.free(freed)
			const before = snapshot(buffer)
			const used = allocator.usedByteSize
			const notLive = (address: number, why: string): string => `HeapAllocator.free: address ${address} is not a live block: ${why}`
			// Each refusal says what is wrong with the address (they all said the same, whatever it was).
			const notAnInteger = 'it is not a non-negative integer, as every address alloc returns is'
			const misaligned = 'it is not a multiple of 8, as every address alloc returns is (an address inside a block?)'
			const outside = `it lies outside this heap, whose blocks' addresses run from ${16 + 3600 + 8} to ${pageSize - 16} (an address from another heap, or computed wrong?)`
			const noBlock = 'it was not returned by alloc, has been freed already, or its header was overwritten'
			for (const [bad, why] of [
				[live + 8, noBlock],
				[live + 1, misaligned],
				[live + 4, misaligned],
				[live - 8, outside], // the first block's: below it, the allocator's header
				[8, outside],
				[16, outside],
				[24, outside],
				[pageSize, outside],
				[pageSize - 8, outside], // the end marker's payload
				[pageSize + 8, outside],
				[2 ** 32 + live, outside], // its low 32 bits are the live block's address
				[2 ** 53, outside],
				[-8, notAnInteger],
				[1.5, notAnInteger],
				[Number.NaN, notAnInteger],
				[Number.POSITIVE_INFINITY, notAnInteger],
			] as const) {
				expectThrow(() => allocator.free(bad), RangeError, notLive(bad, why))
			}
			expect(live, 'the first block').to.equal(16 + 3600 + 8)
			expectThrow(() => allocator.free(freed), RangeError, `HeapAllocator.free: address ${freed} is not a live block: it is a free block (a second free of the same address?)`)
			for (const bad of ['16', 16n, null, undefined]) {
				expectThrow(() => (allocator.free as (address: unknown) => void)(bad), TypeError, /^HeapAllocator\.free: address must be a number, received /)
			}
			expect(snapshot(buffer)).to.deep.equal(before)
			expect(allocator.usedByteSize).to.equal(used)
			allocator.free(live)
			expectThrow(() => allocator.free(live), RangeError, /^HeapAllocator\.free: address \d+ is not a live block/)
			allocator.check()
		})

		it('free given a bigint address (a wasm64 pointer) says to pass Number(address), as the manager does, and frees nothing', () => {
			for (const shared of [false, true]) {
				const buffer = shared ? new SharedArrayBuffer(pageSize) : new ArrayBuffer(pageSize)
				const allocator = createHeapAllocator(buffer)
				const live = allocator.alloc(64)
				const before = snapshot(buffer)
				const used = allocator.usedByteSize
				const free = allocator.free as (address: unknown) => void
				const error = expectThrow(() => free(BigInt(live)), TypeError, `HeapAllocator.free: address must be a number, received ${live}n; pass a bigint pointer as Number(address)`)
				expect((error as { code?: string }).code).to.equal('ERR_HEAP_INVALID_ARGUMENT')
				for (const bad of ['16', null, undefined, Symbol('address'), { valueOf: () => live }]) {
					expect(caught(() => free(bad)).message, String(bad)).to.not.include('Number(address)')
				}
				expectSameBytes(snapshot(buffer), before)
				expect(allocator.usedByteSize).to.equal(used)
				allocator.free(Number(BigInt(live)))
				allocator.check()
			}
		})

		it('a second free of a block that merged into its free left neighbour is refused, and the heap stays consistent', () => {
			const buffer = new ArrayBuffer(pageSize)
			const allocator = createHeapAllocator(buffer)
			// 600 bytes: too large for a quick list, so each free merges at once.
			const left = allocator.alloc(600)
			const right = allocator.alloc(600)
			allocator.alloc(8) // keeps right away from the top
			allocator.free(left)
			allocator.free(right) // merges into left's free block
			allocator.check()
			const before = snapshot(buffer)
			expectThrow(() => allocator.free(right), RangeError, `HeapAllocator.free: address ${right} is not a live block: it is a free block (a second free of the same address?)`)
			expect(snapshot(buffer)).to.deep.equal(before)
			allocator.check()
		})

		it('createHeapAllocator: target, options and ranges', () => {
			const create = createHeapAllocator as (...args: unknown[]) => HeapAllocator
			for (const [bad, shown] of [
				[undefined, 'undefined'],
				[new Uint8Array(8), 'an object (Uint8Array)'],
				[() => new ArrayBuffer(8), 'a function'],
				[42, '42'],
			] as const) {
				expectThrow(
					() => create(bad),
					TypeError,
					`createHeapAllocator: target must be a WebAssembly.Memory, an ArrayBuffer or a SharedArrayBuffer, received ${shown}`,
				)
			}
			const buffer = new ArrayBuffer(pageSize)
			const before = snapshot(buffer)
			expectThrow(() => create(buffer, 'fast'), TypeError, 'createHeapAllocator: options must be an object, received "fast"')
			expectThrow(() => create(buffer, { begin: 0 }), TypeError, "createHeapAllocator: unknown option 'begin': the options are start, end, maximumByteSize")
			expectThrow(() => create(buffer, { start: '16' }), TypeError, 'createHeapAllocator: start must be a number, received "16"')
			// null is not "the default" for start any more than for end or maximumByteSize.
			expectThrow(() => create(buffer, { start: null }), TypeError, 'createHeapAllocator: start must be a number, received null')
			expectThrow(() => create(buffer, { end: null }), TypeError, 'createHeapAllocator: end must be a number, received null')
			expectThrow(() => create(buffer, { end: -1 }), RangeError, 'createHeapAllocator: end -1 is not a non-negative safe integer')
			expectThrow(() => create(buffer, { maximumByteSize: 1.5 }), RangeError, 'createHeapAllocator: maximumByteSize 1.5 is not a non-negative safe integer')
			// a growth limit past the 32-bit range is refused, not taken as 4 GiB in silence (a memory64 user would read it as possible)
			expectThrow(() => create(buffer, { maximumByteSize: 2 ** 32 + 8 }), RangeError, "createHeapAllocator: maximumByteSize 4294967304 lies past 4 GiB, the allocator's address space (a memory64 memory's too)")
			expectThrow(() => create(buffer, { end: pageSize + 8 }), RangeError, `createHeapAllocator: end ${pageSize + 8} lies past the buffer's ${pageSize} bytes`)
			expectThrow(() => create(buffer, { start: pageSize - 100 }), RangeError, /^createHeapAllocator: start 65436 leaves no room for the \d+-byte header in a buffer of 65536 bytes$/)
			expectThrow(() => create(buffer, { start: 16, end: 3000 }), RangeError, /^createHeapAllocator: the range \[16, 3000\) has 2984 bytes: it needs at least \d+/)
			expect(snapshot(buffer)).to.deep.equal(before)
		})

		it('a memory or buffer of another realm (a vm context\'s) is refused saying so, where it read "must be a WebAssembly.Memory, received an object (WebAssembly.Memory)"', () => {
			const realm = (tag: string): string =>
				`, a ${tag} of another realm (an iframe's or a vm context's): create the heap in the realm that made it, or give one made in this realm`
			for (const [target, tag] of [
				[runInNewContext('new WebAssembly.Memory({ initial: 1 })'), 'WebAssembly.Memory'],
				[runInNewContext('new ArrayBuffer(65536)'), 'ArrayBuffer'],
				[runInNewContext('new SharedArrayBuffer(65536)'), 'SharedArrayBuffer'],
			] as const) {
				const bytes = new Uint8Array(tag === 'WebAssembly.Memory' ? (target as WebAssembly.Memory).buffer : (target as ArrayBuffer)).fill(0xee)
				expectThrow(
					() => createHeapAllocator(target as never),
					TypeError,
					`createHeapAllocator: target must be a WebAssembly.Memory, an ArrayBuffer or a SharedArrayBuffer, received an object (${tag})${realm(tag)}`,
				)
				expectThrow(
					() => createWasmHeapManager(target as never),
					TypeError,
					`createWasmHeapManager: the heap must be a WebAssembly.Memory, an ArrayBuffer, a SharedArrayBuffer or a function returning the current buffer, received an object (${tag})${realm(tag)}`,
				)
				expect(bytes.every((byte) => byte === 0xee), `${tag}: nothing written`).to.equal(true)
			}
			// Anything else is told no more than before.
			expect(caught(() => createHeapAllocator(new Uint8Array(8) as never)).message).to.not.include('realm')
		})

		it('check() names the first inconsistency: an overwritten block header, a bad footer, a wrong counter', () => {
			const buffer = new ArrayBuffer(pageSize)
			const allocator = createHeapAllocator(buffer)
			const a = allocator.alloc(40)
			const b = allocator.alloc(40)
			allocator.alloc(40)
			allocator.check()
			const words = new Uint32Array(buffer)
			// An overflow of a's region runs over b's header.
			const saved = words[(b - 4) / 4]!
			words[(b - 4) / 4] = 0x41414141
			expectThrow(() => allocator.check(), Error, `HeapAllocator.check: the heap is corrupted: block at ${b - 8}: the tag of this 48-byte block in use does not match (header overwritten?)`)
			expectThrow(() => allocator.free(b), RangeError, /is not a live block/)
			words[(b - 4) / 4] = saved
			allocator.check()
			allocator.free(a)
			// a sits on a quick list (both its neighbours are in use) until largestFreeBlock
			// merges the quick blocks: then it is a free block, whose footer is its last word.
			expect(allocator.largestFreeBlock).to.be.above(48)
			const footer = (a - 8 + 48 - 4) / 4
			words[footer] = 1234
			expectThrow(() => allocator.check(), Error, `HeapAllocator.check: the heap is corrupted: block at ${a - 8}: free block of 48 bytes has footer 1234`)
			words[footer] = 48
			allocator.check()
			const usedWord = (16 + 6 * 4) / 4 // the header's used-bytes counter
			words[usedWord] = words[usedWord]! + 8
			expectThrow(() => allocator.check(), Error, /^HeapAllocator\.check: the heap is corrupted: blocks in use hold 96 bytes \(besides 0 on quick lists\) but the header counts 104$/)
			words[usedWord] = words[usedWord]! - 8
			for (const [word, field, expected] of [[4, 'magic number', 0x50414548], [5, 'version', 2], [7, 'base', 16]] as const) {
				const value = words[word]!
				words[word] = 99
				const error = expectThrow(() => allocator.check(), Error, `HeapAllocator.check: the heap is corrupted: the header at 16: its ${field} is 99, expected ${expected}`)
				expect((error as Error & { code: string }).code).to.equal('ERR_HEAP_ALLOCATION_FAILED')
				words[word] = value
			}
			allocator.check()
		})
	})

	describe('why alloc returned 0: lastAllocFailure, and the manager\'s Error ends with it', () => {
		/** The heap header, the first block's header and the end marker: what a range of `n` bytes from 16 loses to them. */
		const overhead = 16 + 3600 + 8
		const cannotGrow = `the heap's range [16, ${pageSize}) does not grow (an ArrayBuffer or SharedArrayBuffer)`

		it('a request past 4 GiB - 8 KiB, and one larger than the range could ever hold: the heap exactly as it was', () => {
			const buffer = new ArrayBuffer(pageSize)
			const allocator = createHeapAllocator(buffer)
			expect(allocator.lastAllocFailure, 'nothing failed yet').to.equal(undefined)
			allocator.alloc(40)
			const before = snapshot(buffer)
			expect(allocator.alloc(2 ** 40)).to.equal(0)
			expect(allocator.lastAllocFailure).to.equal(
				'1099511627776 bytes is more than the allocator serves: its address space ends at 4 GiB (its words are 32-bit, over a memory64 memory too)',
			)
			expectSameBytes(snapshot(buffer), before)
			// The 4 GiB - 8 KiB bound holds for an alignment above 8 only: at 8 or less, a
			// request below 4 GiB is served when a block holds it (4294963200 bytes over a
			// 4 GiB memory), so the reason may not say the allocator serves at most that.
			expect(allocator.alloc(2 ** 32 - 4096, 16)).to.equal(0)
			expect(allocator.lastAllocFailure).to.equal(
				'4294963200 bytes aligned to 16 is more than the allocator serves: its address space ends at 4 GiB (its words are 32-bit, over a memory64 memory too)',
			)
			expect(allocator.alloc(2 ** 32 - 4096)).to.equal(0)
			expect(allocator.lastAllocFailure, 'alignment 8: the range, not the bound').to.match(/^it needs a block of 4294963208 bytes/)
			expectSameBytes(snapshot(buffer), before)
			for (const alignment of [undefined, 64]) {
				expect(allocator.alloc(pageSize, alignment)).to.equal(0)
				expect(allocator.lastAllocFailure, `alignment ${alignment}`).to.equal(
					`it needs a block of ${pageSize + 8} bytes, and the heap's largest block could never have more than ${pageSize - 8 - overhead + 8} bytes: ${cannotGrow}`,
				)
				expectSameBytes(snapshot(buffer), before)
			}
			// A success leaves the reason as it was (as C's errno): it is read when alloc returns 0.
			expect(allocator.alloc(8)).to.be.above(0)
			expect(allocator.lastAllocFailure).to.match(/^it needs a block of 65544 bytes/)
		})

		it('no free block large enough in a fixed range: the largest free block, which serves what it says; the heap exactly as it was', () => {
			for (const shared of [false, true]) {
				const buffer = shared ? new SharedArrayBuffer(pageSize) : new ArrayBuffer(pageSize)
				const allocator = createHeapAllocator(buffer)
				const kept = allocator.alloc(30_000)
				allocator.alloc(20_000)
				allocator.free(kept) // a listed hole of 30,008 bytes, and the top after the second block
				const before = snapshot(buffer)
				const free = allocator.freeByteSize
				const largest = allocator.largestFreeBlock
				expect(largest, 'the hole').to.equal(30_008)
				expect(allocator.alloc(40_000)).to.equal(0)
				expect(allocator.lastAllocFailure, shared ? 'shared' : 'not shared').to.equal(
					`no free block holds the 40008-byte block it needs (the largest free block has 30008 bytes, so requests up to 30000 bytes still succeed; ${free} bytes free in all) and ${cannotGrow}`,
				)
				expectSameBytes(snapshot(buffer), before)
				expect(allocator.alloc(largest - 8), 'what the reason says still succeeds').to.be.above(0)
				allocator.check()
			}
		})

		it('a WebAssembly.Memory: past its own maximum (the engine\'s RangeError), past maximumByteSize (whole pages), at it, and never fitting under it', () => {
			const memory = new WebAssembly.Memory({ initial: 1, maximum: 2 })
			const allocator = createHeapAllocator(memory)
			const before = snapshot(memory)
			expect(allocator.alloc(200_000)).to.equal(0)
			expect(allocator.lastAllocFailure).to.match(
				new RegExp(
					`^no free block holds the 200008-byte block it needs \\(the largest free block has ${pageSize - overhead} bytes, so requests up to ${pageSize - overhead - 8} bytes still succeed; ${pageSize - overhead} bytes free in all\\) ` +
						`and growing the memory from 65536 to 262144 bytes failed \\(past the memory's maximum, or more than the engine could reserve\\): memory\\.grow threw RangeError: \\S`,
				),
			)
			expect(memory.buffer.byteLength).to.equal(pageSize)
			expectSameBytes(snapshot(memory), before)

			// maximumByteSize 150,000: the least growth, a whole page, would pass it.
			const capped = new WebAssembly.Memory({ initial: 1, maximum: 100 })
			const allocator2 = createHeapAllocator(capped, { maximumByteSize: 150_000 })
			expect(allocator2.alloc(100_000)).to.be.above(0)
			expect(capped.buffer.byteLength).to.equal(2 * pageSize)
			const grown = snapshot(capped)
			expect(allocator2.alloc(30_000)).to.equal(0)
			expect(allocator2.lastAllocFailure).to.match(
				/ and growing the memory to the 196608 bytes that takes would pass the heap's growth limit of 150000 bytes \(maximumByteSize, or end; 4 GiB at most\)$/,
			)
			expectSameBytes(snapshot(capped), grown)
			expect(allocator2.alloc(200_000)).to.equal(0)
			expect(allocator2.lastAllocFailure).to.equal(
				`it needs a block of 200008 bytes, and the heap's largest block could never have more than ${150_000 - overhead} bytes: ` +
					`growing the memory to the ${overhead + 200_008} bytes that takes would pass the heap's growth limit of 150000 bytes (maximumByteSize, or end; 4 GiB at most)`,
			)
			expectSameBytes(snapshot(capped), grown)

			// Grown to maximumByteSize already.
			const full = new WebAssembly.Memory({ initial: 1, maximum: 100 })
			const allocator3 = createHeapAllocator(full, { maximumByteSize: 2 * pageSize })
			expect(allocator3.alloc(2 * pageSize - overhead - 8 - 1000)).to.be.above(0)
			const atLimit = snapshot(full)
			expect(allocator3.alloc(2000)).to.equal(0)
			expect(allocator3.lastAllocFailure).to.match(/^no free block holds the 2008-byte block it needs \(the largest free block has \d+ bytes.* and growing the memory to the \d+ bytes that takes would pass the heap's growth limit of 131072 bytes/)
			expectSameBytes(snapshot(full), atLimit)
			allocator3.check()
		})

		it('through a manager over a bare memory, or given the allocator\'s alloc: its Error ends with the reason; another allocator\'s 0 gets none', () => {
			const memory = new WebAssembly.Memory({ initial: 1, maximum: 2 })
			const heap = createWasmHeapManager(memory)
			const before = snapshot(memory)
			const error = expectThrow(
				() => heap.allocUint8Array(3 * pageSize),
				Error,
				/^allocUint8Array: allocating 196608 bytes failed: the allocator returned 0: no free block holds the 196616-byte block it needs .* and growing the memory from 65536 to 262144 bytes failed .*: memory\.grow threw RangeError: /,
			)
			expect((error as { code?: string }).code).to.equal('ERR_HEAP_ALLOCATION_FAILED')
			// 4 GiB - 1 reaches the allocator (from 4 GiB the manager refuses first, on a 32-bit ABI)
			expectThrow(() => heap.allocate(2 ** 32 - 1), Error, /^allocate: allocating 4294967295 bytes failed: the allocator returned 0: it needs a block of 4294967304 bytes, and the heap's largest block could never have more than /)
			expectThrow(() => heap.allocate(2 ** 40), RangeError, /^allocate: cannot allocate 1099511627776 bytes: on wasm32 an allocator takes its size as a 32-bit size_t/)
			expectSameBytes(snapshot(memory), before)
			const capped = new WebAssembly.Memory({ initial: 1, maximum: 100 })
			const cappedHeap = createWasmHeapManager(capped, { maximumByteSize: 2 * pageSize })
			expectThrow(
				() => cappedHeap.allocUint8Array(3 * pageSize),
				Error,
				`allocUint8Array: allocating 196608 bytes failed: the allocator returned 0: it needs a block of 196616 bytes, and the heap's largest block could never have more than ${2 * pageSize - overhead} bytes: ` +
					`growing the memory to the ${overhead + 196_616} bytes that takes would pass the heap's growth limit of 131072 bytes (maximumByteSize, or end; 4 GiB at most)`,
			)

			const buffer = new ArrayBuffer(pageSize)
			const allocator = createHeapAllocator(buffer)
			const given = createWasmHeapManager(() => buffer, allocator.alloc, allocator.free)
			const givenError = caught(() => given.allocFloat64Array(10_000))
			expect(allocator.lastAllocFailure).to.match(/^it needs a block of 80008 bytes/)
			expect(givenError.message).to.equal(`allocFloat64Array: allocating 80000 bytes failed: the allocator returned 0: ${allocator.lastAllocFailure}`)

			const other = createWasmHeapManager(() => buffer, () => 0, () => {})
			expectThrow(() => other.allocInt32(), Error, 'allocInt32: allocating 4 bytes failed: the allocator returned 0')
		})
	})

	describe('quick lists and the designated victim', () => {
		it('a small block freed between two in use comes back to the next request of its size, counts as free, and check() verifies the lists', () => {
			const buffer = new ArrayBuffer(pageSize)
			const allocator = createHeapAllocator(buffer)
			const words = new Uint32Array(buffer)
			allocator.alloc(40)
			const b = allocator.alloc(40)
			allocator.alloc(40)
			const used = allocator.usedByteSize
			allocator.free(b)
			expect(allocator.usedByteSize, 'its 48 bytes count as free at once').to.equal(used - 48)
			allocator.check()
			expectThrow(() => allocator.free(b), RangeError, `HeapAllocator.free: address ${b} is not a live block: it is a free block (a second free of the same address?)`)
			const quickTotal = 16 / 4 + 9 // the header's count of quick blocks
			expect(words[quickTotal]).to.equal(1)
			words[quickTotal] = 2
			expectThrow(() => allocator.check(), Error, 'HeapAllocator.check: the heap is corrupted: the heap has 1 quick blocks, 0 on no quick list; the header counts 2 (at most 512)')
			words[quickTotal] = 1
			expect(allocator.alloc(40), 'the quick block').to.equal(b)
			expect(allocator.usedByteSize).to.equal(used)
			allocator.check()
		})

		it('quick blocks are merged and reused before a request fails (or the memory grows)', () => {
			const allocator = createHeapAllocator(new ArrayBuffer(pageSize))
			const blocks: number[] = []
			for (let address = allocator.alloc(40); address !== 0; address = allocator.alloc(40)) blocks.push(address)
			// The heap is full of 48-byte blocks. Freed between blocks in use, three neighbours go on a quick list.
			const [b, c, d] = blocks.slice(10, 13) as [number, number, number]
			allocator.free(b)
			allocator.free(d)
			allocator.free(c)
			allocator.check()
			expect(allocator.alloc(3 * 48 - 8), 'the three merged').to.equal(b)
			allocator.check()
			expect(allocator.alloc(40), 'nothing left').to.equal(0)
		})

		it('small requests are cut from the rest of the last block split for one; check() verifies the victim', () => {
			const buffer = new ArrayBuffer(pageSize)
			const allocator = createHeapAllocator(buffer)
			const words = new Uint32Array(buffer)
			const inUse = allocator.alloc(40)
			const big = allocator.alloc(1000)
			allocator.alloc(8) // keeps big away from the top
			allocator.free(big) // 1,008 bytes: too large for a quick list, so a listed free block
			const first = allocator.alloc(16)
			expect(first, 'no block of 24 or 32 bytes is free: big is split').to.equal(big)
			const victimWord = 16 / 4 + 8 // the header's designated victim
			expect(words[victimWord]! * 4, 'the rest is the victim').to.equal(first - 8 + 24)
			expect(allocator.alloc(16), 'cut from the victim').to.equal(first + 24)
			expect(allocator.alloc(100), 'cut from the victim').to.equal(first + 48)
			allocator.check()
			const victim = words[victimWord]!
			words[victimWord] = (inUse - 8) / 4
			expectThrow(() => allocator.check(), Error, `HeapAllocator.check: the heap is corrupted: the designated victim ${inUse - 8} is not a free block (or is the top)`)
			words[victimWord] = victim
			allocator.free(first + 48)
			expect(words[victimWord]! * 4, 'a block freed next to the victim merges into it').to.equal(first + 48 - 8)
			allocator.check()
			// A small request of exactly the victim's size takes it whole (not a cut of the top).
			expect(words[words[victimWord]!], 'the victim, merged back').to.equal(960)
			allocator.alloc(504) // cut from the victim: 448 bytes left
			allocator.alloc(240) // 200 left
			const whole = words[victimWord]!
			expect(words[whole]).to.equal(200)
			expect(allocator.alloc(192), 'the whole victim').to.equal(whole * 4 + 8)
			expect(words[victimWord], 'no victim left').to.equal(0)
			allocator.check()
		})
	})

	describe('threads: 4 worker_threads on one shared WebAssembly.Memory', () => {
		it('allocate, fill, verify and free at once, growing the memory: no overlap, check() passes, everything coalesces', async () => {
			const memory = new WebAssembly.Memory({ initial: 2, maximum: 2048, shared: true })
			const main = createHeapAllocator(memory)
			const overhead = memory.buffer.byteLength - main.freeByteSize
			const control = new Int32Array(memory.buffer, 0, 4)
			const workerCount = 4
			const operations = 20_000
			const reports = Array.from({ length: workerCount }, (_, workerId) =>
				startHeapAllocatorWorker({ heapAllocatorWorker: true, memory, workerId, seed: 100 + workerId, operations }),
			)
			const deadline = Date.now() + 60_000
			while (Atomics.load(control, barrier.ready) < workerCount && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5))
			// The main thread allocates too, while the workers run.
			Atomics.store(control, barrier.go, 1)
			Atomics.notify(control, barrier.go)
			const random = new SeededRandom(99)
			const mainHeld: HeldRegion[] = []
			for (let i = 0; i < 200; i++) {
				const byteSize = random.int(0, 2000)
				const alignment = randomAlignment(random)
				const address = main.alloc(byteSize, alignment)
				expect(address % alignment).to.equal(0)
				const region = { address, byteSize, alignment, fill: 0xff }
				new Uint8Array(memory.buffer, address, byteSize).fill(0xff)
				mainHeld.push(region)
				if (i % 20 === 0) await new Promise((resolve) => setImmediate(resolve))
			}
			const finished: AllocatorWorkerReport[] = await Promise.all(reports)

			const all = [...mainHeld, ...finished.flatMap((report) => report.held)]
			for (const report of finished) {
				expect(report.damaged, `worker ${report.workerId}`).to.deep.equal([])
				expect(report.failures, `worker ${report.workerId}: no failed allocation`).to.equal(0)
				expect(report.allocations + report.frees).to.equal(operations)
			}
			expect(memory.buffer.byteLength, 'the workers grew the memory').to.be.above(2 * pageSize)
			main.check()
			const bytes = new Uint8Array(memory.buffer)
			const model = new RegionModel()
			for (const region of all) {
				expect(region.address % region.alignment).to.equal(0)
				expect(firstDamaged(bytes, region), `region at ${region.address}`).to.equal(-1)
				model.add(region.address, region.byteSize, 0, 0) // throws on any overlap
			}
			let minimum = 0
			for (const region of all) minimum += minimumBlock(region.byteSize)
			expect(main.usedByteSize).to.be.within(minimum, minimum + 8 * all.length)
			for (const region of all) main.free(region.address)
			main.check()
			expect(main.usedByteSize).to.equal(0)
			expect(main.freeByteSize).to.equal(memory.buffer.byteLength - overhead)
			expect(main.largestFreeBlock, 'one free block').to.equal(main.freeByteSize)
		})
	})

	describe('createWasmHeapManager(target): a bare memory is a complete heap', () => {
		it('over a WebAssembly.Memory, an ArrayBuffer and a SharedArrayBuffer', () => {
			const memory = new WebAssembly.Memory({ initial: 1, maximum: 64 })
			const targets: { name: string; target: WebAssembly.Memory | ArrayBuffer | SharedArrayBuffer }[] = [
				{ name: 'WebAssembly.Memory', target: memory },
				{ name: 'ArrayBuffer', target: new ArrayBuffer(pageSize) },
				{ name: 'SharedArrayBuffer', target: new SharedArrayBuffer(pageSize) },
			]
			for (const { name, target } of targets) {
				const heap = createWasmHeapManager(target)
				const values = heap.allocFloat64Array([1.5, 2.5, 3.5])
				const text = heap.allocNullTerminatedUtf8String('héllo')
				expect(values.readAt(2), name).to.equal(3.5)
				expect(text.value).to.equal('héllo')
				expect(values.address % 8).to.equal(0)
				const allocator = createHeapAllocator(target) // attaches: the manager's allocations are there
				expect(allocator.usedByteSize, name).to.be.above(0)
				heap.freeAll()
				expect(allocator.usedByteSize, name).to.equal(0)
				allocator.check()
			}
			// The memory grows on demand under the manager.
			const heap = createWasmHeapManager(memory)
			const large = heap.allocUint8Array(300_000)
			expect(memory.buffer.byteLength).to.be.at.least(300_000)
			large.allocatedBytesView.fill(7)
			expect(large.readAt(299_999)).to.equal(7)
		})

		it('takes the allocator\'s options with the manager\'s, and a failed allocation is the manager\'s Error', () => {
			const buffer = new ArrayBuffer(pageSize)
			const heap = createWasmHeapManager(buffer, { start: 4096, pollingMode: 'never', trackAllocations: false })
			const ref = heap.allocInt32()
			expect(ref.address).to.be.above(4096)
			expectThrow(() => heap.allocUint8Array(pageSize), Error, /^allocUint8Array: allocating 65536 bytes failed: the allocator returned 0/)
			expectThrow(
				() => createWasmHeapManager(new ArrayBuffer(pageSize), { polingMode: 'never' } as never),
				TypeError,
				/^createWasmHeapManager: unknown option 'polingMode'/,
			)
			// the allocator's errors name the function called, not the createHeapAllocator it calls (they did)
			expectThrow(() => createWasmHeapManager(new ArrayBuffer(pageSize), { start: -1 }), RangeError, 'createWasmHeapManager: start -1 is not a non-negative safe integer')
			expectThrow(() => createHeapAllocator(new ArrayBuffer(pageSize), { start: -1 }), RangeError, 'createHeapAllocator: start -1 is not a non-negative safe integer')
		})

		it('a bad manager option over a bare target is refused before the allocator writes its header, and an unknown one is named with every option this form takes', () => {
			for (const [options, errorClass, message] of [
				[{ strt: 64 }, TypeError, "createWasmHeapManager: unknown option 'strt': the options are clearAllocatedRegions, pollingMode, trackAllocations, debug, abi, start, end, maximumByteSize"],
				[{ maximumBytesize: 1 }, TypeError, "createWasmHeapManager: unknown option 'maximumBytesize': the options are clearAllocatedRegions, pollingMode, trackAllocations, debug, abi, start, end, maximumByteSize"],
				[{ start: 64, pollingMode: 'sometimes' }, TypeError, /^createWasmHeapManager: option pollingMode must be one of/],
				[{ clearAllocatedRegions: 'yes', start: 64 }, TypeError, /^createWasmHeapManager: option clearAllocatedRegions must be a boolean/],
				[{ trackAllocations: 1 }, TypeError, 'createWasmHeapManager: option trackAllocations must be a boolean, received 1'],
				[{ abi: 'x86' }, TypeError, /^createWasmHeapManager: option abi: unknown ABI/],
				// the allocator's own (they named createHeapAllocator, which the user did not call)
				[{ start: 1.5 }, RangeError, 'createWasmHeapManager: start 1.5 is not a non-negative safe integer'],
				[{ end: '64' }, TypeError, 'createWasmHeapManager: end must be a number, received "64"'],
				[{ end: 2 * pageSize }, RangeError, `createWasmHeapManager: end ${2 * pageSize} lies past the buffer's ${pageSize} bytes`],
				[{ maximumByteSize: 2 ** 33 }, RangeError, /^createWasmHeapManager: maximumByteSize 8589934592 lies past 4 GiB/],
				[{ start: pageSize - 8 }, RangeError, /^createWasmHeapManager: /],
				[{ start: 64, end: 96 }, RangeError, /^createWasmHeapManager: /],
			] as const) {
				for (const target of [new ArrayBuffer(pageSize), new WebAssembly.Memory({ initial: 1 })]) {
					const bytes = new Uint8Array(target instanceof WebAssembly.Memory ? target.buffer : target).fill(0xee)
					expectThrow(() => createWasmHeapManager(target, options as never), errorClass, message)
					expect(bytes.every((byte) => byte === 0xee), `${JSON.stringify(options)}: the memory as it was`).to.equal(true)
				}
			}
		})

		it('a WebAssembly.Memory at its maximum (or at maximumByteSize): the manager\'s Error, the heap as it was, smaller requests still served', () => {
			for (const [maximum, options] of [
				[2, {}],
				[64, { maximumByteSize: 2 * pageSize }],
			] as const) {
				const memory = new WebAssembly.Memory({ initial: 1, maximum })
				const heap = createWasmHeapManager(memory, options)
				const kept = heap.allocUint8Array(pageSize / 2)
				const allocator = createHeapAllocator(memory)
				const used = allocator.usedByteSize
				expectThrow(() => heap.allocUint8Array(2 * pageSize), Error, /^allocUint8Array: allocating 131072 bytes failed: the allocator returned 0/)
				expect(allocator.usedByteSize, 'nothing stays allocated').to.equal(used)
				expect(heap.allocatedRefs).to.deep.equal([kept])
				expect(memory.buffer.byteLength, 'grown at most to the cap').to.be.at.most(2 * pageSize)
				expect(heap.allocUint8Array(pageSize / 2).elementCount, 'what fits after growing to the cap').to.equal(pageSize / 2)
				expect(memory.buffer.byteLength).to.equal(2 * pageSize)
				allocator.check()
			}
		})
	})
})
