/**
 * Cold paths that throw the codecs' errors (their texts are in `messages.ts`). The encode
 * and decode loops call these only after their cheap check failed, so formatting never
 * slows a valid string.
 */
import { codePointTooLarge, notAscii, raise } from '../messages.js'

/**
 * Throws for the first character of `value` at `index` that ASCII cannot hold: anything
 * above U+007F. The message shows the
 * character itself unless it is invisible or a lone surrogate, and always its code point.
 */
export function throwNotAscii(method: string, value: string, index: number): never {
	throw raise(notAscii, method, value.codePointAt(index)!, index)
}

/**
 * Throws for a UTF-32 element above U+10FFFF. `index` counts elements from the start of
 * the string: the codec does not know the address, the caller prefixes it
 * (`throwStringDecodeError`).
 */
export function throwCodePointTooLarge(index: number, value: number): never {
	throw raise(codePointTooLarge, index, value)
}
