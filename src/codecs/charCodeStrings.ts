/**
 * Strings built from code units with `String.fromCharCode`: bytes read as Latin-1
 * (each byte is the code unit of the same value) and UTF-16 code units as they are.
 *
 * `...ByConcat` is for short runs: one `fromCharCode` call with 8 arguments costs
 * about what a call with 1 does, so it takes 8 elements at a time, and the last 0-7
 * in one call. `...ByApply` is for long runs: `fromCharCode.apply` over a subarray
 * has a higher fixed cost (~75 ns on Node 20) but builds each chunk in one go.
 * One copy per TypedArray type keeps the element accesses monomorphic.
 */

const fromCharCode = String.fromCharCode

/** Elements per `fromCharCode.apply` call: far below any engine's argument limit. */
const APPLY_CHUNK_ELEMENTS = 4096

/** The string whose code units are `bytes[start .. start + length)`, built 8 at a time. */
export function latin1ByConcat(bytes: Uint8Array, start: number, length: number): string {
	const end = start + length
	let result = ''
	let i = start
	for (; i + 8 <= end; i += 8) {
		result += fromCharCode(
			bytes[i]!,
			bytes[i + 1]!,
			bytes[i + 2]!,
			bytes[i + 3]!,
			bytes[i + 4]!,
			bytes[i + 5]!,
			bytes[i + 6]!,
			bytes[i + 7]!,
		)
	}
	switch (end - i) {
		case 0:
			return result
		case 1:
			return result + fromCharCode(bytes[i]!)
		case 2:
			return result + fromCharCode(bytes[i]!, bytes[i + 1]!)
		case 3:
			return result + fromCharCode(bytes[i]!, bytes[i + 1]!, bytes[i + 2]!)
		case 4:
			return result + fromCharCode(bytes[i]!, bytes[i + 1]!, bytes[i + 2]!, bytes[i + 3]!)
		case 5:
			return result + fromCharCode(bytes[i]!, bytes[i + 1]!, bytes[i + 2]!, bytes[i + 3]!, bytes[i + 4]!)
		case 6:
			return result + fromCharCode(bytes[i]!, bytes[i + 1]!, bytes[i + 2]!, bytes[i + 3]!, bytes[i + 4]!, bytes[i + 5]!)
		default:
			return (
				result +
				fromCharCode(bytes[i]!, bytes[i + 1]!, bytes[i + 2]!, bytes[i + 3]!, bytes[i + 4]!, bytes[i + 5]!, bytes[i + 6]!)
			)
	}
}

/** The string whose code units are `bytes[start .. start + length)`, built in chunks with `apply`. */
export function latin1ByApply(bytes: Uint8Array, start: number, length: number): string {
	const end = start + length
	let result = ''
	for (let i = start; i < end; i += APPLY_CHUNK_ELEMENTS) {
		const chunk = bytes.subarray(i, Math.min(end, i + APPLY_CHUNK_ELEMENTS))
		result += fromCharCode.apply(null, chunk as unknown as number[])
	}
	return result
}

/** The string whose code units are `units[start .. start + length)`, built 8 at a time. */
export function utf16ByConcat(units: Uint16Array, start: number, length: number): string {
	const end = start + length
	let result = ''
	let i = start
	for (; i + 8 <= end; i += 8) {
		result += fromCharCode(
			units[i]!,
			units[i + 1]!,
			units[i + 2]!,
			units[i + 3]!,
			units[i + 4]!,
			units[i + 5]!,
			units[i + 6]!,
			units[i + 7]!,
		)
	}
	switch (end - i) {
		case 0:
			return result
		case 1:
			return result + fromCharCode(units[i]!)
		case 2:
			return result + fromCharCode(units[i]!, units[i + 1]!)
		case 3:
			return result + fromCharCode(units[i]!, units[i + 1]!, units[i + 2]!)
		case 4:
			return result + fromCharCode(units[i]!, units[i + 1]!, units[i + 2]!, units[i + 3]!)
		case 5:
			return result + fromCharCode(units[i]!, units[i + 1]!, units[i + 2]!, units[i + 3]!, units[i + 4]!)
		case 6:
			return result + fromCharCode(units[i]!, units[i + 1]!, units[i + 2]!, units[i + 3]!, units[i + 4]!, units[i + 5]!)
		default:
			return (
				result +
				fromCharCode(units[i]!, units[i + 1]!, units[i + 2]!, units[i + 3]!, units[i + 4]!, units[i + 5]!, units[i + 6]!)
			)
	}
}

/** The string whose code units are `units[start .. start + length)`, built in chunks with `apply`. */
export function utf16ByApply(units: Uint16Array, start: number, length: number): string {
	const end = start + length
	let result = ''
	for (let i = start; i < end; i += APPLY_CHUNK_ELEMENTS) {
		const chunk = units.subarray(i, Math.min(end, i + APPLY_CHUNK_ELEMENTS))
		result += fromCharCode.apply(null, chunk as unknown as number[])
	}
	return result
}
