/**
 * English for numbers and names inside messages and generated docs, written once for
 * both (the generator imports it): the indefinite article a word is read with, and a
 * count with its noun in the right number.
 */

/**
 * `'an'` when `text` is read starting with a vowel sound, else `'a'`: "an 8-byte access",
 * "an 11-bit bitfield", "an unsigned integer", "an ASCII string", "an `Int32Ref`", but
 * "a UTF-8 string", "a `Uint8Array`", "a 16-bit float", "a unique name".
 */
export function article(text: string): 'a' | 'an' {
	return /^(?:[aeio]|u(?!ni|tf|int|s[aeiou])|8|1[18](?:\d{3})*(?!\d))/i.test(text) ? 'an' : 'a'
}

/** `text` after its indefinite article: "an 8-byte", "a UTF-8 …". */
export function withArticle(text: string): string {
	return `${article(text)} ${text}`
}

/** `count` and `noun`, plural unless the count is 1: "1 element", "0 elements", "8 bytes". */
export function counted(count: number | bigint, noun: string): string {
	return `${count} ${noun}${count === 1 || count === 1n ? '' : 's'}`
}
