/**
 * Length-delimited strings (Rust `&str`, Zig slices, `std::string_view`), for every
 * encoding row: `read<Enc>StringSlice`, `write<Enc>StringSlice`, `alloc<Enc>StringSlice`,
 * `wrap<Enc>StringSlice`, `<Enc>StringSliceRef`, `encodedLengthOf<Enc>String` and
 * `lengthOfNullTerminated<Enc>String`: seeded round trips with U+0000 inside, exact
 * bytes against independent references, every error by class and message with the
 * memory unchanged, growth, and heaps over 2 and 4 GiB.
 */
import { expect } from 'chai'
import { stringEncodingRows } from '../descriptors/encodings.js'
import { normalizeEncodings, type NormalizedEncoding } from '../codegen/normalize.js'
import { createWasmHeapManager, type WasmHeapManager } from '../src/index.js'
import { withArticle } from '../src/wording.js'
import { callMethod, expectSameBytes, expectThrow } from './support/dynamic.js'
import { badAddresses, createTestHeap, fiveGiBBufferOrSkip, SeededRandom, snapshot } from './support/heaps.js'
import { randomText } from './support/text.js'

const encodings = normalizeEncodings(stringEncodingRows)
const GiB = 2 ** 30

/** The loose shape of every `<Enc>StringSliceRef`. */
interface SliceRef {
	readonly address: number
	readonly allocatedByteSize: number
	readonly bytesPerElement: number
	readonly capacity: number
	readonly elementCount: number
	readonly encodedByteLength: number
	readonly encodedElementsView: Uint8Array | Uint16Array | Uint32Array
	readonly encodedBytesView: Uint8Array
	readonly isFreed: boolean
	value: string
	read(): string
	write(value: string): number
	free(): void
	release(): number
}

/** The encoded elements of `value` by an independent reference (TextEncoder, charCodeAt, codePointAt). */
function referenceElements(encoding: NormalizedEncoding, value: string): number[] {
	switch (encoding.codec) {
		case 'ascii':
		case 'utf8':
			return [...new TextEncoder().encode(value)]
		case 'utf16':
			return Array.from({ length: value.length }, (_, i) => value.charCodeAt(i))
		case 'utf32':
			return [...value].map((character) => character.codePointAt(0)!)
	}
}

/** What reading back a written string gives (UTF-8 turns lone surrogates into U+FFFD and keeps a BOM). */
function expectedRoundTrip(encoding: NormalizedEncoding, value: string): string {
	return encoding.codec === 'utf8' ? new TextDecoder('utf-8', { ignoreBOM: true }).decode(new TextEncoder().encode(value)) : value
}

/** A seeded string with U+0000 at its start, its end and inside (ASCII only for the ASCII row). */
function sampleWithNuls(encoding: NormalizedEncoding, random: SeededRandom, length: number): string {
	const text = randomText(random, length, encoding.codec === 'ascii')
	const cut = random.int(0, text.length + 1)
	return `\0${text.slice(0, cut)}\0\0${text.slice(cut)}\0`
}

/** Elements of the encoding's size at `address`, read through an independent typed array. */
function elementsAt(buffer: ArrayBufferLike, encoding: NormalizedEncoding, address: number, count: number): number[] {
	return [...viewAt(buffer, encoding.bytesPerElement, address, count)]
}

/** A typed array of elements of `size` bytes over `buffer`. */
function viewAt(buffer: ArrayBufferLike, size: 1 | 2 | 4, address: number, count: number): Uint8Array | Uint16Array | Uint32Array {
	const View = { 1: Uint8Array, 2: Uint16Array, 4: Uint32Array }[size] as new (buffer: ArrayBufferLike, offset: number, length: number) => Uint8Array
	return new View(buffer, address, count)
}

describe('length-delimited strings, for every encoding row', () => {
	for (const encoding of encodings) {
		const { readSlice, writeSlice, allocSlice, wrapSlice, encodedLength, length, write: writeNullTerminated } = encoding.methods
		const size = encoding.bytesPerElement
		const refClass = encoding.sliceRefClass
		const sample = encoding.codec === 'ascii' ? 'a\0b\0\0c' : 'ü\0€\0😀\0'
		const nonAscii = 'Grüße'

		describe(encoding.name, () => {
			it(`${writeSlice} then ${readSlice} round-trips 300 seeded strings with U+0000 inside (0 to 2,000 characters)`, () => {
				const { heap } = createTestHeap({ pages: 4 })
				const random = new SeededRandom(0x511ce + size)
				for (let i = 0; i < 300; i++) {
					const value = sampleWithNuls(encoding, random, i < 100 ? i : random.int(0, 2000))
					const address = 64 * size
					const written = callMethod<number>(heap, writeSlice, address, value)
					expect(written, `string ${i}`).to.equal(referenceElements(encoding, value).length)
					expect(callMethod(heap, readSlice, address, written), `string ${i}`).to.equal(expectedRoundTrip(encoding, value))
					expect(callMethod(heap, encodedLength, value), `string ${i}`).to.equal(written)
				}
			})

			it(`${writeSlice} writes exactly the reference elements, no terminator, nothing past them`, () => {
				const { heap, memory } = createTestHeap()
				new Uint8Array(memory.buffer, 0, 256).fill(0xaa)
				const written = callMethod<number>(heap, writeSlice, 16, sample)
				const expected = referenceElements(encoding, sample)
				expect(written).to.equal(expected.length)
				expect(elementsAt(memory.buffer, encoding, 16, written)).to.deep.equal(expected)
				// The byte after the slice is untouched: no terminator.
				expect(new Uint8Array(memory.buffer)[16 + written * size]).to.equal(0xaa)
				expect(new Uint8Array(memory.buffer)[15]).to.equal(0xaa)
			})

			it(`${readSlice} reads exactly elementCount elements, zeros included, whatever follows`, () => {
				const { heap, memory } = createTestHeap()
				const expected = referenceElements(encoding, sample)
				viewAt(memory.buffer, size, 128, expected.length + 1).set([...expected, 0x41])
				expect(callMethod(heap, readSlice, 128, expected.length)).to.equal(sample)
				expect(callMethod(heap, readSlice, 128, expected.length + 1)).to.equal(`${sample}A`)
				expect(callMethod(heap, readSlice, 128, 0)).to.equal('')
				// A slice ending exactly at the heap's end.
				const end = memory.buffer.byteLength - expected.length * size
				viewAt(memory.buffer, size, end, expected.length).set(expected)
				expect(callMethod(heap, readSlice, end, expected.length)).to.equal(sample)
				expect(callMethod(heap, readSlice, memory.buffer.byteLength, 0)).to.equal('')
			})

			it(`${writeSlice} that does not fit throws RangeError and writes nothing (maxElementCount, and the heap's end)`, () => {
				const { heap, memory } = createTestHeap()
				new Uint8Array(memory.buffer).fill(0x5a)
				const needed = referenceElements(encoding, sample).length
				const before = snapshot(memory)
				expectThrow(
					() => callMethod(heap, writeSlice, 64, sample, needed - 1),
					RangeError,
					`${writeSlice}: the string needs ${needed} elements, but only ${needed - 1} fit at address 64 in maxElementCount; nothing was written`,
				)
				expectSameBytes(snapshot(memory), before)
				const nearEnd = memory.buffer.byteLength - (needed - 1) * size
				expectThrow(
					() => callMethod(heap, writeSlice, nearEnd, sample),
					RangeError,
					`${writeSlice}: the string needs ${needed} elements, but only ${needed - 1} fit at address ${nearEnd} before the end of the heap; nothing was written`,
				)
				expectSameBytes(snapshot(memory), before)
				// A maxElementCount that ends exactly at the heap's end is a room like any other.
				expectThrow(
					() => callMethod(heap, writeSlice, nearEnd, sample, needed - 1),
					RangeError,
					`${writeSlice}: the string needs ${needed} elements, but only ${needed - 1} fit at address ${nearEnd} in maxElementCount; nothing was written`,
				)
				expectSameBytes(snapshot(memory), before)
				const atEnd = memory.buffer.byteLength - needed * size
				expect(callMethod(heap, writeSlice, atEnd, sample, needed)).to.equal(needed)
				expect(callMethod(heap, readSlice, atEnd, needed)).to.equal(sample)
				// Exactly the room it needs works, and an empty string fits in no room at all.
				expect(callMethod(heap, writeSlice, 64, sample, needed)).to.equal(needed)
				expect(callMethod(heap, writeSlice, memory.buffer.byteLength, '')).to.equal(0)
				expect(callMethod(heap, writeSlice, 8, '', 0)).to.equal(0)
			})

			it(`bad arguments throw by class and message, with the memory unchanged`, () => {
				const { heap, memory } = createTestHeap()
				const heapSize = memory.buffer.byteLength
				const before = snapshot(memory)
				for (const address of badAddresses(heapSize)) {
					const message = (method: string, byteSize: number): RegExp =>
						new RegExp(`^${method}: address ${String(address)} is (out of range|not a non-negative integer).*heap of ${heapSize} bytes`)
					expectThrow(() => callMethod(heap, readSlice, address, 1), RangeError, message(readSlice, size))
					if (address === heapSize) {
						// The heap's end is a valid address for an empty slice: 'x' simply does not fit there.
						expectThrow(
							() => callMethod(heap, writeSlice, address, 'x'),
							RangeError,
							`${writeSlice}: the string needs 1 element, but only 0 fit at address ${heapSize} before the end of the heap; nothing was written`,
						)
					} else {
						expectThrow(() => callMethod(heap, writeSlice, address, 'x'), RangeError, message(writeSlice, size))
					}
					expectThrow(() => callMethod(heap, length, address), RangeError, message(length, size))
				}
				expectThrow(() => callMethod(heap, readSlice, '8', 1), TypeError, new RegExp(`^${readSlice}: address must be a number, received "8"`))
				expectThrow(() => callMethod(heap, readSlice, 8, -1), RangeError, `${readSlice}: element count -1 is not a non-negative safe integer`)
				expectThrow(() => callMethod(heap, readSlice, 8, 1.5), RangeError, `${readSlice}: element count 1.5 is not a non-negative safe integer`)
				expectThrow(() => callMethod(heap, readSlice, 8, undefined), TypeError, `${readSlice}: element count must be a number, received undefined`)
				expectThrow(
					() => callMethod(heap, readSlice, 8, heapSize),
					RangeError,
					`${readSlice}: address 8 is out of range: ${withArticle(`${heapSize * size}-byte`)} access must end within the heap of ${heapSize} bytes`,
				)
				expectThrow(() => callMethod(heap, writeSlice, 8, 42), TypeError, `${writeSlice}: value must be a string, received 42`)
				expectThrow(() => callMethod(heap, writeSlice, 8, 'x', -1), RangeError, `${writeSlice}: element count -1 is not a non-negative safe integer`)
				expectThrow(
					() => callMethod(heap, writeSlice, 8, 'x', heapSize),
					RangeError,
					`${writeSlice}: address 8 is out of range: ${heapSize} elements of ${size} ${size === 1 ? 'byte' : 'bytes'} must end within the heap of ${heapSize} bytes`,
				)
				expectThrow(() => callMethod(heap, encodedLength, null), TypeError, `${encodedLength}: value must be a string, received null`)
				if (size > 1) {
					const misaligned = new RegExp(`^(read|write)${encoding.name}StringSlice: address 3 is not aligned to ${size} bytes`)
					expectThrow(() => callMethod(heap, readSlice, 3, 1), RangeError, misaligned)
					expectThrow(() => callMethod(heap, writeSlice, 3, 'x'), RangeError, misaligned)
					expectThrow(() => callMethod(heap, wrapSlice, 3, 1), RangeError, new RegExp(`^${wrapSlice}: address 3 is not aligned to ${size} bytes`))
				}
				if (encoding.codec === 'ascii') {
					const message = `: the string contains 'ü' (U+00FC) at index 2, which is not an ASCII character (U+0000 to U+007F)`
					expectThrow(() => callMethod(heap, writeSlice, 8, nonAscii), RangeError, `${writeSlice}${message}`)
					expectThrow(() => callMethod(heap, encodedLength, nonAscii), RangeError, `${encodedLength}${message}`)
					expectThrow(() => callMethod(heap, allocSlice, nonAscii), RangeError, `${allocSlice}${message}`)
				}
				expectSameBytes(snapshot(memory), before)
			})

			if (encoding.codec === 'utf32') {
				it(`${readSlice} of an element above 0x10FFFF throws RangeError naming the address`, () => {
					const { heap, memory } = createTestHeap()
					new Uint32Array(memory.buffer, 64, 3).set([0x41, 0x110000, 0x42])
					expectThrow(
						() => callMethod(heap, readSlice, 64, 3),
						RangeError,
						`${readSlice}: the string at address 64: UTF-32 element at index 1 holds 0x110000, above the largest code point 0x10FFFF`,
					)
				})
			}

			if (encoding.codec === 'utf8') {
				it(`${encodedLength} counts as TextEncoder encodes: lone surrogates are 3 bytes, pairs 4`, () => {
					const { heap } = createTestHeap()
					for (const value of ['', 'a', '\0', 'é', '€', '😀', '\ud800', '\udc00x', '\ud83d\ude00\ud83d', 'a\udfff\ud800b']) {
						expect(callMethod(heap, encodedLength, value), JSON.stringify(value)).to.equal(new TextEncoder().encode(value).length)
					}
					const random = new SeededRandom(8)
					for (let i = 0; i < 200; i++) {
						const value = randomText(random, random.int(0, 300))
						expect(callMethod(heap, encodedLength, value)).to.equal(new TextEncoder().encode(value).length)
					}
				})
			}

			it(`${length} is strlen (and strnlen) on the heap`, () => {
				const { heap, memory } = createTestHeap()
				const value = encoding.codec === 'ascii' ? 'hello' : 'hé😀llo'
				const written = callMethod<number>(heap, writeNullTerminated, 256, value)
				expect(callMethod(heap, length, 256)).to.equal(written)
				expect(callMethod(heap, length, 256, 2)).to.equal(2)
				expect(callMethod(heap, length, 256, written)).to.equal(written)
				expect(callMethod(heap, length, 256, written + 10)).to.equal(written)
				expect(callMethod(heap, length, 256, 0)).to.equal(0)
				// A slice written after it keeps the zeros it holds: strlen stops at the first.
				callMethod(heap, writeSlice, 256, 'ab\0cd')
				expect(callMethod(heap, length, 256)).to.equal(2)
				// No terminator before the heap's end.
				const heapSize = memory.buffer.byteLength
				new Uint8Array(memory.buffer, heapSize - 4 * size).fill(0x41)
				expectThrow(
					() => callMethod(heap, length, heapSize - 4 * size),
					RangeError,
					`${length}: no null terminator between address ${heapSize - 4 * size} and the end of the heap of ${heapSize} bytes`,
				)
				expect(callMethod(heap, length, heapSize - 4 * size, 4)).to.equal(4)
				expectThrow(() => callMethod(heap, length, 8, -2), RangeError, `${length}: element count -2 is not a non-negative safe integer`)
			})

			describe(`${refClass}`, () => {
				it(`${allocSlice}(value) allocates exactly the encoded size, aligned to ${size}, and the ref holds the value`, () => {
					const { heap, allocator } = createTestHeap()
					const asked: number[] = []
					const alloc = allocator.alloc
					;(allocator as { alloc: (size: number) => number }).alloc = (bytes: number) => (asked.push(bytes), alloc(bytes))
					const ref = callMethod<SliceRef>(heap, allocSlice, sample)
					const count = referenceElements(encoding, sample).length
					expect(ref.constructor.name).to.equal(refClass)
					expect(ref.elementCount).to.equal(count)
					expect(ref.capacity).to.equal(count)
					expect(ref.allocatedByteSize).to.equal(count * size)
					expect(ref.encodedByteLength).to.equal(count * size)
					expect(ref.bytesPerElement).to.equal(size)
					expect(ref.address % size).to.equal(0)
					expect(ref.value).to.equal(sample)
					expect(ref.read()).to.equal(sample)
					expect([...ref.encodedElementsView]).to.deep.equal(referenceElements(encoding, sample))
					expect(ref.encodedBytesView.length).to.equal(count * size)
					expect(ref.encodedBytesView.byteOffset).to.equal(ref.address)
					expect(heap.allocatedRefs).to.include(ref)
					ref.free()
					expect(heap.allocatedRefs).to.not.include(ref)
				})

				it(`${allocSlice}(capacity) holds an empty string; write sets the length, within the capacity`, () => {
					const { heap, memory } = createTestHeap()
					const ref = callMethod<SliceRef>(heap, allocSlice, 10)
					expect(ref.capacity).to.equal(10)
					expect(ref.allocatedByteSize).to.equal(10 * size)
					expect(ref.elementCount).to.equal(0)
					expect(ref.value).to.equal('')
					const value = encoding.codec === 'ascii' ? 'ab\0c' : 'a\0é'
					const count = ref.write(value)
					expect(count).to.equal(referenceElements(encoding, value).length)
					expect(ref.elementCount).to.equal(count)
					expect(ref.value).to.equal(value)
					ref.value = 'xyz'
					expect(ref.elementCount).to.equal(3)
					expect(ref.read()).to.equal('xyz')
					// Too long for the capacity: RangeError, memory and length unchanged.
					const before = snapshot(memory)
					expectThrow(
						() => ref.write('x'.repeat(11)),
						RangeError,
						`${refClass}.write: the string needs 11 elements, but only 10 fit in the ref; nothing was written (write a shorter one, or allocate a ref of capacity 11)`,
					)
					expectSameBytes(snapshot(memory), before)
					expect(ref.elementCount).to.equal(3)
					expect(ref.write('x'.repeat(10))).to.equal(10)
					ref.free()
				})

				it(`value and write name themselves in their errors (not ${writeSlice}), and write nothing`, () => {
					const { heap, memory } = createTestHeap()
					const ref = callMethod<SliceRef>(heap, allocSlice, 4)
					ref.value = 'ab'
					const cases: [string, string, ErrorConstructor, string][] = [
						['abcdefgh', 'the string needs 8 elements, but only 4 fit in the ref; nothing was written (write a shorter one, or allocate a ref of capacity 8)', RangeError, 'ERR_HEAP_STRING_DOES_NOT_FIT'],
						[5 as unknown as string, 'value must be a string, received 5', TypeError, 'ERR_HEAP_INVALID_VALUE'],
					]
					if (encoding.codec === 'ascii') cases.push(['é', "the string contains 'é' (U+00E9) at index 0, which is not an ASCII character (U+0000 to U+007F)", RangeError, 'ERR_HEAP_INVALID_VALUE'])
					for (const [value, message, Class, code] of cases) {
						for (const [member, write] of [
							['value', () => (ref.value = value)],
							['write', () => ref.write(value)],
						] as const) {
							const before = snapshot(memory)
							const error = expectThrow(write, Class, `${refClass}.${member}: ${message}`)
							expect((error as { code?: string }).code).to.equal(code)
							expectSameBytes(snapshot(memory), before)
							expect(ref.elementCount).to.equal(2)
							expect(ref.value).to.equal('ab')
						}
					}
					// a freed ref's setter names the setter too
					ref.free()
					expectThrow(() => (ref.value = 'x'), Error, `${refClass}.value: the reference to address ${ref.address} has been freed`)
					// the manager's own method keeps its words
					const other = callMethod<SliceRef>(heap, allocSlice, 4)
					expectThrow(
						() => callMethod(heap, writeSlice, other.address, 'abcdefgh', 4),
						RangeError,
						`${writeSlice}: the string needs 8 elements, but only 4 fit at address ${other.address} in maxElementCount; nothing was written`,
					)
				})

				it('an empty value allocates no element, yet every ref gets its own non-null address', () => {
					const { heap, allocator } = createTestHeap()
					const calls = allocator.allocCalls
					const refs = [callMethod<SliceRef>(heap, allocSlice, ''), callMethod<SliceRef>(heap, allocSlice, 0), callMethod<SliceRef>(heap, allocSlice, '')]
					expect(allocator.allocCalls - calls).to.equal(3)
					expect(new Set(refs.map((ref) => ref.address)).size).to.equal(3)
					for (const ref of refs) {
						expect(ref.address).to.be.greaterThan(0)
						expect(ref.allocatedByteSize).to.equal(0)
						expect(ref.capacity).to.equal(0)
						expect(ref.elementCount).to.equal(0)
						expect(ref.value).to.equal('')
						expect(ref.encodedElementsView.length).to.equal(0)
						expect(ref.write('')).to.equal(0)
					}
					expect(heap.allocatedRefs.length).to.equal(3)
					heap.freeAll()
					expect(allocator.live.size).to.equal(0)
				})

				it(`${allocSlice}('') given an address it cannot use hands back the 1 byte it asked for, with its alignment`, () => {
					const { memory } = createTestHeap()
					const outside = memory.buffer.byteLength + 64
					const asked: unknown[][] = []
					const freed: unknown[][] = []
					const heap = createWasmHeapManager(
						() => memory.buffer,
						(...args: number[]) => (asked.push(args), outside),
						(...args: unknown[]) => void freed.push(args),
					)
					expectThrow(() => callMethod(heap, allocSlice, ''), Error, new RegExp(`^${allocSlice}: allocating 0 bytes failed`))
					expect(freed, 'what the deallocator got back').to.deep.equal([[outside, ...asked[0]!]])
					expect(asked[0]![0], 'the byte an empty value asks for').to.equal(1)
				})

				it(`${allocSlice} with a bad argument allocates nothing`, () => {
					const { heap, allocator } = createTestHeap()
					const calls = allocator.allocCalls
					expectThrow(() => callMethod(heap, allocSlice, -1), RangeError, `${allocSlice}: element count -1 is not a non-negative safe integer`)
					expectThrow(() => callMethod(heap, allocSlice, null), TypeError, `${allocSlice}: expected a string or a capacity (a number of elements), received null`)
					expect(allocator.allocCalls).to.equal(calls)
				})

				it(`${wrapSlice} wraps C's or Rust's bytes: length and capacity are elementCount; options choose the deallocator`, () => {
					const { heap, memory, allocator } = createTestHeap()
					const address = allocator.alloc(64)
					const expected = referenceElements(encoding, sample)
					viewAt(memory.buffer, size, address, expected.length).set(expected)
					const ref = callMethod<SliceRef>(heap, wrapSlice, address, expected.length)
					expect(ref.value).to.equal(sample)
					expect(ref.elementCount).to.equal(expected.length)
					expect(ref.capacity).to.equal(expected.length)
					expect(heap.allocatedRefs).to.not.include(ref)
					// A borrowed wrap frees nothing; the default frees through the manager's deallocator.
					const borrowed = callMethod<SliceRef>(heap, wrapSlice, address, 1, { deallocator: null })
					borrowed.free()
					expect(allocator.live.has(address)).to.equal(true)
					const freedBy: number[] = []
					const own = callMethod<SliceRef>(heap, wrapSlice, address, 2, { deallocator: (at: number, bytes?: number, align?: number) => freedBy.push(at, bytes!, align!) })
					own.free()
					expect(freedBy).to.deep.equal([address, 2 * size, size])
					ref.free()
					expect(allocator.live.has(address)).to.equal(false)
					expectThrow(() => callMethod(heap, wrapSlice, 0, 1), RangeError, `${wrapSlice}: address 0 is a null pointer and cannot be wrapped`)
					expectThrow(() => callMethod(heap, wrapSlice, 64, -3), RangeError, `${wrapSlice}: element count -3 is not a non-negative safe integer`)
					expectThrow(
						() => callMethod(heap, wrapSlice, 64, 1, { deallocator: 5 }),
						TypeError,
						`${wrapSlice}: options.deallocator must be a function or null, received 5`,
					)
					expectThrow(
						() => callMethod(heap, wrapSlice, size, memory.buffer.byteLength),
						RangeError,
						new RegExp(`^${wrapSlice}: address ${size} is out of range`),
					)
				})

				it(`${wrapSlice} with options.capacity: a buffer with spare room (a Rust String) reads its length, writes into its capacity, frees its capacity`, () => {
					const { heap, memory, allocator } = createTestHeap()
					const address = allocator.alloc(64 * size)
					const expected = referenceElements(encoding, sample)
					viewAt(memory.buffer, size, address, expected.length).set(expected)
					const freedBy: number[] = []
					const deallocator = (at: number, bytes?: number, align?: number): void => void freedBy.push(at, bytes!, align!)
					const ref = callMethod<SliceRef>(heap, wrapSlice, address, expected.length, { capacity: 40, deallocator })
					expect([ref.value, ref.elementCount, ref.capacity]).to.deep.equal([sample, expected.length, 40])
					// The spare room is writable; past it is a RangeError that leaves memory and length as they were.
					const longer = sample.repeat(3)
					const longerElements = referenceElements(encoding, longer)
					expect(ref.write(longer)).to.equal(longerElements.length)
					expect(ref.value).to.equal(expectedRoundTrip(encoding, longer))
					const before = snapshot(memory)
					expectThrow(() => ref.write('x'.repeat(41)), RangeError, /does not fit|needs 41/)
					expect(snapshot(memory)).to.deep.equal(before)
					expect(ref.elementCount).to.equal(longerElements.length)
					ref.free()
					expect(freedBy).to.deep.equal([address, 40 * size, size])
					// capacity === elementCount is the default; 0 with 0 elements is an empty buffer.
					expect(callMethod<SliceRef>(heap, wrapSlice, address, 3, { capacity: 3, deallocator: null }).capacity).to.equal(3)
					expect(callMethod<SliceRef>(heap, wrapSlice, address, 0, { capacity: 0, deallocator: null }).capacity).to.equal(0)
					// A capacity below the length, not an integer, or past the heap: nothing wrapped, nothing called.
					const calls = allocator.freeCalls
					const untouched = snapshot(memory)
					for (const bad of [2, 2.5, -1, Number.NaN, 2 ** 53]) {
						expectThrow(
							() => callMethod(heap, wrapSlice, address, 3, { capacity: bad }),
							RangeError,
							`${wrapSlice}: options.capacity ${bad === 2 ** 53 ? '9007199254740992' : Number.isNaN(bad) ? 'NaN' : bad} is not a safe integer of at least the string's 3 elements`,
						)
					}
					expectThrow(() => callMethod(heap, wrapSlice, address, 1, { capacity: '8' }), TypeError, `${wrapSlice}: options.capacity must be a number, received "8"`)
					expectThrow(() => callMethod(heap, wrapSlice, address, 1, { capacity: memory.buffer.byteLength }), RangeError, new RegExp(`^${wrapSlice}: address ${address} is out of range`))
					expectThrow(() => callMethod(heap, wrapSlice, address, 1, { capacty: 8 }), TypeError, new RegExp(`^${wrapSlice}: unknown option 'capacty': the options are deallocator, capacity$`))
					// Options that are not an object are refused with the keys this method takes, capacity among them.
					expectThrow(() => callMethod(heap, wrapSlice, address, 1, 8), TypeError, `${wrapSlice}: options must be an object ({ deallocator, capacity }), received 8`)
					expect(allocator.freeCalls).to.equal(calls)
					expect(snapshot(memory)).to.deep.equal(untouched)
				})

				it('every member but capacity throws once the ref is freed or released', () => {
					const { heap } = createTestHeap()
					const ref = callMethod<SliceRef>(heap, allocSlice, 'abc')
					ref.free()
					expect(ref.isFreed).to.equal(true)
					expect(ref.capacity).to.equal(3)
					const freed = (member: string) => `${refClass}.${member}: the reference to address ${ref.address} has been freed`
					expectThrow(() => ref.read(), Error, freed('read'))
					expectThrow(() => ref.value, Error, freed('value'))
					expectThrow(() => ref.write('x'), Error, freed('write'))
					expectThrow(() => (ref.value = 'x'), Error, freed('value'))
					expectThrow(() => ref.elementCount, Error, freed('elementCount'))
					expectThrow(() => ref.encodedByteLength, Error, freed('encodedByteLength'))
					expectThrow(() => ref.encodedElementsView, Error, freed('encodedElementsView'))
					expectThrow(() => ref.encodedBytesView, Error, freed('encodedBytesView'))
					const released = callMethod<SliceRef>(heap, allocSlice, 'abc')
					const address = released.release()
					expectThrow(() => released.read(), Error, `${refClass}.read: the reference to address ${address} was released (its region now belongs to the code it was handed to)`)
				})

				it('a scope frees the slices allocated in it', () => {
					const { heap, allocator } = createTestHeap()
					const outside = callMethod<SliceRef>(heap, allocSlice, 'kept')
					const inside = heap.withScope(() => {
						const a = callMethod<SliceRef>(heap, allocSlice, 'temporary')
						callMethod<SliceRef>(heap, allocSlice, 4)
						return a
					})
					expect(inside.isFreed).to.equal(true)
					expect(outside.isFreed).to.equal(false)
					expect(allocator.live.size).to.equal(1)
				})
			})

			it(`a shared memory grown by another party: ${readSlice} and ${writeSlice} past the old end poll and succeed`, () => {
				const { heap, memory } = createTestHeap({ shared: true, maximum: 16 })
				heap.readInt32(0)
				const oldEnd = memory.buffer.byteLength
				memory.grow(1)
				expect(callMethod(heap, writeSlice, oldEnd, sample)).to.equal(referenceElements(encoding, sample).length)
				expect(callMethod(heap, readSlice, oldEnd, referenceElements(encoding, sample).length)).to.equal(sample)
				const heap2 = createTestHeap({ shared: true, maximum: 16 })
				heap2.heap.readInt32(0)
				const grownLater = heap2.memory
				const end = grownLater.buffer.byteLength
				grownLater.grow(1)
				viewAt(grownLater.buffer, size, end, 8).fill(0x41)
				expect(callMethod(heap2.heap, readSlice, end, 2)).to.equal('AA')
				expect(callMethod(heap2.heap, length, end, 8)).to.equal(8)
			})

			it(`a plain memory grown by the allocation: ${allocSlice} writes into the new buffer`, () => {
				const { heap, memory } = createTestHeap({ maximum: 64 })
				heap.readInt32(0)
				const big = encoding.codec === 'ascii' ? 'x'.repeat(70000) : `${'é\0'.repeat(35000)}😀`
				const ref = callMethod<SliceRef>(heap, allocSlice, big)
				expect(memory.buffer.byteLength).to.be.greaterThan(65536)
				expect(ref.value).to.equal(big)
			})
		})
	}

	describe('heaps over 2 GiB and over the typed-array cap: bounded windows', function () {
		this.timeout(120_000)

		it('write<Enc>StringSlice with more than 2^31 bytes of room (2 GiB + 64 KiB memory)', () => {
			const memory = new WebAssembly.Memory({ initial: 32769 })
			const heap = createWasmHeapManager(() => memory.buffer, () => 0, () => {})
			new Uint8Array(memory.buffer, 1024, 128).fill(0xaa)
			for (const value of ['x'.repeat(40), 'é€😀\0'.repeat(10)]) {
				const written = heap.writeUtf8StringSlice(1024, value)
				expect(written).to.equal(new TextEncoder().encode(value).length)
				expect(heap.readUtf8StringSlice(1024, written)).to.equal(value)
				expect(new Uint8Array(memory.buffer)[1024 + written]).to.equal(0xaa)
				expect(heap.writeAsciiStringSlice(1024, 'y'.repeat(48))).to.equal(48)
				new Uint8Array(memory.buffer, 1024, 128).fill(0xaa)
			}
		})

		it('every encoding at a low address and above 4 GiB of a 5 GiB heap', function () {
			const buffer = fiveGiBBufferOrSkip(this, 'string-slices')
			let next = 2 ** 32 + 65536
			const heap: WasmHeapManager = createWasmHeapManager(() => buffer, (bytes: number) => ((next += Math.ceil(bytes / 16) * 16 + 16), next - Math.ceil(bytes / 16) * 16 - 16), () => {})
			for (const encoding of encodings) {
				const value = encoding.codec === 'ascii' ? 'plain\0ascii' : 'ütf\0😀'
				for (const address of [1024, 2 ** 32 + 4096, 5 * GiB - 64]) {
					const written = callMethod<number>(heap, encoding.methods.writeSlice, address, value)
					expect(callMethod(heap, encoding.methods.readSlice, address, written), `${encoding.name} at ${address}`).to.equal(value)
					expect(callMethod(heap, encoding.methods.length, address), `${encoding.name} at ${address}`).to.equal(
						referenceElements(encoding, value.slice(0, value.indexOf('\0'))).length,
					)
				}
				const ref = callMethod<SliceRef>(heap, encoding.methods.allocSlice, value)
				expect(ref.address).to.be.greaterThan(2 ** 32)
				expect(ref.value).to.equal(value)
				const wrapped = callMethod<SliceRef>(heap, encoding.methods.wrapSlice, ref.address, ref.elementCount)
				expect(wrapped.value).to.equal(value)
				expect([...wrapped.encodedElementsView]).to.deep.equal(referenceElements(encoding, value))
			}
			// A string above 4 GiB whose terminator lies past a 1 GiB scan window.
			const high = 2 ** 32 + 8192
			new Uint8Array(buffer, high, 10).fill(0x41)
			expect(heap.lengthOfNullTerminatedAsciiString(high)).to.equal(10)
		})
	})
})
