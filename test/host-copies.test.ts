/**
 * The host's copies (src/codecs/hostCopies.ts): which hosts' `Buffer.prototype.ucs2Write`,
 * `ucs2Slice` and `latin1Slice` the probes accept, and that the UTF-16 and ASCII codecs call
 * them from their measured lengths on and get exactly what their loops get.
 * test/codecs.test.ts checks the codecs' results on every kind of buffer with them (this
 * process), and without them (test/codecs-browser-host.test.ts hides them, as a browser has
 * none).
 */
import { expect } from 'chai'
import { hasSlowNonAsciiDecoder } from '../src/codecs/host.js'
import { findHostAsciiTest, findHostLatin1Slice, findHostUtf16, HOST_SLICE_PIECE_BYTES, type HostAsciiTest, type HostLatin1Slice, type HostUtf16Slice, type HostUtf16Write } from '../src/codecs/hostCopies.js'
import { SeededRandom } from './support/heaps.js'
import { randomText } from './support/text.js'

type Write = HostUtf16Write
type Slice = HostUtf16Slice

/** Byte-exact copies written in plain JS: what the probe must accept. */
const exactWrite: Write = function (this: ArrayBufferView, value, byteOffset, byteLength) {
	const units = new Uint16Array(this.buffer, this.byteOffset + byteOffset, byteLength / 2)
	for (let i = 0; i < units.length && i < value.length; i++) units[i] = value.charCodeAt(i)
	return Math.min(units.length, value.length) * 2
}
const exactSlice: Slice = function (this: ArrayBufferView, byteStart, byteEnd) {
	const units = new Uint16Array(this.buffer, this.byteOffset + byteStart, (byteEnd - byteStart) / 2)
	let text = ''
	for (const unit of units) text += String.fromCharCode(unit)
	return text
}

function hostWith(write: unknown, slice: unknown): object {
	return { Buffer: { prototype: { ucs2Write: write, ucs2Slice: slice } } }
}

/**
 * A fresh copy of a codec module (a query makes it another module than the one the library
 * loaded), loaded while the named methods of `prototype` count their calls in `calls`: the
 * codec takes them once, when it loads.
 */
async function loadCounting<M>(specifier: string, prototype: object, calls: Record<string, number>): Promise<M> {
	const methods = prototype as Record<string, (this: unknown, ...args: unknown[]) => unknown>
	const originals = Object.fromEntries(Object.keys(calls).map((name) => [name, methods[name]!]))
	for (const [name, original] of Object.entries(originals)) {
		methods[name] = function (this: unknown, ...args: unknown[]) {
			calls[name]!++
			return original.apply(this, args)
		}
	}
	try {
		return (await import(`${specifier}?counted`)) as M
	} finally {
		Object.assign(methods, originals)
	}
}

describe('the host\'s copies (src/codecs/hostCopies.ts)', function () {
	it('accepts copies that copy code units exactly, and refuses a host without both', function () {
		const found = findHostUtf16(hostWith(exactWrite, exactSlice))
		expect(found?.write).to.equal(exactWrite)
		expect(found?.slice).to.equal(exactSlice)
		expect(findHostUtf16({})).to.equal(undefined)
		expect(findHostUtf16({ Buffer: {} })).to.equal(undefined)
		expect(findHostUtf16(hostWith(exactWrite, undefined))).to.equal(undefined)
		expect(findHostUtf16(hostWith(undefined, exactSlice))).to.equal(undefined)
		expect(findHostUtf16(hostWith('ucs2Write', exactSlice))).to.equal(undefined)
	})

	it('refuses copies that are not exact: swapped bytes, offsets in elements, U+FFFD for a lone surrogate, a short count, a throw', function () {
		const swapped: Write = function (this: ArrayBufferView, value, byteOffset, byteLength) {
			const bytes = new Uint8Array(this.buffer, this.byteOffset + byteOffset, byteLength)
			for (let i = 0; i < value.length; i++) {
				bytes[2 * i] = value.charCodeAt(i) >> 8
				bytes[2 * i + 1] = value.charCodeAt(i) & 0xff
			}
			return value.length * 2
		}
		// Deno's port: the offset taken as an index into the view's elements.
		const elementOffsets: Write = function (this: ArrayBufferView, value, byteOffset, byteLength) {
			return exactWrite.call(this, value, byteOffset * 2, byteLength)
		}
		// Ignores the view's own offset into its buffer.
		const bufferOffsets: Write = function (this: ArrayBufferView, value, byteOffset, byteLength) {
			return exactWrite.call(new Uint8Array(this.buffer), value, byteOffset, byteLength)
		}
		const short: Write = function (this: ArrayBufferView, value, byteOffset, byteLength) {
			return exactWrite.call(this, value, byteOffset, byteLength) - 2
		}
		const overrunning: Write = function (this: ArrayBufferView, value, byteOffset, byteLength) {
			return exactWrite.call(this, `${value}x`, byteOffset, byteLength + 2) - 2
		}
		const replacing: Slice = function (this: ArrayBufferView, byteStart, byteEnd) {
			return new TextDecoder('utf-16le').decode(new Uint8Array(this.buffer, this.byteOffset + byteStart, byteEnd - byteStart))
		}
		const throwing = (): never => {
			throw new TypeError('argument must be a buffer')
		}
		expect(findHostUtf16(hostWith(swapped, exactSlice)), 'swapped').to.equal(undefined)
		expect(findHostUtf16(hostWith(elementOffsets, exactSlice)), 'element offsets').to.equal(undefined)
		expect(findHostUtf16(hostWith(bufferOffsets, exactSlice)), 'buffer offsets').to.equal(undefined)
		expect(findHostUtf16(hostWith(short, exactSlice)), 'short').to.equal(undefined)
		expect(findHostUtf16(hostWith(overrunning, exactSlice)), 'overrunning').to.equal(undefined)
		expect(findHostUtf16(hostWith(exactWrite, replacing)), 'replacing').to.equal(undefined)
		expect(findHostUtf16(hostWith(throwing, exactSlice)), 'throwing write').to.equal(undefined)
		expect(findHostUtf16(hostWith(exactWrite, throwing)), 'throwing slice').to.equal(undefined)
	})

	it('finds nothing, and no server host, where reading a global or one of its properties throws (a host shim\'s getter), instead of throwing', async function () {
		const { isServerHost } = await import('../src/codecs/host.js')
		const throwing = (): never => {
			throw new Error('a shim\'s getter')
		}
		/** `path` of plain objects down to its last name, which is a throwing getter. */
		const throwingAt = (...path: string[]): object => {
			const last = Object.defineProperty({}, path.at(-1)!, { get: throwing })
			return path.slice(0, -1).reduceRight<object>((inner, name) => ({ [name]: inner }), last)
		}
		for (const path of [['Buffer'], ['Buffer', 'prototype'], ['Buffer', 'prototype', 'ucs2Write'], ['Buffer', 'prototype', 'ucs2Slice']]) {
			expect(findHostUtf16(throwingAt(...path)), path.join('.')).to.equal(undefined)
		}
		for (const path of [['Buffer'], ['Buffer', 'prototype'], ['Buffer', 'prototype', 'latin1Slice']]) {
			expect(findHostLatin1Slice(throwingAt(...path)), path.join('.')).to.equal(undefined)
		}
		for (const path of [['process'], ['process', 'getBuiltinModule']]) {
			expect(findHostAsciiTest(throwingAt(...path)), path.join('.')).to.equal(undefined)
		}
		for (const path of [['process'], ['process', 'versions'], ['process', 'versions', 'node']]) {
			expect(isServerHost(throwingAt(...path)), path.join('.')).to.equal(false)
			expect(hasSlowNonAsciiDecoder(throwingAt(...path)), path.join('.')).to.equal(false)
		}
	})

	const nodeBuffer = (globalThis as { Buffer?: { prototype: { ucs2Write?: unknown; ucs2Slice?: unknown } } }).Buffer
	const hidden = typeof nodeBuffer?.prototype.ucs2Write !== 'function'
	it(`${hidden ? 'finds none in this process, where they are hidden' : 'accepts this host\'s Buffer.prototype.ucs2Write and ucs2Slice'}`, function () {
		const found = findHostUtf16(globalThis)
		if (hidden) {
			expect(found).to.equal(undefined)
			return
		}
		expect(found?.write).to.equal(nodeBuffer!.prototype.ucs2Write)
		expect(found?.slice).to.equal(nodeBuffer!.prototype.ucs2Slice)
	})

	describe('the UTF-16 codec with them', function () {
		if (hidden) return
		const calls = { ucs2Write: 0, ucs2Slice: 0 }
		let utf16: typeof import('../src/codecs/utf16.js')

		before(async function () {
			utf16 = await loadCounting('../src/codecs/utf16.js', nodeBuffer!.prototype, calls)
		})

		beforeEach(function () {
			calls.ucs2Write = 0
			calls.ucs2Slice = 0
		})

		it('writes from 40 code units and reads from 24 through them, shorter strings by its loops', function () {
			const units = new Uint16Array(256)
			const written = (count: number) => {
				calls.ucs2Write = 0
				expect(utf16.write('w'.repeat(count), units, 3, 200, 'w')).to.equal(count)
				utf16.encodeMeasured('m'.repeat(count), units, 3, count)
				return calls.ucs2Write
			}
			expect(written(39)).to.equal(0)
			expect(written(40)).to.equal(2)
			expect(written(100)).to.equal(2)
			const read = (count: number) => {
				calls.ucs2Slice = 0
				expect(utf16.decode(units, 3, count)).to.equal('m'.repeat(count))
				return calls.ucs2Slice
			}
			expect(read(23)).to.equal(0)
			expect(read(24)).to.equal(1)
			expect(read(100)).to.equal(1)
		})

		it('gives what the loops give, on a window of a plain and of a shared buffer: lone surrogates, a BOM, U+FFFF, nothing past the terminator', function () {
			const random = new SeededRandom(1601)
			for (const buffer of [new ArrayBuffer(1 << 16), new SharedArrayBuffer(1 << 16)]) {
				// A window that does not start at its buffer's start, as a memory64 or
				// large-heap view may not.
				const units = new Uint16Array(buffer, 6, 30000)
				for (const length of [24, 39, 40, 41, 64, 1000, 20000]) {
					for (const value of [randomText(random, length).slice(0, length), `\ufeff\udc00${'é'.repeat(length - 4)}\uffff\ud800`]) {
						units.fill(0xabcd)
						const start = random.int(0, 20)
						expect(utf16.write(value, units, start, value.length + 1, 'w')).to.equal(value.length)
						for (let i = 0; i < value.length; i++) {
							if (units[start + i] !== value.charCodeAt(i)) expect.fail(`unit ${i} of ${value.length}: ${units[start + i]}, expected ${value.charCodeAt(i)}`)
						}
						expect(units[start + value.length], 'terminator').to.equal(0)
						expect(units[start + value.length + 1], 'past the terminator').to.equal(0xabcd)
						if (start > 0) expect(units[start - 1], 'before the string').to.equal(0xabcd)
						expect(utf16.decode(units, start, value.length)).to.equal(value)
						// A room one unit short: nothing written.
						units.fill(0xabcd)
						expect(utf16.write(value, units, start, value.length, 'w')).to.equal(-1)
						expect(units.every((unit) => unit === 0xabcd)).to.equal(true)
					}
				}
			}
			expect(calls.ucs2Write).to.be.greaterThan(0)
			expect(calls.ucs2Slice).to.be.greaterThan(0)
		})

		it('reads a run longer than one piece (2^24 units) whole, a surrogate pair split between the pieces', function () {
			expect(HOST_SLICE_PIECE_BYTES).to.equal(2 ** 25)
			const length = 2 ** 24 + 6
			const units = new Uint16Array(length + 4)
			units.fill(0x61)
			units[2 + 2 ** 24 - 1] = 0xd83d
			units[2 + 2 ** 24] = 0xde00
			const text = utf16.decode(units, 2, length)
			expect(calls.ucs2Slice).to.equal(2)
			expect(text.length).to.equal(length)
			expect(text.slice(2 ** 24 - 3, 2 ** 24 + 3)).to.equal('aa😀aa')
			expect(text.indexOf('\ud83d')).to.equal(2 ** 24 - 1)
		})
	})

	describe('the UTF-32 decoder with ucs2Slice', function () {
		if (hidden) return
		const calls = { ucs2Slice: 0 }
		let utf32Decoding: typeof import('../src/codecs/utf32Decoding.js')

		before(async function () {
			utf32Decoding = await loadCounting('../src/codecs/utf32Decoding.js', nodeBuffer!.prototype, calls)
		})

		it('makes each chunk of converted code units a string through it, exactly: astral code points, lone surrogates, U+FFFD, U+FFFF', function () {
			expect(utf32Decoding.decodesByHostCopy).to.equal(true)
			const random = new SeededRandom(2208)
			const special = [0xd800, 0xdbff, 0xdc00, 0xdfff, 0xfffd, 0xffff, 0xfeff, 0x1f600, 0x10ffff, 0x10000, 0x80, 0]
			for (const buffer of [new ArrayBuffer(1 << 19), new SharedArrayBuffer(1 << 19)]) {
				const elements = new Uint32Array(buffer, 8, 100000)
				for (const length of [16, 100, 32768, 32769, 70000]) {
					let expected = ''
					for (let i = 0; i < length; i++) {
						const pick = random.int(0, 4)
						const value = pick === 0 ? special[random.int(0, special.length)]! : pick === 1 ? random.int(0x10000, 0x110000) : random.int(1, 0x10000)
						elements[3 + i] = value
						expected += value > 0xffff ? String.fromCodePoint(value) : String.fromCharCode(value)
					}
					calls.ucs2Slice = 0
					expect(utf32Decoding.decodeUtf32Native(elements, 3, length) === expected, `${length} elements`).to.equal(true)
					expect(calls.ucs2Slice, `${length} elements`).to.equal(Math.ceil(length / 32768))
				}
				elements[3 + 40000] = 0x110000
				expect(() => utf32Decoding.decodeUtf32Native(elements, 3, 50000)).to.throw(RangeError, /40000/)
			}
		})
	})

	describe('latin1Slice', function () {
		const exactLatin1: HostLatin1Slice = function (this: ArrayBufferView, byteStart, byteEnd) {
			return String.fromCharCode(...new Uint8Array(this.buffer, this.byteOffset + byteStart, byteEnd - byteStart))
		}
		const hostWithLatin1 = (slice: unknown): object => ({ Buffer: { prototype: { latin1Slice: slice } } })

		it('accepts a slice that reads each byte as the character of its value, and refuses any other', function () {
			expect(findHostLatin1Slice(hostWithLatin1(exactLatin1))).to.equal(exactLatin1)
			expect(findHostLatin1Slice({})).to.equal(undefined)
			expect(findHostLatin1Slice(hostWithLatin1(undefined))).to.equal(undefined)
			const utf8: HostLatin1Slice = function (this: ArrayBufferView, byteStart, byteEnd) {
				return new TextDecoder().decode(new Uint8Array(this.buffer, this.byteOffset + byteStart, byteEnd - byteStart))
			}
			// What the Encoding standard makes of the label latin1 (Node's TextDecoder does not):
			// 0x80-0x9F are other characters, 0x80 the euro sign and 0x9F Y with diaeresis.
			const windows1252: HostLatin1Slice = function (this: ArrayBufferView, byteStart, byteEnd) {
				return exactLatin1.call(this, byteStart, byteEnd).replace(/\u0080/g, '\u20ac').replace(/\u009f/g, '\u0178')
			}
			const sevenBit: HostLatin1Slice = function (this: ArrayBufferView, byteStart, byteEnd) {
				return exactLatin1.call(this, byteStart, byteEnd).replace(/[\u0080-\u00ff]/g, (c) => String.fromCharCode(c.charCodeAt(0) & 0x7f))
			}
			const bufferOffsets: HostLatin1Slice = function (this: ArrayBufferView, byteStart, byteEnd) {
				return exactLatin1.call(new Uint8Array(this.buffer), byteStart, byteEnd)
			}
			const toTerminator: HostLatin1Slice = function (this: ArrayBufferView, byteStart, byteEnd) {
				const text = exactLatin1.call(this, byteStart, byteEnd)
				return text.slice(0, text.indexOf('\0') === -1 ? text.length : text.indexOf('\0'))
			}
			for (const [name, slice] of Object.entries({ utf8, windows1252, sevenBit, bufferOffsets, toTerminator })) {
				expect(findHostLatin1Slice(hostWithLatin1(slice)), name).to.equal(undefined)
			}
			expect(findHostLatin1Slice(hostWithLatin1(() => { throw new TypeError('not a buffer') })), 'throwing').to.equal(undefined)
		})

		it(`${hidden ? 'finds none in this process, where it is hidden' : 'accepts this host\'s Buffer.prototype.latin1Slice'}`, function () {
			const found = findHostLatin1Slice(globalThis)
			if (hidden) expect(found).to.equal(undefined)
			else expect(found).to.equal((nodeBuffer!.prototype as { latin1Slice?: unknown }).latin1Slice)
		})

		describe('the ASCII codec with it', function () {
			if (hidden) return
			const calls = { latin1Slice: 0 }
			let ascii: typeof import('../src/codecs/ascii.js')

			before(async function () {
				ascii = await loadCounting('../src/codecs/ascii.js', nodeBuffer!.prototype, calls)
			})

			it('reads from 24 bytes through it, every byte as the character of its value, on a window of a plain and of a shared buffer', function () {
				for (const buffer of [new ArrayBuffer(4096), new SharedArrayBuffer(4096)]) {
					const bytes = new Uint8Array(buffer, 5, 4000)
					for (let i = 0; i < 256; i++) bytes[10 + i] = i
					for (const length of [23, 24, 25, 255, 256]) {
						calls.latin1Slice = 0
						const start = 266 - length
						let expected = ''
						for (let i = start; i < 266; i++) expected += String.fromCharCode(bytes[i]!)
						expect(ascii.decode(bytes, start, length), `${length} bytes`).to.equal(expected)
						expect(calls.latin1Slice, `latin1Slice calls for ${length} bytes`).to.equal(length < 24 ? 0 : 1)
					}
				}
			})

			it('reads a run longer than one piece (2^25 bytes) whole', function () {
				const length = 2 ** 25 + 5
				const bytes = new Uint8Array(length + 3)
				bytes.fill(0xe9)
				bytes[1 + 2 ** 25 - 1] = 0x41
				bytes[1 + 2 ** 25] = 0x42
				calls.latin1Slice = 0
				const text = ascii.decode(bytes, 1, length)
				expect(calls.latin1Slice).to.equal(2)
				expect(text.length).to.equal(length)
				expect(text.slice(2 ** 25 - 2, 2 ** 25 + 2)).to.equal('éABé')
			})
		})
	})
	describe('isAscii', function () {
		const exactTest: HostAsciiTest = (view) => new Uint8Array(view.buffer, view.byteOffset, view.byteLength).every((byte) => byte < 0x80)
		const hostWithTest = (test: unknown): object => ({ process: { getBuiltinModule: (name: string) => (name === 'node:buffer' ? { isAscii: test } : undefined) } })

		it('accepts a test that answers within the view, and refuses any other', function () {
			expect(findHostAsciiTest(hostWithTest(exactTest))).to.equal(exactTest)
			expect(findHostAsciiTest({})).to.equal(undefined)
			expect(findHostAsciiTest({ process: {} })).to.equal(undefined)
			expect(findHostAsciiTest(hostWithTest(undefined)), 'no isAscii').to.equal(undefined)
			expect(findHostAsciiTest({ process: { getBuiltinModule: () => undefined } }), 'no module').to.equal(undefined)
			expect(findHostAsciiTest({ process: { getBuiltinModule: () => { throw new Error('no such module') } } }), 'throwing getBuiltinModule').to.equal(undefined)
			const wholeBuffer: HostAsciiTest = (view) => new Uint8Array(view.buffer).every((byte) => byte < 0x80)
			const firstByte: HostAsciiTest = (view) => new Uint8Array(view.buffer, view.byteOffset, 1)[0]! < 0x80
			const fromBufferStart: HostAsciiTest = (view) => new Uint8Array(view.buffer, 0, view.byteLength).every((byte) => byte < 0x80)
			const always: HostAsciiTest = () => true
			const never: HostAsciiTest = () => false
			const truthy = ((view: ArrayBufferView) => (exactTest(view) ? 1 : 0)) as unknown as HostAsciiTest
			for (const [name, test] of Object.entries({ wholeBuffer, firstByte, fromBufferStart, always, never, truthy })) {
				expect(findHostAsciiTest(hostWithTest(test)), name).to.equal(undefined)
			}
			expect(findHostAsciiTest(hostWithTest(() => { throw new TypeError('not a view') })), 'throwing').to.equal(undefined)
		})

		const getBuiltinModule = (globalThis as { process?: { getBuiltinModule?: (name: string) => { isAscii?: unknown } } }).process?.getBuiltinModule
		const hostTest = getBuiltinModule?.('node:buffer')?.isAscii
		it(`${typeof hostTest !== 'function' ? 'finds none in this process, where it is hidden' : 'accepts this host\'s isAscii of node:buffer'}`, function () {
			expect(findHostAsciiTest(globalThis)).to.equal(typeof hostTest === 'function' ? hostTest : undefined)
		})

		// The UTF-8 decoder takes it where TextDecoder is Node's older one (Node up to 22).
		const used = !hidden && typeof hostTest === 'function' && hasSlowNonAsciiDecoder(globalThis)
		describe(`the UTF-8 decoder with it and latin1Slice${used ? '' : ' (not on this host)'}`, function () {
			const calls = { latin1Slice: 0 }
			let textCoders: typeof import('../src/codecs/textCoders.js')
			const reference = new TextDecoder('utf-8', { ignoreBOM: true })

			before(async function () {
				textCoders = await loadCounting('../src/codecs/textCoders.js', nodeBuffer?.prototype ?? {}, used ? calls : {})
			})

			it(`${used ? 'reads runs of ASCII from 2,048 bytes' : 'never reads'} through them, on a window of a plain buffer, and anything else as TextDecoder does`, function () {
				const random = new SeededRandom(2207)
				const bytes = new Uint8Array(new ArrayBuffer(1 << 16), 3, 50000)
				for (const length of [2047, 2048, 2049, 40000]) {
					for (let i = 0; i < length; i++) bytes[7 + i] = random.int(0x20, 0x7f)
					const expected = reference.decode(bytes.subarray(7, 7 + length))
					calls.latin1Slice = 0
					expect(textCoders.decodeUtf8MostlyAscii(bytes, 7, length), `${length} bytes`).to.equal(expected)
					expect(calls.latin1Slice, `${length} bytes of ASCII`).to.equal(used && length >= 2048 ? 1 : 0)
					// One byte above 0x7F anywhere, first, in the middle or last: TextDecoder's string.
					for (const at of [0, length >> 1, length - 1]) {
						for (const byte of [0x80, 0xc3, 0xe9, 0xff]) {
							const saved = bytes[7 + at]!
							bytes[7 + at] = byte
							calls.latin1Slice = 0
							expect(textCoders.decodeUtf8MostlyAscii(bytes, 7, length), `${length} bytes, 0x${byte.toString(16)} at ${at}`).to.equal(reference.decode(bytes.subarray(7, 7 + length)))
							expect(calls.latin1Slice, `${length} bytes, 0x${byte.toString(16)} at ${at}`).to.equal(0)
							bytes[7 + at] = saved
						}
					}
				}
				// Valid two-byte characters among the ASCII: decoded, not read byte by byte.
				const text = 'é'.repeat(10) + 'a'.repeat(3000)
				const encoded = new TextEncoder().encode(text)
				bytes.set(encoded, 7)
				expect(textCoders.decodeUtf8MostlyAscii(bytes, 7, encoded.length)).to.equal(text)
			})

			it('never reads a shared memory through them: another thread could store a byte above 0x7F between the test and the copy', function () {
				const bytes = new Uint8Array(new SharedArrayBuffer(1 << 16), 3, 50000)
				bytes.fill(0x61, 0, 40010)
				for (const length of [2048, 40000]) {
					calls.latin1Slice = 0
					expect(textCoders.decodeUtf8MostlyAscii(bytes, 5, length)).to.equal('a'.repeat(length))
					expect(calls.latin1Slice, `${length} bytes`).to.equal(0)
				}
			})
		})
	})
})
