/**
 * The Rust fixture (test/fixtures/rust/heaprs.rs, built with rustc for
 * wasm32-unknown-unknown) through the public API only: a manager over its `alloc` /
 * `dealloc` (Rust's global allocator, which needs the size and alignment back) and over
 * wasm-bindgen's `__wbindgen_malloc` / `__wbindgen_free`; `&str`, `&[f64]`, `Vec<u8>` and
 * `String` as pointer + length; `release()` to hand a region to Rust, borrowed wraps of
 * Rust's static data, and scopes. Rust's own accounting (`live_bytes`, `live_blocks`,
 * and `bad_frees`, which counts every `dealloc` of a region that is not live or with
 * another size or alignment) proves that nothing leaked and nothing was freed twice.
 *
 * Rust `&str` is handed over and read both ways: with the length-delimited family
 * (`allocUtf8StringSlice`, `wrapUtf8StringSlice`, U+0000 an ordinary character) and, in
 * the older tests, with `readNullTerminatedUtf8String(address, length)` or `TextDecoder`.
 */
import { expect } from 'chai'
import { createWasmHeapManager, type HeapRef, type WasmHeapManager } from '../src/index.js'
import { expectSameBytes, expectThrow } from './support/dynamic.js'
import { loadRustFixture, type HeaprsExports } from './support/fixtures.js'
import { SeededRandom, snapshot } from './support/heaps.js'

const decoder = new TextDecoder('utf-8', { fatal: true })
const encoder = new TextEncoder()

/** A fresh Rust instance and a manager over its `alloc`/`dealloc`. */
async function rustHeap(): Promise<{ heap: WasmHeapManager; rust: HeaprsExports; memory: WebAssembly.Memory }> {
	const { exports: rust, memory } = await loadRustFixture()
	const heap = createWasmHeapManager(() => memory.buffer, rust.alloc, rust.dealloc)
	return { heap, rust, memory }
}

/** Rust's accounting: what is live, and whether anything was freed twice or with a wrong layout. */
/** Calls the fixture's `greet(name)`, which returns a Rust `String` as `[ptr, len, capacity]`; frees what it allocated to call it. */
function greet(heap: WasmHeapManager, rust: HeaprsExports, name: string): [address: number, length: number, capacity: number] {
	return heap.withScope(() => {
		const bytes = heap.allocUint8Array(encoder.encode(name))
		const out = heap.allocUint32Array(3)
		expect(rust.greet(bytes.address, bytes.elementCount, out.address)).to.equal(0)
		return [out.readAt(0), out.readAt(1), out.readAt(2)]
	})
}

function accounting(rust: HeaprsExports) {
	return { liveBytes: rust.live_bytes(), liveBlocks: rust.live_blocks(), badFrees: rust.bad_frees() }
}

function expectClean(rust: HeaprsExports, baseline = { liveBytes: 0, liveBlocks: 0, badFrees: 0 }): void {
	expect(accounting(rust)).to.deep.equal(baseline)
	expect(rust.allocation_count() - rust.deallocation_count()).to.equal(baseline.liveBlocks)
}

/** Allocates one ref of a kind picked by `random` (never zero-sized, so Rust's size is its `allocatedByteSize`). */
function allocSomething(heap: WasmHeapManager, random: SeededRandom): HeapRef {
	switch (random.int(0, 8)) {
		case 0:
			return heap.allocInt8(random.int(-128, 128))
		case 1:
			return heap.allocInt32(random.int(-1000, 1000))
		case 2:
			return heap.allocFloat64(random.next())
		case 3:
			return heap.allocBigInt64Array(random.int(1, 20))
		case 4:
			return heap.allocUint16Array(random.int(1, 300))
		case 5:
			return heap.allocNullTerminatedUtf8String('é'.repeat(random.int(0, 40)))
		case 6:
			return heap.allocNullTerminatedUtf16String(random.int(1, 50))
		default:
			return heap.allocFloat64Array(random.int(1, 100))
	}
}

describe('Rust fixture (heaprs.wasm): Rust global allocator through alloc(size, align) / dealloc(ptr, size, align)', function () {
	this.timeout(60_000)

	it("its accounting starts at zero and follows Rust's own allocations", async () => {
		const { rust } = await rustHeap()
		expectClean(rust)
		// Rust itself allocating and freeing moves the counters.
		const squares = rust.squares(4)
		expect(accounting(rust)).to.deep.equal({ liveBytes: 32, liveBlocks: 1, badFrees: 0 })
		rust.dealloc(squares, 32, 8)
		expectClean(rust)
	})

	it('bad_frees catches a double free and a free with the wrong size or alignment (and frees nothing then)', async () => {
		const { rust } = await rustHeap()
		const address = rust.alloc(24, 8)
		rust.dealloc(address, 16, 8)
		rust.dealloc(address, 24, 4)
		expect(accounting(rust)).to.deep.equal({ liveBytes: 24, liveBlocks: 1, badFrees: 2 })
		rust.dealloc(address, 24, 8)
		rust.dealloc(address, 24, 8)
		expect(accounting(rust)).to.deep.equal({ liveBytes: 0, liveBlocks: 0, badFrees: 3 })
	})

	it('every kind of ref gets exactly the size and alignment back that alloc got: Rust frees them all', async () => {
		const { heap, rust } = await rustHeap()
		const refs: HeapRef[] = [
			heap.allocInt8(),
			heap.allocInt16(7),
			heap.allocInt32(42),
			heap.allocFloat64(1.5),
			heap.allocBigInt64Array(3),
			heap.allocUint16Array(0), // one byte, so that it has an address of its own
			heap.allocFloat32Array([1, 2, 3]),
			heap.allocNullTerminatedUtf8String('héllo'),
			heap.allocNullTerminatedUtf16String(4),
			heap.allocNullTerminatedUtf32String('x'),
		]
		expect(accounting(rust)).to.deep.equal({ liveBytes: 1 + 2 + 4 + 8 + 24 + 1 + 12 + 7 + 10 + 8, liveBlocks: 10, badFrees: 0 })
		expect((refs[2] as ReturnType<WasmHeapManager['allocInt32']>).value).to.equal(42)
		for (const ref of refs) ref.free()
		expectClean(rust)
	})

	it('5,000 seeded alloc/free cycles of every kind: Rust counts exactly what the manager tracks, and 0 at the end', async () => {
		const { heap, rust } = await rustHeap()
		const random = new SeededRandom(12)
		const live: HeapRef[] = []
		for (let cycle = 0; cycle < 5000; cycle++) {
			if (live.length > 0 && random.next() < 0.45) {
				const index = random.int(0, live.length)
				const ref = live[index]!
				live[index] = live[live.length - 1]!
				live.pop()
				if (random.next() < 0.5) ref.free()
				else heap.free(random.next() < 0.5 ? ref : ref.address)
			} else {
				live.push(allocSomething(heap, random))
			}
			if (cycle % 250 === 0) {
				expect(rust.live_bytes(), `cycle ${cycle}`).to.equal(heap.totalAllocatedByteSize)
				expect(rust.live_blocks(), `cycle ${cycle}`).to.equal(live.length)
			}
		}
		expect(live.length).to.be.greaterThan(100)
		expect(rust.live_bytes()).to.equal(heap.totalAllocatedByteSize)
		heap.freeAll()
		expect(heap.totalAllocatedByteSize).to.equal(0)
		// A second freeAll and a second free() of every ref free nothing twice.
		heap.freeAll()
		for (const ref of live) ref.free()
		expectClean(rust)
		expect(rust.allocation_count()).to.be.greaterThan(2500)
	})

	it('&str in: a UTF-8 string ref passed as pointer + length (U+0000 and astral characters included)', async () => {
		const { heap, rust } = await rustHeap()
		heap.withScope(() => {
			const text = heap.allocNullTerminatedUtf8String('héllo, 世界 😀')
			expect(rust.count_chars(text.address, text.encodedElementCount)).to.equal(11)
			// U+0000 inside a &str: copy the encoded bytes in (the null-terminated family stops at a 0).
			const bytes = heap.allocUint8Array(encoder.encode('a\u0000b\u0000'))
			expect(rust.count_chars(bytes.address, bytes.elementCount)).to.equal(4)
			// Not UTF-8: Rust says so.
			const bad = heap.allocUint8Array([0x61, 0xff])
			expect(rust.count_chars(bad.address, bad.elementCount)).to.equal(-1)
		})
		expectClean(rust)
	})

	it('&[f64] in: a Float64Array ref passed as pointer + length', async () => {
		const { heap, rust } = await rustHeap()
		const values = heap.allocFloat64Array([0.5, 1.25, -3, 1e10])
		expect(rust.sum_f64(values.address, values.elementCount)).to.equal(0.5 + 1.25 - 3 + 1e10)
		values.free()
		expectClean(rust)
	})

	it('Vec<u8> out through out-params: wrapUint8Array(ptr, len).free() gives Rust back (ptr, len, 1)', async () => {
		const { heap, rust } = await rustHeap()
		for (const [input, upper] of [
			['straße', 'STRASSE'],
			['hello', 'HELLO'],
			['ǆ 😀', 'Ǆ 😀'],
		] as const) {
			const result = heap.withScope(() => {
				const text = heap.allocNullTerminatedUtf8String(input)
				const out = heap.allocUint32Array(2)
				expect(rust.uppercase(text.address, text.encodedElementCount, out.address, out.address + 4)).to.equal(0)
				const vec = heap.wrapUint8Array(out.readAt(0), out.readAt(1))
				return { vec, text: heap.readNullTerminatedUtf8String(vec.address, vec.elementCount) }
			})
			expect(result.text).to.equal(upper)
			expect(rust.live_bytes()).to.equal(encoder.encode(upper).length) // only the Vec is live
			result.vec.free()
			expectClean(rust)
		}
	})

	it('a String with spare capacity: wrapped with its capacity, free() gives Rust back (ptr, capacity, 1)', async () => {
		const { heap, rust } = await rustHeap()
		const [address, length, capacity] = greet(heap, rust, 'Ferris 🦀')
		expect(capacity).to.be.greaterThan(length)
		const string = heap.wrapUint8Array(address, capacity)
		expect(decoder.decode(string.view.subarray(0, length))).to.equal('Hello, Ferris 🦀!')
		expect(accounting(rust)).to.deep.equal({ liveBytes: capacity, liveBlocks: 1, badFrees: 0 })
		string.free()
		expectClean(rust)
	})

	it("a String as (ptr, len, capacity): wrapUtf8StringSlice(ptr, len, { capacity }) reads the length, writes into Rust's spare room, and frees what Rust allocated", async () => {
		const { heap, rust } = await rustHeap()
		const [address, length, capacity] = greet(heap, rust, 'Ferris')
		const greeting = heap.wrapUtf8StringSlice(address, length, { capacity })
		expect([greeting.value, greeting.elementCount, greeting.capacity]).to.deep.equal(['Hello, Ferris!', length, capacity])
		// Longer than the string, within Rust's capacity: Rust reads the new text at the same address.
		const longer = 'Hello, Ferris 🦀 and friends!'
		expect(greeting.write(longer)).to.equal(encoder.encode(longer).length)
		expect(greeting.address).to.equal(address)
		expect(rust.count_chars(greeting.address, greeting.elementCount)).to.equal([...longer].length)
		greeting.free()
		expectClean(rust)
	})

	it('a String wrapped with its length instead of its capacity is a bad free, which Rust counts (and does not free)', async () => {
		const { heap, rust } = await rustHeap()
		const [address, length, capacity] = greet(heap, rust, 'x')
		heap.wrapUint8Array(address, length).free()
		expect(accounting(rust)).to.deep.equal({ liveBytes: capacity, liveBlocks: 1, badFrees: 1 })
		heap.deallocate(address, capacity, 1)
		expect(accounting(rust)).to.deep.equal({ liveBytes: 0, liveBlocks: 0, badFrees: 1 })
	})

	it('Box<[f64]> out: wrapFloat64Array(ptr, n).free() gives Rust back (ptr, 8n, 8)', async () => {
		const { heap, rust } = await rustHeap()
		const squares = heap.wrapFloat64Array(rust.squares(5), 5)
		expect(Array.from(squares.view)).to.deep.equal([0, 1, 4, 9, 16])
		expect(rust.live_bytes()).to.equal(40)
		squares.free()
		expectClean(rust)
	})

	describe('release(): Rust takes ownership and frees the region itself', () => {
		it('a Vec<u8> and a Box<[f64]> handed over with release(): Rust frees them, and the manager never does', async () => {
			const { heap, rust } = await rustHeap()
			const bytes = heap.allocUint8Array([1, 2, 3, 250])
			const floats = heap.allocFloat64Array([1.5, 2.5])
			const kept = heap.allocInt32(9)
			expect(rust.take_bytes(bytes.release(), 4)).to.equal(256)
			expect(rust.take_f64s(floats.release(), 2)).to.equal(4)
			expect(accounting(rust)).to.deep.equal({ liveBytes: 4, liveBlocks: 1, badFrees: 0 })
			expect(heap.allocatedRefs).to.deep.equal([kept])
			// Whatever the manager is asked to do later, it frees nothing twice.
			heap.freeAll()
			expectThrow(() => bytes.free(), Error, /^Uint8ArrayRef\.free: the reference to address \d+ was released/)
			expectThrow(() => floats.view, Error, /^Float64ArrayRef\.view: the reference to address \d+ was released/)
			expectThrow(() => heap.free(bytes.address), RangeError, `free: no live ref allocated through this manager starts at address ${bytes.address}`)
			expectThrow(() => bytes.release(), Error, /^Uint8ArrayRef\.release: the reference to address \d+ was released/)
			expectClean(rust)
		})

		it('a freed ref cannot be released, and nothing is freed a second time', async () => {
			const { heap, rust, memory } = await rustHeap()
			const ref = heap.allocUint8Array(8)
			ref.free()
			const before = snapshot(memory)
			expectThrow(() => ref.release(), Error, /^Uint8ArrayRef\.release: the reference to address \d+ has been freed$/)
			expect(snapshot(memory)).to.deep.equal(before)
			expectClean(rust)
		})

		it('1,000 cycles of allocate, release, Rust frees: nothing leaks, nothing is freed twice', async () => {
			const { heap, rust } = await rustHeap()
			const random = new SeededRandom(99)
			let expected = 0
			for (let cycle = 0; cycle < 1000; cycle++) {
				const values = Array.from({ length: random.int(1, 64) }, () => random.int(0, 256))
				expected = values.reduce((sum, value) => sum + value, 0)
				const ref = heap.allocUint8Array(values)
				expect(rust.take_bytes(ref.release(), values.length)).to.equal(expected)
			}
			heap.freeAll()
			expectClean(rust)
			expect(rust.deallocation_count()).to.equal(1000)
		})

		it('a released ref leaves its scope: closing the scope does not free it', async () => {
			const { heap, rust } = await rustHeap()
			const address = heap.withScope(() => {
				heap.allocFloat64(1) // freed by the scope
				return heap.allocUint8Array([7, 7]).release()
			})
			expect(accounting(rust)).to.deep.equal({ liveBytes: 2, liveBlocks: 1, badFrees: 0 })
			expect(rust.take_bytes(address, 2)).to.equal(14)
			expectClean(rust)
		})
	})

	describe('the length-delimited family against Rust: &str, Box<str> and a String handed over as (pointer, length)', () => {
		it('allocUtf8StringSlice and writeUtf8StringSlice give Rust a &str it accepts, U+0000 and astral characters included', async () => {
			const { heap, rust } = await rustHeap()
			for (const text of ['héllo, 世界 😀', 'a\u0000b\u0000', '\u0000', 'key\u0000value 🦀']) {
				const slice = heap.allocUtf8StringSlice(text)
				expect(rust.count_chars(slice.address, slice.elementCount), JSON.stringify(text)).to.equal([...text].length)
				expect(slice.allocatedByteSize).to.equal(encoder.encode(text).length)
				slice.free()
			}
			// writeUtf8StringSlice returns the length that goes with the pointer; a lone surrogate becomes U+FFFD, still UTF-8.
			const buffer = heap.allocUint8Array(64)
			const length = heap.writeUtf8StringSlice(buffer.address, 'x\ud800y\u0000', 64)
			expect(length).to.equal(6)
			expect(rust.count_chars(buffer.address, length)).to.equal(4)
			// A Latin-1 byte from an ASCII slice's write would not be UTF-8: ASCII refuses it before writing.
			expectThrow(() => heap.writeAsciiStringSlice(buffer.address, 'é'), RangeError, /not an ASCII character/)
			buffer.free()
			expectClean(rust)
		})

		it("Rust's Box<str> out: wrapUtf8StringSlice(ptr, len) reads it exactly and free() gives Rust back (ptr, len, 1)", async () => {
			const { heap, rust } = await rustHeap()
			for (const [input, upper] of [
				['straße\u0000', 'STRASSE\u0000'],
				['ǆ 😀', 'Ǆ 😀'],
				['', ''],
			] as const) {
				const out = heap.allocUint32Array(2)
				const text = heap.allocUtf8StringSlice(input)
				expect(rust.uppercase(text.address, text.elementCount, out.address, out.address + 4)).to.equal(0)
				const [address, length] = [out.readAt(0), out.readAt(1)]
				text.free()
				out.free()
				if (length === 0) {
					// Rust's empty Box<str> is a dangling, never-allocated pointer: borrowed, nothing to free.
					const empty = heap.wrapUtf8StringSlice(address, 0, { deallocator: null })
					expect(empty.value).to.equal('')
					empty.free()
					expectClean(rust)
					continue
				}
				const upperRef = heap.wrapUtf8StringSlice(address, length)
				expect(upperRef.value).to.equal(upper)
				expect([upperRef.elementCount, upperRef.capacity, upperRef.encodedByteLength]).to.deep.equal([length, length, length])
				expect(accounting(rust)).to.deep.equal({ liveBytes: length, liveBlocks: 1, badFrees: 0 })
				upperRef.free()
				expectClean(rust)
			}
		})

		it('a slice ref of every encoding, empty ones included, is freed with the size and alignment it was allocated with', async () => {
			const { heap, rust } = await rustHeap()
			const refs = [
				heap.allocAsciiStringSlice('ascii\u0000'),
				heap.allocUtf8StringSlice(''),
				heap.allocUtf8StringSlice(7),
				heap.allocUtf16StringSlice('a\ud800😀'),
				heap.allocUtf16StringSlice(''),
				heap.allocUtf32StringSlice('a\udc00😀'),
				heap.allocUtf32StringSlice(''),
				heap.allocUtf32StringSlice(3),
			]
			expect(new Set(refs.map((ref) => ref.address)).size, 'every address unique').to.equal(refs.length)
			expect(accounting(rust).liveBlocks).to.equal(refs.length)
			expect(refs.map((ref) => ref.value)).to.deep.equal(['ascii\u0000', '', '', 'a\ud800😀', '', 'a\udc00😀', '', ''])
			for (const ref of refs) ref.free()
			expectClean(rust)
		})

		it("a borrowed wrapUtf8StringSlice of Rust's static &str reads past its U+0000, and frees nothing", async () => {
			const { heap, rust } = await rustHeap()
			const lengthRef = heap.allocUint32()
			const address = rust.static_message(lengthRef.address)
			const message = heap.wrapUtf8StringSlice(address, lengthRef.value, { deallocator: null })
			lengthRef.free()
			expect(message.value).to.equal('static Rust text\u0000with a U+0000 inside')
			expect(heap.readUtf8StringSlice(address, message.elementCount)).to.equal(message.value)
			expect(heap.lengthOfNullTerminatedUtf8String(address)).to.equal(16)
			message.free()
			expectClean(rust)
		})
	})

	describe('borrowed wraps and WrapOptions.deallocator', () => {
		it("a borrowed wrap of Rust's static data: free() invalidates it and frees nothing", async () => {
			const { heap, rust } = await rustHeap()
			const lengthRef = heap.allocUint32()
			const address = rust.static_message(lengthRef.address)
			const length = lengthRef.value
			lengthRef.free()
			const message = heap.wrapUint8Array(address, length, { deallocator: null })
			expect(decoder.decode(message.view)).to.equal('static Rust text\u0000with a U+0000 inside')
			// The null-terminated reader stops at the U+0000; the length is what bounds a &str.
			expect(heap.readNullTerminatedUtf8String(address, length)).to.equal('static Rust text')
			message.free()
			expect(message.isFreed).to.equal(true)
			expectThrow(() => message.view, Error, /^Uint8ArrayRef\.view: the reference to address \d+ has been freed$/)
			expectClean(rust)
			// Without `deallocator: null`, the same free() would hand static data to Rust's dealloc.
			heap.wrapUint8Array(address, length).free()
			expect(rust.bad_frees()).to.equal(1)
		})

		it('1,000 borrowed wraps freed: Rust sees no free at all', async () => {
			const { heap, rust } = await rustHeap()
			const out = heap.allocUint32()
			const address = rust.static_message(out.address)
			for (let cycle = 0; cycle < 1000; cycle++) {
				heap.withScope(() => heap.wrapNullTerminatedUtf8String(address, out.value, { deallocator: null }).free())
			}
			out.free()
			expectClean(rust)
			expect(rust.deallocation_count()).to.equal(1)
		})

		it('WrapOptions.deallocator frees the region through the given function, with (address, byteSize, alignment)', async () => {
			const { heap, rust } = await rustHeap()
			const calls: string[] = []
			const deallocator = (address: number, byteSize?: number, alignment?: number) => {
				calls.push(`${byteSize}, ${alignment}`)
				rust.__wbindgen_free(address, byteSize!, alignment!)
			}
			const squares = heap.wrapFloat64Array(rust.squares(3), 3, { deallocator })
			const int = heap.wrapInt32(rust.__wbindgen_malloc(4, 4), { deallocator })
			int.value = 5
			squares.free()
			int.free()
			expect(calls).to.deep.equal(['24, 8', '4, 4'])
			expectClean(rust)
		})

		it('a deallocator that throws leaves the ref freed and rethrows with the cause; it is not called again', async () => {
			const { heap, rust } = await rustHeap()
			let calls = 0
			const boom = new Error('boom')
			const ref = heap.wrapFloat64Array(rust.squares(2), 2, {
				deallocator: (address, byteSize, alignment) => {
					calls++
					rust.dealloc(address, byteSize!, alignment!)
					throw boom
				},
			})
			const error = expectThrow(() => ref.free(), Error, 'Float64ArrayRef.free: the deallocator threw Error: boom (the ref is freed all the same)')
			expect(error.cause).to.equal(boom)
			expect(ref.isFreed).to.equal(true)
			ref.free()
			expect(calls).to.equal(1)
			expectClean(rust)
		})

		it('a bad deallocator option is refused before anything is wrapped or freed', async () => {
			const { heap, rust } = await rustHeap()
			const address = rust.squares(1)
			expectThrow(() => heap.wrapFloat64Array(address, 1, { deallocator: 'free' as never }), TypeError, 'wrapFloat64Array: options.deallocator must be a function or null, received "free"')
			expect(accounting(rust)).to.deep.equal({ liveBytes: 8, liveBlocks: 1, badFrees: 0 })
			rust.dealloc(address, 8, 8)
			expectClean(rust)
		})
	})

	describe('scopes', () => {
		it('withScope with three temporaries, 2,000 times: Rust frees every one', async () => {
			const { heap, rust } = await rustHeap()
			let total = 0
			for (let cycle = 0; cycle < 2000; cycle++) {
				total += heap.withScope(() => {
					const text = heap.allocNullTerminatedUtf8String(`cycle ${cycle}`)
					const values = heap.allocFloat64Array([cycle, 1])
					const count = heap.allocInt32(rust.count_chars(text.address, text.encodedElementCount))
					return rust.sum_f64(values.address, values.elementCount) + count.value
				})
			}
			expect(total).to.equal(((1999 * 2000) / 2) + 2000 + 2000 * 6 + 10 * 1 + 90 * 2 + 900 * 3 + 1000 * 4)
			expectClean(rust)
			expect(rust.deallocation_count()).to.equal(6000)
		})

		it('withScope frees its temporaries when fn throws (the error passes through unchanged)', async () => {
			const { heap, rust } = await rustHeap()
			const failure = new RangeError('from fn')
			const error = expectThrow(
				() =>
					heap.withScope(() => {
						heap.allocFloat64Array(10)
						heap.allocNullTerminatedUtf8String('temporary')
						throw failure
					}),
				RangeError,
				'from fn',
			)
			expect(error).to.equal(failure)
			expectClean(rust)
		})

		it('nested openScope blocks free their own refs innermost first; keep() moves one out', async () => {
			const { heap, rust } = await rustHeap()
			let kept: ReturnType<WasmHeapManager['allocFloat64Array']> | undefined
			{
				using outer = heap.openScope()
				heap.allocInt32(1)
				{
					using inner = heap.openScope()
					heap.allocInt32Array(8)
					kept = inner.keep(heap.allocFloat64Array([1, 2]))
				}
				expect(rust.live_bytes()).to.equal(4 + 16)
				expect(outer.isClosed).to.equal(false)
			}
			expect(accounting(rust)).to.deep.equal({ liveBytes: 16, liveBlocks: 1, badFrees: 0 })
			expect(rust.sum_f64(kept.address, 2)).to.equal(3)
			kept.free()
			expectClean(rust)
		})

		it('a closed scope refuses keep() and a second close(), and frees nothing twice', async () => {
			const { heap, rust } = await rustHeap()
			const scope = heap.openScope()
			const ref = heap.allocInt32()
			scope.close()
			expectThrow(() => scope.close(), Error, 'HeapScope.close: this scope is already closed')
			expectThrow(() => scope.keep(ref), Error, 'HeapScope.keep: the scope is closed')
			ref.free()
			expectClean(rust)
		})

		it('an async fn, bound or not, is refused before anything is allocated', async () => {
			const { heap, rust } = await rustHeap()
			const fn = async () => heap.allocInt32(1)
			for (const candidate of [fn, fn.bind(null)]) {
				expectThrow(() => heap.withScope(candidate as never), TypeError, /^withScope: fn is an async function; a scope closes when fn returns/)
			}
			expectClean(rust)
			expect(rust.allocation_count()).to.equal(0)
		})

		it('scopes work with tracking off', async () => {
			const { exports: rust, memory } = await loadRustFixture()
			const heap = createWasmHeapManager(() => memory.buffer, rust.alloc, rust.dealloc, { trackAllocations: false })
			for (let cycle = 0; cycle < 500; cycle++) heap.withScope(() => [heap.allocInt32(cycle), heap.allocNullTerminatedUtf8String('abc')])
			expectClean(rust)
		})
	})
})

describe('wasm-bindgen allocator ABI: createWasmHeapManager(get, exports.__wbindgen_malloc, exports.__wbindgen_free)', function () {
	this.timeout(60_000)

	async function bindgenHeap() {
		const { exports: rust, memory } = await loadRustFixture()
		const heap = createWasmHeapManager(() => memory.buffer, rust.__wbindgen_malloc, rust.__wbindgen_free)
		return { heap, rust, memory }
	}

	it('without its alignment argument, __wbindgen_malloc traps (what a size-only manager used to do)', async () => {
		const { rust } = await bindgenHeap()
		expect(() => (rust.__wbindgen_malloc as (size: number) => number)(8)).to.throw(WebAssembly.RuntimeError, 'unreachable')
		expectClean(rust)
	})

	it('works as it is: 3,000 seeded alloc/free cycles, then Rust counts 0 live bytes and no bad free', async () => {
		const { heap, rust } = await bindgenHeap()
		const random = new SeededRandom(7)
		const live: HeapRef[] = []
		for (let cycle = 0; cycle < 3000; cycle++) {
			if (live.length > 0 && random.next() < 0.5) live.splice(random.int(0, live.length), 1)[0]!.free()
			else live.push(allocSomething(heap, random))
		}
		expect(rust.live_bytes()).to.equal(heap.totalAllocatedByteSize)
		expect(rust.live_bytes()).to.be.greaterThan(0)
		heap.freeAll()
		expectClean(rust)
	})

	it('strings and arrays round-trip through Rust functions under the wasm-bindgen allocator', async () => {
		const { heap, rust } = await bindgenHeap()
		const sum = heap.withScope(() => {
			const values = heap.allocFloat64Array([1, 2, 3.5])
			return rust.sum_f64(values.address, values.elementCount)
		})
		expect(sum).to.equal(6.5)
		const text = heap.allocNullTerminatedUtf8String('wasm-bindgen ✓')
		expect(rust.count_chars(text.address, text.encodedElementCount)).to.equal(14)
		expect(rust.take_bytes(text.release(), text.allocatedByteSize)).to.be.greaterThan(0) // Rust drops it as a Vec<u8>
		expectClean(rust)
	})

	it('raw allocate/deallocate pass the alignment through: __wbindgen_malloc honours it', async () => {
		const { heap, rust } = await bindgenHeap()
		for (const alignment of [1, 2, 4, 8, 16, 64, 256]) {
			const address = heap.allocate(24, alignment)
			expect(address % alignment).to.equal(0)
			expect(rust.live_bytes()).to.equal(24)
			heap.deallocate(address, 24, alignment)
			expectClean(rust)
		}
	})

	it('allocate(0) then deallocate(address, 0, alignment): the deallocator gets the 1 byte the allocator was asked for', async () => {
		const { heap, rust } = await rustHeap()
		for (const alignment of [1, 8, 64]) {
			const address = heap.allocate(0, alignment)
			expect(accounting(rust)).to.deep.equal({ liveBytes: 1, liveBlocks: 1, badFrees: 0 })
			// Rust's dealloc of a 0-byte layout frees nothing: passed on as 0, the byte leaked.
			heap.deallocate(address, 0, alignment)
			expectClean(rust)
		}
	})

	it('deallocate(address, 0, alignment) of a zero-sized region Rust made (an empty Box<[f64]>\'s dangling pointer) passes 0 on, as Rust\'s dealloc needs: 1 would free what was never allocated', async () => {
		const { heap, rust } = await rustHeap()
		// squares(n): free it with dealloc(ptr, 8 * n, 8); for n = 0 the pointer is dangling (8) and nothing was allocated
		const dangling = rust.squares(0)
		expect(dangling).to.equal(8)
		heap.deallocate(dangling, 0, 8)
		expectClean(rust)
		// An address allocate(0) returned and a deallocate with no size gave back is no longer one of allocate(0)'s.
		const address = heap.allocate(0, 8)
		heap.deallocate(address)
		expect(accounting(rust).badFrees).to.equal(0)
		const calls: unknown[][] = []
		const recording = createWasmHeapManager(
			() => new ArrayBuffer(65536),
			() => 64,
			(...args: unknown[]) => void calls.push(args),
		)
		recording.deallocate(recording.allocate(0, 8))
		// (the same address again, as a zero-sized region made elsewhere)
		recording.deallocate(64, 0, 8)
		expect(calls).to.deep.equal([[64, undefined, undefined], [64, 0, 8]])
	})

	it("deallocate(address, byteSize) without an alignment gives dealloc allocate's default, 8: allocate(n) then deallocate(address, n) frees exactly", async () => {
		for (const load of [rustHeap, bindgenHeap]) {
			const { heap, rust } = await load()
			const address = heap.allocate(24)
			expect(rust.live_bytes()).to.equal(24)
			heap.deallocate(address, 24)
			expectClean(rust)
		}
	})

	it('deallocate refuses an address outside the heap: 2^32 + a live address would reach dealloc as that address (a wasm32 pointer is its low 32 bits)', async () => {
		const { heap, rust, memory } = await rustHeap()
		const tracked = heap.allocInt32Array([1, 2, 3, 4])
		const raw = heap.allocate(16, 4)
		const before = snapshot(memory)
		const deallocations = rust.deallocation_count()
		for (const [address, byteSize, alignment] of [
			[2 ** 32 + tracked.address, 16, 4],
			[2 ** 32 + raw, 16, 4],
			[2 ** 32 + raw, undefined, undefined],
			[memory.buffer.byteLength, undefined, undefined],
			[memory.buffer.byteLength - 8, 16, 4],
		] as const) {
			const error = expectThrow(() => heap.deallocate(address, byteSize, alignment), RangeError, /^deallocate: address \d+ is out of range: an? \d+-byte access must end within the heap of \d+ bytes$/)
			expect((error as Error & { code?: string }).code).to.equal('ERR_HEAP_OUT_OF_RANGE')
		}
		expect(rust.deallocation_count()).to.equal(deallocations)
		expectSameBytes(snapshot(memory), before)
		expect([...tracked.view]).to.deep.equal([1, 2, 3, 4])
		tracked.free()
		heap.deallocate(raw, 16, 4)
		expectClean(rust)
	})

	it('an allocation __wbindgen_malloc cannot make is a trap: Error naming the method and size, with the RuntimeError as cause, nothing allocated', async () => {
		const { heap, rust, memory } = await bindgenHeap()
		const ref = heap.allocInt32(1)
		const before = snapshot(memory)
		// 4 GiB - 1 bytes: the allocator returns null and __wbindgen_malloc aborts.
		const error = expectThrow(
			() => heap.allocUint8Array(2 ** 32 - 1),
			Error,
			'allocUint8Array: allocating 4294967295 bytes failed: the allocator threw RuntimeError: unreachable',
		)
		expect(error.cause).to.be.instanceOf(WebAssembly.RuntimeError)
		expect(snapshot(memory)).to.deep.equal(before)
		expect(heap.allocatedRefs).to.deep.equal([ref])
		expect(accounting(rust)).to.deep.equal({ liveBytes: 4, liveBlocks: 1, badFrees: 0 })
		ref.free()
		expectClean(rust)
	})
})
