/**
 * Emscripten's own runtime helpers (getValue/setValue, UTF8ToString, stringToUTF8, ...,
 * stackAlloc, ccall), run side by side with the library's equivalents on a real
 * Emscripten 3.1.6 module (test/fixtures/emscripten/helpers.cjs; helpers-bigint.cjs is
 * the same with -sWASM_BIGINT), on seeded random and edge inputs. Where they agree the
 * test says so byte for byte; where the library differs on purpose (it throws where
 * Emscripten truncates, wraps, rounds an address down or reads past a limit; it takes a
 * bigint for i64; it replaces lone surrogates as TextEncoder does) the test pins both
 * sides, and README's "Coming from Emscripten's helpers" table says it.
 */
import { expect } from 'chai'
import { wrapEmscriptenModuleHeap, type WasmHeapManager } from '../src/index.js'
import { caught, expectSameBytes } from './support/dynamic.js'
import { loadEmscriptenHelpersFixture, type EmscriptenHelpersModule } from './support/fixtures.js'
import { SeededRandom } from './support/heaps.js'
import { randomText } from './support/text.js'

/** Bytes of the region under test. */
const regionSize = 512

interface Side<R> {
	readonly result: R | Error
	readonly bytes: Uint8Array
}

/** Runs `action` over the region filled with `fill`, returning what it returned (or threw) and the region's bytes after. */
function run<R>(module: EmscriptenHelpersModule, region: number, fill: Uint8Array, action: () => R): Side<R> {
	module.HEAPU8.set(fill, region)
	let result: R | Error
	try {
		result = action()
	} catch (error) {
		result = error as Error
	}
	return { result, bytes: module.HEAPU8.slice(region, region + regionSize) }
}

/** A random string of 0..`max` code units, sometimes with a U+0000 inside. */
function randomString(random: SeededRandom, max: number, asciiOnly = false): string {
	const text = randomText(random, random.int(0, max + 1), asciiOnly)
	if (text.length > 0 && random.next() < 0.15) {
		const at = random.int(0, text.length)
		return text.slice(0, at) + '\0' + text.slice(at + 1)
	}
	return text
}

/** Whether a string has a lone surrogate. */
const hasLoneSurrogate = (value: string): boolean => /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(value)

const utf8 = new TextEncoder()
/** TextDecoder as the library decodes: a leading U+FEFF is kept (Emscripten's TextDecoder drops it). */
const utf8Decoder = new TextDecoder('utf-8', { ignoreBOM: true })
const utf16Decoder = new TextDecoder('utf-16le', { ignoreBOM: true })
/** Whether Emscripten's TextDecoder path (above 16 bytes of UTF-8 or 16 UTF-16 units) drops a leading byte order mark of `value`. */
const dropsBom = (value: string, length: number): boolean => value.startsWith('\uFEFF') && length > 16

describe('Emscripten runtime helpers, side by side with the library (real Emscripten 3.1.6 module)', function () {
	this.timeout(60_000)
	let module: EmscriptenHelpersModule
	let bigintModule: EmscriptenHelpersModule
	let heap: WasmHeapManager
	let region: number

	before(async () => {
		module = await loadEmscriptenHelpersFixture('helpers')
		bigintModule = await loadEmscriptenHelpersFixture('helpers-bigint')
		heap = wrapEmscriptenModuleHeap(module)
		region = heap.allocate(regionSize, 8)
	})

	describe('getValue(ptr, type) and setValue(ptr, value, type)', () => {
		/** Each getValue type string, the library's read, and the alignment Emscripten's view has. */
		const reads = [
			{ type: 'i1', read: (address: number) => heap.readInt8(address), align: 1 },
			{ type: 'i8', read: (address: number) => heap.readInt8(address), align: 1 },
			{ type: 'i16', read: (address: number) => heap.readInt16(address), align: 2 },
			{ type: 'i32', read: (address: number) => heap.readInt32(address), align: 4 },
			{ type: 'float', read: (address: number) => heap.readFloat32(address), align: 4 },
			{ type: 'double', read: (address: number) => heap.readFloat64(address), align: 8 },
			// A pointer is HEAP32, signed, in 3.1.6: the library's Pointer32 is unsigned.
			{ type: '*', read: (address: number) => heap.readInt32(address), align: 4 },
			{ type: 'i8*', read: (address: number) => heap.readInt32(address), align: 4 },
		] as const

		it('every type agrees at aligned addresses on random bytes; unaligned, Emscripten reads the address rounded down', () => {
			const random = new SeededRandom(101)
			for (let round = 0; round < 300; round++) {
				module.HEAPU8.set(random.bytes(64), region)
				for (const { type, read, align } of reads) {
					const aligned = region + align * random.int(0, 64 / align - 1)
					expect(Object.is(module.getValue(aligned, type), read(aligned)), `${type} at +${aligned - region}`).to.equal(true)
					const offset = random.int(0, 56)
					const address = region + offset
					const roundedDown = address - (address % align)
					expect(Object.is(module.getValue(address, type), read(roundedDown)), `${type} at +${offset}`).to.equal(true)
					// The library reads the bytes that are there, as WebAssembly's loads do.
					const view = new DataView(module.HEAPU8.buffer)
					const exact = align === 1 ? view.getInt8(address) : align === 2 ? view.getInt16(address, true) : type === 'float' ? view.getFloat32(address, true) : type === 'double' ? view.getFloat64(address, true) : view.getInt32(address, true)
					expect(Object.is(read(address), exact), `${type} library at +${offset}`).to.equal(true)
				}
			}
		})

		it("'*' is signed in Emscripten 3.1.6; readPointer32 is the unsigned address", () => {
			heap.writeUint32(region, 0x8000_0040)
			expect(module.getValue(region, '*')).to.equal(-0x7fff_ffc0)
			expect(heap.readPointer32(region)).to.equal(0x8000_0040)
			expect(module.getValue(region, '*')! >>> 0).to.equal(heap.readPointer32(region))
		})

		it("'i64' is the low 32 bits without -sWASM_BIGINT and a rounded Number with it; readBigInt64 is exact", () => {
			const random = new SeededRandom(102)
			const bigHeap = wrapEmscriptenModuleHeap(bigintModule)
			const bigRegion = bigHeap.allocate(64, 8)
			for (let round = 0; round < 300; round++) {
				const value = BigInt.asIntN(64, random.bits64())
				heap.writeBigInt64(region, value)
				expect(module.getValue(region, 'i64')).to.equal(Number(BigInt.asIntN(32, value)))
				expect(heap.readBigInt64(region)).to.equal(value)
				bigHeap.writeBigInt64(bigRegion, value)
				expect(bigintModule.getValue(bigRegion, 'i64')).to.equal(Number(value))
				expect(bigHeap.readBigInt64(bigRegion)).to.equal(value)
			}
			bigHeap.deallocate(bigRegion, 64, 8)
		})

		it('setValue and the library write the same bytes for every type, on random and edge values', () => {
			const random = new SeededRandom(103)
			const edges = [0, -0, 1, -1, 0.5, -1.5, 127, 128, 255, 256, 32767, 32768, 65535, 65536, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 1, 2 ** 32, 2 ** 53, -(2 ** 53), 1e300, -1e300, Number.MIN_VALUE, NaN, Infinity, -Infinity, 3.4028235677973366e38, 1.401298464324817e-45]
			const writes = [
				{ type: 'i1', write: (address: number, value: number) => heap.writeInt8(address, value), align: 1 },
				{ type: 'i8', write: (address: number, value: number) => heap.writeInt8(address, value), align: 1 },
				{ type: 'i16', write: (address: number, value: number) => heap.writeInt16(address, value), align: 2 },
				{ type: 'i32', write: (address: number, value: number) => heap.writeInt32(address, value), align: 4 },
				{ type: 'float', write: (address: number, value: number) => heap.writeFloat32(address, value), align: 4 },
				{ type: 'double', write: (address: number, value: number) => heap.writeFloat64(address, value), align: 8 },
				{ type: '*', write: (address: number, value: number) => heap.writePointer32(address, value), align: 4 },
			] as const
			for (let round = 0; round < 400; round++) {
				const fill = random.bytes(regionSize)
				const value = round < edges.length ? edges[round]! : random.pick([random.int(-(2 ** 40), 2 ** 40), (random.next() - 0.5) * 2 ** random.int(0, 80), random.bits64() > 0n ? random.int(-300, 300) : random.next()])
				for (const { type, write, align } of writes) {
					const address = region + align * random.int(0, 8)
					const emscripten = run(module, region, fill, () => module.setValue(address, value, type))
					const library = run(module, region, fill, () => write(address, value))
					expect(library.result, type).to.equal(undefined)
					expectSameBytes(library.bytes, emscripten.bytes)
				}
			}
		})

		it('unaligned, setValue writes at the address rounded down; the library where it is told', () => {
			const fill = new Uint8Array(regionSize)
			const emscripten = run(module, region, fill, () => module.setValue(region + 6, -2, 'i32'))
			const library = run(module, region, fill, () => heap.writeInt32(region + 6, -2))
			expect([...emscripten.bytes.subarray(4, 8)]).to.deep.equal([0xfe, 0xff, 0xff, 0xff])
			expect([...library.bytes.subarray(6, 10)]).to.deep.equal([0xfe, 0xff, 0xff, 0xff])
			expect([...library.bytes.subarray(4, 6)]).to.deep.equal([0, 0])
		})

		it("setValue(ptr, n, 'i64') splits a safe integer as writeBigInt64(BigInt(n)) stores it; non-integers and the -sWASM_BIGINT build differ", () => {
			const random = new SeededRandom(104)
			const bigHeap = wrapEmscriptenModuleHeap(bigintModule)
			const bigRegion = bigHeap.allocate(64, 8)
			for (let round = 0; round < 300; round++) {
				const value = random.int(-(2 ** 53) + 1, 2 ** 53)
				const fill = random.bytes(regionSize)
				const emscripten = run(module, region, fill, () => module.setValue(region + 8, value, 'i64'))
				const library = run(module, region, fill, () => heap.writeBigInt64(region + 8, BigInt(value)))
				expectSameBytes(library.bytes, emscripten.bytes)
				bigintModule.setValue(bigRegion, value, 'i64')
				expect(bigHeap.readBigInt64(bigRegion)).to.equal(BigInt(value))
			}
			// 1.5 is stored as 1 without -sWASM_BIGINT; BigInt(1.5) throws with it; the library takes a bigint only.
			module.setValue(region, 1.5, 'i64')
			expect(heap.readBigInt64(region)).to.equal(1n)
			expect(caught(() => bigintModule.setValue(bigRegion, 1.5, 'i64'))).to.be.instanceOf(RangeError)
			expect(caught(() => heap.writeBigInt64(region, 1.5 as unknown as bigint))).to.be.instanceOf(TypeError)
			// Beyond 2^64 Emscripten saturates the high word; BigInt.asIntN is the library's wrap.
			module.setValue(region, 2 ** 70, 'i64')
			expect(heap.readBigUint64(region)).to.equal(0xffff_ffff_0000_0000n)
			heap.writeBigInt64(region, 2n ** 70n)
			expect(heap.readBigUint64(region)).to.equal(0n)
			bigHeap.deallocate(bigRegion, 64, 8)
		})

		it('out of the heap: getValue gives undefined and setValue writes nothing; the library throws RangeError naming the access', () => {
			const size = module.HEAPU8.length
			for (const address of [size, size + 8, -8]) {
				expect(module.getValue(address, 'i32')).to.equal(undefined)
				expect(() => module.setValue(address, 1, 'i32')).not.to.throw()
				expect(caught(() => heap.readInt32(address))).to.be.instanceOf(RangeError)
				expect(caught(() => heap.writeInt32(address, 1))).to.be.instanceOf(RangeError)
			}
			expect(caught(() => heap.readInt32(size - 2)).message).to.equal(`readInt32: address ${size - 2} is out of range: a 4-byte access must end within the heap of ${size} bytes`)
		})
	})

	describe('UTF-8: UTF8ToString, stringToUTF8, lengthBytesUTF8, stringToNewUTF8/allocateUTF8', () => {
		it('UTF8ToString(ptr, max?) and readNullTerminatedUtf8String(ptr, max?) agree on well-formed text, with and without a limit cutting no character', () => {
			const random = new SeededRandom(201)
			for (let round = 0; round < 600; round++) {
				const text = randomString(random, 80)
				const bytes = utf8.encode(text.replace(/[\uD800-\uDFFF]/g, 'x'))
				module.HEAPU8.fill(1, region, region + regionSize)
				module.HEAPU8.set(bytes, region)
				module.HEAPU8[region + bytes.length] = 0
				const terminated = bytes.indexOf(0) === -1 ? bytes.length : bytes.indexOf(0)
				const library = heap.readNullTerminatedUtf8String(region)
				const emscripten = module.UTF8ToString(region)
				expect(dropsBom(library, terminated) ? library.slice(1) : library).to.equal(emscripten)
				// A limit at a character boundary (or past the string).
				let max = random.int(0, bytes.length + 3)
				while (max < bytes.length && (bytes[max]! & 0xc0) === 0x80) max++
				const limited = heap.readNullTerminatedUtf8String(region, max)
				expect(dropsBom(limited, Math.min(max, terminated)) ? limited.slice(1) : limited).to.equal(module.UTF8ToString(region, max))
			}
		})

		it('a limit that cuts a multi-byte character: the library reads U+FFFD within the limit; Emscripten reads the whole character past it (up to 16 bytes)', () => {
			module.HEAPU8.set([0x61, 0xc3, 0xa9, 0xf0, 0x9f, 0x98, 0x80, 0], region) // 'aé😀'
			expect(module.UTF8ToString(region, 2)).to.equal('aé')
			expect(heap.readNullTerminatedUtf8String(region, 2)).to.equal('a\uFFFD')
			expect(module.UTF8ToString(region, 5)).to.equal('aé😀')
			expect(heap.readNullTerminatedUtf8String(region, 5)).to.equal('aé\uFFFD')
			// Longer than 16 bytes, Emscripten takes TextDecoder too, and both agree.
			const long = utf8.encode('0123456789abcdef€')
			module.HEAPU8.set([...long, 0], region)
			expect(module.UTF8ToString(region, long.length - 1)).to.equal('0123456789abcdef\uFFFD')
			expect(heap.readNullTerminatedUtf8String(region, long.length - 1)).to.equal('0123456789abcdef\uFFFD')
		})

		it('a leading byte order mark: the library keeps it at every length; Emscripten drops it above 16 bytes (UTF-8) or 16 units (UTF-16)', () => {
			for (const text of ['\uFEFFshort', '\uFEFF' + 'long enough to take TextDecoder']) {
				heap.writeNullTerminatedUtf8String(region, text, regionSize)
				expect(heap.readNullTerminatedUtf8String(region)).to.equal(text)
				expect(module.UTF8ToString(region)).to.equal(text.length > 16 ? text.slice(1) : text)
				heap.writeNullTerminatedUtf16String(region, text)
				expect(heap.readNullTerminatedUtf16String(region)).to.equal(text)
				expect(module.UTF16ToString(region)).to.equal(text.length > 16 ? text.slice(1) : text)
			}
		})

		it('malformed bytes read as TextDecoder reads them; Emscripten agrees above 16 bytes and decodes leniently below', () => {
			const random = new SeededRandom(202)
			let differed = 0
			for (let round = 0; round < 600; round++) {
				const bytes = random.bytes(random.int(0, 40)).map((byte) => byte || 0x80)
				module.HEAPU8.set([...bytes, 0], region)
				const library = heap.readNullTerminatedUtf8String(region)
				expect(library).to.equal(utf8Decoder.decode(bytes))
				if (bytes.length > 16) expect(module.UTF8ToString(region)).to.equal(dropsBom(library, bytes.length) ? library.slice(1) : library)
				else if (module.UTF8ToString(region) !== library) differed++
			}
			expect(differed).to.be.greaterThan(0)
			module.HEAPU8.set([0xc0, 0x80, 0], region) // an overlong U+0000
			expect(module.UTF8ToString(region)).to.equal('\0')
			expect(heap.readNullTerminatedUtf8String(region)).to.equal('\uFFFD\uFFFD')
		})

		it('edge cases: max 0, NUL inside, a null pointer, no terminator before the heap ends', () => {
			module.HEAPU8.set([0x68, 0x69, 0, 0x21, 0], region)
			expect(module.UTF8ToString(region, 0)).to.equal('')
			expect(heap.readNullTerminatedUtf8String(region, 0)).to.equal('')
			expect(module.UTF8ToString(region, 100)).to.equal('hi')
			expect(heap.readNullTerminatedUtf8String(region, 100)).to.equal('hi')
			// UTF8ToString(0) is '' whatever is there; the library reads address 0 (real memory).
			const saved = heap.readUint8(0)
			heap.writeNullTerminatedUtf8String(0, 'z', 2)
			expect(module.UTF8ToString(0)).to.equal('')
			expect(heap.readNullTerminatedUtf8String(0)).to.equal('z')
			heap.writeUint8(0, saved)
			heap.writeUint8(1, 0)
			// No terminator: Emscripten stops at the heap's end, the library throws.
			const end = module.HEAPU8.length
			const last = module.HEAPU8.slice(end - 3)
			module.HEAPU8.fill(0x41, end - 3)
			expect(module.UTF8ToString(end - 3)).to.equal('AAA')
			const error = caught(() => heap.readNullTerminatedUtf8String(end - 3))
			expect(error).to.be.instanceOf(RangeError)
			expect((error as { code?: string }).code).to.equal('ERR_HEAP_NO_TERMINATOR')
			module.HEAPU8.set(last, end - 3)
		})

		it('stringToUTF8 and writeNullTerminatedUtf8String write the same bytes and return the same count when the string fits', () => {
			const random = new SeededRandom(203)
			for (let round = 0; round < 600; round++) {
				const text = randomString(random, 60).replace(/[\uD800-\uDFFF]/g, 'x')
				const needed = utf8.encode(text).length + 1
				const max = needed + random.int(0, 20)
				const address = region + random.int(0, 100)
				const fill = random.bytes(regionSize)
				const emscripten = run(module, region, fill, () => module.stringToUTF8(text, address, max))
				const library = run(module, region, fill, () => heap.writeNullTerminatedUtf8String(address, text, max))
				expect(library.result).to.equal(emscripten.result)
				expectSameBytes(library.bytes, emscripten.bytes)
				expect(heap.encodedLengthOfUtf8String(text)).to.equal(module.lengthBytesUTF8(text))
			}
		})

		it('a string that does not fit: Emscripten truncates at a character boundary, the library throws RangeError and writes nothing', () => {
			const random = new SeededRandom(204)
			for (let round = 0; round < 300; round++) {
				const text = randomString(random, 40).replace(/[\uD800-\uDFFF]/g, 'x')
				const needed = utf8.encode(text).length + 1
				if (needed < 2) continue
				const max = random.int(0, needed)
				const fill = random.bytes(regionSize)
				const emscripten = run(module, region, fill, () => module.stringToUTF8(text, region, max))
				const library = run(module, region, fill, () => heap.writeNullTerminatedUtf8String(region, text, max))
				expect(library.result).to.be.instanceOf(RangeError)
				expectSameBytes(library.bytes, fill)
				// What Emscripten kept is the longest prefix of whole characters that fits, then a terminator.
				const written = emscripten.result as number
				expect(written).to.be.lessThan(Math.max(max, 1))
				if (max > 0) expect(emscripten.bytes[written]).to.equal(0)
				const kept = utf8Decoder.decode(emscripten.bytes.subarray(0, written))
				expect(text.startsWith(kept)).to.equal(true)
				const next = String.fromCodePoint(text.slice(kept.length).codePointAt(0)!)
				expect(written + utf8.encode(next).length).to.be.greaterThan(max - 1)
			}
		})

		it("Emscripten's truncation, when wanted: encodeInto over viewUint8Array(ptr, max - 1), then a terminator, writes the same bytes and count", () => {
			const random = new SeededRandom(207)
			for (let round = 0; round < 600; round++) {
				const text = randomString(random, 40).replace(/[\uD800-\uDFFF]/g, 'x')
				const max = random.int(1, 80)
				const fill = random.bytes(regionSize)
				const emscripten = run(module, region, fill, () => module.stringToUTF8(text, region, max))
				const recipe = run(module, region, fill, () => {
					const { written } = utf8.encodeInto(text, heap.viewUint8Array(region, max - 1))
					heap.writeUint8(region + written, 0)
					return written
				})
				expect(recipe.result).to.equal(emscripten.result)
				expectSameBytes(recipe.bytes, emscripten.bytes)
			}
		})

		it('lone surrogates: the library writes U+FFFD as TextEncoder does (3 bytes); Emscripten pairs it with the next unit and counts 4', () => {
			const random = new SeededRandom(205)
			for (let round = 0; round < 300; round++) {
				const text = randomString(random, 30)
				const expected = utf8.encode(text)
				expect(heap.encodedLengthOfUtf8String(text)).to.equal(expected.length)
				heap.writeNullTerminatedUtf8String(region, text, regionSize)
				expect(heap.viewUint8Array(region, expected.length + 1)).to.deep.equal(Uint8Array.from([...expected, 0]))
				if (!hasLoneSurrogate(text)) expect(module.lengthBytesUTF8(text)).to.equal(expected.length)
			}
			expect(module.lengthBytesUTF8('\uD800a')).to.equal(4)
			expect(heap.encodedLengthOfUtf8String('\uD800a')).to.equal(4) // EF BF BD 61
			expect(module.stringToUTF8('\uD800a', region, 16)).to.equal(4)
			expect(module.UTF8ToString(region)).not.to.contain('a')
			expect(heap.writeNullTerminatedUtf8String(region, '\uD800a', 16)).to.equal(4)
			expect(heap.readNullTerminatedUtf8String(region)).to.equal('\uFFFDa')
		})

		it('max 0: stringToUTF8 writes nothing and returns 0; the library refuses it (no room for the terminator)', () => {
			const fill = new Uint8Array(regionSize).fill(7)
			const emscripten = run(module, region, fill, () => module.stringToUTF8('', region, 0))
			const library = run(module, region, fill, () => heap.writeNullTerminatedUtf8String(region, '', 0))
			expect(emscripten.result).to.equal(0)
			expectSameBytes(emscripten.bytes, fill)
			expect(library.result).to.be.instanceOf(RangeError)
			expectSameBytes(library.bytes, fill)
			expect(heap.writeNullTerminatedUtf8String(region, '', 1)).to.equal(module.stringToUTF8('', region, 1))
		})

		it('stringToNewUTF8 and allocateUTF8 are allocNullTerminatedUtf8String: the same bytes, the same size; release() hands the address to C', () => {
			const random = new SeededRandom(206)
			for (let round = 0; round < 200; round++) {
				const text = randomString(random, 50).replace(/[\uD800-\uDFFF]/g, 'x')
				const size = utf8.encode(text).length + 1
				for (const emscriptenAddress of [module.stringToNewUTF8(text), module.allocateUTF8(text)]) {
					const ref = heap.allocNullTerminatedUtf8String(text)
					expect(ref.allocatedByteSize).to.equal(size)
					expect(heap.viewUint8Array(ref.address, size)).to.deep.equal(heap.viewUint8Array(emscriptenAddress, size))
					expect(ref.value).to.equal(module.UTF8ToString(emscriptenAddress))
					module._free(emscriptenAddress)
					const address = ref.release()
					expect(heap.allocatedRefs).not.to.include(ref)
					module._free(address) // C owns it now
				}
			}
		})
	})

	describe('UTF-16: UTF16ToString, stringToUTF16, lengthBytesUTF16 (Emscripten counts bytes, the library 16-bit units)', () => {
		/** A random string of code units, lone surrogates included, sometimes with U+0000. */
		const randomUnits = (random: SeededRandom, max: number): string => randomString(random, max)

		it('reads agree with maxBytesToRead = 2 * maxElementCount, and at every length where Emscripten keeps lone surrogates', () => {
			const random = new SeededRandom(301)
			for (let round = 0; round < 600; round++) {
				const text = randomUnits(random, 60)
				module.HEAPU8.fill(0x41, region, region + regionSize)
				heap.writeUtf16StringSlice(region, text)
				heap.writeUint16(region + 2 * text.length, 0)
				const units = random.int(0, text.length + 3)
				const terminated = text.split('\0')[0]!
				const library = heap.readNullTerminatedUtf16String(region)
				expect(library).to.equal(terminated)
				expect(heap.readNullTerminatedUtf16String(region, units)).to.equal(terminated.slice(0, units))
				// Emscripten decodes above 16 units with TextDecoder, which replaces lone surrogates.
				if (terminated.length <= 16) {
					expect(module.UTF16ToString(region)).to.equal(library)
				} else {
					// Emscripten's TextDecoder replaces lone surrogates and drops a leading BOM.
					const decoded = utf16Decoder.decode(heap.viewUint16Array(region, terminated.length))
					expect(module.UTF16ToString(region)).to.equal(dropsBom(decoded, terminated.length) ? decoded.slice(1) : decoded)
					if (!hasLoneSurrogate(terminated)) expect(decoded).to.equal(library)
				}
				const cut = terminated.slice(0, units)
				if (cut.length <= 16) expect(module.UTF16ToString(region, 2 * units)).to.equal(cut)
			}
		})

		it('a lone surrogate past 16 units: Emscripten reads U+FFFD, the library the unit itself', () => {
			const text = 'x'.repeat(20) + '\uD800'
			heap.writeNullTerminatedUtf16String(region, text)
			expect(module.UTF16ToString(region)).to.equal('x'.repeat(20) + '\uFFFD')
			expect(heap.readNullTerminatedUtf16String(region)).to.equal(text)
			heap.writeNullTerminatedUtf16String(region, '\uD800')
			expect(module.UTF16ToString(region)).to.equal('\uD800')
		})

		it('stringToUTF16 and writeNullTerminatedUtf16String agree when the string fits; Emscripten returns bytes, the library units', () => {
			const random = new SeededRandom(302)
			for (let round = 0; round < 600; round++) {
				const text = randomUnits(random, 60)
				const maxUnits = text.length + 1 + random.int(0, 10)
				const address = region + 2 * random.int(0, 50)
				const fill = random.bytes(regionSize)
				const emscripten = run(module, region, fill, () => module.stringToUTF16(text, address, 2 * maxUnits))
				const library = run(module, region, fill, () => heap.writeNullTerminatedUtf16String(address, text, maxUnits))
				expect(emscripten.result).to.equal(2 * (library.result as number))
				expectSameBytes(library.bytes, emscripten.bytes)
				expect(2 * heap.encodedLengthOfUtf16String(text)).to.equal(module.lengthBytesUTF16(text))
			}
		})

		it('too long: Emscripten truncates (a surrogate pair can be split); the library throws and writes nothing', () => {
			const fill = new Uint8Array(regionSize).fill(0x55)
			const emscripten = run(module, region, fill, () => module.stringToUTF16('a😀', region, 6))
			expect(emscripten.result).to.equal(4)
			expect([...emscripten.bytes.subarray(0, 6)]).to.deep.equal([0x61, 0, 0x3d, 0xd8, 0, 0]) // 'a', a lone U+D83D, terminator
			const library = run(module, region, fill, () => heap.writeNullTerminatedUtf16String(region, 'a😀', 3))
			expect(library.result).to.be.instanceOf(RangeError)
			expectSameBytes(library.bytes, fill)
		})

		it('an odd maxBytesToWrite: Emscripten writes past it; the library takes whole units', () => {
			const fill = new Uint8Array(regionSize).fill(0x55)
			const emscripten = run(module, region, fill, () => module.stringToUTF16('abc', region, 5))
			expect(emscripten.result).to.equal(4)
			expect(emscripten.bytes[5]).to.equal(0) // a 6th byte written into a room of 5
			expect(caught(() => heap.writeNullTerminatedUtf16String(region, 'abc', 2.5))).to.be.instanceOf(RangeError)
		})

		it('unaligned addresses: Emscripten reads and writes the rounded-down address (or misreads); the library throws', () => {
			heap.writeNullTerminatedUtf16String(region, 'hi')
			expect(caught(() => heap.readNullTerminatedUtf16String(region + 1))).to.be.instanceOf(RangeError)
			expect(caught(() => heap.writeNullTerminatedUtf16String(region + 1, 'hi'))).to.be.instanceOf(RangeError)
			module.stringToUTF16('yo', region + 1, 100)
			expect(heap.readNullTerminatedUtf16String(region)).to.equal('yo')
		})
	})

	describe('UTF-32: UTF32ToString, stringToUTF32, lengthBytesUTF32', () => {
		it('well-formed text: reads, writes, counts agree (bytes in Emscripten, elements in the library)', () => {
			const random = new SeededRandom(401)
			for (let round = 0; round < 600; round++) {
				const text = randomString(random, 40).replace(/[\uD800-\uDFFF]/g, 'x')
				const elements = [...text].length
				const maxElements = elements + 1 + random.int(0, 8)
				const address = region + 4 * random.int(0, 20)
				const fill = random.bytes(regionSize)
				const emscripten = run(module, region, fill, () => module.stringToUTF32(text, address, 4 * maxElements))
				const library = run(module, region, fill, () => heap.writeNullTerminatedUtf32String(address, text, maxElements))
				expect(emscripten.result).to.equal(4 * (library.result as number))
				expectSameBytes(library.bytes, emscripten.bytes)
				expect(4 * heap.encodedLengthOfUtf32String(text)).to.equal(module.lengthBytesUTF32(text))
				const limit = random.int(0, elements + 2)
				expect(heap.readNullTerminatedUtf32String(address)).to.equal(module.UTF32ToString(address))
				expect(heap.readNullTerminatedUtf32String(address, limit)).to.equal(module.UTF32ToString(address, 4 * limit))
			}
		})

		it('lone surrogates: the library stores each as its own value; Emscripten merges it with the next unit', () => {
			heap.writeNullTerminatedUtf32String(region, '\uDC00a')
			expect(heap.readNullTerminatedUtf32String(region)).to.equal('\uDC00a')
			expect(module.UTF32ToString(region)).to.equal('\uDC00a') // reading them agrees
			expect(module.stringToUTF32('\uDC00a', region, 64)).to.equal(4)
			expect(module.UTF32ToString(region)).not.to.contain('a')
			expect(module.lengthBytesUTF32('\uDC00a')).to.equal(4)
			expect(heap.encodedLengthOfUtf32String('\uDC00a')).to.equal(2)
		})

		it('an element above U+10FFFF: Emscripten makes surrogates of it, the library throws naming the address', () => {
			heap.writeUint32(region, 0x110000)
			heap.writeUint32(region + 4, 0)
			expect(module.UTF32ToString(region)).to.have.length(2)
			const error = caught(() => heap.readNullTerminatedUtf32String(region))
			expect(error).to.be.instanceOf(RangeError)
			expect(error.message).to.contain(`address ${region}`)
		})

		it('a room of one element: Emscripten writes a character and a terminator (8 bytes into 4); the library throws, nothing written', () => {
			const fill = new Uint8Array(regionSize).fill(0x55)
			const emscripten = run(module, region, fill, () => module.stringToUTF32('ab', region, 4))
			expect(emscripten.result).to.equal(4)
			expect([...emscripten.bytes.subarray(0, 8)]).to.deep.equal([0x61, 0, 0, 0, 0, 0, 0, 0])
			const library = run(module, region, fill, () => heap.writeNullTerminatedUtf32String(region, 'ab', 1))
			expect(library.result).to.be.instanceOf(RangeError)
			expectSameBytes(library.bytes, fill)
		})
	})

	describe('ASCII: AsciiToString, stringToAscii / writeAsciiToMemory', () => {
		it('reads agree on random bytes 1..255 (both Latin-1); writes agree on ASCII', () => {
			const random = new SeededRandom(501)
			for (let round = 0; round < 400; round++) {
				const bytes = random.bytes(random.int(0, 60)).map((byte) => byte || 1)
				module.HEAPU8.set([...bytes, 0], region)
				expect(heap.readNullTerminatedAsciiString(region)).to.equal(module.AsciiToString(region))
				const text = randomString(random, 60, true)
				const fill = random.bytes(regionSize)
				const emscripten = run(module, region, fill, () => module.stringToAscii(text, region + 3))
				const library = run(module, region, fill, () => heap.writeNullTerminatedAsciiString(region + 3, text))
				expect(emscripten.result).to.equal(undefined)
				expect(library.result).to.equal(text.length)
				expectSameBytes(library.bytes, emscripten.bytes)
				const noTerminator = run(module, region, fill, () => module.writeAsciiToMemory(text, region + 3, true))
				const slice = run(module, region, fill, () => heap.writeAsciiStringSlice(region + 3, text))
				expectSameBytes(slice.bytes, noTerminator.bytes)
			}
		})

		it('above U+007F: Emscripten stores the low byte, the library throws naming the character', () => {
			const fill = new Uint8Array(regionSize)
			const emscripten = run(module, region, fill, () => module.stringToAscii('é€', region))
			expect([...emscripten.bytes.subarray(0, 3)]).to.deep.equal([0xe9, 0xac, 0])
			const library = run(module, region, fill, () => heap.writeNullTerminatedAsciiString(region, 'é€'))
			expect((library.result as Error).message).to.contain("'é' (U+00E9) at index 0")
			expectSameBytes(library.bytes, fill)
		})
	})

	describe('writeArrayToMemory, HEAP*.subarray, the whole-heap views', () => {
		it('writeArrayToMemory(array, ptr) writes what viewUint8Array(ptr, n).set(array) and heapInt8.set(array, ptr) write', () => {
			const random = new SeededRandom(601)
			for (let round = 0; round < 300; round++) {
				const values = Array.from({ length: random.int(0, 64) }, () => random.pick([random.int(-300, 300), random.next() * 600 - 300, NaN]))
				const address = region + random.int(0, 200)
				const fill = random.bytes(regionSize)
				const emscripten = run(module, region, fill, () => module.writeArrayToMemory(values, address))
				const view = run(module, region, fill, () => heap.viewUint8Array(address, values.length).set(values))
				const whole = run(module, region, fill, () => heap.heapInt8.set(values, address))
				expectSameBytes(view.bytes, emscripten.bytes)
				expectSameBytes(whole.bytes, emscripten.bytes)
			}
			const end = module.HEAPU8.length
			expect(caught(() => module.writeArrayToMemory([1, 2, 3], end - 2))).to.be.instanceOf(RangeError)
			expect(caught(() => heap.viewUint8Array(end - 2, 3)).message).to.contain(`viewUint8Array: address ${end - 2} is out of range`)
		})

		it('HEAP<T>.subarray(ptr / n, ptr / n + count) is view<T>Array(ptr, count), over the same bytes; unaligned, the library throws', () => {
			const pairs = [
				['HEAP8', 'viewInt8Array', 1],
				['HEAPU8', 'viewUint8Array', 1],
				['HEAP16', 'viewInt16Array', 2],
				['HEAPU16', 'viewUint16Array', 2],
				['HEAP32', 'viewInt32Array', 4],
				['HEAPU32', 'viewUint32Array', 4],
				['HEAPF32', 'viewFloat32Array', 4],
				['HEAPF64', 'viewFloat64Array', 8],
			] as const
			for (const [heapName, viewName, size] of pairs) {
				const emscripten = module[heapName].subarray(region / size, region / size + 10)
				const library = heap[viewName](region, 10)
				expect(library.constructor).to.equal(emscripten.constructor)
				expect(library.buffer).to.equal(emscripten.buffer)
				expect([library.byteOffset, library.length]).to.deep.equal([emscripten.byteOffset, emscripten.length])
				if (size > 1) {
					expect(module[heapName].subarray((region + 1) >> Math.log2(size)).byteOffset).to.equal(region)
					expect(caught(() => heap[viewName](region + 1, 10))).to.be.instanceOf(RangeError)
				}
			}
			expect(heap.heapInt32.buffer).to.equal(module.HEAP32.buffer)
			expect(heap.heapInt32.length).to.equal(module.HEAP32.length)
		})
	})

	describe('_malloc/_free, stackSave/stackAlloc/stackRestore, ccall', () => {
		it('allocate/deallocate are the checked _malloc/_free: a failed allocation throws where _malloc returns 0; deallocate(0) throws where free(NULL) does nothing', () => {
			const address = heap.allocate(24)
			expect(address % 8).to.equal(0)
			module._free(address) // the same allocator: either side may free
			const fromC = module._malloc(24)
			heap.deallocate(fromC)
			expect(module._malloc(2 ** 31)).to.equal(0)
			const error = caught(() => heap.allocate(2 ** 31))
			expect((error as { code?: string }).code).to.equal('ERR_HEAP_ALLOCATION_FAILED')
			expect(() => module._free(0)).not.to.throw()
			expect(caught(() => heap.deallocate(0))).to.be.instanceOf(RangeError)
		})

		it('withScope frees what it allocated, as stackRestore(stackSave()) drops stack allocations; scoped memory is zeroed, stack memory is not', () => {
			const random = new SeededRandom(701)
			const before = heap.allocatedRefs.length
			for (let round = 0; round < 100; round++) {
				const text = randomString(random, 40).replace(/[\uD800-\uDFFF]/g, 'x')
				const values = Array.from({ length: random.int(0, 20) }, () => random.int(0, 256))
				// Emscripten: stack allocations for one call.
				const stack = module.stackSave()
				const name = module.stackAlloc(module.lengthBytesUTF8(text) + 1)
				module.stringToUTF8(text, name, module.lengthBytesUTF8(text) + 1)
				const bytes = module.stackAlloc(Math.max(values.length, 1))
				module.writeArrayToMemory(values, bytes)
				const emscripten = [module._utf8_length(name), module._sum_u8(bytes, values.length)]
				module.stackRestore(stack)
				expect(module.stackSave()).to.equal(stack)
				// The library: a scope.
				const library = heap.withScope(() => {
					const scoped = heap.allocNullTerminatedUtf8String(text)
					const array = heap.allocUint8Array(values)
					return [module._utf8_length(scoped.address), module._sum_u8(array.address, values.length)]
				})
				expect(library).to.deep.equal(emscripten)
				expect(heap.allocatedRefs.length).to.equal(before)
			}
			const stack = module.stackSave()
			const scratch = module.stackAlloc(16)
			module.HEAPU8.fill(9, scratch, scratch + 16)
			module.stackRestore(stack)
			const again = module.stackAlloc(16)
			expect(again).to.equal(scratch)
			expect([...module.HEAPU8.subarray(again, again + 16)]).to.deep.equal(new Array(16).fill(9))
			module.stackRestore(stack)
			heap.withScope(() => expect([...heap.allocUint8Array(16).view]).to.deep.equal(new Array(16).fill(0)))
		})

		it("ccall's 'string' and 'array' arguments and 'string' return: the same results through a scope", () => {
			const random = new SeededRandom(702)
			for (let round = 0; round < 100; round++) {
				const text = randomString(random, 40).replace(/[\uD800-\uDFFF]/g, 'x')
				const values = Array.from({ length: random.int(1, 20) }, () => random.int(0, 256))
				expect(heap.withScope(() => module._utf8_length(heap.allocNullTerminatedUtf8String(text).address))).to.equal(module.ccall('utf8_length', 'number', ['string'], [text]))
				expect(heap.withScope(() => module._sum_u8(heap.allocUint8Array(values).address, values.length))).to.equal(module.ccall('sum_u8', 'number', ['array', 'number'], [values, values.length]))
				const greeting = module.ccall('make_greeting', 'string', ['string'], [text]) // the C string leaks: ccall never frees it
				using owned = heap.withScope(() => heap.wrapNullTerminatedUtf8String(module._make_greeting(heap.allocNullTerminatedUtf8String(text).address)))
				expect(owned.value).to.equal(greeting)
			}
			// null becomes NULL in ccall; the library's alloc refuses null (pass 0 yourself).
			expect(module.ccall('utf8_length', 'number', ['string'], [null])).to.equal(module._utf8_length(0))
			expect(caught(() => heap.allocNullTerminatedUtf8String(null as unknown as string))).to.be.instanceOf(TypeError)
		})
	})
})
