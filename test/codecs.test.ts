/**
 * The four string codecs (`src/codecs/`) against the engine's `TextEncoder` /
 * `TextDecoder` and plain reference encodings, with seeded random strings over all
 * planes, on every kind of buffer a heap can be: a plain `ArrayBuffer`, a
 * `SharedArrayBuffer`, and both of those (plus a resizable buffer) on an engine that
 * refuses shared and resizable views in `TextDecoder.decode` / `TextEncoder.encodeInto`,
 * as Chromium does (emulated by wrapping those two methods).
 */
import { expect } from 'chai'
import * as ascii from '../src/codecs/ascii.js'
import { hasSlowNonAsciiDecoder, isServerHost } from '../src/codecs/host.js'
import { findHostAsciiTest, findHostLatin1Slice } from '../src/codecs/hostCopies.js'
import { decodeUtf8InPieces, resetTextCodersForTesting } from '../src/codecs/textCoders.js'
import * as utf16 from '../src/codecs/utf16.js'
import * as utf32 from '../src/codecs/utf32.js'
import * as utf8 from '../src/codecs/utf8.js'
import { decodeUtf8ByLoop } from '../src/codecs/utf8Loops.js'
import { expectThrow } from './support/dynamic.js'
import { SeededRandom } from './support/heaps.js'
import { randomText } from './support/text.js'

// ---------------------------------------------------------------------------------
// Support

const encoder = new TextEncoder()
// The codecs keep a leading U+FEFF (see utf8.ts), so the reference does too.
const referenceDecoder = new TextDecoder('utf-8', { ignoreBOM: true })

type Elements = Uint8Array | Uint16Array | Uint32Array

interface Codec<E extends Elements> {
	findTerminator(elements: E, start: number, limit: number): number
	decode(elements: E, start: number, length: number): string
	measure(value: string, method: string): number
	encodeMeasured(value: string, elements: E, start: number, count: number): void
	write(value: string, elements: E, start: number, room: number, method: string): number
}

interface ElementsConstructor<E extends Elements> {
	new (buffer: ArrayBufferLike, byteOffset?: number, length?: number): E
	readonly BYTES_PER_ELEMENT: number
}

interface CodecCase<E extends Elements> {
	readonly name: string
	readonly codec: Codec<E>
	readonly Elements: ElementsConstructor<E>
	/** A nonzero element value to fill untouched memory with. */
	readonly sentinel: number
	/** Whether the codec can write any string (all but ASCII). */
	readonly writesAnyString: boolean
	/** The elements `value` must be written as. */
	reference(value: string): ArrayLike<number>
	/** What reading those elements back must give. */
	decoded(value: string): string
}

function codecCase<E extends Elements>(definition: CodecCase<E>): CodecCase<Elements> {
	return definition as unknown as CodecCase<Elements>
}

function codePointsOf(value: string): Uint32Array {
	const points: number[] = []
	// for...of yields a lone surrogate as a string of its own.
	for (const character of value) points.push(character.codePointAt(0)!)
	return Uint32Array.from(points)
}

function unitsOf(value: string): number[] {
	const units = new Array<number>(value.length)
	for (let i = 0; i < value.length; i++) units[i] = value.charCodeAt(i)
	return units
}

const codecCases: CodecCase<Elements>[] = [
	codecCase({
		name: 'ASCII',
		codec: ascii,
		Elements: Uint8Array,
		sentinel: 0xab,
		writesAnyString: false,
		reference: (value) => Uint8Array.from(unitsOf(value)),
		decoded: (value) => value,
	}),
	codecCase({
		name: 'UTF-8',
		codec: utf8,
		Elements: Uint8Array,
		sentinel: 0xab,
		writesAnyString: true,
		reference: (value) => encoder.encode(value),
		decoded: (value) => referenceDecoder.decode(encoder.encode(value)),
	}),
	codecCase({
		name: 'UTF-16',
		codec: utf16,
		Elements: Uint16Array,
		sentinel: 0xabcd,
		writesAnyString: true,
		reference: (value) => Uint16Array.from(unitsOf(value)),
		decoded: (value) => value,
	}),
	codecCase({
		name: 'UTF-32',
		codec: utf32,
		Elements: Uint32Array,
		sentinel: 0xabcdef,
		writesAnyString: true,
		reference: codePointsOf,
		decoded: (value) => value,
	}),
]

/** Index of the first difference between `actual[offset ..]` and `expected`, or -1. */
function firstDifference(actual: ArrayLike<number>, offset: number, expected: ArrayLike<number>): number {
	for (let i = 0; i < expected.length; i++) {
		if (actual[offset + i] !== expected[i]) return i
	}
	return -1
}

function expectElements(actual: ArrayLike<number>, offset: number, expected: ArrayLike<number>, label: string): void {
	const at = firstDifference(actual, offset, expected)
	if (at !== -1) {
		expect.fail(`${label}: element ${at} is ${actual[offset + at]}, expected ${expected[at]} (of ${expected.length})`)
	}
}

function describeString(value: string): string {
	const shown = value.length > 24 ? `${JSON.stringify(value.slice(0, 24))}…` : JSON.stringify(value)
	return `${shown} (${value.length} units)`
}

// ---------------------------------------------------------------------------------
// String lengths (the random strings come from test/support/text.ts)

/** The string lengths the property tests cover: many small, all around every threshold, a few huge. */
function propertyLengths(random: SeededRandom): number[] {
	const lengths: number[] = []
	for (let length = 0; length <= 140; length++) lengths.push(length)
	// Every threshold in src/codecs/ (units, bytes or elements), and a bit either side.
	for (const threshold of [8, 16, 24, 32, 40, 48, 64, 80, 96, 128, 256, 2048, 4096]) {
		for (let delta = -3; delta <= 3; delta++) lengths.push(threshold + delta, threshold + delta)
	}
	for (let i = 0; i < 40; i++) lengths.push(random.int(141, 3000))
	lengths.push(32768 + 5, 65536 + 3, 2 ** 20 + 5)
	return lengths
}

// ---------------------------------------------------------------------------------
// Buffers, and an engine that refuses shared and resizable views (as Chromium does)

const bufferBytes = 16 * 1024 * 1024

interface Environment {
	readonly name: string
	createBuffer(): ArrayBufferLike
	/** Emulate Chromium: `decode` / `encodeInto` throw on views of shared or resizable buffers. */
	readonly refusing: boolean
}

function createResizableBuffer(byteLength: number): ArrayBuffer {
	const buffer = new (ArrayBuffer as new (length: number, options: object) => ArrayBuffer)(byteLength, {
		maxByteLength: byteLength * 2,
	})
	if ((buffer as { resizable?: boolean }).resizable !== true) throw new Error('this engine has no resizable ArrayBuffer')
	return buffer
}

const environments: Environment[] = [
	{ name: 'a plain ArrayBuffer', createBuffer: () => new ArrayBuffer(bufferBytes), refusing: false },
	{ name: 'a SharedArrayBuffer', createBuffer: () => new SharedArrayBuffer(bufferBytes), refusing: false },
	{
		name: 'a SharedArrayBuffer, on an engine that refuses shared views (as Chromium)',
		createBuffer: () => new SharedArrayBuffer(bufferBytes),
		refusing: true,
	},
	{
		name: 'a resizable ArrayBuffer, on an engine that refuses resizable views (as Chromium)',
		createBuffer: () => createResizableBuffer(bufferBytes),
		refusing: true,
	},
]

function isRefusedView(view: unknown): boolean {
	if (!ArrayBuffer.isView(view)) return false
	const buffer = view.buffer
	return !(buffer instanceof ArrayBuffer) || (buffer as { resizable?: boolean }).resizable === true
}

type DecodeMethod = (this: TextDecoder, input?: unknown, options?: unknown) => string
type EncodeIntoMethod = (this: TextEncoder, source: string, destination: Uint8Array) => TextEncoderEncodeIntoResult

const decoderPrototype = TextDecoder.prototype as unknown as { decode: DecodeMethod }
const encoderPrototype = TextEncoder.prototype as unknown as { encodeInto: EncodeIntoMethod }

/** Counts of refused calls while the Chromium emulation is installed. */
const refusals = { decode: 0, encodeInto: 0 }

function installRefusals(): () => void {
	const decode = decoderPrototype.decode
	const encodeInto = encoderPrototype.encodeInto
	decoderPrototype.decode = function (this: TextDecoder, input?: unknown, options?: unknown): string {
		if (isRefusedView(input)) {
			refusals.decode++
			throw new TypeError("Failed to execute 'decode' on 'TextDecoder': The provided ArrayBufferView value must not be shared.")
		}
		return decode.call(this, input, options)
	}
	encoderPrototype.encodeInto = function (this: TextEncoder, source: string, destination: Uint8Array) {
		if (isRefusedView(destination)) {
			refusals.encodeInto++
			throw new TypeError("Failed to execute 'encodeInto' on 'TextEncoder': The provided Uint8Array value must not be shared.")
		}
		return encodeInto.call(this, source, destination)
	}
	return () => {
		decoderPrototype.decode = decode
		encoderPrototype.encodeInto = encodeInto
	}
}

/** Counts `encodeInto` calls until the returned function restores it. */
function countEncodeIntoCalls(): { calls: number; restore(): void } {
	const encodeInto = encoderPrototype.encodeInto
	const counter = {
		calls: 0,
		restore: () => {
			encoderPrototype.encodeInto = encodeInto
		},
	}
	encoderPrototype.encodeInto = function (this: TextEncoder, source: string, destination: Uint8Array) {
		counter.calls++
		return encodeInto.call(this, source, destination)
	}
	return counter
}

// ---------------------------------------------------------------------------------
// The round trip every string must make


/**
 * measure, write, findTerminator, decode, encodeMeasured, and writes into too small a
 * room, for one string, at a random place: in a whole-buffer view (`start` > 0, the
 * terminator scan bounded) or in a window of exactly the room (`start` 0, the scan
 * reaching the window's end).
 */
function checkRoundTrip(testCase: CodecCase<Elements>, buffer: ArrayBufferLike, value: string, random: SeededRandom): void {
	const { codec, Elements, sentinel } = testCase
	const label = `${testCase.name} ${describeString(value)}`
	const expected = testCase.reference(value)
	const count = expected.length

	expect(codec.measure(value, 'measure'), `${label}: measure`).to.equal(count)

	const whole = new Elements(buffer)
	const room = count + 1 + random.int(0, 3)
	const offset = 8 + random.int(0, 64)
	const inWindow = random.next() < 0.5
	const elements = inWindow ? new Elements(buffer, offset * Elements.BYTES_PER_ELEMENT, room) : whole
	const start = inWindow ? 0 : offset
	const fillSentinel = (): void => {
		whole.fill(sentinel, offset - 4, offset + room + 4)
	}

	// write
	fillSentinel()
	expect(codec.write(value, elements, start, room, 'write'), `${label}: write`).to.equal(count)
	expectElements(whole, offset, expected, `${label}: written elements`)
	expect(whole[offset + count], `${label}: terminator`).to.equal(0)
	for (const i of [offset - 4, offset - 1, offset + count + 1, offset + room, offset + room + 3]) {
		if (i > offset + count) expect(whole[i], `${label}: element ${i - offset} after write`).to.equal(sentinel)
		if (i < offset) expect(whole[i], `${label}: element ${i - offset} before write`).to.equal(sentinel)
	}

	// findTerminator and decode
	expect(codec.findTerminator(elements, start, room), `${label}: findTerminator`).to.equal(count)
	expect(codec.findTerminator(elements, start, count), `${label}: findTerminator, limit before the terminator`).to.equal(-1)
	expect(codec.findTerminator(whole, offset, whole.length - offset), `${label}: findTerminator to the end`).to.equal(count)
	const decoded = codec.decode(elements, start, count)
	if (decoded !== testCase.decoded(value)) {
		expect.fail(`${label}: decode gave ${describeString(decoded)}, expected ${describeString(testCase.decoded(value))}`)
	}

	// measure + encodeMeasured, as an allocation does: no terminator written
	fillSentinel()
	const measured = codec.measure(value, 'alloc')
	codec.encodeMeasured(value, elements, start, measured)
	expectElements(whole, offset, expected, `${label}: encodeMeasured elements`)
	expect(whole[offset + count], `${label}: encodeMeasured writes no terminator`).to.equal(sentinel)

	// too small a room: -1 and nothing written
	fillSentinel()
	const before = whole.slice(offset - 4, offset + room + 4)
	for (const tooSmall of [count, random.int(0, count + 1), 0]) {
		expect(codec.write(value, elements, start, tooSmall, 'write'), `${label}: write into room ${tooSmall}`).to.equal(-1)
		expectElements(whole, offset - 4, before, `${label}: memory after a write that did not fit`)
	}
}

// ---------------------------------------------------------------------------------
// Tests

for (const environment of environments) {
	describe(`codecs on ${environment.name}`, function () {
		let buffer: ArrayBufferLike
		let restoreRefusals: (() => void) | undefined

		before(function () {
			buffer = environment.createBuffer()
			refusals.decode = 0
			refusals.encodeInto = 0
			if (environment.refusing) restoreRefusals = installRefusals()
			// Probe again, against the engine as emulated here.
			resetTextCodersForTesting()
		})

		after(function () {
			restoreRefusals?.()
			restoreRefusals = undefined
			resetTextCodersForTesting()
		})

		for (const testCase of codecCases) {
			describe(testCase.name, function () {
				it('writes, measures, finds and reads back seeded random strings of every length (0 to over 1 MiB)', function () {
					const random = new SeededRandom(0xc0dec + testCase.name.length)
					for (const length of propertyLengths(random)) {
						// Long strings once, short ones in a few styles each.
						const repeats = length > 5000 ? 1 : 3
						for (let i = 0; i < repeats; i++) {
							const value = randomText(random, length, !testCase.writesAnyString)
							checkRoundTrip(testCase, buffer, value, random)
						}
					}
				})

				it('round-trips ASCII-only strings around every threshold', function () {
					const random = new SeededRandom(7)
					for (const length of [0, 1, 7, 8, 9, 15, 16, 17, 23, 24, 25, 31, 32, 33, 39, 40, 41, 47, 48, 49, 63, 64, 65, 79, 80, 81, 95, 96, 97, 127, 128, 129, 255, 256, 257, 5000]) {
						checkRoundTrip(testCase, buffer, randomText(random, length, true), random)
					}
				})

				// ASCII cannot hold U+FEFF.
				if (testCase.writesAnyString) {
					it('keeps a leading U+FEFF (it is not dropped as a byte order mark)', function () {
						const random = new SeededRandom(11)
						for (const length of [1, 5, 40, 100, 300, 5000]) {
							const value = '\uFEFF' + randomText(random, length)
							checkRoundTrip(testCase, buffer, value, random)
							const elements = new testCase.Elements(buffer)
							testCase.codec.write(value, elements, 64, elements.length - 64, 'write')
							expect(testCase.codec.decode(elements, 64, testCase.reference(value).length).charCodeAt(0)).to.equal(0xfeff)
						}
					})
				}

				it('writes U+0000 like any other character, and a read stops at it (as in C)', function () {
					const random = new SeededRandom(13)
					const elements = new testCase.Elements(buffer)
					for (const length of [0, 1, 5, 23, 24, 31, 32, 47, 48, 100, 300, 5000, 70000]) {
						const base = randomText(random, length, !testCase.writesAnyString)
						for (const index of new Set([0, length >> 1, length])) {
							const value = base.slice(0, index) + '\0' + base.slice(index)
							const expected = testCase.reference(value)
							const start = 100
							expect(testCase.codec.measure(value, 'measureIt')).to.equal(expected.length)
							for (const room of [elements.length - start, expected.length + 1]) {
								elements.fill(testCase.sentinel, start, start + expected.length + 2)
								expect(testCase.codec.write(value, elements, start, room, 'writeIt')).to.equal(expected.length)
								expectElements(elements, start, [...Array.from(expected), 0], `${testCase.name}: bytes of a value holding U+0000`)
								// The reader stops at the first 0: the elements before the U+0000.
								const before = testCase.reference(value.slice(0, value.indexOf('\0')))
								expect(testCase.codec.findTerminator(elements, start, room)).to.equal(before.length)
							}
							expect(testCase.codec.write(value, elements, start, expected.length, 'writeIt')).to.equal(-1)
						}
					}
				})

				it('finds the terminator at the loop boundary and beyond, and not past the limit', function () {
					const { codec, sentinel } = testCase
					const whole = new testCase.Elements(buffer)
					const start = 256
					for (const position of [0, 1, 7, 8, 15, 16, 17, 23, 24, 25, 31, 32, 33, 100, 1000, 70000]) {
						whole.fill(sentinel, start, start + position + 200)
						whole[start + position] = 0
						const window = new testCase.Elements(buffer, start * whole.BYTES_PER_ELEMENT, position + 10)
						expect(codec.findTerminator(whole, start, position + 1), `zero at ${position}`).to.equal(position)
						expect(codec.findTerminator(whole, start, position + 50)).to.equal(position)
						expect(codec.findTerminator(whole, start, whole.length - start)).to.equal(position)
						expect(codec.findTerminator(window, 0, position + 10)).to.equal(position)
						// The zero just past the limit is not seen.
						expect(codec.findTerminator(whole, start, position), `limit ${position}`).to.equal(-1)
						expect(codec.findTerminator(window, 0, position)).to.equal(-1)
						whole[start + position] = sentinel
						expect(codec.findTerminator(whole, start, position + 100)).to.equal(-1)
					}
					expect(codec.findTerminator(whole, start, 0)).to.equal(-1)
					// No zero at all up to the view's end.
					for (const length of [5, 16, 17, 100, 5000]) {
						const window = new testCase.Elements(buffer, start * whole.BYTES_PER_ELEMENT, length)
						window.fill(sentinel)
						expect(codec.findTerminator(window, 0, length), `no zero in ${length}`).to.equal(-1)
						expect(codec.findTerminator(window, 3, length - 3)).to.equal(-1)
					}
				})
			})
		}

		describe('ASCII', function () {
			const notAscii: [string, string][] = [
				['é', `'é' (U+00E9)`],
				['ÿ', `'ÿ' (U+00FF)`],
				['\u0080', 'the control character U+0080'],
				['\u0085', 'the control character U+0085'],
				['世', `'世' (U+4E16)`],
				['\uFFFD', `'\uFFFD' (U+FFFD)`],
				['😀', `'😀' (U+1F600)`],
				['\uD800', 'a lone surrogate (U+D800)'],
				['\uDC00', 'a lone surrogate (U+DC00)'],
			]
			const message = (method: string, character: string, index: number): string =>
				`${method}: the string contains ${character} at index ${index}, which is not an ASCII character (U+0000 to U+007F)`

			it('rejects every character above U+007F with a RangeError naming it and its index, writing nothing', function () {
				const random = new SeededRandom(17)
				const elements = new Uint8Array(buffer)
				for (const length of [0, 1, 10, 39, 40, 41, 100, 5000]) {
					const base = randomText(random, length, true)
					for (const [character, named] of notAscii) {
						for (const index of new Set([0, length >> 1, length])) {
							const value = base.slice(0, index) + character + base.slice(index)
							elements.fill(0xab, 96, 200 + value.length)
							const before = elements.slice(96, 200 + value.length)
							expectThrow(() => ascii.measure(value, 'measureAscii'), RangeError, message('measureAscii', named, index))
							for (const room of [elements.length - 100, value.length + 1, 1]) {
								expectThrow(() => ascii.write(value, elements, 100, room, 'writeAscii'), RangeError, message('writeAscii', named, index))
								expectElements(elements, 96, before, 'memory after a rejected ASCII write')
							}
						}
					}
				}
			})

			it('accepts U+0000 and still names a non-ASCII character after it', function () {
				for (const filler of ['', 'x'.repeat(60)]) {
					const n = filler.length
					expect(ascii.measure(`${filler}\0a`, 'm')).to.equal(n + 2)
					expectThrow(() => ascii.measure(`${filler}\0é`, 'm'), RangeError, message('m', `'é' (U+00E9)`, n + 1))
				}
			})

			it('reads bytes 0x80-0xFF as U+0080-U+00FF (Latin-1, not windows-1252), in short and long runs', function () {
				const elements = new Uint8Array(buffer)
				const all = Uint8Array.from({ length: 255 }, (_, i) => i + 1)
				const latin1 = (bytes: ArrayLike<number>): string => String.fromCharCode(...Array.from(bytes))
				const runs: Uint8Array[] = [
					all,
					all.subarray(0x7f - 10, 0x7f + 10),
					Uint8Array.of(0x80),
					Uint8Array.of(0x80, 0x9f, 0xa0, 0xff),
					// Valid UTF-8 must not be decoded as UTF-8: C3 A9 is 'Ã©', not 'é'.
					encoder.encode('é'.repeat(40)),
					encoder.encode('é'.repeat(5)),
					// The UTF-8 of U+FFFD, and of a 4-byte character.
					encoder.encode('\uFFFD'.repeat(30)),
					encoder.encode('😀'.repeat(20)),
					// ASCII, then one high byte at the very end of a long run.
					Uint8Array.from([...encoder.encode('a'.repeat(100)), 0xe9]),
					Uint8Array.from([...encoder.encode('b'.repeat(63)), 0x80]),
					Uint8Array.from([...encoder.encode('c'.repeat(64)), 0x80]),
					encoder.encode('d'.repeat(5000)),
				]
				for (const run of runs) {
					elements.set(run, 1000)
					elements[1000 + run.length] = 0
					expect(ascii.findTerminator(elements, 1000, run.length + 1)).to.equal(run.length)
					const decoded = ascii.decode(elements, 1000, run.length)
					expect(decoded, `run of ${run.length} bytes starting ${Array.from(run.subarray(0, 4))}`).to.equal(latin1(run))
				}
				expect(ascii.decode(Uint8Array.of(0x80), 0, 1)).to.equal('\u0080')
			})
		})

		describe('UTF-8', function () {
			it('counts 1, 2, 3 or 4 bytes per character, 3 for a lone surrogate, 4 only for a valid pair', function () {
				const cases: [string, number][] = [
					['\u007f', 1],
					['\u0080', 2],
					['\u07ff', 2],
					['\u0800', 3],
					['\uffff', 3],
					['\uD83D\uDE00', 4],
					['\uD800', 3],
					['\uDC00', 3],
					['\uDE00\uD83D', 6],
					['\uD83D\uD83D\uDE00', 7],
					['a\uD800b', 5],
				]
				const elements = new Uint8Array(buffer)
				for (const [value, bytes] of cases) {
					for (const padding of ['', 'x'.repeat(40)]) {
						expect(utf8.measure(padding + value, 'm'), JSON.stringify(value)).to.equal(padding.length + bytes)
						expect(utf8.write(padding + value, elements, 10, 1000, 'w')).to.equal(padding.length + bytes)
					}
				}
				// Lone surrogates are written as U+FFFD, EF BF BD.
				utf8.write('\uD800', elements, 10, 10, 'w')
				expect(Array.from(elements.subarray(10, 14))).to.deep.equal([0xef, 0xbf, 0xbd, 0])
			})

			it('writes long strings in place when they surely fit, and measures first when they might not', function () {
				const random = new SeededRandom(19)
				const elements = new Uint8Array(buffer)
				for (const length of [24, 100, 5000]) {
					const value = randomText(random, length)
					const bytes = encoder.encode(value)
					for (const room of [bytes.length + 1, bytes.length + 2, value.length * 3, value.length * 3 + 1, value.length * 3 + 2]) {
						if (room < bytes.length + 1) continue
						elements.fill(0xab, 100, 100 + room + 4)
						expect(utf8.write(value, elements, 100, room, 'w'), `room ${room}`).to.equal(bytes.length)
						expectElements(elements, 100, bytes, `room ${room}`)
						expect(elements[100 + bytes.length]).to.equal(0)
						expect(elements[100 + room]).to.equal(0xab)
					}
				}
			})

			it('writes into an exact room, and writes nothing into one byte less, on every path (scratch, in place, measured)', function () {
				const random = new SeededRandom(61)
				const elements = new Uint8Array(buffer)
				const mostlyAscii = (length: number): string => 'ab\u00e9c'.repeat(Math.ceil(length / 4)).slice(0, length)
				for (const value of [
					randomText(random, 24),
					randomText(random, 60),
					randomText(random, 5000),
					// Rooms past 64 KiB: mostly ASCII (encoded in place on a plain heap) and not.
					mostlyAscii(100_000),
					randomText(random, 100_000),
					// Rooms past the 4 MiB scratch buffer.
					mostlyAscii(4_500_000),
				]) {
					const bytes = encoder.encode(value)
					const offset = 1000
					elements.fill(0xab, offset - 4, offset + bytes.length + 8)
					expect(utf8.write(value, elements, offset, bytes.length, 'w'), `room ${bytes.length}`).to.equal(-1)
					const untouched = firstDifference(elements.subarray(offset - 4, offset + bytes.length + 8), 0, new Uint8Array(bytes.length + 12).fill(0xab))
					expect(untouched, `memory after a write one byte short, ${value.length} units`).to.equal(-1)
					expect(utf8.write(value, elements, offset, bytes.length + 1, 'w'), `room ${bytes.length + 1}`).to.equal(bytes.length)
					expectElements(elements, offset, bytes, `exact room, ${value.length} units`)
					expect(elements[offset + bytes.length]).to.equal(0)
					expect(elements[offset + bytes.length + 1], 'past the room').to.equal(0xab)
					expect(elements[offset - 1], 'before the string').to.equal(0xab)
				}
			})

			it('measure + encodeMeasured encodes a long string only once', function () {
				const random = new SeededRandom(23)
				const elements = new Uint8Array(buffer)
				utf8.measure('warm up the probes: '.repeat(10), 'm')
				utf8.write('warm up the probes: '.repeat(10), elements, 0, 1000, 'w')
				// long on every host: past the native thresholds of Node and of browsers (src/codecs/host.ts)
				for (const value of [
					'a'.repeat(200),
					randomText(random, 1000),
					randomText(random, 100_000),
					randomText(random, 2 ** 20 + 1, true),
					randomText(random, 2 ** 20 + 1),
				]) {
					const counter = countEncodeIntoCalls()
					let count: number
					try {
						count = utf8.measure(value, 'alloc')
						utf8.encodeMeasured(value, elements, 64, count)
					} finally {
						counter.restore()
					}
					expect(counter.calls, `encodeInto calls for ${describeString(value)}`).to.equal(1)
					expectElements(elements, 64, encoder.encode(value), 'encodeMeasured bytes')
				}
			})

			it('write of a long string encodes it only once, whether or not the room surely fits', function () {
				const random = new SeededRandom(29)
				const elements = new Uint8Array(buffer)
				for (const length of [200, 100_000]) {
					const value = randomText(random, length)
					const bytes = encoder.encode(value)
					for (const room of [value.length * 3 + 1, bytes.length + 1]) {
						const counter = countEncodeIntoCalls()
						try {
							expect(utf8.write(value, elements, 64, room, 'w')).to.equal(bytes.length)
						} finally {
							counter.restore()
						}
						expect(counter.calls, `room ${room}`).to.equal(1)
						expectElements(elements, 64, bytes, 'written bytes')
					}
				}
			})

			it('encodeMeasured encodes afresh when the remembered encoding is of another string or was overwritten', function () {
				const random = new SeededRandom(31)
				const elements = new Uint8Array(buffer)
				const first = randomText(random, 3000)
				const second = randomText(random, 3000)
				// Another string.
				utf8.measure(first, 'alloc')
				const secondCount = encoder.encode(second).length
				utf8.encodeMeasured(second, elements, 64, secondCount)
				expectElements(elements, 64, encoder.encode(second), 'the other string')
				// The same string after the scratch buffer served a long decode (a copy, on refusing engines).
				const firstCount = utf8.measure(first, 'alloc')
				const longRun = encoder.encode(randomText(random, 20_000))
				elements.set(longRun, 100_000)
				expect(utf8.decode(elements, 100_000, longRun.length)).to.equal(referenceDecoder.decode(longRun))
				utf8.encodeMeasured(first, elements, 64, firstCount)
				expectElements(elements, 64, encoder.encode(first), 'after the scratch buffer was reused')
			})

			it('handles strings longer than the scratch buffer (over 4 MiB of UTF-8)', function () {
				const random = new SeededRandom(37)
				for (const value of [
					randomText(random, 2_200_000, false).replace(/[^]/gu, (c) => (c.length === 1 && c >= '\u0800' ? c : '\u4e16')),
					'\u4e16'.repeat(1_500_000),
					// Byte 4 MiB, where a copy's second chunk starts, falls inside a 4-byte sequence.
					'ab' + '\u{1F600}'.repeat(1_100_000),
				]) {
					checkRoundTrip(codecCases[1]!, buffer, value, random)
				}
			})

			it('reads seeded random malformed byte sequences exactly as TextDecoder does', function () {
				const random = new SeededRandom(41)
				const elements = new Uint8Array(buffer)
				const interesting = [0x41, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xc1, 0xc2, 0xdf, 0xe0, 0xe1, 0xed, 0xee, 0xef, 0xf0, 0xf1, 0xf4, 0xf5, 0xff]
				const wellFormed = encoder.encode('aé€😀')
				let mismatches = 0
				for (let sample = 0; sample < 3000; sample++) {
					const length = sample < 2500 ? random.int(1, 80) : random.int(80, 3000)
					const bytes = new Uint8Array(length)
					const mode = random.int(0, 3)
					for (let i = 0; i < length; i++) {
						bytes[i] =
							mode === 0
								? random.int(1, 256)
								: mode === 1
									? random.pick(interesting)
									: random.next() < 0.8
										? wellFormed[random.int(0, wellFormed.length)]!
										: random.pick(interesting)
					}
					elements.set(bytes, 500)
					// Continuation bytes right after the run: reading past its end would change the result.
					elements.fill(0x80, 500 + length, 500 + length + 4)
					const expected = referenceDecoder.decode(bytes)
					if (utf8.decode(elements, 500, length) !== expected || decodeUtf8ByLoop(elements, 500, length) !== expected) {
						if (mismatches++ < 5) console.error('mismatch for', Array.from(bytes, (b) => b.toString(16)).join(' '))
					}
				}
				expect(mismatches).to.equal(0)
			})
		})

		describe('UTF-16 and UTF-32', function () {
			it('keep lone surrogates and real U+FFFD exactly, in short and long runs', function () {
				const random = new SeededRandom(43)
				for (const testCase of codecCases.slice(2)) {
					for (const special of ['\uD800', '\uDFFF', '\uFFFD', '\uDE00\uD83D', '\uD83D']) {
						for (const length of [0, 10, 31, 32, 95, 96, 97, 300, 40_000, 70_000]) {
							const base = randomText(random, length, true)
							for (const index of new Set([0, length >> 1, length])) {
								checkRoundTrip(testCase, buffer, base.slice(0, index) + special + base.slice(index), random)
							}
						}
					}
				}
			})

			it('UTF-16 reads runs longer than the 4 MiB scratch buffer, with a pair split across its chunks', function () {
				// Unit 2^21 starts the second 4 MiB chunk of a copy; the pair before it straddles the boundary.
				const value = 'a' + '\u{1F600}'.repeat(1_100_000)
				expect(value.charCodeAt(2 ** 21 - 1)).to.equal(0xd83d)
				checkRoundTrip(codecCases[2]!, buffer, value, new SeededRandom(53))
			})

			it('UTF-32 stores a lone surrogate as its own value and a pair as one code point', function () {
				const elements = new Uint32Array(buffer)
				expect(utf32.write('a\uD800\uD83D\uDE00\uDC00', elements, 4, 100, 'w')).to.equal(4)
				expect(Array.from(elements.subarray(4, 9))).to.deep.equal([0x61, 0xd800, 0x1f600, 0xdc00, 0])
				// Two surrogate elements read back as the two code units (which then form a pair).
				elements.set([0xd83d, 0xde00, 0], 4)
				expect(utf32.decode(elements, 4, 2)).to.equal('\uD83D\uDE00')
			})

			it('UTF-32 decodeShortTerminated gives a string of up to 2 BMP code points when 3 elements fit the scan, else undefined', function () {
				const elements = new Uint32Array(buffer)
				const text = 'G\u00FC\uD800\uFFFFx'
				for (let length = 0; length <= 5; length++) {
					elements.set([...text.slice(0, length)].map((unit) => unit.charCodeAt(0)), 100)
					elements[100 + length] = 0
					elements.fill(0x41, 101 + length, 110)
					for (let scan = 0; scan <= 7; scan++) {
						const expected = length <= 2 && scan >= 3 ? text.slice(0, length) : undefined
						expect(utf32.decodeShortTerminated(elements, 100, scan), `length ${length}, scan ${scan}`).to.equal(expected)
					}
				}
				// A code point past the BMP, or above 0x10FFFF, anywhere before the terminator: left to decode.
				for (const other of [0x10000, 0x1f600, 0x10ffff, 0x110000, 0xffffffff]) {
					for (let index = 0; index < 2; index++) {
						elements.set([0x61, 0x62, 0], 100)
						elements[100 + index] = other
						expect(utf32.decodeShortTerminated(elements, 100, 10), `0x${other.toString(16)} at ${index}`).to.equal(undefined)
					}
					// After the terminator it is not part of the string.
					elements.set([0x61, 0, other], 100)
					expect(utf32.decodeShortTerminated(elements, 100, 10)).to.equal('a')
				}
			})

			it('UTF-32 decode throws a RangeError for an element above 0x10FFFF, giving its index in the string', function () {
				const elements = new Uint32Array(buffer)
				for (const bad of [0x110000, 0x7fffffff, 0x80000000, 0xffffffff]) {
					for (const [length, index] of [
						[1, 0],
						[3, 1],
						[5, 2],
						[50, 3],
						[50, 49],
						[200, 150],
						[70_000, 40_000],
					] as const) {
						elements.fill(0x41, 1000, 1000 + length)
						elements[1000 + index] = bad
						elements[1000 + length - 1] = length - 1 === index ? bad : 0x10ffff
						expectThrow(
							() => utf32.decode(elements, 1000, length),
							RangeError,
							`UTF-32 element at index ${index} holds 0x${bad.toString(16)}, above the largest code point 0x10FFFF`,
						)
					}
				}
				elements.set([0x10ffff, 0x10000, 0xffff], 1000)
				expect(utf32.decode(elements, 1000, 3)).to.equal('\u{10FFFF}\u{10000}\uFFFF')
			})
		})

		if (environment.refusing) {
			// A suite of its own, so that it runs after the ones above (a suite's own tests run before its child suites).
			describe('probes', function () {
				it('probed the engine once and then decoded and encoded through copies', function () {
					// One refused call per coder: the probe. Everything after went through copies.
					expect(refusals.decode).to.equal(1)
					expect(refusals.encodeInto).to.equal(1)
				})
			})
		}
	})
}

describe('the scratch buffer of the UTF-8 and ASCII codecs', function () {
	const buffer = new ArrayBuffer(1 << 20)

	it('copies a short string from the scratch buffer it was encoded into, after that buffer was replaced by a larger one', function () {
		// Short copies out of the scratch buffer go through views kept by length: a
		// view of a replaced buffer would copy the bytes of an earlier string.
		resetTextCodersForTesting()
		const random = new SeededRandom(67)
		const elements = new Uint8Array(buffer)
		const writeExactly = (value: string): void => {
			const bytes = encoder.encode(value)
			elements.fill(0xab, 1000, 1000 + bytes.length + 4)
			expect(utf8.write(value, elements, 1000, bytes.length + 1, 'w'), describeString(value)).to.equal(bytes.length)
			expectElements(elements, 1000, bytes, describeString(value))
			expect(elements[1000 + bytes.length]).to.equal(0)
			expect(elements[1000 + bytes.length + 1]).to.equal(0xab)
		}
		writeExactly('a'.repeat(30))
		// Through the scratch buffer too, and far longer than its first size.
		writeExactly(randomText(random, 100_000))
		writeExactly('b'.repeat(30))
		expect(ascii.write('c'.repeat(50), elements, 1000, 51, 'w')).to.equal(50)
		expect(String.fromCharCode(...elements.subarray(1000, 1051))).to.equal('c'.repeat(50) + '\0')
	})

	after(function () {
		resetTextCodersForTesting()
	})
})

describe('UTF-8 decoding of malformed bytes, exhaustively, against TextDecoder', function () {
	const bytes = new Uint8Array(64)
	const interesting = [
		0x00, 0x01, 0x41, 0x7f, 0x80, 0x81, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xc1, 0xc2, 0xc3, 0xdf, 0xe0, 0xe1, 0xec,
		0xed, 0xee, 0xef, 0xf0, 0xf1, 0xf3, 0xf4, 0xf5, 0xf8, 0xfe, 0xff,
	]
	// Before the sequence: nothing, a few ASCII bytes, exactly one 8-byte ASCII block, and
	// 9 (the block, then one). After it: nothing (the sequence is cut at the run's end), ASCII.
	const prefixes = [[], [0x61, 0x62, 0x63], [0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68], [0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69]]
	const suffixes = [[], [0x7a], [0xc3, 0xa9]]

	function check(sequence: number[], failures: string[]): void {
		for (const prefix of prefixes) {
			for (const suffix of suffixes) {
				const run = [...prefix, ...sequence, ...suffix]
				bytes.set(run, 8)
				// Continuation bytes after the run's end must not be read.
				bytes.fill(0xbf, 8 + run.length, 8 + run.length + 4)
				const expected = referenceDecoder.decode(Uint8Array.from(run))
				const actual = decodeUtf8ByLoop(bytes, 8, run.length)
				if (actual !== expected && failures.length < 10) {
					failures.push(`${run.map((b) => b.toString(16).padStart(2, '0')).join(' ')}: ${JSON.stringify(actual)} != ${JSON.stringify(expected)}`)
				}
				if (utf8.decode(bytes, 8, run.length) !== expected && failures.length < 10) failures.push(`codec decode of ${run}`)
			}
		}
	}

	it('every 1-, 2- and 3-byte sequence of interesting bytes', function () {
		const failures: string[] = []
		for (const a of interesting) {
			check([a], failures)
			for (const b of interesting) {
				check([a, b], failures)
				for (const c of interesting) check([a, b, c], failures)
			}
		}
		expect(failures).to.deep.equal([])
	})

	it('every 4-byte sequence of the bytes that matter to 4-byte leads', function () {
		const failures: string[] = []
		const set = [0x41, 0x80, 0x8f, 0x90, 0xbf, 0xc0, 0xc2, 0xe0, 0xed, 0xf0, 0xf4, 0xf5]
		for (const a of set) for (const b of set) for (const c of set) for (const d of set) check([a, b, c, d], failures)
		expect(failures).to.deep.equal([])
	})

	it('named cases: overlongs, surrogates, above U+10FFFF, truncations', function () {
		const failures: string[] = []
		const cases = [
			[0xc0, 0x80], // overlong U+0000
			[0xc1, 0xbf], // overlong U+007F
			[0xe0, 0x80, 0x80], // overlong
			[0xe0, 0x9f, 0xbf], // overlong U+07FF
			[0xf0, 0x80, 0x80, 0x80], // overlong
			[0xf0, 0x8f, 0xbf, 0xbf], // overlong U+FFFF
			[0xed, 0xa0, 0x80], // U+D800
			[0xed, 0xbf, 0xbf], // U+DFFF
			[0xed, 0xa0, 0xbd, 0xed, 0xb8, 0x80], // CESU-8 pair
			[0xf4, 0x90, 0x80, 0x80], // U+110000
			[0xf7, 0xbf, 0xbf, 0xbf], // U+1FFFFF
			[0xf8, 0x88, 0x80, 0x80, 0x80], // 5-byte form
			[0xfc, 0x84, 0x80, 0x80, 0x80, 0x80], // 6-byte form
			[0xf4, 0x8f, 0xbf, 0xbf], // U+10FFFF, valid
			[0xf0, 0x90, 0x80, 0x80], // U+10000, valid
			[0xef, 0xbb, 0xbf], // U+FEFF, valid (kept)
			[0xe2, 0x82], // truncated €
			[0xf0, 0x9f, 0x98], // truncated 😀
			[0xf0, 0x9f], // truncated 😀
			[0xf0], // lone lead
			[0xe2, 0x82, 0xe2, 0x82, 0xac], // truncated, then a whole €
			[0x80, 0x80, 0x80, 0x80], // lone continuations
		]
		for (const sequence of cases) check(sequence, failures)
		expect(failures).to.deep.equal([])
	})
})

describe('text coders', function () {
	afterEach(function () {
		resetTextCodersForTesting()
	})

	it('decode a run longer than one piece (2^24 bytes) as TextDecoder does, whatever bytes lie across the piece end', function () {
		this.timeout(60_000)
		const piece = 2 ** 24
		const elements = new Uint8Array(piece + 64)
		// Each sequence placed so that it ends at every byte from 1 before the piece's end to
		// 4 after it: a valid 4-byte character followed by stray continuation bytes once split
		// its lead byte off (F0 | 90 80 80 80: five U+FFFD instead of U+10000 and one).
		const sequences = [
			[0xf0, 0x90, 0x80, 0x80, 0x80],
			[0xf0, 0x90, 0x80, 0x80, 0x80, 0x80, 0x80],
			[0xe2, 0x82, 0xac, 0x80, 0x80],
			[0xc3, 0xa9, 0x80, 0x80, 0x80],
			[0xf0, 0x9f, 0x98, 0x80],
			[0x80, 0x80, 0x80, 0x80, 0x80],
		]
		const failures: string[] = []
		for (const sequence of sequences) {
			for (let end = piece - 1; end <= piece + 4; end++) {
				elements.fill(0x61)
				elements.set(sequence, end - sequence.length)
				const expected = referenceDecoder.decode(elements)
				if (utf8.decode(elements, 0, elements.length) !== expected) failures.push(`${sequence.map((b) => b.toString(16)).join(' ')} ending at piece end ${end - piece >= 0 ? '+' : ''}${end - piece}`)
			}
		}
		expect(failures).to.deep.equal([])
	})

	it('replace the UTF-8 decoder after it has decoded 1 GiB (Safari fails after ~2 GiB)', function () {
		this.timeout(120_000)
		const Original = globalThis.TextDecoder
		const created: string[] = []
		globalThis.TextDecoder = class extends Original {
			constructor(label?: string, options?: TextDecoderOptions) {
				super(label, options)
				created.push(this.encoding)
			}
		}
		try {
			resetTextCodersForTesting()
			const runBytes = 2 ** 24
			const elements = new Uint8Array(runBytes + 1)
			elements.fill(0x61, 0, runBytes)
			// One byte above 0x7F, which the samples that choose the streaming decoder miss: the
			// one-shot decoder reads every run (an all-ASCII run may be a latin1Slice instead).
			elements[1] = 0xe9
			let decodes = 0
			for (let total = 0; total <= 2 ** 30; total += runBytes) {
				expect(utf8.decode(elements, 0, runBytes).length).to.equal(runBytes)
				decodes++
			}
			expect(decodes).to.equal(65)
			expect(created.filter((encoding) => encoding === 'utf-8')).to.have.length(2)
		} finally {
			globalThis.TextDecoder = Original
		}
	})

	it('decode runs of 1 KiB or more with a byte above 0x7F through a streaming decoder of their own, flushed after each', function () {
		// Node 20 turns its one-shot fast path off for good on a decoder once called with
		// { stream: true }: the one-shot decoder must never see a streaming call.
		const Original = globalThis.TextDecoder
		const calls: { decoder: number; stream: boolean; flush: boolean }[] = []
		let created = 0
		globalThis.TextDecoder = class extends Original {
			private readonly id = created++
			override decode(input?: AllowSharedBufferSource, options?: TextDecodeOptions): string {
				calls.push({ decoder: this.id, stream: options?.stream === true, flush: input === undefined })
				return super.decode(input, options)
			}
		}
		try {
			resetTextCodersForTesting()
			const random = new SeededRandom(67)
			const elements = new Uint8Array(1 << 16)
			const check = (bytes: Uint8Array, stream: boolean, label: string): void => {
				elements.set(bytes, 16)
				calls.length = 0
				expect(utf8.decode(elements, 16, bytes.length), label).to.equal(referenceDecoder.decode(bytes))
				expect(calls.filter((call) => !call.flush).map((call) => call.stream), label).to.deep.equal([stream])
				// No flush after a final ASCII byte: it leaves the decoder holding nothing.
				expect(calls.some((call) => call.flush), `${label}: flushed`).to.equal(stream && bytes[bytes.length - 1]! >= 0x80)
			}
			const mixed = encoder.encode(randomText(random, 3000).replace(/[\u0000-\u007f]/g, 'a') + '\u00e9'.repeat(600))
			// From 2 KiB, ASCII on a host with isAscii (Node up to 22) is a latin1Slice, no decode
			// (test/host-copies.test.ts); below, the one-shot decoder.
			check(encoder.encode('a'.repeat(2047)), false, '2 KiB of ASCII less a byte')
			check(mixed, true, 'mixed text')
			check(encoder.encode('\u4e16'.repeat(400)), true, '1,200 bytes of CJK')
			check(encoder.encode('\u4e16'.repeat(300)), false, '900 bytes of CJK: below 1 KiB')
			// A sequence cut short at the end is one U+FFFD, and leaves nothing behind for the next run.
			check(mixed.subarray(0, mixed.length - 1), true, 'mixed text ending in half a character')
			check(mixed.subarray(1), true, 'mixed text starting with a continuation byte')
			check(encoder.encode('b'.repeat(2000)), false, 'ASCII after them')
			check(encoder.encode('\u4e16'.repeat(400) + 'z'), true, 'CJK ending in ASCII')
			check(Uint8Array.of(...encoder.encode('\u4e16'.repeat(400)).subarray(0, 1199), 0x41), true, 'half a character, then ASCII')
			// From 2 KiB, where the host has isAscii and the older TextDecoder (Node up to 22), a
			// run of ASCII is one latin1Slice: no decoder call (test/host-copies.test.ts).
			const sliced = hasSlowNonAsciiDecoder(globalThis) && findHostAsciiTest(globalThis) !== undefined && findHostLatin1Slice(globalThis) !== undefined
			elements.fill(0x61, 16, 16 + 4096)
			calls.length = 0
			expect(utf8.decode(elements, 16, 4096)).to.equal('a'.repeat(4096))
			expect(calls.length, '4 KiB of ASCII').to.equal(sliced ? 0 : 1)
			const streamed = new Set<number>()
			resetTextCodersForTesting()
			calls.length = 0
			elements.fill(0x61, 16, 16 + 2000)
			utf8.decode(elements, 16, 2000)
			elements.set(mixed, 16)
			utf8.decode(elements, 16, mixed.length)
			for (const call of calls) if (call.stream || call.flush) streamed.add(call.decoder)
			const oneShot = calls.filter((call) => !call.stream && !call.flush).map((call) => call.decoder)
			expect(oneShot, 'one-shot calls').to.have.length(1)
			expect(streamed.size, 'streaming decoders').to.equal(1)
			expect(oneShot.filter((decoder) => streamed.has(decoder)), 'a decoder that got both kinds of call').to.deep.equal([])
		} finally {
			globalThis.TextDecoder = Original
		}
	})

	it('work where the SharedArrayBuffer global does not exist (a page that is not cross-origin isolated)', function () {
		const shared = new SharedArrayBuffer(1 << 16)
		const descriptor = Object.getOwnPropertyDescriptor(globalThis, 'SharedArrayBuffer')!
		delete (globalThis as { SharedArrayBuffer?: unknown }).SharedArrayBuffer
		try {
			resetTextCodersForTesting()
			const random = new SeededRandom(47)
			for (const buffer of [new ArrayBuffer(1 << 16), createResizableBuffer(1 << 16), shared]) {
				for (const testCase of codecCases) {
					for (const length of [5, 100, 3000]) {
						checkRoundTrip(testCase, buffer, randomText(random, length, !testCase.writesAnyString), random)
					}
				}
			}
		} finally {
			Object.defineProperty(globalThis, 'SharedArrayBuffer', descriptor)
		}
	})
})

describe('native-coder thresholds by host (src/codecs/host.ts; test/codecs-browser-host.test.ts runs this file as a browser host)', function () {
	it('Node, Bun and Deno say process.versions.node; a browser has no process, and a bundler\'s process shim no versions.node', function () {
		expect(isServerHost({ process: { versions: { node: '20.20.2' } } })).to.equal(true)
		expect(isServerHost({})).to.equal(false)
		expect(isServerHost({ process: { env: {}, versions: {} } })).to.equal(false)
		expect(isServerHost({ process: { versions: { node: 20 } } })).to.equal(false)
		expect(isServerHost({ process: null })).to.equal(false)
	})

	it('TextDecoder is slow on text that is not ASCII up to Node 22 only (not on Node 24, Bun or Deno, which say Node 26, nor in a browser)', function () {
		const node = (version: string) => ({ process: { versions: { node: version } } })
		expect(hasSlowNonAsciiDecoder(node('20.20.2'))).to.equal(true)
		expect(hasSlowNonAsciiDecoder(node('22.23.5'))).to.equal(true)
		expect(hasSlowNonAsciiDecoder(node('24.0.0'))).to.equal(false)
		expect(hasSlowNonAsciiDecoder(node('26.3.0'))).to.equal(false)
		expect(hasSlowNonAsciiDecoder({})).to.equal(false)
	})

	it('decode UTF-8 in pieces (4 bytes to 16 MiB) that join to what one TextDecoder call gives, on seeded random malformed and well-formed bytes', function () {
		const random = new SeededRandom(2209)
		const interesting = [0x41, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xc1, 0xc2, 0xdf, 0xe0, 0xe1, 0xed, 0xee, 0xef, 0xf0, 0xf1, 0xf4, 0xf5, 0xff]
		const wellFormed = encoder.encode('aé€😀')
		const elements = new Uint8Array(8192)
		let mismatches = 0
		for (let sample = 0; sample < 2000; sample++) {
			const length = random.int(1, 600)
			const mode = random.int(0, 3)
			for (let i = 0; i < length; i++) {
				elements[100 + i] =
					mode === 0 ? random.int(0, 256) : mode === 1 ? random.pick(interesting) : random.next() < 0.8 ? wellFormed[random.int(0, wellFormed.length)]! : random.pick(interesting)
			}
			// Continuation bytes around the run: a piece reaching outside it would change the result.
			elements.fill(0x80, 100 + length, 100 + length + 4)
			elements.fill(0x80, 96, 100)
			const expected = referenceDecoder.decode(elements.subarray(100, 100 + length))
			for (const piece of [4, 5, 6, 7, 13, 64]) {
				for (const stream of [false, true]) {
					if (decodeUtf8InPieces(elements, 100, length, piece, stream) !== expected && mismatches++ < 5) {
						console.error(`mismatch in pieces of ${piece}${stream ? ', streamed' : ''}:`, Array.from(elements.subarray(100, 100 + length), (b) => b.toString(16)).join(' '))
					}
				}
			}
		}
		expect(mismatches).to.equal(0)
	})

	const server = isServerHost(globalThis)
	it(`this process is a ${server ? 'server' : 'browser'} host: a UTF-8 write of 100 code units and an ASCII write of 200 ${server ? 'call' : 'do not call'} encodeInto, a 40-byte UTF-8 read ${server ? 'calls' : 'does not call'} TextDecoder`, function () {
		const elements = new Uint8Array(new ArrayBuffer(4096))
		const counter = countEncodeIntoCalls()
		let decodes = 0
		const decode = decoderPrototype.decode
		decoderPrototype.decode = function (this: TextDecoder, input?: unknown, options?: unknown): string {
			decodes++
			return decode.call(this, input, options)
		}
		try {
			expect(utf8.write('a'.repeat(100), elements, 0, 1000, 'w')).to.equal(100)
			expect(counter.calls, 'encodeInto calls for the UTF-8 write').to.equal(server ? 1 : 0)
			counter.calls = 0
			expect(ascii.write('b'.repeat(200), elements, 0, 1000, 'w')).to.equal(200)
			expect(counter.calls, 'encodeInto calls for the ASCII write').to.equal(server ? 1 : 0)
			expect(utf8.decode(elements, 0, 40)).to.equal('b'.repeat(40))
			expect(decodes, 'TextDecoder calls for the UTF-8 read').to.equal(server ? 1 : 0)
		} finally {
			counter.restore()
			decoderPrototype.decode = decode
		}
	})
})
