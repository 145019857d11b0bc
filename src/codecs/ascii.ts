/**
 * ASCII strings in a `Uint8Array`. Writing accepts U+0000 to U+007F only; reading maps
 * every byte to the code point of the same value, so bytes 0x80-0xFF read as
 * U+0080-U+00FF (Latin-1). `TextDecoder('latin1')` is not used for that: the Encoding
 * standard makes that label windows-1252, which differs in 0x80-0x9F.
 *
 * Long runs are read by the host's `latin1Slice` where it has one (Node, Bun, Deno;
 * hostCopies.ts), which is exactly this decoding. Elsewhere, and for writes, long strings
 * use the engine's UTF-8 coders, which agree with ASCII on ASCII:
 * `encodeInto` after a regex has checked the string, and `TextDecoder` whose result is
 * kept only if it proves the bytes were all ASCII (see `decode`); otherwise the bytes
 * are read again as Latin-1.
 */
import { latin1ByApply, latin1ByConcat } from './charCodeStrings.js'
import { throwNotAscii } from './codecErrors.js'
import { byHost } from './host.js'
import { findHostLatin1Slice, HOST_SLICE_PIECE_BYTES, sliceInPieces } from './hostCopies.js'
import { findZeroUint8 } from './terminators.js'
import { copyRememberedUtf8, decodeUtf8Native, encodeUtf8Native, measureUtf8ByEncoding } from './textCoders.js'

/**
 * Byte runs at least this long are decoded by `TextDecoder` and its check, shorter ones
 * by `fromCharCode` 8 bytes per call. Node 20.20, `npx tsx bench/crossover.bench.ts`
 * ("ASCII decode" row): the loop is faster up to 32 bytes (101 vs 112 ns),
 * `TextDecoder` from 48 (112 vs 146 ns). Chromium 156, `npx tsx bench/crossover-browser.ts`:
 * the loop is faster up to 64 bytes (332-378 vs 389-461 ns; two runs), `TextDecoder` from 96.
 */
const DECODE_NATIVE_FROM_BYTES = byHost(48, 96)

/** `Buffer.prototype.latin1Slice` (Node, Bun, Deno), if this host has it and it reads bytes exactly (hostCopies.ts). */
const hostSlice = findHostLatin1Slice(globalThis)

/**
 * With the host's `latin1Slice`, runs at least this many bytes long are read by it: one
 * copy, exact for every byte, where `TextDecoder`'s result must be checked and, for a
 * byte above 0x7F, read again. `npx tsx bench/crossover.bench.ts`, "ASCII decode" rows
 * (loop / native ns): `latin1Slice` is faster from 16-24 bytes on Node 20.20 (at 24: 149 /
 * 110, `TextDecoder` 185 / 158) and Node 24.22, and at 4 KiB takes 695-728 ns against
 * `TextDecoder`'s 1192 (Node 20; Node 24 658-674 against 922), whether the bytes are ASCII
 * or not.
 */
const DECODE_HOST_FROM_BYTES = 24

/**
 * Strings at least this long are encoded into the scratch buffer by `encodeInto`, which
 * checks them, and copied in; shorter ones are checked and written by `charCodeAt` loops.
 * Same bench ("ASCII write" row): the loops are faster up to 32 characters (128 vs 141
 * ns), `encodeInto` from 48 (155 vs 192). Chromium 156, `npx tsx bench/crossover-browser.ts`:
 * the loops are faster at every length measured, up to 256 (1279-1365 vs 1409-1677 ns;
 * two runs).
 */
const ENCODE_NATIVE_FROM_UNITS = byHost(40, 256)

/**
 * `write` takes strings shorter than this through `writeShort`, on every host; in a
 * browser the longer ones below `ENCODE_NATIVE_FROM_UNITS` take `writeMedium`, the same
 * loops in a function of their own, so that `writeShort` is compiled for the shortest
 * strings only (see utf8.ts's `WRITE_LOOP_BELOW_UNITS`). Through `measure` and
 * `encodeMeasured` instead (two `charCodeAt` passes and two calls), 64 characters took
 * 443-455 ns in Chromium 156 against Emscripten's 308-318 (`npm run bench:browser --
 * strings`, three runs).
 */
const WRITE_SHORT_BELOW_UNITS = 40

/** The code units of a short string being written (`writeShort`). */
const shortUnits = new Uint16Array(WRITE_SHORT_BELOW_UNITS)

/** The code units of a string being written by `writeMedium` (browsers only: unused where `ENCODE_NATIVE_FROM_UNITS` is 40). */
const mediumUnits = new Uint16Array(ENCODE_NATIVE_FROM_UNITS)

/** Anything ASCII cannot hold: everything above U+007F. */
const NOT_ASCII = /[^\x00-\x7f]/

/** Number of bytes before the first 0 in `elements[start .. start + limit)`, or -1. */
export { findZeroUint8 as findTerminator }

/** The string whose code points are the bytes `elements[start .. start + length)`. */
export function decode(elements: Uint8Array, start: number, length: number): string {
	if (hostSlice !== undefined) {
		if (length < DECODE_HOST_FROM_BYTES) return latin1ByConcat(elements, start, length)
		if (length <= HOST_SLICE_PIECE_BYTES) return hostSlice.call(elements, start, start + length)
		return sliceInPieces(hostSlice, elements, start, start + length)
	}
	if (length < DECODE_NATIVE_FROM_BYTES) return latin1ByConcat(elements, start, length)
	const decoded = decodeUtf8Native(elements, start, length)
	// The bytes were all ASCII exactly when UTF-8 decoding kept one character per byte
	// and replaced nothing: valid multi-byte sequences decode to fewer code units than
	// bytes, and every malformed subpart decodes to a U+FFFD. On a one-byte string (all
	// of them below U+0100) V8's search for U+FFFD returns at once.
	if (decoded.length === length && decoded.indexOf('\uFFFD') === -1) return decoded
	return latin1ByApply(elements, start, length)
}

/**
 * Checks `value` (a short one, for `measure`) for characters ASCII cannot hold, throwing for the first. (Long
 * values are checked while they are encoded into the scratch buffer: every regex over
 * them cost about 10x `encodeInto`, Node 20, `bench/crossover.bench.ts`.)
 */
function validateShort(value: string, method: string): void {
	// All code units OR-ed together, a loop without an exit; the index is found only to throw.
	let bits = 0
	for (let i = 0; i < value.length; i++) bits |= value.charCodeAt(i)
	if (bits > 0x7f) throwNotAscii(method, value, value.search(NOT_ASCII))
}

/**
 * Encodes a long `value` into the scratch buffer, remembered for `copyRememberedUtf8`:
 * it is ASCII exactly when its UTF-8 is as many bytes as it has code units. Throws for
 * the first character that is not, found as the first byte above 0x7F.
 */
function encodeLongToScratch(value: string, method: string): void {
	if (measureUtf8ByEncoding(value) !== value.length) throwNotAscii(method, value, value.search(NOT_ASCII))
}

/** The byte length of `value`, its length. Throws `RangeError` for a character above U+007F, naming it and its index. */
export function measure(value: string, method: string): number {
	if (value.length < ENCODE_NATIVE_FROM_UNITS) validateShort(value, method)
	else encodeLongToScratch(value, method)
	return value.length
}

/**
 * The byte length of `value` without encoding it: its length, once every character is
 * checked by a loop (no scratch buffer). Throws as `measure` does.
 */
export function encodedLength(value: string, method: string): number {
	validateShort(value, method)
	return value.length
}

/** Writes the `count` bytes of `value` (just measured) at `elements[start]`, no terminator. */
export function encodeMeasured(value: string, elements: Uint8Array, start: number, count: number): void {
	if (count < ENCODE_NATIVE_FROM_UNITS) {
		for (let i = 0; i < count; i++) elements[start + i] = value.charCodeAt(i)
	} else if (!copyRememberedUtf8(value, elements, start, count)) {
		// UTF-8 of ASCII is the ASCII bytes.
		encodeUtf8Native(value, elements, start, count)
	}
}

/**
 * Writes `value` and a terminator if they fit in `room` bytes; returns the byte count
 * (without terminator), or -1 having written nothing. Throws `RangeError` for a
 * character ASCII cannot hold before writing anything: a long value is encoded once
 * into the scratch buffer, which checks it, and copied from there.
 */
export function write(value: string, elements: Uint8Array, start: number, room: number, method: string): number {
	if (value.length < WRITE_SHORT_BELOW_UNITS) return writeShort(value, elements, start, room, method)
	if (value.length < ENCODE_NATIVE_FROM_UNITS) return writeMedium(value, elements, start, room, method)
	const count = measure(value, method)
	if (count >= room) return -1
	encodeMeasured(value, elements, start, count)
	elements[start + count] = 0
	return count
}

/** `write` of a string shorter than `WRITE_SHORT_BELOW_UNITS` (a function of its own, so that `write` stays small enough to inline). */
function writeShort(value: string, elements: Uint8Array, start: number, room: number, method: string): number {
	const length = value.length
	// Each code unit read once, into a small array that the check and then the stores
	// read: `charCodeAt` costs about twice an element load (5 characters: 25.5 -> 22.0 ns,
	// bench/compare-builds.ts --suite strings, in either order of the two builds).
	const units = shortUnits
	let bits = 0
	for (let i = 0; i < length; i++) bits |= units[i] = value.charCodeAt(i)
	if (bits > 0x7f) throwNotAscii(method, value, value.search(NOT_ASCII))
	if (length >= room) return -1
	for (let i = 0; i < length; i++) elements[start + i] = units[i]!
	elements[start + length] = 0
	return length
}

/** `write` of a string from `WRITE_SHORT_BELOW_UNITS` up to `ENCODE_NATIVE_FROM_UNITS` characters (browsers only): `writeShort`'s loops, with feedback of their own. */
function writeMedium(value: string, elements: Uint8Array, start: number, room: number, method: string): number {
	const length = value.length
	const units = mediumUnits
	let bits = 0
	for (let i = 0; i < length; i++) bits |= units[i] = value.charCodeAt(i)
	if (bits > 0x7f) throwNotAscii(method, value, value.search(NOT_ASCII))
	if (length >= room) return -1
	for (let i = 0; i < length; i++) elements[start + i] = units[i]!
	elements[start + length] = 0
	return length
}
