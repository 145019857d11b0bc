/**
 * Cold paths that build and throw the codecs' errors. The encode and decode loops call
 * these only after their cheap check failed, so formatting never slows a valid string.
 */
import { heapError } from '../errors.js'

/** `U+00E9`, `U+1F600`: at least four hex digits, upper case. */
function codePointName(codePoint: number): string {
	return `U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}`
}

/**
 * Throws for the first character of `value` at `index` that ASCII cannot hold: anything
 * above U+007F. The message shows the
 * character itself unless it is invisible or a lone surrogate, and always its code point.
 */
export function throwNotAscii(method: string, value: string, index: number): never {
	const codePoint = value.codePointAt(index)!

	let character: string
	if (codePoint >= 0xd800 && codePoint <= 0xdfff) {
		character = `a lone surrogate (${codePointName(codePoint)})`
	} else if (codePoint <= 0x9f) {
		// C1 control characters (U+0080 to U+009F) print as nothing.
		character = `the control character ${codePointName(codePoint)}`
	} else {
		character = `'${String.fromCodePoint(codePoint)}' (${codePointName(codePoint)})`
	}

	throw heapError(RangeError, 'ERR_HEAP_INVALID_VALUE',
		`${method}: the string contains ${character} at index ${index}, which is not an ASCII character (U+0000 to U+007F)`,
	)
}

/**
 * Throws for a UTF-32 element above U+10FFFF. `index` counts elements from the start of
 * the string: the codec does not know the address, the caller prefixes it
 * (`throwStringDecodeError`).
 */
export function throwCodePointTooLarge(index: number, value: number): never {
	throw heapError(RangeError, 'ERR_HEAP_INVALID_VALUE',
		`UTF-32 element at index ${index} holds 0x${value.toString(16)}, above the largest code point 0x10FFFF`,
	)
}
