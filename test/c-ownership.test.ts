/**
 * Ownership against the real C fixture library (test/fixtures/src/heaplib.c), in both
 * builds (Emscripten, wasm32-wasi): `release()` hands a buffer to `consume_buffer`,
 * which frees it with its own `free`; `WrapOptions.deallocator` frees what the second
 * allocator (`pool_string`, a static pool with its own `pool_free`) returned; a borrowed
 * wrap of `static_text()` frees nothing. The manager's `free` is counted, and the pool
 * counts its live blocks and bad frees, so a region freed twice or by the wrong
 * allocator shows.
 */
import { expect } from 'chai'
import { createWasmHeapManager, wrapEmscriptenModuleHeap, type WasmHeapManager } from '../src/index.js'
import { expectThrow } from './support/dynamic.js'
import { loadEmscriptenFixture, loadWasiFixture } from './support/fixtures.js'

/** The C functions these tests call (C names; the Emscripten build adds a `_`). */
interface OwnershipFunctions {
	malloc(size: number): number
	consume_buffer(address: number, length: number): number
	consumed_count(): number
	pool_alloc(size: number): number
	pool_free(address: number): void
	pool_string(text: number): number
	pool_live_blocks(): number
	pool_bad_frees(): number
	static_text(): number
	utf8_length(text: number): number
}

interface Library {
	readonly heap: WasmHeapManager
	readonly c: OwnershipFunctions
	/** Calls of the C `free` the manager was given. */
	readonly freeCalls: () => number
}

function cFunctions(lookup: (name: string) => unknown): OwnershipFunctions {
	const names = ['malloc', 'consume_buffer', 'consumed_count', 'pool_alloc', 'pool_free', 'pool_string', 'pool_live_blocks', 'pool_bad_frees', 'static_text', 'utf8_length'] as const
	const functions: Partial<Record<(typeof names)[number], unknown>> = {}
	for (const name of names) {
		const fn = lookup(name)
		if (typeof fn !== 'function') throw new Error(`the fixture does not export ${name}: rebuild it with test/fixtures/build.sh`)
		functions[name] = fn
	}
	return functions as OwnershipFunctions
}

async function emscriptenLibrary(): Promise<Library> {
	const module = await loadEmscriptenFixture()
	let freeCalls = 0
	const free = module._free
	module._free = (address: number) => {
		freeCalls++
		free(address)
	}
	return { heap: wrapEmscriptenModuleHeap(module), c: cFunctions((name) => module[`_${name}`]), freeCalls: () => freeCalls }
}

async function wasiLibrary(): Promise<Library> {
	const { exports, memory } = await loadWasiFixture()
	let freeCalls = 0
	const heap = createWasmHeapManager(() => memory.buffer, exports.malloc, (address: number) => {
		freeCalls++
		exports.free(address)
	})
	return { heap, c: cFunctions((name) => exports[name]), freeCalls: () => freeCalls }
}

for (const [label, load] of [
	['Emscripten build', emscriptenLibrary],
	['wasm32-wasi build', wasiLibrary],
] as const) {
	describe(`C ownership: ${label}`, function () {
		this.timeout(60_000)
		let heap: WasmHeapManager
		let c: OwnershipFunctions
		let freeCalls: () => number
		beforeEach(async () => {
			;({ heap, c, freeCalls } = await load())
		})

		describe('release(): C takes ownership and frees the buffer itself', () => {
			it('consume_buffer frees a released buffer; the manager never frees it (not by freeAll, free(ref) or free(address))', () => {
				const buffer = heap.allocUint8Array([10, 20, 30, 200])
				const other = heap.allocInt32(5)
				const address = buffer.release()
				expect(address).to.equal(buffer.address)
				expect(heap.allocatedRefs).to.deep.equal([other])
				expect(c.consume_buffer(address, 4)).to.equal(260)
				expect(c.consumed_count()).to.equal(1)
				expectThrow(() => buffer.free(), Error, `Uint8ArrayRef.free: the reference to address ${address} was released (its region now belongs to the code it was handed to)`)
				expectThrow(() => heap.free(address), RangeError, `free: no live ref allocated through this manager starts at address ${address}`)
				expectThrow(() => buffer.readAt(0), Error, `Uint8ArrayRef.readAt: the reference to address ${address} was released (its region now belongs to the code it was handed to)`)
				heap.freeAll()
				expect(freeCalls()).to.equal(1) // `other` only
			})

			it('2,000 cycles of allocate, release, consume_buffer: C frees every buffer once and malloc hands the same block out again', () => {
				const first = heap.allocUint8Array(48)
				const address = first.address
				c.consume_buffer(first.release(), 48)
				for (let cycle = 0; cycle < 2000; cycle++) {
					const ref = heap.allocUint8Array(48)
					// The block C freed is reused: it was freed, and freed once (a double free would corrupt dlmalloc's bins).
					expect(ref.address).to.equal(address)
					ref.writeAt(0, cycle & 0xff)
					expect(c.consume_buffer(ref.release(), 48)).to.equal(cycle & 0xff)
				}
				expect(c.consumed_count()).to.equal(2001)
				heap.freeAll()
				expect(freeCalls()).to.equal(0)
			})

			it('a released ref leaves its scope: withScope frees the other temporaries, C frees the released one', () => {
				const result = heap.withScope(() => {
					const text = heap.allocNullTerminatedUtf8String('temporary')
					const buffer = heap.allocUint8Array([1, 2, 3])
					return { length: c.utf8_length(text.address), sum: c.consume_buffer(buffer.release(), 3) }
				})
				expect(result).to.deep.equal({ length: 9, sum: 6 })
				expect(freeCalls()).to.equal(1) // the string only
				expect(c.consumed_count()).to.equal(1)
			})
		})

		describe('WrapOptions.deallocator: memory from a second allocator', () => {
			it('a string pool_string returned is freed with pool_free, never with free', () => {
				const calls: (number | undefined)[][] = []
				const deallocator = (address: number, byteSize?: number, alignment?: number) => {
					calls.push([address, byteSize, alignment])
					c.pool_free(address)
				}
				const name = heap.allocNullTerminatedUtf8String('pooled text ✓')
				const pooled = c.pool_string(name.address) >>> 0
				name.free()
				expect(c.pool_live_blocks()).to.equal(1)
				const ref = heap.wrapNullTerminatedUtf8String(pooled, 64, { deallocator })
				expect(ref.value).to.equal('pooled text ✓')
				ref.free()
				expect(calls).to.deep.equal([[pooled, 64, 1]])
				expect(c.pool_live_blocks()).to.equal(0)
				expect(c.pool_bad_frees()).to.equal(0)
				expect(freeCalls()).to.equal(1) // the name only
			})

			it('500 pool blocks wrapped and freed through pool_free: the pool ends empty, with no bad free', () => {
				const options = { deallocator: (address: number) => c.pool_free(address) }
				for (let cycle = 0; cycle < 500; cycle++) {
					const refs = [0, 1, 2].map(() => heap.wrapUint8Array(c.pool_alloc(64) >>> 0, 64, options))
					expect(c.pool_live_blocks()).to.equal(3)
					refs[1]!.writeAt(0, cycle & 0xff)
					for (const ref of refs) heap.free(ref)
				}
				expect(c.pool_live_blocks()).to.equal(0)
				expect(c.pool_bad_frees()).to.equal(0)
				expect(freeCalls()).to.equal(0)
			})

			it('the pool counts a region given to pool_free twice, so the tests above would see one', () => {
				const block = c.pool_alloc(8) >>> 0
				const ref = heap.wrapUint8Array(block, 8, { deallocator: (address) => c.pool_free(address) })
				ref.free()
				ref.free() // a second free() does nothing
				expect(c.pool_bad_frees()).to.equal(0)
				c.pool_free(block)
				expect(c.pool_bad_frees()).to.equal(1)
			})

			it('a pool_free that throws leaves the ref freed and rethrows with the cause', () => {
				const block = c.pool_alloc(16) >>> 0
				const failure = new Error('pool is locked')
				const ref = heap.wrapUint8Array(block, 16, {
					deallocator: (address) => {
						c.pool_free(address)
						throw failure
					},
				})
				const error = expectThrow(() => ref.free(), Error, 'Uint8ArrayRef.free: the deallocator threw Error: pool is locked (the ref is freed all the same)')
				expect(error.cause).to.equal(failure)
				expect(ref.isFreed).to.equal(true)
				ref.free()
				expect(c.pool_live_blocks()).to.equal(0)
				expect(c.pool_bad_frees()).to.equal(0)
			})

			it('a borrowed wrap of static_text(): free() invalidates it and calls no deallocator', () => {
				const address = c.static_text() >>> 0
				const ref = heap.wrapNullTerminatedUtf8String(address, undefined, { deallocator: null })
				expect(ref.value).to.equal('static C text')
				ref.free()
				expectThrow(() => ref.value, Error, `Utf8StringRef.value: the reference to address ${address} has been freed`)
				expect(freeCalls()).to.equal(0)
				expect(c.pool_bad_frees()).to.equal(0)
			})
		})
	})
}
