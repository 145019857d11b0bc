/**
 * UTF-16 strings in a `Uint16Array`: the string's code units stored as they are (in
 * the host's byte order, little-endian wherever WebAssembly runs), so every JS string,
 * lone surrogates included, reads back exactly.
 *
 * Where the host has its own exact copies (Node's and Bun's `Buffer.prototype.ucs2Write`
 * and `ucs2Slice`, hostCopies.ts), runs from a few dozen units are written and read by
 * them, one native copy. Elsewhere (browsers, Deno):
 *
 * Long runs are decoded by `TextDecoder('utf-16le')`, 2-4x faster than
 * `String.fromCharCode.apply` from 1024 units on (Node 20, `bench/crossover.bench.ts`,
 * "Long runs" table). That decoder turns lone surrogates into U+FFFD, so its result is
 * kept only if it contains no U+FFFD at all; otherwise (a lone surrogate, or a real
 * U+FFFD) the units are read again, exactly, with `fromCharCode`. The check is cheap:
 * V8 searches for U+FFFD by its byte 0xFF, which few other characters contain.
 */
import { utf16ByApply, utf16ByConcat } from './charCodeStrings.js'
import { byHost } from './host.js'
import { findHostUtf16, HOST_SLICE_PIECE_BYTES, sliceInPieces } from './hostCopies.js'
import { findZeroUint16 } from './terminators.js'
import { decodeUtf16leNative } from './textCoders.js'

/**
 * Runs at least this many code units long are decoded by `TextDecoder('utf-16le')`,
 * shorter ones by `fromCharCode` 8 units per call. Node 20.20,
 * `npx tsx bench/crossover.bench.ts` ("UTF-16 decode" rows): `TextDecoder` (~150 ns
 * fixed cost) is faster from 64 units of mixed text (196 vs 229 ns) and from 96 of
 * ASCII (214 vs 261 ns; at 64: 193 vs 179). Chromium 156, `npx tsx
 * bench/crossover-browser.ts`: `TextDecoder` is faster from 256 units of mixed text (1555
 * vs 1346 ns; 505 vs 576 at 128), of ASCII at no length measured (663 vs 884 at 128).
 */
const DECODE_NATIVE_FROM_UNITS = byHost(80, 256)

/** Node's and Bun's `Buffer.prototype.ucs2Write` and `ucs2Slice`, if this host has them and they copy exactly (hostCopies.ts). */
const host = findHostUtf16(globalThis)
const hostWrite = host?.write
const hostSlice = host?.slice

/**
 * With the host's copies, runs at least this many code units long are read by
 * `ucs2Slice`, whose fixed cost (60-90 ns) is below `TextDecoder`'s (150-230), and written
 * by `ucs2Write`. `npx tsx bench/crossover.bench.ts`, "host" rows (loop / host ns, ASCII
 * and mixed text): reads from 16-32 units on Node 20.20 (at 24: 110 / 113 and 138 / 88),
 * from 16 on Node 24.22 and from 4 on Bun; writes from 32 on Node 20 (at 32: 139 / 117 and
 * 119 / 114), from 48 on Node 24 (at 32: 67 / 79 and 54 / 76; at 48: 81 / 73 and 125 / 115)
 * and from 24-32 on Bun.
 */
const DECODE_HOST_FROM_UNITS = 24
const WRITE_HOST_FROM_UNITS = 40

/** Number of code units before the first 0 in `elements[start .. start + limit)`, or -1. */
export { findZeroUint16 as findTerminator }

/** The string whose code units are `elements[start .. start + length)`. */
export function decode(elements: Uint16Array, start: number, length: number): string {
	if (hostSlice !== undefined) {
		if (length < DECODE_HOST_FROM_UNITS) return utf16ByConcat(elements, start, length)
		if (length * 2 <= HOST_SLICE_PIECE_BYTES) return hostSlice.call(elements, start * 2, (start + length) * 2)
		return sliceInPieces(hostSlice, elements, start * 2, (start + length) * 2)
	}
	if (length < DECODE_NATIVE_FROM_UNITS) return utf16ByConcat(elements, start, length)
	const decoded = decodeUtf16leNative(elements, start, length)
	if (decoded.indexOf('\uFFFD') === -1) return decoded
	return utf16ByApply(elements, start, length)
}

/** The number of code units of `value`: its length. */
export function measure(value: string, _method: string): number {
	return value.length
}

/** The encoded length of `value` in elements: what `measure` counts (nothing here can fail). */
export const encodedLength = measure

/** Writes the `count` code units of `value` (just measured) at `elements[start]`, no terminator. */
export function encodeMeasured(value: string, elements: Uint16Array, start: number, count: number): void {
	if (hostWrite !== undefined && count >= WRITE_HOST_FROM_UNITS) hostWrite.call(elements, value, start * 2, count * 2)
	else for (let i = 0; i < count; i++) elements[start + i] = value.charCodeAt(i)
}

/**
 * Writes `value` and a terminator if they fit in `room` code units; returns the unit
 * count (without terminator), or -1 having written nothing.
 */
export function write(value: string, elements: Uint16Array, start: number, room: number, _method: string): number {
	const count = value.length
	if (count >= room) return -1
	if (hostWrite !== undefined && count >= WRITE_HOST_FROM_UNITS) hostWrite.call(elements, value, start * 2, count * 2)
	else for (let i = 0; i < count; i++) elements[start + i] = value.charCodeAt(i)
	elements[start + count] = 0
	return count
}
