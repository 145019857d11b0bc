/**
 * Null-terminated strings through the manager, for every encoding row: seeded
 * round-trips against TextEncoder/TextDecoder and JS string semantics, every error
 * with its class, message and memory unchanged, refs, shared memory and growth.
 */
import { expect } from 'chai'
import { stringEncodingRows } from '../descriptors/encodings.js'
import { normalizeEncodings, type NormalizedEncoding } from '../codegen/normalize.js'
import * as api from '../src/index.js'
import { createWasmHeapManager, type WasmHeapManager } from '../src/index.js'
import { createTestHeap, SeededRandom, snapshot } from './support/heaps.js'
import { callMethod } from './support/dynamic.js'
import { randomText } from './support/text.js'

const encodings = normalizeEncodings(stringEncodingRows)

/** What reading back a written string gives, per encoding. */
function expectedRoundTrip(encoding: NormalizedEncoding, value: string): string {
	switch (encoding.codec) {
		case 'utf8':
			// The manager keeps a leading U+FEFF (see src/codecs/utf8.ts), so the reference does too.
			return new TextDecoder('utf-8', { ignoreBOM: true }).decode(new TextEncoder().encode(value))
		default:
			return value
	}
}

/** Encoded element count, per encoding, by an independent reference. */
function expectedElementCount(encoding: NormalizedEncoding, value: string): number {
	switch (encoding.codec) {
		case 'utf8':
			return new TextEncoder().encode(value).length
		case 'utf32':
			return [...value].length
		default:
			return value.length
	}
}

/** A seeded string of `length` code units that the encoding can store (ASCII only for the ASCII rows). */
function stringSample(encoding: NormalizedEncoding, random: SeededRandom, length: number): string {
	return randomText(random, length, encoding.codec === 'ascii')
}

describe('strings, for every encoding row', () => {
	for (const encoding of encodings) {
		const { read, write, alloc, wrap } = encoding.methods
		const size = encoding.bytesPerElement

		describe(encoding.name, () => {
			it(`${write} then ${read} round-trips 300 seeded strings (0 to 2,000 characters)`, () => {
				const { heap } = createTestHeap({ pages: 4 })
				const random = new SeededRandom(40 + size)
				for (let i = 0; i < 300; i++) {
					const value = stringSample(encoding, random, i < 100 ? i : random.int(0, 2000))
					const address = 64 * size
					const written = callMethod(heap, write, address, value)
					expect(written).to.equal(expectedElementCount(encoding, value))
					expect(callMethod(heap, read, address), `string ${i}`).to.equal(expectedRoundTrip(encoding, value))
				}
			})

			it(`${write} writes exactly the reference bytes and a terminator`, () => {
				const { heap, memory } = createTestHeap()
				const value = encoding.codec === 'ascii' ? 'Hello, heap!' : 'Grüße 世界 😀!'
				const count = callMethod(heap, write, 32, value) as number
				const bytes = new Uint8Array(memory.buffer, 32, (count + 1) * size)
				let expected: number[]
				if (encoding.codec === 'utf8' || encoding.codec === 'ascii') expected = [...new TextEncoder().encode(value)]
				else if (encoding.codec === 'utf16') expected = [...new Uint8Array(Uint16Array.from({ length: value.length }, (_, i) => value.charCodeAt(i)).buffer)]
				else expected = [...new Uint8Array(Uint32Array.from([...value], (c) => c.codePointAt(0)!).buffer)]
				expect([...bytes]).to.deep.equal([...expected, ...new Array<number>(size).fill(0)])
			})

			it(`${alloc} round-trips a string of over 1 MiB`, () => {
				const { heap } = createTestHeap({ pages: 80, maximum: 4096 })
				const value = stringSample(encoding, new SeededRandom(99), (1 << 20) + 17)
				const ref = callMethod(heap, alloc, value) as api.Utf8StringRef
				expect(ref.read()).to.equal(expectedRoundTrip(encoding, value))
				expect(ref.encodedElementCount).to.equal(expectedElementCount(encoding, value))
				ref.free()
			})

			it(`${read} reads at most maxElementCount elements, with no terminator needed`, () => {
				const { heap } = createTestHeap()
				callMethod(heap, write, 64, 'abcdef')
				expect(callMethod(heap, read, 64, 3)).to.equal('abc')
				expect(callMethod(heap, read, 64, 0)).to.equal('')
				expect(callMethod(heap, read, 64, 100)).to.equal('abcdef')
			})

			it(`${read}: a missing terminator before the heap ends is a RangeError`, () => {
				const buffer = new ArrayBuffer(256)
				new globalThis[encoding.elementsView](buffer).fill(0x41)
				const heap = createWasmHeapManager(() => buffer, () => 0, () => {})
				expect(() => callMethod(heap, read, 128)).to.throw(RangeError, `${read}: no null terminator between address 128 and the end of the heap of 256 bytes`)
				expect(() => callMethod(heap, read, 128, 1000)).to.throw(RangeError, 'no null terminator')
				expect(callMethod(heap, read, 128, 2)).to.equal('AA')
				// A maxElementCount one past the heap's end still needs the terminator the heap cannot hold;
				// one that ends exactly there does not.
				const elements = (256 - 128) / size
				expect(() => callMethod(heap, read, 128, elements + 1)).to.throw(RangeError, `${read}: no null terminator between address 128 and the end of the heap of 256 bytes`)
				expect(callMethod(heap, read, 128, elements)).to.equal('A'.repeat(elements))
			})

			it(`${write}: a value that does not fit throws before writing anything`, () => {
				const { heap, memory } = createTestHeap()
				const before = snapshot(memory)
				expect(() => callMethod(heap, write, 64, 'abcdef', 6)).to.throw(
					RangeError,
					`${write}: the string needs 7 elements including the terminator, but only 6 fit at address 64`,
				)
				expect(() => callMethod(heap, write, 65536 - 4 * size, 'abcdef')).to.throw(RangeError, 'before the end of the heap')
				// A maxElementCount that ends exactly at the heap's end is a room like any other.
				expect(() => callMethod(heap, write, 65536 - 4 * size, 'abcdef', 4)).to.throw(
					RangeError,
					`${write}: the string needs 7 elements including the terminator, but only 4 fit at address ${65536 - 4 * size}`,
				)
				expect(snapshot(memory)).to.deep.equal(before)
				expect(callMethod(heap, write, 64, 'abcdef', 7)).to.equal(6)
				expect(callMethod(heap, write, 65536 - 7 * size, 'abcdef', 7)).to.equal(6)
				expect(callMethod(heap, read, 65536 - 7 * size)).to.equal('abcdef')
			})

			it(`${write} and ${alloc} store U+0000 inside a value as-is; ${read} stops there, as in C`, () => {
				const { heap } = createTestHeap()
				expect(callMethod(heap, write, 64, 'ab\0cd')).to.equal(5)
				expect(callMethod(heap, read, 64)).to.equal('ab')
				const ref = callMethod(heap, alloc, 'ab\0cd') as api.Utf8StringRef
				expect(ref.allocatedByteSize).to.equal(6 * size)
				expect(ref.value).to.equal('ab')
				expect(ref.encodedElementCount).to.equal(2)
			})

			it(`${read}, ${write} and ${wrap} reject bad addresses, bad counts and non-strings`, () => {
				const { heap, memory } = createTestHeap()
				const before = snapshot(memory)
				for (const address of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 65536, 2 ** 53]) {
					expect(() => callMethod(heap, read, address), `${read}(${address})`).to.throw(RangeError, `${read}: address`)
					expect(() => callMethod(heap, write, address, 'x'), `${write}(${address})`).to.throw(RangeError, `${write}: address`)
				}
				expect(() => callMethod(heap, read, '8')).to.throw(TypeError, 'address must be a number')
				expect(() => callMethod(heap, write, 8, 42)).to.throw(TypeError, 'value must be a string')
				expect(() => callMethod(heap, read, 8, -1)).to.throw(RangeError, 'element count')
				expect(() => callMethod(heap, write, 8, 'x', 0)).to.throw(RangeError, 'no room for the terminator')
				expect(() => callMethod(heap, write, 65536 - 2 * size, 'x', 3)).to.throw(RangeError, 'must end within the heap')
				if (size > 1) {
					expect(() => callMethod(heap, read, 9)).to.throw(RangeError, 'not aligned')
					expect(() => callMethod(heap, write, 9, 'x')).to.throw(RangeError, 'not aligned')
					expect(() => callMethod(heap, wrap, 9)).to.throw(RangeError, 'not aligned')
				}
				expect(snapshot(memory)).to.deep.equal(before)
			})

			it(`${alloc} and ${encoding.methods.allocSlice}, given neither a string nor a capacity, say so and allocate nothing`, () => {
				// A nullable string (`name ?? null`) handed over: 'element count must be a number, received null' named the wrong thing.
				const { heap, memory, allocator } = createTestHeap()
				const before = snapshot(memory)
				for (const method of [alloc, encoding.methods.allocSlice]) {
					for (const [value, shown] of [[null, 'null'], [undefined, 'undefined'], [5n, '5n'], [{}, 'an object (Object)'], [['x'], 'an object (Array)']] as const) {
						let caught: unknown
						try {
							callMethod(heap, method, value)
						} catch (error) {
							caught = error
						}
						expect(caught, `${method}(${shown})`).to.be.instanceOf(TypeError)
						// a bigint (a wasm64 export's size_t) is told the conversion, as a bigint address is
						const hint = typeof value === 'bigint' ? '; pass a bigint capacity as Number(capacity)' : ''
						expect((caught as Error).message).to.equal(`${method}: expected a string or a capacity (a number of elements), received ${shown}${hint}`)
						expect((caught as api.HeapError).code).to.equal('ERR_HEAP_INVALID_ARGUMENT')
					}
					// A number that is not a capacity still names the count.
					expect(() => callMethod(heap, method, -1)).to.throw(RangeError, `${method}: element count -1 is not a non-negative safe integer`)
				}
				expect(allocator.live.size).to.equal(0)
				expect(heap.allocatedRefs).to.deep.equal([])
				expect(snapshot(memory)).to.deep.equal(before)
			})

			it(`${alloc}(capacity) allocates (capacity + 1) elements holding an empty string`, () => {
				const { heap } = createTestHeap({ clearAllocatedRegions: false })
				const ref = callMethod(heap, alloc, 10) as api.Utf16StringRef
				expect(ref).to.be.instanceOf((api as unknown as Record<string, new () => unknown>)[encoding.refClass])
				expect(ref.allocatedByteSize).to.equal(11 * size)
				expect(ref.address % size).to.equal(0)
				expect(ref.value).to.equal('')
				ref.value = 'capacity'
				expect(ref.read()).to.equal('capacity')
				expect(ref.encodedElementCount).to.equal(8)
				expect(ref.encodedByteLength).to.equal(8 * size)
				expect(ref.bytesPerElement).to.equal(size)
				expect(ref.encodedElementsView).to.be.instanceOf(globalThis[encoding.elementsView])
				expect(ref.encodedElementsView.length).to.equal(8)
				expect(ref.encodedBytesView.length).to.equal(8 * size)
				expect(() => ref.write('eleven char')).to.throw(RangeError, 'needs 12 elements including the terminator, but only 11 fit')
				expect(ref.read()).to.equal('capacity')
				ref.write('ten chars!')
				expect(ref.value).to.equal('ten chars!')
				ref.free()
				expect(() => ref.value).to.throw(Error, 'freed')
				expect(() => ref.encodedElementCount).to.throw(Error, 'freed')
				expect(() => ref.encodedElementsView).to.throw(Error, 'freed')
			})

			it(`${alloc}(value) allocates exactly the encoded size plus the terminator`, () => {
				const { heap } = createTestHeap()
				const value = encoding.codec === 'ascii' ? 'plain ascii text' : 'Grüße 世界 😀!'
				const ref = callMethod(heap, alloc, value) as api.Utf8StringRef
				expect(ref.allocatedByteSize).to.equal((expectedElementCount(encoding, value) + 1) * size)
				expect(ref.value).to.equal(value)
				expect(heap.allocatedRefs).to.deep.equal([ref])
				expect(() => callMethod(heap, alloc, -1)).to.throw(RangeError)
				expect(() => callMethod(heap, alloc, {})).to.throw(TypeError)
			})

			it(`${wrap} wraps an existing string with its length + 1, or a given capacity`, () => {
				const { heap } = createTestHeap()
				callMethod(heap, write, 128, 'wrapped')
				const ref = callMethod(heap, wrap, 128) as api.Utf8StringRef
				expect(ref.allocatedByteSize).to.equal(8 * size)
				expect(ref.value).to.equal('wrapped')
				expect(heap.allocatedRefs).to.have.length(0)
				const roomy = callMethod(heap, wrap, 128, 20) as api.Utf8StringRef
				roomy.value = 'a longer string now'
				expect(callMethod(heap, read, 128)).to.equal('a longer string now')
				expect(() => callMethod(heap, wrap, 0)).to.throw(RangeError, 'null pointer')
				expect(() => callMethod(heap, wrap, 128, 0)).to.throw(RangeError, 'at least 1')
			})

			it(`${alloc}, ${write} and ${read} work on a SharedArrayBuffer heap, including growth seen in whenEmpty mode`, () => {
				const { heap, memory } = createTestHeap({ shared: true, pages: 1, maximum: 16 })
				const value = stringSample(encoding, new SeededRandom(5), 5000)
				const ref = callMethod(heap, alloc, value) as api.Utf8StringRef
				expect(ref.value).to.equal(expectedRoundTrip(encoding, value))
				const oldLength = memory.buffer.byteLength
				memory.grow(1)
				// An address only in the grown part: the manager polls before reporting it out of range.
				callMethod(heap, write, oldLength + 16, value)
				expect(callMethod(heap, read, oldLength + 16)).to.equal(expectedRoundTrip(encoding, value))
				expect(ref.value).to.equal(expectedRoundTrip(encoding, value))
			})

			it(`${encoding.refClass} from ${alloc} keeps working after a non-shared memory grows between allocation and read`, () => {
				const { heap, memory } = createTestHeap()
				const ref = callMethod(heap, alloc, 'before growth') as api.Utf8StringRef
				const oldBuffer = memory.buffer
				memory.grow(2)
				expect(oldBuffer.byteLength).to.equal(0)
				expect(ref.value).to.equal('before growth')
				ref.value = 'after growth!'
				expect(callMethod(heap, read, ref.address)).to.equal('after growth!')
			})
		})
	}
})

describe("a string ref's value setter and write, given a string that does not fit", () => {
	for (const encoding of encodings) {
		it(`${encoding.refClass} names the member used and the capacity it would take, and writes nothing`, () => {
			const { heap, memory } = createTestHeap()
			// 'ab' fills the ref; 'abcdefgh' needs 9 elements with its terminator
			const terminated = callMethod(heap, encoding.methods.alloc, 'ab') as api.HeapRef & { value: string; write(value: string): void }
			const cases: [api.HeapRef & { value: string; write(value: string): unknown }, string, string, string][] = [
				[terminated, encoding.refClass, 'the string needs 9 elements including the terminator, but only 3 fit', 'capacity 8'],
			]
			for (const [ref, refClass, needs, capacity] of cases) {
				for (const [member, write] of [
					['value', () => (ref.value = 'abcdefgh')],
					['write', () => ref.write('abcdefgh')],
				] as const) {
					const before = snapshot(memory)
					let error: unknown
					try {
						write()
					} catch (caught) {
						error = caught
					}
					expect(error, `${refClass}.${member}`).to.be.instanceOf(RangeError)
					expect((error as api.HeapError).code).to.equal('ERR_HEAP_STRING_DOES_NOT_FIT')
					expect((error as Error).message).to.equal(
						`${refClass}.${member}: ${needs} in the ref; nothing was written (write a shorter one, or allocate a ref of ${capacity})`,
					)
					expect(snapshot(memory)).to.deep.equal(before)
					expect(ref.value).to.equal('ab')
				}
			}
			// the manager's own method keeps its words
			expect(() => callMethod(heap, encoding.methods.write, terminated.address, 'abcdefgh', 3)).to.throw(
				RangeError,
				new RegExp(`^${encoding.methods.write}: the string needs 9 elements including the terminator, but only 3 fit at address \\d+ in maxElementCount; nothing was written$`),
			)
		})
	}
	it("the ref's other errors name the member too: a value that is not a string, a character ASCII cannot hold", () => {
		const { heap } = createTestHeap()
		const ascii = heap.allocNullTerminatedAsciiString(8)
		expect(() => (ascii.value = 'é')).to.throw(RangeError, /^AsciiStringRef\.value: the string contains 'é'/)
		expect(() => (ascii.value = 5 as never)).to.throw(TypeError, 'AsciiStringRef.value: value must be a string, received 5')
		expect(() => heap.allocNullTerminatedUtf16String(8).write(5 as never)).to.throw(TypeError, 'Utf16StringRef.write: value must be a string, received 5')
		expect(ascii.value).to.equal('')
	})
	it('a UTF-8 ref given characters of several bytes counts bytes', () => {
		const { heap } = createTestHeap()
		const ref = heap.allocNullTerminatedUtf8String(3)
		expect(() => (ref.value = 'éé')).to.throw(RangeError, "Utf8StringRef.value: the string needs 5 elements including the terminator, but only 4 fit in the ref; nothing was written (write a shorter one, or allocate a ref of capacity 4)")
	})
})

describe('encoding-specific string rules', () => {
	let heap: WasmHeapManager
	let memory: WebAssembly.Memory
	beforeEach(() => ({ heap, memory } = createTestHeap()))

	it('ASCII rejects characters above U+007F naming the character and index, writing nothing', () => {
		const before = snapshot(memory)
		expect(() => heap.writeNullTerminatedAsciiString(8, 'abcé')).to.throw(RangeError, 'U+00E9')
		expect(() => heap.writeNullTerminatedAsciiString(8, 'abcé')).to.throw(RangeError, 'index 3')
		expect(() => heap.allocNullTerminatedAsciiString('x😀')).to.throw(RangeError, 'index 1')
		expect(snapshot(memory)).to.deep.equal(before)
	})

	it('ASCII reads bytes 0x80–0xFF as Latin-1', () => {
		const bytes = new Uint8Array(memory.buffer)
		bytes.set([0x41, 0x80, 0x9f, 0xe9, 0xff, 0], 100)
		expect(heap.readNullTerminatedAsciiString(100)).to.equal('A\u0080\u009f\u00e9\u00ff')
	})

	it('UTF-8 writes lone surrogates as U+FFFD and reads malformed bytes as U+FFFD, like TextEncoder/TextDecoder', () => {
		heap.writeNullTerminatedUtf8String(8, 'a\ud800b\udc00')
		expect([...new Uint8Array(memory.buffer, 8, 9)]).to.deep.equal([0x61, 0xef, 0xbf, 0xbd, 0x62, 0xef, 0xbf, 0xbd, 0])
		const malformed = [0xc0, 0x80, 0xe0, 0x80, 0xf4, 0x90, 0x80, 0x80, 0xed, 0xa0, 0x80, 0xff, 0x41, 0xe2, 0x82]
		new Uint8Array(memory.buffer).set([...malformed, 0], 200)
		expect(heap.readNullTerminatedUtf8String(200)).to.equal(new TextDecoder().decode(new Uint8Array(malformed)))
	})

	it('UTF-16 round-trips lone surrogates exactly', () => {
		const value = '\udc00x\ud800\ud83d\ude00'
		heap.writeNullTerminatedUtf16String(8, value)
		expect(heap.readNullTerminatedUtf16String(8)).to.equal(value)
	})

	it('UTF-32 stores lone surrogates as their own values and rejects values above 0x10FFFF on read, naming the address', () => {
		heap.writeNullTerminatedUtf32String(16, 'a\ud800😀')
		expect([...new Uint32Array(memory.buffer, 16, 4)]).to.deep.equal([0x61, 0xd800, 0x1f600, 0])
		expect(heap.readNullTerminatedUtf32String(16)).to.equal('a\ud800😀')
		new Uint32Array(memory.buffer).set([0x41, 0x110000, 0], 8)
		expect(() => heap.readNullTerminatedUtf32String(32)).to.throw(RangeError, 'readNullTerminatedUtf32String: the string at address 32')
		expect(() => heap.readNullTerminatedUtf32String(32)).to.throw(RangeError, '0x110000')
	})
})
