/**
 * Regions aligned above 8 on an Emscripten module: its malloc (dlmalloc) aligns to 8, so
 * whether `malloc` happened to return a multiple of 16 decided whether `allocate(n, 16)`
 * or `allocStruct` of a struct with an `alignas(16)` member worked. With the module's
 * `_memalign` exported the manager asks it for such a region when malloc's is misaligned;
 * without it the error says to export it. Real C: test/fixtures/src/aligned.c, built to
 * test/fixtures/emscripten/aligned.cjs (test/fixtures/build.sh emscripten-aligned).
 */
import { expect } from 'chai'
import { createRequire } from 'node:module'
import { defineStruct, wrapEmscriptenModuleHeap } from '../src/index.js'
import { caught } from './support/dynamic.js'
import { loadEmscriptenFixture } from './support/fixtures.js'

interface AlignedModule {
	HEAPU8: Uint8Array
	_malloc(size: number): number
	_free(address: number): void
	_memalign(alignment: number, size: number): number
	_tagged_size(): number
	_tagged_align(): number
	_tagged_id_offset(): number
	_tagged_sum(address: number): number
	_tagged_free(address: number): void
	_bytes_in_use(): number
}

const factory = createRequire(import.meta.url)('./fixtures/emscripten/aligned.cjs') as () => Promise<AlignedModule>

/**
 * A module whose malloc, free and memalign count their calls, and `raw`, the same three
 * uncounted. Each is called once first: Emscripten's lazy wrapper replaces `Module._malloc`
 * with the wasm export on its first call, which would drop a counting function put there.
 */
async function countedModule(): Promise<{ module: AlignedModule; calls: { malloc: number; free: number; memalign: number }; raw: Pick<AlignedModule, '_malloc' | '_free' | '_memalign'> }> {
	const module = await factory()
	module._free(module._malloc(8))
	module._free(module._memalign(16, 8))
	const calls = { malloc: 0, free: 0, memalign: 0 }
	const { _malloc: malloc, _free: free, _memalign: memalign } = module
	const raw = { _malloc: malloc, _free: free, _memalign: memalign }
	module._malloc = (size) => (calls.malloc++, malloc(size))
	module._free = (address) => (calls.free++, free(address))
	module._memalign = (alignment, size) => (calls.memalign++, memalign(alignment, size))
	return { module, calls, raw }
}

// `alignas(16) float v[4]; int32_t id;` as C has it: sizeof 32, alignof 16.
const Tagged = defineStruct('Tagged', { v: { type: { array: 'Float32', length: 4 }, align: 16 }, id: 'Int32' })

describe('alignments above 8 on an Emscripten module (memalign)', function () {
	it('the struct has C\'s layout', async function () {
		const module = await factory()
		const heap = wrapEmscriptenModuleHeap(module)
		expect([heap.sizeOf(Tagged), heap.alignOf(Tagged), heap.offsetOf(Tagged, 'id')]).to.deep.equal([module._tagged_size(), module._tagged_align(), module._tagged_id_offset()])
		expect([module._tagged_size(), module._tagged_align()]).to.deep.equal([32, 16])
	})

	it('every allocation aligned to 16, 32 or 64 is served at that alignment, whatever malloc returns; memalign only where malloc\'s block was misaligned, and that block given back', async function () {
		const { module, calls, raw } = await countedModule()
		const heap = wrapEmscriptenModuleHeap(module)
		const padding: number[] = []
		let misaligned = 0
		for (let i = 0; i < 60; i++) {
			// blocks of 8-byte steps in between move malloc's next address across multiples of 16
			padding.push(heap.allocate(4 + (i % 5) * 4))
			const alignment = [16, 32, 64][i % 3]!
			const before = { ...calls }
			// what malloc would return next, asked of it directly and given back
			const next = raw._malloc(24)
			raw._free(next)
			const address = heap.allocate(24, alignment)
			expect(address % alignment, `allocation ${i}`).to.equal(0)
			const used = { malloc: calls.malloc - before.malloc, free: calls.free - before.free, memalign: calls.memalign - before.memalign }
			if (next % alignment === 0) {
				expect(used, `allocation ${i}: malloc's block was aligned`).to.deep.equal({ malloc: 1, free: 0, memalign: 0 })
			} else {
				misaligned++
				expect(used, `allocation ${i}: malloc's block given back, memalign's kept`).to.deep.equal({ malloc: 1, free: 1, memalign: 1 })
			}
			heap.deallocate(address, 24, alignment)
		}
		expect(misaligned, 'malloc returned a misaligned block for some').to.be.greaterThan(10)
		for (const address of padding) heap.deallocate(address)
	})

	it('allocStruct and allocStructArray of the alignas(16) struct: C reads the values at the address the manager chose, and frees it after release()', async function () {
		const module = await factory()
		const heap = wrapEmscriptenModuleHeap(module)
		for (let i = 0; i < 40; i++) {
			const padding = heap.allocate(8 + (i % 3) * 8)
			const tagged = heap.allocStruct(Tagged, { v: [1, 2, 3, 4.5], id: i })
			expect(tagged.address % 16, `struct ${i}`).to.equal(0)
			expect(module._tagged_sum(tagged.address)).to.equal(10.5 + i)
			const array = heap.allocStructArray(Tagged, [{ id: 1 }, { v: [0, 0, 0, 2], id: i }])
			expect(array.address % 16, `array ${i}`).to.equal(0)
			expect(module._tagged_sum(array.address + 32)).to.equal(2 + i)
			if (i % 2 === 0) tagged.free()
			else module._tagged_free(tagged.release())
			array.free()
			heap.deallocate(padding)
		}
	})

	it('gives back every block: malloc\'s bytes in use are the same after 2,000 over-aligned allocations and frees', async function () {
		const module = await factory()
		const heap = wrapEmscriptenModuleHeap(module)
		const warm = heap.allocStruct(Tagged)
		warm.free()
		const inUse = module._bytes_in_use()
		for (let i = 0; i < 2000; i++) {
			const padding = heap.allocate(4 + (i % 7) * 4)
			const ref = heap.allocStruct(Tagged)
			ref.free()
			heap.deallocate(padding)
		}
		expect(module._bytes_in_use()).to.equal(inUse)
	})

	it('memalign failing (0) or throwing is a failed allocation naming the size, with malloc\'s block given back too', async function () {
		const { module, calls, raw } = await countedModule()
		const heap = wrapEmscriptenModuleHeap(module)
		// find a state where malloc's next 24-byte block is 8 past a multiple of 16
		const padding: number[] = []
		for (;;) {
			const next = raw._malloc(24)
			raw._free(next)
			if (next % 16 === 8) break
			padding.push(raw._malloc(8))
		}
		for (const [replacement, message] of [
			[() => 0, /^allocate: allocating 24 bytes failed: the allocator returned 0$/],
			[() => { throw new WebAssembly.RuntimeError('unreachable') }, /^allocate: allocating 24 bytes failed: the allocator threw/],
		] as const) {
			// the manager took the module's memalign when it was made: replace what it holds
			;(heap as unknown as { core: { alignedAllocator: unknown } }).core.alignedAllocator = replacement
			const before = { ...calls }
			const bytes = module.HEAPU8.slice()
			const error = caught(() => heap.allocate(24, 16))
			expect(error.message).to.match(message)
			expect((error as { code?: string }).code).to.equal('ERR_HEAP_ALLOCATION_FAILED')
			expect({ malloc: calls.malloc - before.malloc, free: calls.free - before.free }, 'malloc\'s block given back').to.deep.equal({ malloc: 1, free: 1 })
			expect(Buffer.compare(module.HEAPU8, bytes), 'the heap as it was').to.equal(0)
		}
		for (const address of padding) raw._free(address)
	})

	it('a module without _memalign: the misaligned error says to export it (and malloc\'s block is given back)', async function () {
		const module = await loadEmscriptenFixture()
		expect(module._memalign).to.equal(undefined)
		const heap = wrapEmscriptenModuleHeap(module)
		const error = caught(() => heap.allocate(24, 16))
		expect(error.message).to.match(
			/^allocate: allocating 24 bytes aligned to 16 failed: the allocator returned address \d+, which is not a multiple of 16 \(Emscripten's malloc aligns to 8: export _memalign for larger alignments\)$/,
		)
		// given back: malloc hands the same block out again
		const misaligned = Number(/address (\d+)/.exec(error.message)![1])
		expect(heap.allocate(24)).to.equal(misaligned)
	})
})
