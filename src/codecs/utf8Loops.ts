/**
 * UTF-8 in plain JS loops, for strings too short for `TextDecoder` / `TextEncoder` to
 * pay off (see the thresholds in `utf8.ts`). They produce exactly what those produce.
 */
import { latin1ByConcat, utf16ByConcat } from './charCodeStrings.js'

const fromCharCode = String.fromCharCode

/** Code units the decode loop gathers before turning them into a string. */
const SCRATCH_UNITS = 256

const scratchUnits = new Uint16Array(SCRATCH_UNITS)

/**
 * Decodes `bytes[start .. start + length)` exactly as a non-fatal `TextDecoder('utf-8')`
 * with `ignoreBOM` does: each maximal subpart of an ill-formed sequence becomes one
 * U+FFFD (WHATWG Encoding, "UTF-8 decoder"; Unicode 15, section 3.9, table 3-7):
 *
 * | lead    | second byte | third, fourth |
 * | ------- | ----------- | ------------- |
 * | C2..DF  | 80..BF      |               |
 * | E0      | A0..BF      | 80..BF        |
 * | E1..EC  | 80..BF      | 80..BF        |
 * | ED      | 80..9F      | 80..BF        |
 * | EE..EF  | 80..BF      | 80..BF        |
 * | F0      | 90..BF      | 80..BF        |
 * | F1..F3  | 80..BF      | 80..BF        |
 * | F4      | 80..8F      | 80..BF        |
 *
 * Any other lead (80..C1, F5..FF) is one U+FFFD; a lead followed by fewer valid
 * continuation bytes than it needs is one U+FFFD for the lead and those bytes, and
 * the byte that broke the sequence is decoded afresh.
 */
export function decodeUtf8ByLoop(bytes: Uint8Array, start: number, length: number): string {
	const end = start + length
	let result = ''
	let i = start
	// A leading run of ASCII goes 8 bytes per fromCharCode call, straight from the bytes.
	while (i + 8 <= end) {
		const b0 = bytes[i]!
		const b1 = bytes[i + 1]!
		const b2 = bytes[i + 2]!
		const b3 = bytes[i + 3]!
		const b4 = bytes[i + 4]!
		const b5 = bytes[i + 5]!
		const b6 = bytes[i + 6]!
		const b7 = bytes[i + 7]!
		if ((b0 | b1 | b2 | b3 | b4 | b5 | b6 | b7) >= 0x80) break
		result += fromCharCode(b0, b1, b2, b3, b4, b5, b6, b7)
		i += 8
	}
	if (i === end) return result

	// A tail of fewer than 8 bytes that is all ASCII: one call, straight from the bytes.
	if (end - i < 8) {
		let bits = 0
		for (let k = i; k < end; k++) bits |= bytes[k]!
		if (bits < 0x80) return result + latin1ByConcat(bytes, i, end - i)
	}

	// The rest is decoded into code units in a scratch array, which becomes a string 8
	// units per call: about 2.5x faster on mixed text than a concatenation per character.
	const units = scratchUnits
	let count = 0
	while (i < end) {
		if (count > SCRATCH_UNITS - 2) {
			result += utf16ByConcat(units, 0, count)
			count = 0
		}

		const lead = bytes[i]!
		if (lead < 0x80) {
			units[count++] = lead
			i++
			continue
		}

		// Past `end`, a continuation byte reads as 0, which is never valid.
		const c1 = i + 1 < end ? bytes[i + 1]! : 0
		if (lead < 0xe0) {
			if (lead >= 0xc2 && (c1 & 0xc0) === 0x80) {
				units[count++] = ((lead & 0x1f) << 6) | (c1 & 0x3f)
				i += 2
			} else {
				units[count++] = 0xfffd
				i++
			}
			continue
		}

		if (lead < 0xf0) {
			// E0 needs A0..BF (shorter forms are overlong); ED needs 80..9F (A0..BF would encode surrogates).
			const low = lead === 0xe0 ? 0xa0 : 0x80
			const high = lead === 0xed ? 0x9f : 0xbf
			if (c1 < low || c1 > high) {
				units[count++] = 0xfffd
				i++
				continue
			}
			const c2 = i + 2 < end ? bytes[i + 2]! : 0
			if ((c2 & 0xc0) !== 0x80) {
				units[count++] = 0xfffd
				i += 2
				continue
			}
			units[count++] = ((lead & 0x0f) << 12) | ((c1 & 0x3f) << 6) | (c2 & 0x3f)
			i += 3
			continue
		}

		if (lead < 0xf5) {
			// F0 needs 90..BF (shorter forms are overlong); F4 needs 80..8F (above is past U+10FFFF).
			const low = lead === 0xf0 ? 0x90 : 0x80
			const high = lead === 0xf4 ? 0x8f : 0xbf
			if (c1 < low || c1 > high) {
				units[count++] = 0xfffd
				i++
				continue
			}
			const c2 = i + 2 < end ? bytes[i + 2]! : 0
			if ((c2 & 0xc0) !== 0x80) {
				units[count++] = 0xfffd
				i += 2
				continue
			}
			const c3 = i + 3 < end ? bytes[i + 3]! : 0
			if ((c3 & 0xc0) !== 0x80) {
				units[count++] = 0xfffd
				i += 3
				continue
			}
			const codePoint = ((lead & 0x07) << 18) | ((c1 & 0x3f) << 12) | ((c2 & 0x3f) << 6) | (c3 & 0x3f)
			// As a surrogate pair: 0xD800 + ((codePoint - 0x10000) >> 10) === 0xD7C0 + (codePoint >> 10).
			units[count++] = 0xd7c0 + (codePoint >> 10)
			units[count++] = 0xdc00 | (codePoint & 0x3ff)
			i += 4
			continue
		}

		units[count++] = 0xfffd
		i++
	}
	return result + utf16ByConcat(units, 0, count)
}

/**
 * The UTF-8 byte length of `value`: 1 byte up to U+007F, 2 up to U+07FF, 4 for a valid
 * surrogate pair, 3 otherwise, lone surrogates included (they are written as U+FFFD).
 */
export function measureUtf8ByLoop(value: string): number {
	const length = value.length
	let byteCount = length
	for (let i = 0; i < length; i++) {
		const unit = value.charCodeAt(i)
		if (unit < 0x80) {
			// One byte, counted already.
		} else if (unit < 0x800) {
			byteCount += 1
		} else if (unit <= 0xdbff && unit >= 0xd800 && i + 1 < length && (value.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
			// Two code units, four bytes.
			byteCount += 2
			i++
		} else {
			byteCount += 2
		}
	}
	return byteCount
}

/**
 * Writes the UTF-8 encoding of `value` at `bytes[start]`, as `TextEncoder` encodes it
 * (lone surrogates as U+FFFD, EF BF BD), and returns its byte count. `byteCount`, what
 * `measureUtf8ByLoop` measured if it was, tells an all-ASCII string (one byte per code
 * unit); without it the loop encodes whatever the string holds, into room the caller
 * knows it has (3 bytes per code unit).
 */
export function encodeUtf8ByLoop(value: string, bytes: Uint8Array, start: number, byteCount?: number): number {
	const length = value.length
	if (byteCount === length) {
		// All ASCII: every code unit is its byte.
		for (let i = 0; i < length; i++) bytes[start + i] = value.charCodeAt(i)
		return length
	}

	let at = start
	for (let i = 0; i < length; i++) {
		let unit = value.charCodeAt(i)
		if (unit < 0x80) {
			bytes[at++] = unit
		} else if (unit < 0x800) {
			bytes[at++] = 0xc0 | (unit >> 6)
			bytes[at++] = 0x80 | (unit & 0x3f)
		} else {
			if ((unit & 0xf800) === 0xd800) {
				const next = i + 1 < length ? value.charCodeAt(i + 1) : 0
				if (unit <= 0xdbff && (next & 0xfc00) === 0xdc00) {
					const codePoint = ((unit - 0xd800) << 10) + (next - 0xdc00) + 0x10000
					bytes[at++] = 0xf0 | (codePoint >> 18)
					bytes[at++] = 0x80 | ((codePoint >> 12) & 0x3f)
					bytes[at++] = 0x80 | ((codePoint >> 6) & 0x3f)
					bytes[at++] = 0x80 | (codePoint & 0x3f)
					i++
					continue
				}
				unit = 0xfffd
			}
			bytes[at++] = 0xe0 | (unit >> 12)
			bytes[at++] = 0x80 | ((unit >> 6) & 0x3f)
			bytes[at++] = 0x80 | (unit & 0x3f)
		}
	}
	return at - start
}
