/**
 * The entry points: `createWasmHeapManager` over every kind of heap buffer,
 * `wrapEmscriptenModuleHeap` over fake module objects and the real Emscripten
 * fixture, and `createWasmHeapManager` over the real wasm32-wasi fixture (dlmalloc).
 */
import { expect } from 'chai'
import {
	WasmHeapManager,
	createWasmHeapManager,
	wrapEmscriptenModuleHeap,
	type EmscriptenModuleLike,
	type HeapRef,
} from '../src/index.js'
import { callMethod, caught, elements, referenceRead, sampleValue } from './support/dynamic.js'
import { loadEmscriptenFixture, loadWasiFixture, loadWasiFixtureHeap } from './support/fixtures.js'
import { SeededRandom, TestAllocator } from './support/heaps.js'

const pageSize = 65536
const MiB = 2 ** 20

/** Writes one value of every type through the manager and checks each against a DataView over `buffer`. */
function expectEveryTypeRoundTrips(heap: WasmHeapManager, buffer: ArrayBufferLike, firstAddress: number, seed: number): void {
	const random = new SeededRandom(seed)
	let address = firstAddress
	for (const element of elements) {
		const value = sampleValue(element, random)
		callMethod(heap, element.methods.write, address, value)
		expect(referenceRead(new DataView(buffer), element, address), element.name).to.equal(value)
		expect(callMethod(heap, element.methods.readAtomic, address), element.name).to.equal(value)
		address += 8
	}
}

// ---- the real fixtures -----------------------------------------------------------

/** `(a + b) | 0` over the values: C's int32_t sum with wrap-around. */
function int32Sum(values: readonly number[]): number {
	return values.reduce((sum, value) => (sum + value) | 0, 0)
}

describe('entry points', () => {
	describe('createWasmHeapManager', () => {
		const buffers: ReadonlyArray<readonly [string, () => { buffer: () => ArrayBuffer | SharedArrayBuffer; grow?: () => void }]> = [
			['a plain ArrayBuffer', () => {
				const buffer = new ArrayBuffer(pageSize)
				return { buffer: () => buffer }
			}],
			['a SharedArrayBuffer', () => {
				const buffer = new SharedArrayBuffer(pageSize)
				return { buffer: () => buffer }
			}],
			['a WebAssembly.Memory buffer', () => {
				const memory = new WebAssembly.Memory({ initial: 1, maximum: 16 })
				return { buffer: () => memory.buffer, grow: () => memory.grow(1) }
			}],
			['a shared WebAssembly.Memory buffer', () => {
				const memory = new WebAssembly.Memory({ initial: 1, maximum: 16, shared: true })
				return { buffer: () => memory.buffer, grow: () => memory.grow(1) }
			}],
		]

		for (const [name, make] of buffers) {
			it(`over ${name}: a WasmHeapManager whose heap getter returns the current buffer`, () => {
				const source = make()
				const heap = createWasmHeapManager(source.buffer, () => 0, () => {})
				expect(heap).to.be.instanceOf(WasmHeapManager)
				expect(heap.heap).to.equal(source.buffer())
				expect(heap.heap.byteLength).to.equal(pageSize)
				expectEveryTypeRoundTrips(heap, source.buffer(), 1024, 1)
				if (source.grow !== undefined) {
					source.grow()
					expect(heap.heap, 'after growth').to.equal(source.buffer())
					expect(heap.heap.byteLength).to.equal(2 * pageSize)
					expectEveryTypeRoundTrips(heap, source.buffer(), pageSize + 1024, 2)
				}
			})
		}

		it('uses the given alloc and free', () => {
			const memory = new WebAssembly.Memory({ initial: 1, maximum: 16 })
			const allocator = new TestAllocator(memory)
			const heap = createWasmHeapManager(() => memory.buffer, allocator.alloc, allocator.free)
			const ref = heap.allocFloat64Array([1.5, 2.5])
			expect(allocator.live.has(ref.address)).to.equal(true)
			expect(new Float64Array(memory.buffer, ref.address, 2)[1]).to.equal(2.5)
			ref.free()
			expect(allocator.live.has(ref.address)).to.equal(false)
			expect(allocator.freeCalls).to.equal(1)
		})
	})

	describe('wrapEmscriptenModuleHeap with fake modules', () => {
		it('a module with HEAPU8, _malloc and _free works', () => {
			const memory = new WebAssembly.Memory({ initial: 4, maximum: 16 })
			const allocator = new TestAllocator(memory)
			const module = { HEAPU8: new Uint8Array(memory.buffer), _malloc: allocator.alloc, _free: allocator.free }
			const heap = wrapEmscriptenModuleHeap(module)
			expect(heap).to.be.instanceOf(WasmHeapManager)
			expect(heap.heap).to.equal(module.HEAPU8.buffer)

			const ref = heap.allocInt32Array([7, -8, 9])
			expect(allocator.allocCalls).to.equal(1)
			expect(new DataView(module.HEAPU8.buffer).getInt32(ref.address + 4, true)).to.equal(-8)
			module.HEAPU8[ref.address + 8] = 10
			expect(ref.readAt(2)).to.equal(10)
			expectEveryTypeRoundTrips(heap, module.HEAPU8.buffer, 8192, 3)
			ref.free()
			expect(allocator.freeCalls).to.equal(1)
			expect(allocator.live.size).to.equal(0)
		})

		it('a module with wasmMemory instead of HEAPU8 works and sees growth', () => {
			const memory = new WebAssembly.Memory({ initial: 1, maximum: 64 })
			const allocator = new TestAllocator(memory)
			const heap = wrapEmscriptenModuleHeap({ wasmMemory: memory, _malloc: allocator.alloc, _free: allocator.free })
			expect(heap.heap).to.equal(memory.buffer)

			const small = heap.allocFloat64Array([0.25, 0.5, 0.75])
			const value = heap.allocBigInt64()
			value.value = -(2n ** 62n)
			const old = memory.buffer
			memory.grow(2)
			expect(old.byteLength).to.equal(0)
			expect(small.readAt(2)).to.equal(0.75)
			expect(value.value).to.equal(-(2n ** 62n))
			expect(heap.heap).to.equal(memory.buffer)
			heap.writeUint32(3 * pageSize - 4, 0xdeadbeef)
			expect(new DataView(memory.buffer).getUint32(3 * pageSize - 4, true)).to.equal(0xdeadbeef)

			// Growth from inside the allocator.
			const big = heap.allocUint8Array(5 * pageSize)
			expect(memory.buffer.byteLength).to.be.at.least(big.address + 5 * pageSize)
			big.writeAt(5 * pageSize - 1, 200)
			expect(new Uint8Array(memory.buffer)[big.address + 5 * pageSize - 1]).to.equal(200)
			expect(small.readAt(0)).to.equal(0.25)
		})

		const missingPieces: ReadonlyArray<readonly [string, (memory: WebAssembly.Memory, allocator: TestAllocator) => object, RegExp, RegExp]> = [
			['_malloc', (memory, allocator) => ({ HEAPU8: new Uint8Array(memory.buffer), _free: allocator.free }), /_malloc/, /-sEXPORTED_FUNCTIONS/],
			['_free', (memory, allocator) => ({ HEAPU8: new Uint8Array(memory.buffer), _malloc: allocator.alloc }), /_free/, /-sEXPORTED_FUNCTIONS/],
			['the heap', (_memory, allocator) => ({ _malloc: allocator.alloc, _free: allocator.free }), /HEAPU8/, /-sEXPORTED_RUNTIME_METHODS/],
		]
		for (const [piece, make, names, flag] of missingPieces) {
			it(`a module without ${piece} throws Error naming it and the emcc flag`, () => {
				const memory = new WebAssembly.Memory({ initial: 1, maximum: 2 })
				const error = caught(() => wrapEmscriptenModuleHeap(make(memory, new TestAllocator(memory)) as EmscriptenModuleLike))
				expect(error.name).to.equal('Error')
				expect(error).to.not.be.instanceOf(TypeError)
				expect(error.message).to.match(names)
				expect(error.message).to.match(flag)
			})
		}

		it('a HEAPU8-only module where Emscripten replaces HEAPU8 after growth keeps working', () => {
			// Like Emscripten's runtime: malloc may grow the memory, then assigns a new HEAPU8.
			// The memory itself is not reachable from the module object.
			const memory = new WebAssembly.Memory({ initial: 1, maximum: 64 })
			const allocator = new TestAllocator(memory)
			const module = {
				HEAPU8: new Uint8Array(memory.buffer),
				_malloc(size: number): number {
					const address = allocator.alloc(size)
					if (module.HEAPU8.buffer !== memory.buffer) module.HEAPU8 = new Uint8Array(memory.buffer)
					return address
				},
				_free: allocator.free,
			}
			const heap = wrapEmscriptenModuleHeap(module)
			const held = heap.allocInt16Array([1, -2, 3, -4])
			const number = heap.allocFloat32()
			number.value = 1.5
			const firstHeapU8 = module.HEAPU8

			const big = heap.allocFloat64Array(pageSize / 4) // 2 pages: forces growth
			expect(firstHeapU8.length, 'the old HEAPU8 is detached').to.equal(0)
			expect(module.HEAPU8).to.not.equal(firstHeapU8)
			expect(module.HEAPU8.buffer).to.equal(memory.buffer)
			expect(heap.heap).to.equal(memory.buffer)
			expect(Array.from(held.view)).to.deep.equal([1, -2, 3, -4])
			expect(number.value).to.equal(1.5)
			big.writeAt(big.elementCount - 1, -7.25)
			expect(new DataView(module.HEAPU8.buffer).getFloat64(big.address + big.allocatedByteSize - 8, true)).to.equal(-7.25)
			heap.freeAll()
			expect(allocator.live.size).to.equal(0)
		})

		it("a HEAPU8-only module grown from JS (HEAPU8 left stale) still works through the module's raw exports memory", () => {
			const memory = new WebAssembly.Memory({ initial: 1, maximum: 64 })
			const allocator = new TestAllocator(memory)
			const module = { HEAPU8: new Uint8Array(memory.buffer), asm: { memory }, _malloc: allocator.alloc, _free: allocator.free }
			const heap = wrapEmscriptenModuleHeap(module)
			const ref = heap.allocInt32Array([11, 22, 33])
			memory.grow(1)
			expect(module.HEAPU8.length).to.equal(0)
			expect(ref.readAt(2)).to.equal(33)
			expect(heap.heap).to.equal(memory.buffer)
		})

		it('passing the un-awaited Promise of a MODULARIZE factory throws TypeError saying to await it', async () => {
			const pending = loadEmscriptenFixture()
			const error = caught(() => wrapEmscriptenModuleHeap(pending as unknown as EmscriptenModuleLike))
			expect(error).to.be.instanceOf(TypeError)
			expect(error.message).to.match(/Promise/)
			expect(error.message).to.match(/await/)
			// Once awaited, the same module is accepted.
			expect(wrapEmscriptenModuleHeap(await pending)).to.be.instanceOf(WasmHeapManager)
		})

		it('a non-object module throws TypeError', () => {
			for (const notAModule of [undefined, null, 42, 'module']) {
				expect(() => wrapEmscriptenModuleHeap(notAModule as unknown as EmscriptenModuleLike), String(notAModule)).to.throw(TypeError, /wrapEmscriptenModuleHeap/)
			}
		})
	})

	describe('the real Emscripten fixture (heaplib.cjs)', () => {
		it('arrays written through the manager are summed by C; refs survive a wasm-driven growth', async () => {
			const module = await loadEmscriptenFixture()
			const heap = wrapEmscriptenModuleHeap(module)
			expect(heap.heap).to.equal(module.HEAPU8.buffer)
			const sizeBefore = module._heap_size() >>> 0
			expect(heap.heap.byteLength).to.equal(sizeBefore)

			const random = new SeededRandom(10)
			const values = Array.from({ length: 1000 }, () => random.int(-(2 ** 31), 2 ** 31))
			const ints = heap.allocInt32Array(values)
			expect(module._sum_i32(ints.address, values.length)).to.equal(int32Sum(values))
			const doubles = heap.allocFloat64Array([0.5, 1.25, -3, 1e10])
			expect(module._sum_f64(doubles.address, 4)).to.equal(0.5 + 1.25 - 3 + 1e10)
			const scalar = heap.allocBigUint64()
			scalar.value = 2n ** 64n - 2n
			const staleView = heap.viewInt32Array(ints.address, values.length)
			const firstHeapU8 = module.HEAPU8

			const grownBytes = 32 * MiB
			const block = module._grow_heap(grownBytes) >>> 0
			expect(block).to.not.equal(0)
			const sizeAfter = module._heap_size() >>> 0
			expect(sizeAfter).to.be.greaterThan(sizeBefore)
			expect(firstHeapU8.length, 'the old HEAPU8 is detached').to.equal(0)
			expect(staleView.length, 'a view from before growth is detached').to.equal(0)

			// Refs held across the growth read correctly through the new HEAPU8.
			expect(heap.heap).to.equal(module.HEAPU8.buffer)
			expect(heap.heap.byteLength).to.equal(sizeAfter)
			expect(Array.from(ints.view)).to.deep.equal(values)
			expect(ints.readAt(999)).to.equal(values[999])
			expect(doubles.readAt(3)).to.equal(1e10)
			expect(scalar.value).to.equal(2n ** 64n - 2n)
			ints.writeAt(0, 5)
			values[0] = 5
			expect(module._sum_i32(ints.address, values.length)).to.equal(int32Sum(values))

			// The grown block, as grow_heap patterned it.
			expect(Array.from(heap.viewUint8Array(block, 4))).to.deep.equal([0xa0, 0xa1, 0xa2, 0xa3])
			expect(Array.from(heap.viewUint8Array(block + grownBytes - 4, 4))).to.deep.equal([0xb3, 0xb2, 0xb1, 0xb0])
			expect(heap.wrapUint32(block).value).to.equal(0xa3a2a1a0)
			module._free(block)

			heap.freeAll()
			expect(heap.allocatedRefs).to.deep.equal([])
		})

		it('calls the wasm malloc/free exports instead of Emscripten\'s lazy forwarding wrappers; functions that replaced them are kept', async () => {
			const module = await loadEmscriptenFixture()
			const asm = (module as unknown as { asm: Record<string, (...args: (number | undefined)[]) => number> }).asm
			// Wrappers of Emscripten's shape (3.1.x: `Module["asm"]["free"]).apply(null,arguments)`) that count their calls.
			const calls = { malloc: 0, free: 0 }
			const lazy = (name: 'malloc' | 'free'): ((...args: (number | undefined)[]) => number) =>
				new Function('Module', 'calls', `return function(){calls.${name}++;return(Module["asm"]["${name}"]).apply(null,arguments)}`)(module, calls)
			const lazyModule = { HEAPU8: module.HEAPU8, asm, _malloc: lazy('malloc'), _free: lazy('free') }
			const heap = wrapEmscriptenModuleHeap(lazyModule)
			const first = heap.allocInt32()
			const address = first.address
			first.free()
			// dlmalloc hands the freed chunk out again: the free reached the real allocator.
			expect(heap.allocInt32().address).to.equal(address)
			expect(calls).to.deep.equal({ malloc: 0, free: 0 })

			// Minified export names are followed too; an export that is not a wasm function is not trusted.
			const forwarder = (body: string, target: unknown): ((...args: (number | undefined)[]) => number) => new Function('Module', 'calls', `return function(){${body}}`)(target, calls)
			const renamedModule = {
				HEAPU8: module.HEAPU8,
				asm: { D: asm.malloc!, E: (address: number) => asm.free!(address) },
				// Would allocate nothing (address 0, an Error) if it were called.
				_malloc: forwarder('return(Module["asm"]["D"]).apply(null,arguments)', { asm: { D: () => 0 } }),
				_free: forwarder('calls.free++;return(Module["asm"]["E"]).apply(null,arguments)', { asm: { E: asm.free } }),
			}
			const renamed = wrapEmscriptenModuleHeap(renamedModule)
			renamed.allocInt32().free()
			expect(calls).to.deep.equal({ malloc: 0, free: 1 })

			// A replacement that is not a lazy wrapper (it counts, then calls free) is what the manager calls.
			let counted = 0
			const countingModule = { HEAPU8: module.HEAPU8, asm, _malloc: asm.malloc!, _free: (address: number) => (counted++, asm.free!(address)) }
			wrapEmscriptenModuleHeap(countingModule).allocInt32().free()
			expect(counted).to.equal(1)
		})

		it('a JS-side growth of Module.asm.memory (HEAPU8 left stale by Emscripten) is seen too', async () => {
			const module = await loadEmscriptenFixture()
			const heap = wrapEmscriptenModuleHeap(module)
			const ref = heap.allocInt32Array([1, 2, 3, 4])
			const sizeBefore = module.asm.memory.buffer.byteLength
			module.asm.memory.grow(1)
			expect(module.HEAPU8.length).to.equal(0)
			expect(ref.readAt(3)).to.equal(4)
			expect(heap.heap.byteLength).to.equal(sizeBefore + pageSize)
			heap.writeInt32(sizeBefore + 8, -77)
			expect(new DataView(module.asm.memory.buffer).getInt32(sizeBefore + 8, true)).to.equal(-77)
			expect(module._sum_i32(ref.address, 4)).to.equal(10)
			ref.free()
		})
	})

	describe('the real wasi fixture (heaplib.wasm, dlmalloc) through createWasmHeapManager', () => {
		it('arrays allocated through the manager are summed by C', async () => {
			const { exports } = await loadWasiFixture()
			const heap = createWasmHeapManager(() => exports.memory.buffer, exports.malloc, exports.free)
			expect(heap.heap).to.equal(exports.memory.buffer)
			const random = new SeededRandom(20)

			const int8 = Array.from({ length: 300 }, () => random.int(-128, 128))
			const int8Ref = heap.allocInt8Array(int8)
			expect(exports.sum_i8(int8Ref.address, int8.length)).to.equal(int8.reduce((a, b) => a + b, 0))

			const uint16 = Array.from({ length: 500 }, () => random.int(0, 65536))
			const uint16Ref = heap.allocUint16Array(uint16)
			expect(exports.sum_u16(uint16Ref.address, uint16.length) >>> 0).to.equal(uint16.reduce((a, b) => a + b, 0) >>> 0)

			const int32 = Array.from({ length: 700 }, () => random.int(-(2 ** 31), 2 ** 31))
			const int32Ref = heap.allocInt32Array(int32)
			expect(exports.sum_i32(int32Ref.address, int32.length)).to.equal(int32Sum(int32))

			const uint32 = Array.from({ length: 700 }, () => random.int(0, 2 ** 32))
			const uint32Ref = heap.allocUint32Array(uint32)
			expect(exports.sum_u32(uint32Ref.address, uint32.length) >>> 0).to.equal(uint32.reduce((a, b) => (a + b) % 2 ** 32, 0))

			const int64 = Array.from({ length: 100 }, () => BigInt.asIntN(64, random.bits64()))
			const int64Ref = heap.allocBigInt64Array(int64)
			const out = heap.allocBigInt64()
			exports.sum_i64(int64Ref.address, int64.length, out.address)
			expect(out.value).to.equal(BigInt.asIntN(64, int64.reduce((a, b) => a + b, 0n)))

			const doubles = Array.from({ length: 50 }, () => random.next() * 100)
			const doublesRef = heap.allocFloat64Array(doubles)
			expect(exports.sum_f64(doublesRef.address, doubles.length)).to.equal(doubles.reduce((a, b) => a + b, 0))

			expect(heap.allocatedRefs.length).to.equal(7)
			heap.freeAll()
			expect(heap.allocatedRefs).to.deep.equal([])
		})

		it('2,000 alloc/free cycles through the real dlmalloc, with tracking, end with allocatedRefs empty', async () => {
			const { heap, exports, memory, freeCalls } = await loadWasiFixtureHeap()
			const random = new SeededRandom(30)
			const sizeBefore = memory.buffer.byteLength
			interface Live {
				readonly ref: HeapRef
				readonly tag: number
			}
			const live: Live[] = []
			let allocations = 0

			const verifyAndFree = (index: number) => {
				const [entry] = live.splice(index, 1)
				const { ref, tag } = entry!
				const bytes = ref.allocatedBytesView
				// No other allocation overwrote this block, as C sees it too.
				expect(bytes.every((byte) => byte === tag), `block ${ref.address} kept its fill`).to.equal(true)
				expect(exports.sum_u8(ref.address, ref.allocatedByteSize) >>> 0).to.equal((tag * ref.allocatedByteSize) >>> 0)
				if (random.next() < 0.5) ref.free()
				else heap.free(ref.address)
				expect(ref.isFreed).to.equal(true)
			}

			for (let cycle = 0; cycle < 2000; cycle++) {
				const element = random.pick(elements)
				// Now and then a block large enough to make dlmalloc grow the memory.
				const count = cycle % 250 === 249 ? random.int(20_000, 60_000) : random.int(0, 40)
				const ref = (random.next() < 0.3 ? callMethod(heap, element.methods.alloc) : callMethod(heap, element.methods.allocArray, count)) as HeapRef
				allocations++
				expect(ref.address % element.byteSize, `${element.name} alignment`).to.equal(0)
				const tag = 1 + (cycle % 250)
				if (ref.allocatedByteSize > 0) ref.allocatedBytesView.fill(tag)
				live.push({ ref, tag })

				while (live.length > 0 && (random.next() < 0.45 || live.length > 60)) verifyAndFree(random.int(0, live.length))

				if (cycle % 100 === 0) {
					expect(heap.allocatedRefs.length).to.equal(live.length)
					expect(heap.totalAllocatedByteSize).to.equal(live.reduce((sum, { ref }) => sum + ref.allocatedByteSize, 0))
				}
			}
			while (live.length > 0) verifyAndFree(live.length - 1)

			expect(allocations).to.equal(2000)
			expect(freeCalls()).to.equal(2000)
			expect(heap.allocatedRefs).to.deep.equal([])
			expect(heap.totalAllocatedByteSize).to.equal(0)
			expect(memory.buffer.byteLength, 'dlmalloc grew the memory along the way').to.be.greaterThan(sizeBefore)
			expect(heap.heap).to.equal(memory.buffer)
		})

		it('refs survive a C-driven growth (grow_heap(32 MiB)) of the wasi memory', async () => {
			const { exports, memory } = await loadWasiFixture()
			const heap = createWasmHeapManager(() => exports.memory.buffer, exports.malloc, exports.free)
			const ints = heap.allocInt32Array([4, 5, 6])
			const before = memory.buffer
			const block = exports.grow_heap(32 * MiB) >>> 0
			expect(block).to.not.equal(0)
			expect(before.byteLength).to.equal(0)
			expect(heap.heap.byteLength).to.equal(exports.heap_size() >>> 0)
			expect(ints.readAt(2)).to.equal(6)
			expect(exports.sum_i32(ints.address, 3)).to.equal(15)
			expect(heap.readUint8(block + 32 * MiB - 1)).to.equal(0xb0)
			exports.free(block)
			ints.free()
		})
	})
})
