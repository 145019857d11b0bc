/**
 * Where the string codecs should switch from plain JS loops to the engine's
 * `TextDecoder` / `TextEncoder.encodeInto` / `indexOf`. Run with
 * `npx tsx bench/crossover.bench.ts` (`BENCH_ROUNDS=n` for more or fewer rounds,
 * `BENCH_FILTER=regex` for some operations only), and
 * in headless Chromium with `npx tsx bench/crossover-browser.ts`, whose native coders
 * cost several times Node's a call (see `src/codecs/host.ts`).
 *
 * For each operation and each length it times the codec's JS loop and its native path
 * — the very functions the codecs call — on a plain `WebAssembly.Memory` buffer, over
 * many different strings per length, and prints the median nanoseconds per call of
 * interleaved rounds (the order alternates, so machine noise hits both alike). The
 * crossover is the first length from which the native path stays faster; the
 * thresholds at the top of `src/codecs/*.ts` cite it.
 *
 * Lengths are bytes for UTF-8 and ASCII decoding, code units (`value.length`) for
 * encoding (the encoders' thresholds compare `value.length`), and elements for UTF-16
 * and UTF-32 decoding. The engine's `TextEncoder` only writes UTF-8, so UTF-32 encoding has
 * no rows, and UTF-16 encoding only where the host has `Buffer.prototype.ucs2Write` (Node
 * and Bun: the "host" rows, src/codecs/hostCopies.ts).
 *
 * The ASCII write checks and the `findTerminator` loops are a few lines each and are
 * restated here; everything else is imported from `src/codecs/`.
 */
import { latin1ByApply, latin1ByConcat, utf16ByApply, utf16ByConcat } from '../src/codecs/charCodeStrings.js'
import {
	copyRememberedUtf8,
	decodeUtf16leNative,
	decodeUtf8InPieces,
	decodeUtf8Native,
	encodeUtf8IntoView,
	encodeUtf8Native,
	measureUtf8ByEncoding,
} from '../src/codecs/textCoders.js'
import { findHostAsciiTest, findHostLatin1Slice, findHostUtf16 } from '../src/codecs/hostCopies.js'
import { decodeUtf32ByLoop, decodeUtf32Native } from '../src/codecs/utf32Decoding.js'
import { decodeUtf8ByLoop, encodeUtf8ByLoop, measureUtf8ByLoop } from '../src/codecs/utf8Loops.js'
import { engineDescription, environment, nowNs } from './runtime.js'

const shortLengths = [4, 8, 16, 24, 32, 48, 64, 96, 128, 256]
const longLengths = [256, 1024, 4096, 65536]
const rounds = Number(environment('BENCH_ROUNDS') ?? 15)
/** `BENCH_FILTER=regex`: only the operations whose name matches. */
const filter = environment('BENCH_FILTER')

const memory = new WebAssembly.Memory({ initial: 1024 })
const bytes = new Uint8Array(memory.buffer)
const units = new Uint16Array(memory.buffer)
const elements32 = new Uint32Array(memory.buffer)
const encoder = new TextEncoder()
let sink = 0

// ---------------------------------------------------------------------------------
// Inputs: different strings for every sample, from a fixed seed

let seed = 12345
function random(limit: number): number {
	seed = (Math.imul(seed, 1103515245) + 12345) >>> 0
	return (seed >>> 8) % limit
}

type TextKind = 'ASCII' | 'mixed' | 'CJK'

const asciiWords = 'the quick brown fox jumps over lazy dog memory heap string buffer pointer'.split(' ')
const mixedPieces = ['a', 'b', 'é', 'ü', 'ß', 'Ω', 'ж', '€', '世', '界', '✓', '😀', '🚀', ' ', 'x']
const cjkPieces = [...'世界你好中文字符串内存指针缓冲区']

function randomPiece(kind: TextKind): string {
	if (kind === 'ASCII') return asciiWords[random(asciiWords.length)]! + ' '
	return kind === 'mixed' ? mixedPieces[random(mixedPieces.length)]! : cjkPieces[random(cjkPieces.length)]!
}

/**
 * `text` as a flat sequential string. Strings built by `+=` are cons strings (ropes),
 * on which a `charCodeAt` loop runs ~1.5x slower even after V8 flattened them in
 * place; strings from JSON, the DOM or a decoder are flat. The bench uses flat ones.
 */
function flat(text: string): string {
	return JSON.parse(JSON.stringify(text)) as string
}

/** Text of the kind whose UTF-8 encoding is exactly `byteLength` bytes (padded with 'x'). */
function textOfUtf8Length(kind: TextKind, byteLength: number): string {
	let text = ''
	let size = 0
	for (;;) {
		const piece = randomPiece(kind)
		const pieceSize = encoder.encode(piece).length
		if (size + pieceSize > byteLength) break
		text += piece
		size += pieceSize
	}
	return flat(text + 'x'.repeat(byteLength - size))
}

/** Text of the kind of exactly `unitLength` UTF-16 code units (padded with 'x'). */
function textOfUtf16Length(kind: TextKind, unitLength: number): string {
	let text = ''
	for (;;) {
		const piece = randomPiece(kind)
		if (text.length + piece.length > unitLength) return flat(text + 'x'.repeat(unitLength - text.length))
		text += piece
	}
}

/** Text of the kind of exactly `count` code points. */
function textOfCodePoints(kind: TextKind, count: number): string {
	return flat([...textOfUtf16Length(kind, count * 2)].slice(0, count).join(''))
}

/** Byte addresses of `samples` slots of `slotBytes` each, 16-byte aligned, from 4096. */
function slots(samples: number, slotBytes: number): number[] {
	const stride = Math.ceil(slotBytes / 16) * 16
	if (4096 + samples * stride > bytes.length) throw new Error('bench memory too small')
	return Array.from({ length: samples }, (_, i) => 4096 + i * stride)
}

function storeUtf8(addresses: number[], texts: string[]): void {
	texts.forEach((text, i) => encoder.encodeInto(text, bytes.subarray(addresses[i]!)))
}

function storeUtf16(addresses: number[], texts: string[]): void {
	texts.forEach((text, i) => {
		for (let k = 0; k < text.length; k++) units[addresses[i]! / 2 + k] = text.charCodeAt(k)
	})
}

function storeUtf32(addresses: number[], texts: string[]): void {
	texts.forEach((text, i) => {
		let k = addresses[i]! / 4
		for (const character of text) elements32[k++] = character.codePointAt(0)!
	})
}

// ---------------------------------------------------------------------------------
// Operations: a loop batch and a native batch over the same inputs

type Batch = () => void

interface Operation {
	readonly name: string
	/** Stores `samples` inputs of one length and returns the two batches to time, each making `calls` calls. */
	prepare(length: number, samples: number, calls: number): { loop: Batch; native: Batch }
}

// Decoded strings are consumed with `sink += text.charCodeAt(text.length >> 1)`, written
// out in each batch so that every batch has its own call site: reading a character
// flattens a string built by concatenation, as any use of it would.

const NOT_WRITABLE_ASCII = /[^\x01-\x7f]/

function findTerminatorOperation(bounded: boolean): Operation {
	return {
		name: bounded ? 'findTerminator, bounded: subarray().indexOf(0)' : 'findTerminator, to the end: indexOf(0, from)',
		prepare(length, samples, calls) {
			const addresses = slots(samples, length + 1)
			for (const address of addresses) {
				for (let k = 0; k < length; k++) bytes[address + k] = 1 + random(255)
				bytes[address + length] = 0
			}
			const limit = 65536
			return {
				loop: () => {
					for (let n = 0; n < calls; n++) {
						const start = addresses[n % samples]!
						let found = -1
						for (let i = start; i < start + limit; i++) {
							if (bytes[i] === 0) {
								found = i - start
								break
							}
						}
						sink += found
					}
				},
				native: bounded
					? () => {
							for (let n = 0; n < calls; n++) {
								const start = addresses[n % samples]!
								sink += bytes.subarray(start, start + limit).indexOf(0)
							}
						}
					: () => {
							for (let n = 0; n < calls; n++) {
								const start = addresses[n % samples]!
								sink += bytes.indexOf(0, start) - start
							}
						},
			}
		},
	}
}

const utf8Decode = (kind: TextKind): Operation => ({
	name: `UTF-8 decode, ${kind}`,
	prepare(length, samples, calls) {
		const addresses = slots(samples, length)
		storeUtf8(
			addresses,
			addresses.map(() => textOfUtf8Length(kind, length)),
		)
		return {
			loop: () => {
				for (let n = 0; n < calls; n++) {
					const text = decodeUtf8ByLoop(bytes, addresses[n % samples]!, length)
					sink += text.charCodeAt(text.length >> 1)
				}
			},
			native: () => {
				for (let n = 0; n < calls; n++) {
					const start = addresses[n % samples]!
					const text = decodeUtf8Native(bytes, start, length)
					sink += text.charCodeAt(text.length >> 1)
				}
			},
		}
	},
})

const utf8Write = (kind: TextKind): Operation => ({
	name: `UTF-8 write, ${kind}`,
	prepare(length, samples, calls) {
		const texts = Array.from({ length: samples }, () => textOfUtf16Length(kind, length))
		const addresses = slots(samples, length * 3 + 1)
		return {
			// utf8.write's short path: measure (and check for U+0000), then encode.
			loop: () => {
				for (let n = 0; n < calls; n++) {
					const text = texts[n % samples]!
					const start = addresses[n % samples]!
					const count = measureUtf8ByLoop(text)
					encodeUtf8ByLoop(text, bytes, start, count)
					bytes[start + count] = 0
					sink += count
				}
			},
			// utf8.write's long path with ample room: indexOf('\0'), then encodeInto in place.
			native: () => {
				for (let n = 0; n < calls; n++) {
					const text = texts[n % samples]!
					const start = addresses[n % samples]!
					if (text.indexOf('\0') !== -1) throw new Error('unexpected U+0000')
					const count = encodeUtf8IntoView(text, bytes, start, text.length * 3)
					bytes[start + count] = 0
					sink += count
				}
			},
		}
	},
})

const utf8MeasureThenEncode = (kind: TextKind): Operation => ({
	name: `UTF-8 measure + encodeMeasured, ${kind}`,
	prepare(length, samples, calls) {
		const texts = Array.from({ length: samples }, () => textOfUtf16Length(kind, length))
		const addresses = slots(samples, length * 3 + 1)
		return {
			loop: () => {
				for (let n = 0; n < calls; n++) {
					const text = texts[n % samples]!
					const count = measureUtf8ByLoop(text)
					encodeUtf8ByLoop(text, bytes, addresses[n % samples]!, count)
					sink += count
				}
			},
			native: () => {
				for (let n = 0; n < calls; n++) {
					const text = texts[n % samples]!
					if (text.indexOf('\0') !== -1) throw new Error('unexpected U+0000')
					const count = measureUtf8ByEncoding(text)
					const start = addresses[n % samples]!
					if (!copyRememberedUtf8(text, bytes, start, count)) encodeUtf8Native(text, bytes, start, count)
					sink += count
				}
			},
		}
	},
})

const asciiDecode: Operation = {
	name: 'ASCII decode',
	prepare(length, samples, calls) {
		const addresses = slots(samples, length)
		storeUtf8(
			addresses,
			addresses.map(() => textOfUtf8Length('ASCII', length)),
		)
		return {
			loop: () => {
				for (let n = 0; n < calls; n++) {
					const text = latin1ByConcat(bytes, addresses[n % samples]!, length)
					sink += text.charCodeAt(text.length >> 1)
				}
			},
			// ascii.decode's long path: TextDecoder, kept if it proves the bytes were ASCII.
			native: () => {
				for (let n = 0; n < calls; n++) {
					const start = addresses[n % samples]!
					const decoded = decodeUtf8Native(bytes, start, length)
					const ascii = decoded.length === length && decoded.indexOf('\uFFFD') === -1
					const text = ascii ? decoded : latin1ByApply(bytes, start, length)
					sink += text.charCodeAt(text.length >> 1)
				}
			},
		}
	},
}

const hostLatin1Slice = findHostLatin1Slice(globalThis)

/** ascii.decode where the host has `latin1Slice`: `fromCharCode` 8 bytes at a time, or `latin1Slice` on the heap's view. */
const asciiDecodeByHost = (kind: 'ASCII' | 'Latin-1'): Operation => ({
	name: `ASCII decode, ${kind}, host latin1Slice`,
	prepare(length, samples, calls) {
		const addresses = slots(samples, length)
		storeUtf8(
			addresses,
			addresses.map(() => textOfUtf8Length('ASCII', length)),
		)
		// Latin-1: every 8th byte above 0x7F, which sends TextDecoder's path to its second pass.
		if (kind === 'Latin-1') for (const start of addresses) for (let i = 0; i < length; i += 8) bytes[start + i] = 0xe9
		const slice = hostLatin1Slice!
		return {
			loop: () => {
				for (let n = 0; n < calls; n++) {
					const text = latin1ByConcat(bytes, addresses[n % samples]!, length)
					sink += text.charCodeAt(text.length >> 1)
				}
			},
			native: () => {
				for (let n = 0; n < calls; n++) {
					const start = addresses[n % samples]!
					const text = slice.call(bytes, start, start + length)
					sink += text.charCodeAt(text.length >> 1)
				}
			},
		}
	},
})

const hostAsciiTest = findHostAsciiTest(globalThis)

/**
 * A UTF-8 read of ASCII bytes where the host has `isAscii` (src/codecs/textCoders.ts,
 * `ASCII_SLICE_FROM_BYTES`): the "loop" column is a one-shot `TextDecoder` of its own, the
 * "native" one `isAscii` then `latin1Slice` on the heap's view.
 */
const utf8AsciiByHost: Operation = {
	name: 'UTF-8 decode, ASCII: TextDecoder / isAscii + latin1Slice',
	prepare(length, samples, calls) {
		const addresses = slots(samples, length)
		storeUtf8(
			addresses,
			addresses.map(() => textOfUtf8Length('ASCII', length)),
		)
		const decoder = new TextDecoder('utf-8', { ignoreBOM: true })
		const isAscii = hostAsciiTest!
		const slice = hostLatin1Slice!
		return {
			loop: () => {
				for (let n = 0; n < calls; n++) {
					const start = addresses[n % samples]!
					const text = decoder.decode(new Uint8Array(memory.buffer, start, length))
					sink += text.charCodeAt(text.length >> 1)
				}
			},
			native: () => {
				for (let n = 0; n < calls; n++) {
					const start = addresses[n % samples]!
					const view = new Uint8Array(memory.buffer, start, length)
					const text = isAscii(view) ? slice.call(view, 0, length) : ''
					sink += text.charCodeAt(text.length >> 1)
				}
			},
		}
	},
}

/**
 * A long UTF-8 read of text that is not ASCII, in one decoder call ("loop" column) and in
 * 16 KiB pieces joined ("native" column; textCoders.ts `decodeUtf8InPieces`, which a
 * browser takes from 512 KiB: `TEXT_PIECES_FROM_BYTES`). Each string is read once, which
 * flattens the joined one, as any use of it does.
 */
const utf8DecodePieces = (kind: TextKind): Operation => ({
	name: `UTF-8 decode, ${kind}: one call / 16 KiB pieces`,
	prepare(length, samples, calls) {
		const addresses = slots(samples, length)
		storeUtf8(
			addresses,
			addresses.map(() => textOfUtf8Length(kind, length)),
		)
		return {
			loop: () => {
				for (let n = 0; n < calls; n++) {
					const text = decodeUtf8Native(bytes, addresses[n % samples]!, length)
					sink += text.charCodeAt(text.length >> 1)
				}
			},
			native: () => {
				for (let n = 0; n < calls; n++) {
					const text = decodeUtf8InPieces(bytes, addresses[n % samples]!, length, 16384, false)
					sink += text.charCodeAt(text.length >> 1)
				}
			},
		}
	},
})

/** The same for UTF-16 (`TextDecoder('utf-16le')`, browsers' UTF-16 and UTF-32 reads): one call, or pieces of 8,192 units joined. */
const utf16DecodePieces = (kind: TextKind): Operation => ({
	name: `UTF-16 decode, ${kind}: one call / 16 KiB pieces`,
	prepare(length, samples, calls) {
		const count = length >> 1
		const addresses = slots(samples, length)
		storeUtf16(
			addresses,
			addresses.map(() => textOfUtf16Length(kind, count)),
		)
		return {
			loop: () => {
				for (let n = 0; n < calls; n++) {
					const text = decodeUtf16leNative(units, addresses[n % samples]! / 2, count)
					sink += text.charCodeAt(text.length >> 1)
				}
			},
			native: () => {
				for (let n = 0; n < calls; n++) {
					const start = addresses[n % samples]! / 2
					let text = ''
					for (let from = start; from < start + count; ) {
						let to = Math.min(start + count, from + 8192)
						if (to < start + count && (units[to - 1]! & 0xfc00) === 0xd800) to--
						text += decodeUtf16leNative(units, from, to - from)
						from = to
					}
					sink += text.charCodeAt(text.length >> 1)
				}
			},
		}
	},
})

const asciiWrite: Operation = {
	name: 'ASCII write',
	prepare(length, samples, calls) {
		const texts = Array.from({ length: samples }, () => textOfUtf16Length('ASCII', length))
		const addresses = slots(samples, length + 1)
		return {
			loop: () => {
				for (let n = 0; n < calls; n++) {
					const text = texts[n % samples]!
					const start = addresses[n % samples]!
					for (let i = 0; i < text.length; i++) {
						const unit = text.charCodeAt(i)
						if (unit === 0 || unit > 0x7f) throw new Error('not ASCII')
					}
					for (let i = 0; i < text.length; i++) bytes[start + i] = text.charCodeAt(i)
					bytes[start + text.length] = 0
				}
			},
			native: () => {
				for (let n = 0; n < calls; n++) {
					const text = texts[n % samples]!
					const start = addresses[n % samples]!
					if (text.search(NOT_WRITABLE_ASCII) !== -1) throw new Error('not ASCII')
					encodeUtf8Native(text, bytes, start, text.length)
					bytes[start + text.length] = 0
				}
			},
		}
	},
}

const utf16Decode = (kind: TextKind): Operation => ({
	name: `UTF-16 decode, ${kind}`,
	prepare(length, samples, calls) {
		const addresses = slots(samples, length * 2)
		storeUtf16(
			addresses,
			addresses.map(() => textOfUtf16Length(kind, length)),
		)
		return {
			loop: () => {
				for (let n = 0; n < calls; n++) {
					const text = utf16ByConcat(units, addresses[n % samples]! / 2, length)
					sink += text.charCodeAt(text.length >> 1)
				}
			},
			// utf16.decode's long path: TextDecoder('utf-16le'), kept if it holds no U+FFFD.
			native: () => {
				for (let n = 0; n < calls; n++) {
					const start = addresses[n % samples]! / 2
					const decoded = decodeUtf16leNative(units, start, length)
					const text = decoded.indexOf('\uFFFD') === -1 ? decoded : utf16ByApply(units, start, length)
					sink += text.charCodeAt(text.length >> 1)
				}
			},
		}
	},
})

const utf16DecodeByApply: Operation = {
	name: 'UTF-16 decode, mixed, fromCharCode.apply',
	prepare(length, samples, calls) {
		const addresses = slots(samples, length * 2)
		storeUtf16(
			addresses,
			addresses.map(() => textOfUtf16Length('mixed', length)),
		)
		return {
			loop: () => {
				for (let n = 0; n < calls; n++) {
					const text = utf16ByConcat(units, addresses[n % samples]! / 2, length)
					sink += text.charCodeAt(text.length >> 1)
				}
			},
			native: () => {
				for (let n = 0; n < calls; n++) {
					const text = utf16ByApply(units, addresses[n % samples]! / 2, length)
					sink += text.charCodeAt(text.length >> 1)
				}
			},
		}
	},
}

const hostUtf16 = findHostUtf16(globalThis)

/** utf16.decode where the host has `ucs2Slice`: `fromCharCode` 8 units at a time, or `ucs2Slice` on the heap's view. */
const utf16DecodeByHost = (kind: TextKind): Operation => ({
	name: `UTF-16 decode, ${kind}, host ucs2Slice`,
	prepare(length, samples, calls) {
		const addresses = slots(samples, length * 2)
		storeUtf16(
			addresses,
			addresses.map(() => textOfUtf16Length(kind, length)),
		)
		const slice = hostUtf16!.slice
		return {
			loop: () => {
				for (let n = 0; n < calls; n++) {
					const text = utf16ByConcat(units, addresses[n % samples]! / 2, length)
					sink += text.charCodeAt(text.length >> 1)
				}
			},
			native: () => {
				for (let n = 0; n < calls; n++) {
					const byteStart = addresses[n % samples]!
					const text = slice.call(units, byteStart, byteStart + length * 2)
					sink += text.charCodeAt(text.length >> 1)
				}
			},
		}
	},
})

/** utf16.write where the host has `ucs2Write`: a `charCodeAt` loop, or `ucs2Write` on the heap's view. */
const utf16WriteByHost = (kind: TextKind): Operation => ({
	name: `UTF-16 write, ${kind}, host ucs2Write`,
	prepare(length, samples, calls) {
		const texts = Array.from({ length: samples }, () => textOfUtf16Length(kind, length))
		const addresses = slots(samples, length * 2 + 2)
		const write = hostUtf16!.write
		return {
			loop: () => {
				for (let n = 0; n < calls; n++) {
					const text = texts[n % samples]!
					const start = addresses[n % samples]! / 2
					const count = text.length
					for (let i = 0; i < count; i++) units[start + i] = text.charCodeAt(i)
					units[start + count] = 0
					sink += count
				}
			},
			native: () => {
				for (let n = 0; n < calls; n++) {
					const text = texts[n % samples]!
					const start = addresses[n % samples]! / 2
					const count = text.length
					write.call(units, text, start * 2, count * 2)
					units[start + count] = 0
					sink += count
				}
			},
		}
	},
})

const utf32Decode = (kind: TextKind): Operation => ({
	name: `UTF-32 decode, ${kind}`,
	prepare(length, samples, calls) {
		const addresses = slots(samples, length * 4)
		storeUtf32(
			addresses,
			addresses.map(() => textOfCodePoints(kind, length)),
		)
		return {
			loop: () => {
				for (let n = 0; n < calls; n++) {
					const text = decodeUtf32ByLoop(elements32, addresses[n % samples]! / 4, length)
					sink += text.charCodeAt(text.length >> 1)
				}
			},
			native: () => {
				for (let n = 0; n < calls; n++) {
					const text = decodeUtf32Native(elements32, addresses[n % samples]! / 4, length)
					sink += text.charCodeAt(text.length >> 1)
				}
			},
		}
	},
})

// ---------------------------------------------------------------------------------
// Timing

function time(batch: Batch, calls: number): number {
	const start = nowNs()
	batch()
	return (nowNs() - start) / calls
}

function median(values: number[]): number {
	const sorted = [...values].sort((a, b) => a - b)
	return sorted[sorted.length >> 1]!
}

function formatNs(ns: number): string {
	return ns >= 10_000 ? `${(ns / 1000).toFixed(0)}k` : ns.toFixed(0)
}

function runTable(title: string, lengths: number[], operations: Operation[]): void {
	console.log(`\n${title}`)
	console.log(`${'operation'.padEnd(48)}${lengths.map((length) => String(length).padStart(13)).join('')}   native from`)
	for (const operation of operations) {
		if (filter !== undefined && !new RegExp(filter).test(operation.name)) continue
		const cells: string[] = []
		const nativeFaster: boolean[] = []
		for (const length of lengths) {
			const samples = length >= 4096 ? 16 : 256
			const calls = Math.max(16, Math.min(4096, Math.floor(2_000_000 / length)))
			const { loop, native } = operation.prepare(length, samples, calls)
			for (let i = 0; i < 10; i++) {
				loop()
				native()
			}
			const loopTimes: number[] = []
			const nativeTimes: number[] = []
			for (let round = 0; round < rounds; round++) {
				if (round % 2 === 0) {
					loopTimes.push(time(loop, calls))
					nativeTimes.push(time(native, calls))
				} else {
					nativeTimes.push(time(native, calls))
					loopTimes.push(time(loop, calls))
				}
			}
			const loopNs = median(loopTimes)
			const nativeNs = median(nativeTimes)
			nativeFaster.push(nativeNs < loopNs)
			cells.push(`${formatNs(loopNs)} / ${formatNs(nativeNs)}`.padStart(13))
		}
		// The first length from which the native path is faster at every longer length too.
		let from = lengths.length
		while (from > 0 && nativeFaster[from - 1]) from--
		const crossover = from === lengths.length ? `> ${lengths.at(-1)}` : String(lengths[from])
		console.log(`${operation.name.padEnd(48)}${cells.join('')}   ${crossover}`)
	}
}

console.log(
	`crossover benchmark: ${engineDescription()}, median of ${rounds} interleaved rounds; ` +
		'cells are loop / native ns per call (k = thousands)',
)

runTable('Short runs (bytes for UTF-8/ASCII decoding, code units for encoding, elements for UTF-16/UTF-32)', shortLengths, [
	findTerminatorOperation(false),
	findTerminatorOperation(true),
	utf8Decode('ASCII'),
	utf8Decode('mixed'),
	utf8Decode('CJK'),
	utf8Write('ASCII'),
	utf8Write('mixed'),
	utf8MeasureThenEncode('ASCII'),
	utf8MeasureThenEncode('mixed'),
	asciiDecode,
	...(hostLatin1Slice === undefined ? [] : [asciiDecodeByHost('ASCII'), asciiDecodeByHost('Latin-1')]),
	asciiWrite,
	utf16Decode('ASCII'),
	utf16Decode('mixed'),
	utf16DecodeByApply,
	...(hostUtf16 === undefined ? [] : [utf16DecodeByHost('ASCII'), utf16DecodeByHost('mixed'), utf16WriteByHost('ASCII'), utf16WriteByHost('mixed')]),
	utf32Decode('ASCII'),
	utf32Decode('mixed'),
])

runTable('Long runs: where the UTF-8 decode loop stops paying off on non-ASCII text', longLengths, [
	utf8Decode('ASCII'),
	utf8Decode('mixed'),
	utf8Decode('CJK'),
	utf16Decode('mixed'),
	utf16DecodeByApply,
	asciiDecode,
	...(hostLatin1Slice === undefined ? [] : [asciiDecodeByHost('ASCII'), asciiDecodeByHost('Latin-1')]),
])

runTable('Long UTF-8 reads of text that is not ASCII: one call or pieces (a browser from 512 KiB)', [65536, 131072, 262144, 524288, 1048576], [
	utf8DecodePieces('mixed'),
	utf8DecodePieces('CJK'),
	utf8DecodePieces('ASCII'),
	utf16DecodePieces('mixed'),
	utf16DecodePieces('ASCII'),
])

if (hostAsciiTest !== undefined && hostLatin1Slice !== undefined) {
	runTable('UTF-8 reads of ASCII where the host has isAscii: from which length the test and copy pay', [1024, 2048, 4096, 65536, 1048576], [utf8AsciiByHost])
}

if (sink === 0.5) console.log(sink)
