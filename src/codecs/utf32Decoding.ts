/**
 * Strings from UTF-32 elements. Both ways first convert the elements to UTF-16 code
 * units in a scratch `Uint16Array`; short runs then become a string through
 * `fromCharCode` 8 units per call, long ones through the host's `ucs2Slice` where it has
 * one (Node, Bun: hostCopies.ts), else `TextDecoder('utf-16le')` (see the threshold in
 * `utf32.ts`).
 *
 * Both throw `RangeError` for an element above 0x10FFFF, giving its index counted from
 * `start` (the codec does not know the address; the caller adds it).
 */
import { utf16ByApply, utf16ByConcat } from './charCodeStrings.js'
import { throwCodePointTooLarge } from './codecErrors.js'
import { findHostUtf16 } from './hostCopies.js'
import { decodeUtf16leNative } from './textCoders.js'

/**
 * The host's exact UTF-16 copies (Node, Bun), if it has them. Its `ucs2Slice` makes the
 * string of the scratch units as they are, lone surrogates included, where
 * `TextDecoder('utf-16le')` replaces those and its result has to be searched for U+FFFD.
 */
const host = findHostUtf16(globalThis)

/** Whether `decodeUtf32Native` copies through the host's `ucs2Slice` (utf32.ts chooses its threshold by it). */
export const decodesByHostCopy = host !== undefined

/** Elements converted per chunk: at most twice as many code units (128 KiB of scratch). */
const CHUNK_ELEMENTS = 32768

const scratchUnits = new Uint16Array(CHUNK_ELEMENTS * 2)

/**
 * Converts `elements[from .. to)` (at most `CHUNK_ELEMENTS`) to code units at the
 * start of the scratch array and returns how many there are. Lone surrogates stay
 * as they are; `start` is the string's first element, for the error's index.
 */
function toScratchUnits(elements: Uint32Array, from: number, to: number, start: number): number {
	const units = scratchUnits
	let count = 0
	for (let i = from; i < to; i++) {
		const value = elements[i]!
		if (value <= 0xffff) {
			units[count++] = value
		} else if (value <= 0x10ffff) {
			// As a surrogate pair: 0xD800 + ((value - 0x10000) >> 10) === 0xD7C0 + (value >> 10).
			units[count++] = 0xd7c0 + (value >> 10)
			units[count++] = 0xdc00 | (value & 0x3ff)
		} else {
			throwCodePointTooLarge(i - start, value)
		}
	}
	return count
}

/** The string whose code points are `elements[start .. start + length)`, built with `fromCharCode`. */
export function decodeUtf32ByLoop(elements: Uint32Array, start: number, length: number): string {
	const end = start + length
	let result = ''
	for (let from = start; from < end; from += CHUNK_ELEMENTS) {
		const count = toScratchUnits(elements, from, Math.min(end, from + CHUNK_ELEMENTS), start)
		result += utf16ByConcat(scratchUnits, 0, count)
	}
	return result
}

/** The string whose code points are `elements[start .. start + length)`, built by the host's `ucs2Slice` or by `TextDecoder`. */
export function decodeUtf32Native(elements: Uint32Array, start: number, length: number): string {
	const end = start + length
	let result = ''
	for (let from = start; from < end; from += CHUNK_ELEMENTS) {
		const count = toScratchUnits(elements, from, Math.min(end, from + CHUNK_ELEMENTS), start)
		if (host !== undefined) {
			result += host.slice.call(scratchUnits, 0, count * 2)
			continue
		}
		const decoded = decodeUtf16leNative(scratchUnits, 0, count)
		// The decoder turns lone surrogates into U+FFFD: any U+FFFD means the exact path, as in utf16.ts.
		result += decoded.indexOf('\uFFFD') === -1 ? decoded : utf16ByApply(scratchUnits, 0, count)
	}
	return result
}
