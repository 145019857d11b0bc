/**
 * The same C library (test/fixtures/src/heaplib.c) built twice — by Emscripten, wrapped
 * with wrapEmscriptenModuleHeap, and by clang for wasm32-wasi, wrapped with
 * createWasmHeapManager — and exercised identically through its real malloc and free:
 * numbers and arrays of every width into C and back, strings in all three widths both
 * ways (C-allocated results wrapped and freed through the ref), a struct array, memory
 * growth forced by C while refs are held, and thousands of allocations and frees.
 */
import { expect } from 'chai'
import { wrapEmscriptenModuleHeap, type WasmHeapManager } from '../src/index.js'
import { loadEmscriptenFixture, loadWasiFixtureHeap } from './support/fixtures.js'
import { caught } from './support/dynamic.js'
import { SeededRandom } from './support/heaps.js'

type CFunction = (...args: number[]) => number

interface LoadedLibrary {
	readonly heap: WasmHeapManager
	/** A C function by its C name. */
	c(name: string): CFunction
	/** C's own free, counted. */
	readonly freeCalls: () => number
	readonly heapByteLength: () => number
}

/** The Emscripten build through wrapEmscriptenModuleHeap, its `_free` counted. */
async function emscriptenLibrary(): Promise<LoadedLibrary> {
	const module = await loadEmscriptenFixture()
	let freeCalls = 0
	const free = module._free
	module._free = (address: number) => {
		freeCalls++
		return free(address)
	}
	const heap = wrapEmscriptenModuleHeap(module)
	return {
		heap,
		c: (name) => module[`_${name}`] as CFunction,
		freeCalls: () => freeCalls,
		heapByteLength: () => module.HEAPU8.length,
	}
}

/** The wasm32-wasi build through createWasmHeapManager with its own malloc and a counted free. */
async function wasiLibrary(): Promise<LoadedLibrary> {
	const { heap, exports, memory, freeCalls } = await loadWasiFixtureHeap()
	return { heap, c: (name) => exports[name] as CFunction, freeCalls, heapByteLength: () => memory.buffer.byteLength }
}

/** Pointers come back from wasm32 as signed i32: the README's `>>> 0`. */
const pointer = (value: number): number => value >>> 0

for (const [label, load] of [
	['Emscripten build, wrapEmscriptenModuleHeap', emscriptenLibrary],
	['wasm32-wasi build, createWasmHeapManager', wasiLibrary],
] as const) {
	describe(`real module: ${label}`, function () {
		this.timeout(60_000)
		let library: LoadedLibrary
		let heap: WasmHeapManager
		beforeEach(async () => {
			library = await load()
			heap = library.heap
		})

		it('numbers in and out', () => {
			expect(library.c('add_i32')(2 ** 31 - 1, 1)).to.equal(-(2 ** 31))
			expect(library.c('mul_f64')(1.5, -4)).to.equal(-6)
			const ref = heap.allocInt32()
			expect(pointer(library.c('pointer_to_u32')(ref.address))).to.equal(ref.address)
		})

		it("arrays of every width into C, and C's in-place changes read back", () => {
			const random = new SeededRandom(4)
			const cases: [string, (values: number[]) => { address: number; elementCount: number }, number, (values: number[]) => number][] = [
				['sum_i8', (v) => heap.allocInt8Array(v), 128, (v) => v.reduce((a, b) => a + b, 0)],
				['sum_u8', (v) => heap.allocUint8Array(v), 256, (v) => v.reduce((a, b) => a + b, 0)],
				['sum_i16', (v) => heap.allocInt16Array(v), 32768, (v) => v.reduce((a, b) => a + b, 0)],
				['sum_u16', (v) => heap.allocUint16Array(v), 65536, (v) => v.reduce((a, b) => a + b, 0)],
				['sum_i32', (v) => heap.allocInt32Array(v), 2 ** 20, (v) => v.reduce((a, b) => a + b, 0) | 0],
				['sum_u32', (v) => heap.allocUint32Array(v), 2 ** 20, (v) => v.reduce((a, b) => a + b, 0)],
			]
			for (const [name, allocate, range, expected] of cases) {
				const signed = name.includes('_i')
				const values = Array.from({ length: 100 }, () => random.int(signed ? -range : 0, range))
				const ref = allocate(values)
				const result = library.c(name)(ref.address, ref.elementCount)
				expect(name.includes('_u') ? result >>> 0 : result, name).to.equal(expected(values))
			}
			const floats = heap.allocFloat32Array([0.5, 1.25, -2])
			expect(library.c('sum_f32')(floats.address, 3)).to.equal(-0.25)
			library.c('scale_f32')(floats.address, 3, 2)
			expect([...floats.view]).to.deep.equal([1, 2.5, -4])
			const doubles = heap.allocFloat64Array([0.1, 0.2])
			expect(library.c('sum_f64')(doubles.address, 2)).to.equal(0.1 + 0.2)
			const shorts = heap.allocInt16Array([1, -2, 3])
			library.c('reverse_i16')(shorts.address, 3)
			expect([...shorts.view]).to.deep.equal([3, -2, 1])
			const bytes = heap.allocUint8Array(5)
			library.c('fill_u8')(bytes.address, 5, 0xab)
			expect([...bytes.view]).to.deep.equal([0xab, 0xab, 0xab, 0xab, 0xab])
		})

		it('64-bit integers through out-pointers', () => {
			const values = heap.allocBigInt64Array([2n ** 62n, 2n ** 62n, -5n])
			const out = heap.allocBigInt64()
			library.c('sum_i64')(values.address, 3, out.address)
			expect(out.value).to.equal(BigInt.asIntN(64, 2n ** 63n - 5n))
			library.c('negate_i64')(values.address, 3)
			expect(values.readAt(2)).to.equal(5n)
			const unsigned = heap.allocBigUint64Array([2n ** 64n - 1n, 2n])
			const outU = heap.allocBigUint64()
			library.c('sum_u64')(unsigned.address, 2, outU.address)
			expect(outU.value).to.equal(1n)
		})

		it('strings in all three widths into C', () => {
			const utf8 = heap.allocNullTerminatedUtf8String('Grüße 😀')
			expect(library.c('utf8_length')(utf8.address)).to.equal(utf8.encodedByteLength)
			const utf16 = heap.allocNullTerminatedUtf16String('Grüße 😀')
			expect(library.c('utf16_length')(utf16.address)).to.equal('Grüße 😀'.length)
			const utf32 = heap.allocNullTerminatedUtf32String('Grüße 😀')
			expect(library.c('utf32_length')(utf32.address)).to.equal([...'Grüße 😀'].length)
		})

		it('strings C allocated, wrapped and freed through the ref', () => {
			const name = heap.allocNullTerminatedUtf8String('heap')
			const before = library.freeCalls()
			const greeting = heap.wrapNullTerminatedUtf8String(pointer(library.c('make_greeting')(name.address)))
			expect(greeting.value).to.equal('Hello, heap!')
			expect(greeting.allocatedByteSize).to.equal('Hello, heap!'.length + 1)
			greeting.free()
			expect(library.freeCalls()).to.equal(before + 1)
			expect(() => greeting.value).to.throw(Error, 'freed')

			const upper = heap.wrapNullTerminatedAsciiString(pointer(library.c('utf8_upper_ascii')(name.address)))
			expect(upper.value).to.equal('HEAP')
			upper.free()
			const hello16 = heap.wrapNullTerminatedUtf16String(pointer(library.c('utf16_hello')()))
			const hello32 = heap.wrapNullTerminatedUtf32String(pointer(library.c('utf32_hello')()))
			const hello8 = heap.wrapNullTerminatedUtf8String(pointer(library.c('utf8_hello')()))
			expect(hello16.value).to.equal('Grüße 世界 😀!')
			expect(hello32.value).to.equal('Grüße 世界 😀!')
			expect(hello8.value).to.equal('Grüße 世界 😀!')
			const source = heap.allocNullTerminatedUtf16String('ab😀')
			const reversed = heap.wrapNullTerminatedUtf16String(pointer(library.c('utf16_reverse_units')(source.address)))
			expect(reversed.value).to.equal('\ude00\ud83dba') // units reversed: the pair is split, both halves kept exactly
			const source32 = heap.allocNullTerminatedUtf32String('ab😀')
			const reversed32 = heap.wrapNullTerminatedUtf32String(pointer(library.c('utf32_reverse')(source32.address)))
			expect(reversed32.value).to.equal('😀ba')
			for (const ref of [hello16, hello32, hello8, reversed, reversed32]) ref.free()
			expect(library.freeCalls()).to.equal(before + 7)
		})

		it('a struct array C allocated, read at its field offsets', () => {
			const points = pointer(library.c('make_points')(5))
			const rows = heap.wrapUint8Array(points, 5 * 16) // struct Point { int32 x; int32 y; double weight } = 16 bytes
			for (let i = 0; i < 5; i++) {
				expect([heap.readInt32(points + 16 * i), heap.readInt32(points + 16 * i + 4), heap.readFloat64(points + 16 * i + 8)]).to.deep.equal([i, 2 * i, i * 0.5])
			}
			expect(library.c('weighted_sum')(points, 5)).to.equal(45)
			rows.free()
		})

		it('refs and tracking stay right after C grows the memory', () => {
			const numbers = heap.allocFloat64Array([1.5, 2.5])
			const text = heap.allocNullTerminatedUtf16String('kept across growth')
			const size = library.heapByteLength()
			const block = pointer(library.c('grow_heap')(32 * 2 ** 20))
			expect(library.heapByteLength()).to.be.greaterThan(size)
			expect(numbers.readAt(1)).to.equal(2.5)
			expect(text.value).to.equal('kept across growth')
			expect(heap.allocatedRefs).to.have.length(2)
			// C marked the block's first and last bytes: read at addresses only the grown heap has.
			const grown = heap.wrapUint8Array(block, 32 * 2 ** 20)
			expect([...heap.viewUint8Array(block, 4)]).to.deep.equal([0xa0, 0xa1, 0xa2, 0xa3])
			expect(grown.readAt(32 * 2 ** 20 - 1)).to.equal(0xb0)
			grown.free()
			numbers.writeAt(0, 4)
			expect(library.c('sum_f64')(numbers.address, 2)).to.equal(6.5)
		})

		it('5,000 allocations and frees of mixed sizes through the real allocator', () => {
			const random = new SeededRandom(8)
			const live: { free(): void; address: number }[] = []
			for (let i = 0; i < 5000; i++) {
				const kind = random.int(0, 3)
				live.push(kind === 0 ? heap.allocInt32() : kind === 1 ? heap.allocFloat64Array(random.int(0, 64)) : heap.allocNullTerminatedUtf8String('x'.repeat(random.int(0, 40))))
				if (random.next() < 0.4) live.splice(random.int(0, live.length), 1)[0]!.free()
			}
			const addresses = new Set(heap.allocatedRefs.map((ref) => ref.address))
			expect(addresses.size).to.equal(heap.allocatedRefs.length)
			const freesBefore = library.freeCalls()
			const liveCount = heap.allocatedRefs.length
			heap.freeAll()
			expect(library.freeCalls() - freesBefore).to.equal(liveCount)
			expect(heap.allocatedRefs).to.deep.equal([])
			expect(heap.totalAllocatedByteSize).to.equal(0)
		})
	})
}

describe('real module: what a wasm32 malloc cannot be asked for', function () {
	this.timeout(60_000)

	/** The module's C heap, its `_malloc` and `_free` counted (as the manager calls them), under wrapEmscriptenModuleHeap. */
	async function countedEmscripten(): Promise<{ heap: WasmHeapManager; module: Awaited<ReturnType<typeof loadEmscriptenFixture>>; sizes: number[]; frees: () => number }> {
		const module = await loadEmscriptenFixture()
		const sizes: number[] = []
		let frees = 0
		const malloc = module._malloc
		const free = module._free
		module._malloc = (size: number) => (sizes.push(size), malloc(size))
		module._free = (address: number) => (frees++, free(address))
		return { heap: wrapEmscriptenModuleHeap(module), module, sizes, frees: () => frees }
	}

	it('a size of 4 GiB or more is refused before _malloc is called: it took it modulo 2^32, a region of 16 bytes for 4 GiB + 16, then gave it back', async () => {
		const { heap, module, sizes, frees } = await countedEmscripten()
		const before = module.HEAPU8.slice()
		for (const [call, bytes] of [
			[() => heap.allocate(2 ** 32 + 16), 2 ** 32 + 16],
			[() => heap.allocate(2 ** 32, 16), 2 ** 32],
			[() => heap.allocUint8Array(2 ** 32), 2 ** 32],
			[() => heap.allocFloat64Array(2 ** 29), 2 ** 32],
			[() => heap.allocNullTerminatedUtf8String(2 ** 32 - 1), 2 ** 32],
		] as const) {
			const error = caught(call)
			expect(error).to.be.instanceOf(RangeError)
			expect(error.message).to.match(new RegExp(`^(allocate|alloc\\w+): cannot allocate ${bytes} bytes: on wasm32 an allocator takes its size as a 32-bit size_t, at most 4294967295 bytes`))
			expect((error as { code?: string }).code).to.equal('ERR_HEAP_ALLOCATION_FAILED')
		}
		expect(sizes, 'malloc never called').to.deep.equal([])
		expect(frees(), 'nothing given back: nothing was allocated').to.equal(0)
		expect(Buffer.compare(module.HEAPU8, before), 'the heap as it was').to.equal(0)
		expect(heap.allocatedRefs).to.deep.equal([])
		// the largest size a 32-bit size_t holds still reaches malloc (which cannot serve it)
		expect(caught(() => heap.allocate(2 ** 32 - 1)).message).to.match(/^allocate: allocating 4294967295 bytes failed: the allocator returned 0$/)
		expect(sizes).to.deep.equal([2 ** 32 - 1])
	})

	it("a malloc result that misses the alignment asked for says what was asked: the size and the alignment (it said 'the 16 bytes this type needs')", async () => {
		const { heap, sizes, frees } = await countedEmscripten()
		// Emscripten's malloc aligns to 8: this build hands 24 bytes out at an address 8 past a multiple of 16
		const error = caught(() => heap.allocate(24, 16))
		expect(error.message).to.match(/^allocate: allocating 24 bytes aligned to 16 failed: the allocator returned address (\d+), which is not a multiple of 16 \(Emscripten's malloc aligns to 8: export _memalign for larger alignments\)$/)
		const address = Number(/address (\d+)/.exec(error.message)![1])
		expect(address % 16).to.equal(8)
		expect([sizes, frees()], 'allocated once and given back once').to.deep.equal([[24], 1])
	})
})
