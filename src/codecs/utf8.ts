/**
 * UTF-8 strings in a `Uint8Array`. Lone surrogates are written as U+FFFD (as
 * `TextEncoder` does); malformed bytes read as U+FFFD (as `TextDecoder` does, in the
 * JS loop too). A leading U+FEFF is kept, not dropped as a byte order mark.
 *
 * Short strings go through plain JS loops, long ones through the engine's
 * `TextDecoder` / `TextEncoder.encodeInto`, whose fixed cost per call only pays off
 * past the thresholds below.
 */
import { byHost, slowNonAsciiDecoder } from './host.js'
import { findZeroUint8 } from './terminators.js'
import {
	copyRememberedUtf8,
	decodeUtf8MostlyAscii,
	decodeUtf8Native,
	encoderAccepts,
	encodeUtf8InPlaceOrRestore,
	encodeUtf8IntoView,
	encodeUtf8Native,
	encodeUtf8ThroughScratch,
	measureUtf8ByEncoding,
	PREFIX_VIEWS_MAX_BYTES,
	SCRATCH_ENCODE_MAX_BYTES,
} from './textCoders.js'
import { decodeUtf8ByLoop, encodeUtf8ByLoop, measureUtf8ByLoop } from './utf8Loops.js'

/**
 * Byte runs at least this long are decoded by `TextDecoder`, shorter ones by the loop.
 * Node 20.20, `npx tsx bench/crossover.bench.ts` ("UTF-8 decode, ASCII" row): the loop
 * is faster up to 24 bytes (81 vs 92 ns), `TextDecoder` from 32 (88 vs 99 ns). Chromium
 * 156, `npx tsx bench/crossover-browser.ts`: the two are level at 48 bytes (201 vs 195,
 * 347 vs 339 ns; two runs), `TextDecoder` faster from 64 (see host.ts).
 */
const DECODE_NATIVE_FROM_BYTES = byHost(32, 48)

/**
 * ...unless most of the run is not ASCII: then the loop keeps going below this many
 * bytes. Up to Node 22 `TextDecoder` is slow on multi-byte sequences: in the same bench
 * the loop beats it on mixed and CJK text at every length measured (1496 vs 2217 ns at
 * 256 bytes of mixed text on Node 20, 2414 vs 2722 on Node 22, 1.3x at 64 KiB), so there
 * it keeps going up to 256 bytes. Elsewhere (host.ts) the decoder is faster from 48 bytes
 * of mixed text on Node 24 (219 vs 125 ns; at 32, 166 vs 115), Bun and Deno, and from 96
 * in Chromium (923 vs 801 ns; at 64, 339 vs 397), where the loop stops there.
 */
const DECODE_NON_ASCII_LOOP_BELOW_BYTES = slowNonAsciiDecoder ? 256 : byHost(48, 96)

/**
 * Runs at least this long that hold a byte above 0x7F (among those `anyNotAscii`
 * samples) go through the streaming decoder. Node 20.20, one-shot `decode` against
 * `decode(bytes, { stream: true })` + flush on separate decoders, in one process: from 1 KiB on the streaming call is 1.3-3.7x faster on every
 * non-ASCII text measured (one 2-byte character in 100, one in 20, one in 5, one in 2,
 * the benchmarks' mixed text, CJK; 1.2-5.8x at 64 KiB and 1 MiB), and 5-15x slower on
 * pure ASCII; at 256 bytes it is slower on text with one 2-byte character in 100.
 * Other engines decode both ways alike, so the choice costs them nothing.
 */
const DECODE_STREAMING_FROM_BYTES = 1024

/**
 * `write`: strings at least this long (in code units) go through `encodeInto`, shorter
 * ones through the measure and encode loops. Node 20.20, same bench ("UTF-8 write"
 * rows): `encodeInto` is faster from 24 code units on, ASCII and mixed text alike
 * (16 units: 70 vs 92 ns ASCII, 101 vs 123 mixed; 24 units: 96 vs 95, 152 vs 143).
 * Chromium 156, `npx tsx bench/crossover-browser.ts`, where `encodeInto` costs about
 * 600 ns a call: the loops are faster up to 96 units (64 units: 283-474 vs 1068-1119 ns
 * ASCII, 923-1152 vs 1456-1538 mixed; two runs), `encodeInto` from 128 on mixed text
 * (1868 vs 1563 ns) and level there on ASCII (642 vs 637, 692 vs 1118). Strings from
 * `WRITE_LOOP_BELOW_UNITS` up to this go through loops of their own (`writeMedium`).
 */
const WRITE_NATIVE_FROM_UNITS = byHost(24, 128)

/**
 * `write`'s own loops take strings shorter than this, on every host; in a browser the
 * longer ones below `WRITE_NATIVE_FROM_UNITS` take `writeMedium`'s. One function for
 * both made Chromium 156 write 5 bytes into a shared heap in 70-80 ns instead of 15-28
 * once 60-64-unit strings had gone through it (`npm run bench:browser -- strings`).
 */
const WRITE_LOOP_BELOW_UNITS = 24

/**
 * `measure` and `encodeMeasured` (allocation): strings at least this long are encoded
 * once into the scratch buffer, which `encodeMeasured` then copies; shorter ones go
 * through the loops. Same bench ("UTF-8 measure + encodeMeasured" rows): the scratch
 * path is faster from 32 code units on (24 units: 103 vs 115 ns ASCII, 146 vs 160
 * mixed; 32 units: 133 vs 112, 196 vs 181). Chromium 156, `npx tsx
 * bench/crossover-browser.ts`: the loops are faster up to 64 units (435-454 vs 684-1310 ns
 * ASCII, 1031-1090 vs 1378-1951 mixed; two runs), the scratch path from 96 on mixed text.
 */
const MEASURE_NATIVE_FROM_UNITS = byHost(32, 96)

/**
 * `write` into a room it may not fit, on a non-shared heap: rooms up to this many bytes
 * go through the scratch buffer (an encoding there and a copy). Longer ones do too when
 * the room allows more than 1.25 bytes per code unit (text that is not mostly ASCII,
 * whose encoding gains most from the scratch buffer's room); otherwise they are encoded
 * in place after their bytes are saved (a copy and an encoding), which measured faster
 * at 1 MiB of ASCII.
 */
const SCRATCH_ENCODE_ALWAYS_BYTES = 64 * 1024

/** Number of bytes before the first 0 in `elements[start .. start + limit)`, or -1. */
export { findZeroUint8 as findTerminator }

/** The string encoded by `elements[start .. start + length)`. */
export function decode(elements: Uint8Array, start: number, length: number): string {
	if (length < DECODE_NATIVE_FROM_BYTES) return decodeUtf8ByLoop(elements, start, length)
	return decodeLong(elements, start, length)
}

/** `decode` of a run of `DECODE_NATIVE_FROM_BYTES` or more (a function of its own, so that `decode` stays small enough to inline). */
function decodeLong(elements: Uint8Array, start: number, length: number): string {
	if (length < DECODE_NON_ASCII_LOOP_BELOW_BYTES && mostlyNotAscii(elements, start, length)) {
		return decodeUtf8ByLoop(elements, start, length)
	}
	if (length < DECODE_STREAMING_FROM_BYTES) return decodeUtf8Native(elements, start, length, false)
	return anyNotAscii(elements, start, length) ? decodeUtf8Native(elements, start, length, true) : decodeUtf8MostlyAscii(elements, start, length)
}

/**
 * Whether any of 32 bytes sampled evenly across the run (`length` at least 32) is above
 * 0x7F. Never for ASCII, which must keep the one-shot decoder's fast path; text with a
 * multi-byte character every few bytes is found at once, and sparse ones that the
 * samples miss decode one-shot, as before.
 */
function anyNotAscii(elements: Uint8Array, start: number, length: number): boolean {
	const stride = length >> 5
	let bits = 0
	for (let i = start; i < start + 32 * stride; i += stride) bits |= elements[i]!
	return bits >= 0x80
}

/** Whether at least half of 8 bytes sampled evenly across the run are above 0x7F. */
function mostlyNotAscii(elements: Uint8Array, start: number, length: number): boolean {
	const stride = length >> 3
	let high = 0
	for (let i = start; i < start + 8 * stride; i += stride) high += elements[i]! >> 7
	return high >= 4
}

/** The UTF-8 byte length of `value` (no terminator). */
export function measure(value: string, _method: string): number {
	if (value.length < MEASURE_NATIVE_FROM_UNITS) return measureUtf8ByLoop(value)
	// Encodes into a scratch buffer and keeps the bytes for `encodeMeasured`.
	return measureUtf8ByEncoding(value)
}

/** The UTF-8 byte length of `value` (no terminator), counted without encoding it. */
export function encodedLength(value: string, _method: string): number {
	return measureUtf8ByLoop(value)
}

/** Writes the `count` bytes of `value` (just measured) at `elements[start]`, no terminator. */
export function encodeMeasured(value: string, elements: Uint8Array, start: number, count: number): void {
	if (value.length < MEASURE_NATIVE_FROM_UNITS) {
		encodeUtf8ByLoop(value, elements, start, count)
	} else if (!copyRememberedUtf8(value, elements, start, count)) {
		encodeUtf8Native(value, elements, start, count)
	}
}

/**
 * Writes `value` and a terminator if they fit in `room` bytes; returns the byte count
 * (without terminator), or -1 having written nothing.
 */
export function write(value: string, elements: Uint8Array, start: number, room: number, _method: string): number {
	const length = value.length
	// Every code unit takes at least one byte, and the terminator one more.
	if (length >= room) return -1
	if (length >= WRITE_LOOP_BELOW_UNITS) return writeLong(value, elements, start, room)

	// Most short strings are ASCII, and an ASCII string shorter than the room fits.
	let i = 0
	// At most 3 bytes per code unit (a surrogate pair is 4 bytes for 2 units), so when
	// 3 per unit fit, the string fits whatever it holds and needs no measuring.
	if (length * 3 < room) {
		// One pass, storing each byte as it is read.
		for (; i < length; i++) {
			const unit = value.charCodeAt(i)
			if (unit >= 0x80) break
			elements[start + i] = unit
		}
	} else {
		// Check first, so that a string that turns out not to fit leaves no trace: all code
		// units OR-ed together, a loop without an exit (5 characters into an exact room:
		// 16.1 against 16.9 ns stopping at the first unit above 0x7F, Node 20). Each unit is
		// read once, into a small array the stores then read from: `charCodeAt` costs about
		// twice an element load (27.7 -> 24.4 ns, bench/compare-builds.ts --suite strings).
		const units = shortUnits
		let bits = 0
		for (let k = 0; k < length; k++) bits |= units[k] = value.charCodeAt(k)
		if (bits < 0x80) {
			for (; i < length; i++) elements[start + i] = units[i]!
		}
	}
	if (i === length) {
		elements[start + length] = 0
		return length
	}
	return writeShortNotAscii(value, elements, start, room)
}

/**
 * `write` of a string from `WRITE_LOOP_BELOW_UNITS` up to `WRITE_NATIVE_FROM_UNITS` code
 * units, shorter than `room` (only in a browser, see host.ts): loops of its own, as
 * `write`'s are, but into a room the string may not fit it is encoded into a small array
 * first (one pass over the string and one over its bytes, where `write`'s check and then
 * measuring is three passes for a string that is not ASCII).
 */
function writeMedium(value: string, elements: Uint8Array, start: number, room: number): number {
	const length = value.length
	if (length * 3 >= room) {
		// A room it may not fit, and nothing may be stored before it is known to fit:
		// encoded into a small array of 3 bytes per code unit (one pass over the string),
		// and copied in if it fits.
		const bytes = mediumBytes
		const count = encodeUtf8ByLoop(value, bytes, 0)
		if (count >= room) return -1
		for (let k = 0; k < count; k++) elements[start + k] = bytes[k]!
		elements[start + count] = 0
		return count
	}
	let i = 0
	for (; i < length; i++) {
		const unit = value.charCodeAt(i)
		if (unit >= 0x80) break
		elements[start + i] = unit
	}
	if (i === length) {
		elements[start + length] = 0
		return length
	}
	return writeShortNotAscii(value, elements, start, room)
}

/**
 * `write` of a short string that is not all ASCII (a function of its own: `write`'s
 * code stays the ASCII path's whatever strings it has seen). Where 3 bytes per code unit
 * fit, one pass encodes and counts; otherwise the string is measured first, so that one
 * that does not fit writes nothing.
 */
function writeShortNotAscii(value: string, elements: Uint8Array, start: number, room: number): number {
	let count: number
	if (value.length * 3 < room) {
		count = encodeUtf8ByLoop(value, elements, start)
	} else {
		count = measureUtf8ByLoop(value)
		if (count >= room) return -1
		encodeUtf8ByLoop(value, elements, start, count)
	}
	elements[start + count] = 0
	return count
}

/** The code units of a short string written into a room it may not fit (`write`). */
const shortUnits = new Uint16Array(WRITE_LOOP_BELOW_UNITS)

/** The encoding of a string written by `writeMedium` into a room it may not fit, 3 bytes per code unit (browsers only: unused where `WRITE_NATIVE_FROM_UNITS` is 24). */
const mediumBytes = new Uint8Array(3 * WRITE_NATIVE_FROM_UNITS)

/**
 * `write` of a string of `WRITE_LOOP_BELOW_UNITS` code units or more, shorter than
 * `room` (a function of its own, so that `write` stays small enough to inline): below
 * `WRITE_NATIVE_FROM_UNITS` through `writeMedium`'s loops, from there through `encodeInto`.
 */
function writeLong(value: string, elements: Uint8Array, start: number, room: number): number {
	const length = value.length
	if (length < WRITE_NATIVE_FROM_UNITS) return writeMedium(value, elements, start, room)
	if (length * 3 <= PREFIX_VIEWS_MAX_BYTES && room <= length * 3) {
		// A room it may not fit, and short enough that its copy out of the scratch buffer
		// goes through a kept view: encoded there, and copied in if it fits. (A room that
		// holds 3 bytes per code unit takes the direct `encodeInto` below, whose view of the
		// heap `byteRange` makes cheaply.)
		const count = encodeUtf8ThroughScratch(value, elements, start, room - 1)
		if (count < 0) return -1
		elements[start + count] = 0
		return count
	}
	// At most 3 bytes per code unit (a surrogate pair is 4 bytes for 2 units), so when
	// 3 per unit fit, the string fits whatever it holds and needs no measuring.
	const cannotOverflow = length * 3 < room
	if (cannotOverflow && encoderAccepts(elements)) {
		// The target is bounded by the string, not the room: Node 20's encodeInto writes
		// nothing at all into a view of 2^31 bytes or more (2^31 - 1 works).
		const count = encodeUtf8IntoView(value, elements, start, length * 3)
		elements[start + count] = 0
		return count
	}

	// Whether the heap is not shared is asked last: reading `.buffer` costs about 20 ns on
	// Node 20, a third of a 60-byte write.
	if (room <= SCRATCH_ENCODE_MAX_BYTES && (room <= SCRATCH_ENCODE_ALWAYS_BYTES || room > length + (length >> 2) || !(elements.buffer instanceof ArrayBuffer))) {
		// It may not fit (an exact room, most often): encode into the scratch buffer, which
		// tells whether it fits, and copy it in if it does. The heap sees only the final
		// bytes, so this serves shared heaps and views the engine refuses alike. When the
		// scratch buffer holds 3 bytes per code unit, V8 encodes without checking the room
		// as it goes, which makes this faster than raw `encodeInto` into an exact room:
		// Node 20, 88 vs 110 ns at 64 bytes of ASCII, 2.8 vs 6.5 us at 4 KiB of mixed text.
		const count = encodeUtf8ThroughScratch(value, elements, start, room - 1)
		if (count < 0) return -1
		elements[start + count] = 0
		return count
	}

	if (elements.buffer instanceof ArrayBuffer && encoderAccepts(elements)) {
		// A long room that it may not fit: encode in place and put the
		// bytes back if it did not. Only on a non-shared heap, where no other thread can see
		// the bytes in between.
		const count = encodeUtf8InPlaceOrRestore(value, elements, start, room - 1)
		if (count < 0) return -1
		elements[start + count] = 0
		return count
	}

	// A shared heap with a room beyond the scratch buffer that it may not fit, or a view the
	// engine refuses (a shared heap in Chromium): measure first, through the scratch buffer.
	const count = measureUtf8ByEncoding(value)
	if (count >= room) return -1
	if (!copyRememberedUtf8(value, elements, start, count)) encodeUtf8Native(value, elements, start, count)
	elements[start + count] = 0
	return count
}
