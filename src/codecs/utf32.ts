/**
 * UTF-32 strings in a `Uint32Array`: one code point per element (host byte order,
 * little-endian wherever WebAssembly runs). A valid surrogate pair is stored as the
 * one code point it encodes; a lone surrogate is stored as its own value, so every JS
 * string reads back exactly. Reading an element above 0x10FFFF throws `RangeError`.
 *
 * Long runs are converted to UTF-16 code units in a scratch `Uint16Array` and decoded
 * from there by `TextDecoder('utf-16le')` (with the same U+FFFD check as `utf16.ts`).
 */
import { byHost } from './host.js'
import { findZeroUint32 } from './terminators.js'
import { throwCodePointTooLarge } from './codecErrors.js'
import { decodesByHostCopy, decodeUtf32ByLoop, decodeUtf32Native } from './utf32Decoding.js'

/**
 * Runs at least this many elements long become a string through the host's `ucs2Slice`
 * or `TextDecoder` (utf32Decoding.ts), shorter ones through `fromCharCode`. With
 * `ucs2Slice` (Node, Bun), Node 20.20, `npx tsx bench/crossover.bench.ts` ("UTF-32
 * decode" rows, loop / native ns): faster from 16 elements of ASCII and of mixed text
 * (81 / 60 and 123 / 86; at 8, 29 / 61 and 52 / 71). With `TextDecoder` (Deno, and
 * before the host's copy was used on Node): faster from 48 elements of mixed text on
 * Node 20.20 (299 vs 304 ns; 358 vs 409 at 64) and from 96 of ASCII (385 vs 430 ns; at
 * 64: 309 vs 280). Chromium 156, `npx tsx bench/crossover-browser.ts`: from 128 elements
 * of mixed text (level there: 1443-1595 vs 1377-1385 ns; 515-648 vs 773-845 at 64; two
 * runs), from 256 of ASCII.
 */
const DECODE_NATIVE_FROM_ELEMENTS = decodesByHostCopy ? 16 : byHost(64, 128)

/**
 * Runs shorter than this become a string one `fromCharCode` per code point, with no
 * scratch array, as Emscripten's `UTF32ToString` does: `readNullTerminatedUtf32String` of
 * 2 code points took 33-35 ns through the scratch array and 11 ns this way (Node 20, in a
 * loop of 1,000 reads; `UTF32ToString` 10-21 ns in the same processes).
 */
const DECODE_CONCAT_BELOW_ELEMENTS = 4

/** `decode` of fewer than `DECODE_CONCAT_BELOW_ELEMENTS` elements. */
function decodeShort(elements: Uint32Array, start: number, length: number): string {
	let result = ''
	for (let i = start; i < start + length; i++) {
		const value = elements[i]!
		if (value <= 0xffff) {
			result += fromCharCode(value)
		} else if (value <= 0x10ffff) {
			result += fromCharCode(0xd7c0 + (value >> 10), 0xdc00 | (value & 0x3ff))
		} else {
			throwCodePointTooLarge(i - start, value)
		}
	}
	return result
}

const fromCharCode = String.fromCharCode

/**
 * The string at `elements[start]` if it is at most 2 BMP code points, its terminator
 * among its first 3 elements and those within `scan`; otherwise `undefined`, and the
 * caller scans and decodes as usual (which also throws for an element above 0x10FFFF).
 * One pass that reads at most 3 elements and makes the string with one `fromCharCode`.
 * Kept this small (102 bytes of bytecode) so that TurboFan inlines it next to the scan
 * and the decode: on Node 24 a 3-code-point version (173 bytes) was left a call in the
 * 64 B read's loop once the inlining budget was spent. (The 64 B read still measures
 * about 10% slower on Node 24 in two-build processes: bench/notes.ts.)
 */
export function decodeShortTerminated(elements: Uint32Array, start: number, scan: number): string | undefined {
	if (scan < 3) return undefined
	const first = elements[start]!
	if (first === 0) return ''
	const second = elements[start + 1]!
	if (first > 0xffff || second > 0xffff) return undefined
	if (second === 0) return fromCharCode(first)
	return elements[start + 2] === 0 ? fromCharCode(first, second) : undefined
}

/** Number of elements before the first 0 in `elements[start .. start + limit)`, or -1. */
export { findZeroUint32 as findTerminator }

/**
 * The string whose code points are `elements[start .. start + length)`. Throws
 * `RangeError` for an element above 0x10FFFF; the message gives its index counted
 * from `start` (the caller adds the address).
 */
export function decode(elements: Uint32Array, start: number, length: number): string {
	if (length < DECODE_CONCAT_BELOW_ELEMENTS) return decodeShort(elements, start, length)
	if (length < DECODE_NATIVE_FROM_ELEMENTS) return decodeUtf32ByLoop(elements, start, length)
	return decodeUtf32Native(elements, start, length)
}

/** The number of code points in `value`: its length less one per valid surrogate pair. */
function countCodePoints(value: string): number {
	const length = value.length
	let count = length
	for (let i = 0; i < length - 1; i++) {
		if ((value.charCodeAt(i) & 0xfc00) === 0xd800 && (value.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
			count--
			i++
		}
	}
	return count
}

/** The number of code points of `value`. */
export function measure(value: string, _method: string): number {
	return countCodePoints(value)
}

/** The encoded length of `value` in elements: what `measure` counts (nothing here can fail). */
export const encodedLength = measure

/** Writes the `count` code points of `value` (just measured) at `elements[start]`, no terminator. */
export function encodeMeasured(value: string, elements: Uint32Array, start: number, count: number): void {
	const length = value.length
	if (count === length) {
		// No surrogate pairs: every code unit is its element.
		for (let i = 0; i < length; i++) elements[start + i] = value.charCodeAt(i)
		return
	}
	encodeCodePoints(value, elements, start)
}

/** Writes the code points of `value` at `elements[start]` (no terminator) and returns how many. */
function encodeCodePoints(value: string, elements: Uint32Array, start: number): number {
	// The loop of `encodeCodePointsFrom` again: sharing it made 2-code-point writes 1.4x
	// slower (12.5 -> 17.3 ns, Node 20, bench/compare-builds.ts --suite strings).
	const length = value.length
	let at = start
	for (let i = 0; i < length; i++) {
		const unit = value.charCodeAt(i)
		if ((unit & 0xfc00) === 0xd800 && i + 1 < length) {
			const next = value.charCodeAt(i + 1)
			if ((next & 0xfc00) === 0xdc00) {
				elements[at++] = ((unit - 0xd800) << 10) + (next - 0xdc00) + 0x10000
				i++
				continue
			}
		}
		elements[at++] = unit
	}
	return at - start
}

/**
 * Writes the code points of `value` from code unit `from` on at `elements[at]` (no
 * terminator) and returns the index after the last element written.
 */
function encodeCodePointsFrom(value: string, from: number, elements: Uint32Array, at: number): number {
	const length = value.length
	for (let i = from; i < length; i++) {
		const unit = value.charCodeAt(i)
		if ((unit & 0xfc00) === 0xd800 && i + 1 < length) {
			const next = value.charCodeAt(i + 1)
			if ((next & 0xfc00) === 0xdc00) {
				elements[at++] = ((unit - 0xd800) << 10) + (next - 0xdc00) + 0x10000
				i++
				continue
			}
		}
		elements[at++] = unit
	}
	return at
}

/**
 * Writes `value` and a terminator if they fit in `room` elements; returns the
 * code point count (without terminator), or -1 having written nothing.
 */
export function write(value: string, elements: Uint32Array, start: number, room: number, _method: string): number {
	// A string has at most as many code points as code units: shorter than the room, it
	// fits, and one pass writes it.
	if (value.length < room) {
		const written = encodeCodePoints(value, elements, start)
		elements[start + written] = 0
		return written
	}
	// Each code point is at most two code units.
	if (value.length >= room * 2) return -1
	return writeMayNotFit(value, elements, start, room)
}

/**
 * `write` of a string with as many code units as the room or more (and fewer than twice
 * as many), which fits exactly when it holds at least `length - room + 1` surrogate pairs
 * (each pair is one element for two code units); kept apart so that `write` stays small
 * enough to inline.
 *
 * Every way costs a `charCodeAt` per code unit, the dearest part (about 2 ns each on
 * Node 20, against under 1 ns for an element stored), so none reads the string twice
 * where it can help it. On a non-shared heap a short room is written in one pass that
 * saves each element before overwriting it, until it has met the pairs it needs (then
 * the string fits, and the rest is written plainly); if the room runs out first, the
 * saved elements go back. A long room is saved in one copy first. On a shared heap,
 * where another thread could see the elements in between, the pairs are looked for
 * first, stopping as soon as there are enough, and the string is then written in one pass.
 * 16 code points with one pair into an exact room: 97 -> 72 ns (bench/compare-builds.ts
 * --suite strings, in either order of the builds; `stringToUTF32` 52 ns). In one
 * process with the other sizes' writes: without saving (a write that may not fit) it
 * would take 59 ns; copying the room first in a loop took 83 ns.
 */
function writeMayNotFit(value: string, elements: Uint32Array, start: number, room: number): number {
	if (room <= SAVE_FROM_ELEMENTS && (elements === nonSharedElements || isNonShared(elements))) {
		const available = room - 1
		if (saved.length < available) saved = new Uint32Array(Math.max(SAVE_FROM_ELEMENTS, saved.length))
		return encodeCodePointsSaving(value, elements, start, available, value.length - available, saved)
	}
	return writeLongOrShared(value, elements, start, room)
}

/** `writeMayNotFit` into a room of more than `SAVE_FROM_ELEMENTS` elements, or on a shared heap. */
function writeLongOrShared(value: string, elements: Uint32Array, start: number, room: number): number {
	const available = room - 1
	if (elements.buffer instanceof ArrayBuffer) {
		if (saved.length < available) saved = new Uint32Array(Math.max(available, 2 * saved.length))
		saved.set(elements.subarray(start, start + available))
		const end = encodeCodePointsWithin(value, elements, start, available)
		if (end < 0) {
			elements.set(saved.subarray(0, available), start)
			return -1
		}
		elements[end] = 0
		return end - start
	}
	let needed = value.length - available
	const length = value.length
	for (let i = 0; i < length - 1; i++) {
		if ((value.charCodeAt(i) & 0xfc00) === 0xd800 && (value.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
			if (--needed === 0) {
				const written = encodeCodePoints(value, elements, start)
				elements[start + written] = 0
				return written
			}
			i++
		}
	}
	return -1
}

/**
 * The last view found to be over a non-shared buffer (a view's buffer never changes, and
 * the codec is handed the same whole-heap view again and again): reading `.buffer` costs
 * about 20 ns on Node 20, a whole short write's worth. Held strongly, so it keeps the
 * last heap written to alive until a write to another heap replaces it (held through a
 * `WeakRef`, `deref()` cost 15 ns a write: 64-element writes 0.82x, bench/compare-builds.ts
 * --suite strings, both orders); test/defects.test.ts pins that no more than one is kept.
 */
let nonSharedElements: Uint32Array | undefined

function isNonShared(elements: Uint32Array): boolean {
	if (!(elements.buffer instanceof ArrayBuffer)) return false
	nonSharedElements = elements
	return true
}

/**
 * Rooms larger than this (in elements) are saved in one copy before a write that may
 * not fit; smaller ones element by element as they are overwritten. `npm run bench --
 * strings`, Node 20: the copy made 16-element writes slower (95 vs 86 ns, against
 * counting first) and 1,024-element ones 1.9x faster.
 */
const SAVE_FROM_ELEMENTS = 256

/** The elements a bounded write saves before writing, reused between calls. */
let saved = new Uint32Array(0)

/**
 * Writes the code points of `value` at `elements[start]`, at most `available` of them,
 * first saving each element it overwrites in `save[0 ..]` until it has met
 * `pairsNeeded` surrogate pairs (from there on the string fits: the rest is written
 * without saving), and the terminator after them. Returns how many code points, or -1
 * if the string did not fit, having put every overwritten element back.
 *
 * The loop counts elements, not code units: one bound (`available`) per element, and
 * the end of the string tested once per element after it is stored. The loop this
 * replaced tested the room's end and the string's end each per code unit, saving at
 * `at - start`: 16 code points with one pair into an exact room took 106 -> 87 ns in
 * a plain Node 20 process (without saving, 78 ns; `stringToUTF32` 82 ns).
 */
function encodeCodePointsSaving(value: string, elements: Uint32Array, start: number, available: number, pairsNeeded: number, save: Uint32Array): number {
	const length = value.length
	let i = 0
	for (let k = 0; k < available; k++) {
		let unit = value.charCodeAt(i++)
		if ((unit & 0xfc00) === 0xd800 && i < length) {
			const next = value.charCodeAt(i)
			if ((next & 0xfc00) === 0xdc00) {
				unit = ((unit - 0xd800) << 10) + (next - 0xdc00) + 0x10000
				i++
				if (--pairsNeeded === 0) {
					elements[start + k] = unit
					const end = encodeCodePointsFrom(value, i, elements, start + k + 1)
					elements[end] = 0
					return end - start
				}
			}
		}
		save[k] = elements[start + k]!
		elements[start + k] = unit
		if (i === length) {
			elements[start + k + 1] = 0
			return k + 1
		}
	}
	// `available` elements written and code units left: it does not fit.
	for (let k = 0; k < available; k++) elements[start + k] = save[k]!
	return -1
}

/**
 * Writes the code points of `value` (not empty) at `elements[start]`, at most
 * `available` of them; returns the index after the last element written, or -1 if the
 * string did not fit (having written up to the bound). Counts elements against the
 * bound, as `encodeCodePointsSaving` does.
 */
function encodeCodePointsWithin(value: string, elements: Uint32Array, start: number, available: number): number {
	const length = value.length
	let i = 0
	for (let k = 0; k < available; k++) {
		let unit = value.charCodeAt(i++)
		if ((unit & 0xfc00) === 0xd800 && i < length) {
			const next = value.charCodeAt(i)
			if ((next & 0xfc00) === 0xdc00) {
				unit = ((unit - 0xd800) << 10) + (next - 0xdc00) + 0x10000
				i++
			}
		}
		elements[start + k] = unit
		if (i === length) return start + k + 1
	}
	return -1
}
